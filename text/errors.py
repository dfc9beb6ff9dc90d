"""Errors a user can act on.

The CLI prints them as one line (exit 2); the API maps them to 4xx or 503.
"""


class BitextError(Exception):
    """Base for every error whose message alone tells the user what to do."""


class InputError(BitextError, ValueError):
    """The input is unusable (empty, undecodable, wrong language, mismatched files)."""


class ModelUnavailable(BitextError, RuntimeError):
    """A model is neither local nor downloadable; the message names it and both fixes."""
