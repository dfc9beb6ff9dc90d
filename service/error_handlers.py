"""One error shape for the whole API (`schemas.ErrorOut`): every exception, ours, FastAPI's and
Starlette's, becomes `{"detail": "<what is wrong, in words>", "problems": [...]}` with its status,
and the OpenAPI document lists those statuses for every route.

`detail` stays the human-readable message it always was, so clients reading it keep working;
validation errors add one `problems` entry per invalid field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from service.errors import LimitExceeded, NotStored
from service.schemas import ErrorOut, Problem
from text.errors import InputError, ModelUnavailable

log = logging.getLogger("bitext.errors")

# Pydantic names the member of a union that failed (`str`, `list[function-after[...]]`) in an
# error's location: internal words, not fields of the request.
_TYPE_TAGS = {"str", "int", "float", "bool", "list", "dict", "none"}
_PLAIN_WORDS = {
    "missing": "required, but missing",
    "extra_forbidden": "not a field of this request",
    "json_invalid": "the body is not valid JSON",
}

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

# What each status means, for the OpenAPI document.
STATUS_WORDS = {
    400: "The Host header names no trusted host.",
    401: "An API key is required: `Authorization: Bearer KEY` or `X-API-Key: KEY`.",
    404: "No such document, alignment or export format.",
    409: "The alignment is not done yet.",
    413: "The request is over a size limit; the message names the setting.",
    422: "The request is invalid; `problems` lists each invalid field.",
    429: "Over the rate limit; `Retry-After` says when to try again.",
    503: "The translation model is unavailable; the message says how to fix it.",
}


def error_response(status: int, detail: str, **extra: object) -> JSONResponse:
    headers = extra.pop("headers", None)
    body = ErrorOut(detail=detail, **extra).model_dump()
    return JSONResponse(body, status_code=status, headers=headers)


def _field(location: Iterable[int | str]) -> str:
    """`("body", "text", "str", 1)` as `body.text[1]`: the request's words, not pydantic's."""
    name = ""
    for part in location:
        if isinstance(part, int):
            name += f"[{part}]"
        elif "[" not in part and part not in _TYPE_TAGS:
            name += f".{part}" if name else part
    return name or "body"


def _problem(error: dict) -> Problem:
    message = _PLAIN_WORDS.get(error["type"]) or error["msg"].removeprefix("Value error, ")
    if error["type"] == "json_invalid" and error.get("ctx", {}).get("error"):
        message += f" ({error['ctx']['error']})"
    return Problem(field=_field(error["loc"]), message=message)


def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    """Each invalid field in plain words, without echoing the input back: it may be huge, or not
    even encodable."""
    problems = list({p.field + p.message: p for p in map(_problem, error.errors())}.values())
    detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
    return error_response(422, detail, problems=problems)


def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    headers = dict(error.headers or {})
    if error.status_code == 405:  # every method the path takes, not the first route's only
        headers["Allow"] = ", ".join(allowed_methods(request))
    return error_response(error.status_code, str(error.detail), headers=headers or None)


def allowed_methods(request: Request) -> list[str]:
    """The methods some route takes at the request's path."""
    routes = request.app.router.routes
    return [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    log.error("unexpected %s", type(error).__name__, exc_info=error)
    return error_response(500, "internal error: the server log has the details")


def _answer(status: int) -> Callable[[Request, Exception], JSONResponse]:
    def handler(_request: Request, error: Exception) -> JSONResponse:
        return error_response(status, str(error))

    return handler


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    # Most specific first: LimitExceeded is an InputError.
    app.add_exception_handler(LimitExceeded, _answer(413))
    app.add_exception_handler(InputError, _answer(422))
    app.add_exception_handler(NotStored, _answer(404))
    app.add_exception_handler(ModelUnavailable, _answer(503))
    app.add_exception_handler(Exception, _unexpected)


def document_errors(
    app: FastAPI, *, keyed: Callable[[str], bool], own_shape: Collection[str] = ()
) -> None:
    """Make the OpenAPI document list each status an operation can answer, with the error
    schema: 400 everywhere, 401 and 429 where a key and the rate limit apply (`keyed(path)`), 422
    and 413 where there is input, and what the route declared itself (404, 409, 503).

    Paths in `own_shape` (the LibreTranslate API) answer in the shape their routes declared for
    400: there only the rate limit's 429, in that shape, and the body limit's 413 are added."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(error.pop("$defs", {}), ErrorOut=error)
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path, operations in document["paths"].items():
            for operation in operations.values():
                responses = operation["responses"]
                if path in own_shape:
                    own = responses["400"]["content"]
                    if keyed(path):
                        responses["429"] = {"description": STATUS_WORDS[429], "content": own}
                    responses["413"] = {"description": STATUS_WORDS[413], "content": reference}
                    continue
                for status in _statuses(operation, keyed(path)):
                    description = STATUS_WORDS.get(status) or responses[str(status)]["description"]
                    responses[str(status)] = {"description": description, "content": reference}
        return document

    app.openapi = openapi


def _statuses(operation: dict, keyed: bool) -> set[int]:
    statuses = {400} | {int(s) for s in operation["responses"] if s.isdigit() and int(s) >= 400}
    if keyed:
        statuses |= {401, 429}
    if "requestBody" in operation:
        statuses |= {413, 422}
    if operation.get("parameters"):
        statuses.add(422)
    return statuses
