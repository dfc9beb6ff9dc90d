"""Errors a user can act on.

The CLI prints them as one line (exit 2); the API maps them to 4xx or 503.
"""


class BitextError(Exception):
    """Base for every error whose message alone tells the user what to do."""


class InputError(BitextError, ValueError):
    """The input is unusable (empty, undecodable, wrong language, mismatched files)."""


class ModelUnavailable(BitextError, RuntimeError):
    """A model is neither local nor downloadable; the message names it and both fixes."""


def lone_surrogate(text: str) -> str | None:
    """What makes `text` unstorable, or None: a lone surrogate is not Unicode, so no UTF-8
    encoder, database or cache takes it (it comes from JSON "\\ud800" escapes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(text[error.start])
        return f"not valid unicode: a lone surrogate U+{code:04X} at character {error.start}"
    return None
