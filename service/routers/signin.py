"""The sign-in page: a browser gives an API key once and keeps a session cookie (HttpOnly,
SameSite=Strict) that opens the HTML pages and the exports they link to."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from service.api_keys import SESSION_COOKIE, SESSION_SECONDS
from service.dependencies import ApiKeysDep
from service.routers.pages import TEMPLATES

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 4096


def local_path(target: str | None) -> str:
    """Where to go after signing in: a path on this server, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "/") -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "signin.html", {"next": local_path(next)})


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request, keys: ApiKeysDep) -> Response:
    form = parse_qs((await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace"))
    key = form.get("key", [""])[0]
    target = local_path(form.get("next", ["/"])[0])
    if not keys.enabled:
        return RedirectResponse(target, status_code=303)
    if not key or keys.valid(key) is None:
        context = {"next": target, "wrong": True}
        return TEMPLATES.TemplateResponse(request, "signin.html", context, status_code=401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        keys.session(key),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response
