"""API keys: which requests carry a valid one, and the session cookie the HTML pages use.

Keys come from `BITEXT_API_KEYS` and `BITEXT_API_KEYS_FILE`; none configured means no key is
needed. A request presents one as `Authorization: Bearer KEY` or `X-API-Key: KEY`. A browser signs
in once (`/signin`) and gets a cookie that names no key: an expiry and an HMAC of it under the
key, so it needs no server-side state, holds across restarts and instances, and dies with its key.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from starlette.requests import HTTPConnection

from service.settings import Settings
from text.errors import InputError

SESSION_COOKIE = "bitext_session"
SESSION_SECONDS = 12 * 3600


def _read_keys(settings: Settings) -> list[str]:
    keys = list(settings.api_keys)
    if settings.api_keys_file is not None:
        try:
            lines = settings.api_keys_file.read_text("utf-8").splitlines()
        except OSError as error:
            raise InputError(f"BITEXT_API_KEYS_FILE: {error}") from None
        keys += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return keys


class ApiKeys:
    def __init__(self, keys: list[str]) -> None:
        self._keys = [key.encode() for key in dict.fromkeys(keys)]

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiKeys:
        return cls(_read_keys(settings))

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    def valid(self, key: str) -> str | None:
        """An opaque name of the key (for rate limits and logs), or None if it is no key."""
        given = key.encode()
        for known in self._keys:
            if hmac.compare_digest(given, known):
                return hashlib.sha256(known).hexdigest()[:16]
        return None

    def identify(self, connection: HTTPConnection, *, cookie: bool) -> str | None:
        """The name of the key the request presents (header, or the session cookie where
        `cookie`), or None."""
        authorization = connection.headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        key = token.strip() if scheme.lower() == "bearer" else connection.headers.get("x-api-key")
        if key:
            return self.valid(key)
        session = connection.cookies.get(SESSION_COOKIE)
        return self._session_key(session) if cookie and session else None

    def session(self, key: str) -> str:
        """The cookie value that signs a browser in with `key` (a valid one) for a while."""
        expires = str(int(time.time()) + SESSION_SECONDS)
        return f"{expires}.{self._sign(key.encode(), expires)}"

    def _session_key(self, value: str) -> str | None:
        expires, _, signature = value.partition(".")
        if not expires.isdigit() or int(expires) < time.time():
            return None
        for known in self._keys:
            if hmac.compare_digest(signature, self._sign(known, expires)):
                return hashlib.sha256(known).hexdigest()[:16]
        return None

    @staticmethod
    def _sign(key: bytes, expires: str) -> str:
        return hmac.new(key, f"bitext-session:{expires}".encode(), hashlib.sha256).hexdigest()
