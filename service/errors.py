"""The service's own errors; app.py alone decides their HTTP statuses (the library's errors,
InputError and ModelUnavailable, live in text.errors)."""

from __future__ import annotations

from text.errors import InputError


class NotStored(LookupError):
    """An id that names no stored document or alignment: 404."""


class LimitExceeded(InputError):
    """Input over a configured size limit: 413. The message names the limit's setting."""
