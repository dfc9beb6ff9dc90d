"""The HTTP service and the CLI over the text, engine, alignment and quality packages."""

from importlib.metadata import version

__version__ = version("bitext")  # pyproject.toml's, as installed
