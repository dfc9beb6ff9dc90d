"""Request and response bodies of the LibreTranslate API (service/routers/libretranslate.py), as
LibreTranslate's own server and clients spell them: camelCase answers, requests as JSON or form
fields, unknown fields ignored (clients send `secret` and others that bitext has no use for)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from service.schemas import Text
from text.html import TextFormat


def _or_default(default: object):
    """An empty form field or a JSON null means the default, as LibreTranslate reads them."""
    return BeforeValidator(lambda value: default if value in (None, "") else value)


class Fields(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: Text | list[Text] = ""
    api_key: str | None = None

    def texts(self) -> list[str]:
        return [self.q] if isinstance(self.q, str) else self.q


class TranslateFields(Fields):
    source: str = ""
    target: str = ""
    format: Annotated[TextFormat, _or_default("text")] = "text"
    alternatives: Annotated[int, _or_default(0)] = 0


class Detection(BaseModel):
    confidence: float  # percent, as LibreTranslate gives it
    language: str


class TranslateAnswer(BaseModel):
    translatedText: str | list[str]
    detectedLanguage: Detection | list[Detection] | None = None  # with source "auto"
    alternatives: list[str] | list[list[str]] | None = None  # when alternatives were asked for


class LanguageOut(BaseModel):
    code: str
    name: str
    targets: list[str]


class LibreTranslateErrorOut(BaseModel):
    """LibreTranslate's error body: its clients read `error`."""

    error: str


def problem(error: ValidationError) -> str:
    """The first problem in LibreTranslate's words ("Invalid request: ...")."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "body"
    if field == "format":
        return f"{first.get('input')} format is not supported"
    if field == "alternatives":
        return "Invalid request: alternatives parameter is not a number"
    if field == "q" and "NUL" not in first["msg"]:
        return "Invalid request: q must be a text or a list of texts"
    return f"Invalid request: {field}: {first['msg'].removeprefix('Value error, ')}"
