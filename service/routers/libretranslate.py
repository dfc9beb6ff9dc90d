"""The LibreTranslate API beside /v1: POST /translate, GET|POST /languages, POST /detect.

Bodies come as JSON or as form fields (urlencoded or multipart), whichever the client sends, and
every error on these routes is LibreTranslate's `{"error": message}` (service/libretranslate.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException

from service import libretranslate
from service.dependencies import ApiKeysDep, LiveTranslationDep, RegistryDep, SettingsDep
from service.libretranslate import LibreTranslateError
from service.schemas_libretranslate import (
    Detection,
    Fields,
    LanguageOut,
    LibreTranslateErrorOut,
    TranslateAnswer,
    TranslateFields,
    problem,
)
from text.errors import InputError

Body = TypeVar("Body", bound=BaseModel)


class LibreTranslateRoute(APIRoute):
    """Answers every error of its route as LibreTranslate does, before the app's handlers."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except LibreTranslateError as error:
                return _error(error.status, str(error))
            except InputError as error:  # a limit, or text no engine takes
                return _error(400, f"Invalid request: {error}")
            except HTTPException as error:  # a malformed multipart body
                return _error(error.status_code, str(error.detail))

        return answer


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _body(schema: type[BaseModel]) -> dict:
    """OpenAPI: the same fields as JSON or as a form."""
    content = schema.model_json_schema()
    kinds = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
    return {"requestBody": {"required": True, "content": {k: {"schema": content} for k in kinds}}}


ERRORS = {status: {"model": LibreTranslateErrorOut} for status in (400, 403)}
router = APIRouter(tags=["LibreTranslate"], route_class=LibreTranslateRoute, responses=ERRORS)


async def read(request: Request, schema: type[Body]) -> Body:
    """The body's fields, from JSON or a form; a field sent twice in a form is a list."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            fields = await request.json()
        except ValueError:
            raise LibreTranslateError(400, "Invalid request: the body is not valid JSON") from None
        if not isinstance(fields, dict):
            raise LibreTranslateError(400, "Invalid JSON format")
    else:
        form = await request.form()
        fields = {k: v[0] if len(v := form.getlist(k)) == 1 else v for k in form}
    try:
        return schema.model_validate(fields)
    except ValidationError as error:
        raise LibreTranslateError(400, problem(error)) from None


@router.post(
    "/translate",
    response_model=TranslateAnswer,
    response_model_exclude_none=True,
    openapi_extra=_body(TranslateFields),
)
async def translate(
    request: Request, live: LiveTranslationDep, settings: SettingsDep, keys: ApiKeysDep
) -> TranslateAnswer:
    """Translate `q` (a text or a list) from `source` (or "auto") to `target`."""
    fields = await read(request, TranslateFields)
    libretranslate.check_key(fields.api_key, keys, keys.identify(request, cookie=False))
    return await libretranslate.translate(fields, live, settings)


@router.get("/languages", response_model=list[LanguageOut])
def languages(registry: RegistryDep) -> list[LanguageOut]:
    """The languages, each with the targets whose model is available."""
    return libretranslate.languages(registry)


# Older clients ask with POST (and an api_key field, which this list does not need).
router.add_api_route("/languages", languages, methods=["POST"], include_in_schema=False)


@router.post("/detect", response_model=list[Detection], openapi_extra=_body(Fields))
async def detect(request: Request, keys: ApiKeysDep) -> list[Detection]:
    """The language of `q`, the likelier first, with confidences in percent."""
    fields = await read(request, Fields)
    libretranslate.check_key(fields.api_key, keys, keys.identify(request, cookie=False))
    if not fields.q:
        raise LibreTranslateError(400, "Invalid request: missing q parameter")
    return libretranslate.detect("\n".join(fields.texts()))
