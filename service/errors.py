"""Errors the web layer maps to HTTP statuses (the library's own errors live in text.errors)."""

from __future__ import annotations

from text.errors import InputError


class NotFound(LookupError):
    """An id that names nothing: 404."""


class LimitExceeded(InputError):
    """Input over a configured size limit: 413. The message names the limit's setting."""


def over_limit(what: str, size: int, limit: int, setting: str) -> LimitExceeded:
    return LimitExceeded(f"{what} is {size}; the limit is {limit} (setting {setting})")
