"""What every request passes before a route: a trusted Host, an API key where one is needed, the
rate limit; and what every answer gets: security headers, and a count in the metrics.

Open without a key: health, readiness, metrics, the sign-in page, static files and the API's
description. The HTML pages send a browser without a session to the sign-in page; everything
else (the /v1 API) answers 401. The LibreTranslate API checks its own key (its clients send it as
the `api_key` field of the body, which only the route reads) and answers refusals in its own
shape, `{"error": ...}`.
"""

from __future__ import annotations

import time
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from service.api_keys import ApiKeys
from service.error_handlers import error_response
from service.metrics import Metrics
from service.rate_limit import RateLimiter
from service.settings import Settings

PROBES = {"/healthz", "/readyz", "/metrics"}  # also for any Host: load balancers ask by address
API_DESCRIPTION = {"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
OPEN = PROBES | API_DESCRIPTION | {"/signin"}
PAGES = ("/documents/", "/alignments/")  # and "/": HTML for people, who sign in first
LIBRETRANSLATE = {"/translate", "/languages", "/detect"}

# The pages load scripts and styles from /static only; nothing may frame them.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# FastAPI's /docs and /redoc pages start with an inline script: framing is all they forbid.
DESCRIPTION_POLICY = "frame-ancestors 'none'"


def keyed(path: str) -> bool:
    """Whether a request to `path` needs a key (when keys are set) and counts for the rate limit."""
    return path not in OPEN and not path.startswith("/static/")


def is_page(path: str) -> bool:
    return path == "/" or path.startswith(PAGES)


def host_name(host: str) -> str:
    """The Host header's name without its port: `[::1]:8000` is `::1`, `a.b:80` is `a.b`."""
    if host.startswith("["):
        return host[1 : host.find("]")].lower()
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


def trusted(host: str, patterns: tuple[str, ...]) -> bool:
    name = host_name(host)
    return any(
        pattern == "*"
        or name == pattern.lower()
        or (pattern.startswith("*.") and name.endswith(pattern[1:].lower()))
        for pattern in patterns
    )


def _secure_headers(path: str, response: Response) -> None:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.headers.get("content-type", "").startswith("text/html"):
        policy = DESCRIPTION_POLICY if path in API_DESCRIPTION else PAGE_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Frame-Options", "DENY")


class Guards:
    def __init__(self, settings: Settings, keys: ApiKeys) -> None:
        self.settings = settings
        self.keys = keys
        self.limiter = RateLimiter.parse(settings.rate_limit) if settings.rate_limit else None

    def refuse(self, request: Request) -> Response | None:
        """The answer that stops the request here, or None to let it through."""
        path = request.url.path
        host = request.headers.get("host", "")
        if path not in PROBES and not trusted(host, self.settings.trusted_hosts):
            message = f"host {host_name(host)!r} is not served here (BITEXT_TRUSTED_HOSTS)"
            return _refusal(path, 400, message)
        if request.method == "OPTIONS":  # CORS preflights carry no key; OPTIONS changes nothing
            return None
        if not keyed(path) and not (path == "/signin" and request.method == "POST"):
            return None
        safe = request.method in ("GET", "HEAD")
        key = self.keys.identify(request, cookie=safe) if self.keys.enabled else None
        own_key = path in LIBRETRANSLATE  # checked by the route, from the body
        if self.keys.enabled and key is None and path != "/signin" and not own_key:
            if is_page(path) and safe:
                return RedirectResponse(f"/signin?next={quote(path)}", status_code=303)
            return error_response(
                401,
                "an API key is required: send Authorization: Bearer KEY or X-API-Key: KEY",
                headers={"WWW-Authenticate": "Bearer"},
            )
        client = key or (request.client.host if request.client else "unknown")
        wait = self.limiter.retry_after(client) if self.limiter else None
        if wait is not None:
            message = f"over the rate limit of {self.settings.rate_limit}: retry in {wait} s"
            return _refusal(path, 429, message, headers={"Retry-After": str(wait)})
        return None


def _refusal(path: str, status: int, message: str, headers: dict | None = None) -> Response:
    """The API's error shape, or LibreTranslate's `{"error"}` on its paths."""
    if path in LIBRETRANSLATE:
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    return error_response(status, message, headers=headers)


def add_guards(app: FastAPI, guards: Guards, metrics: Metrics) -> None:
    @app.middleware("http")
    async def guard_and_measure(request: Request, call_next) -> Response:
        start = time.perf_counter()
        response = guards.refuse(request)
        if response is None:
            with metrics.in_flight.track_inprogress():
                response = await call_next(request)
        _secure_headers(request.url.path, response)
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        metrics.requests.labels(request.method, template, str(response.status_code)).inc()
        metrics.latency.labels(template).observe(time.perf_counter() - start)
        return response
