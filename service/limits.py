"""The request checks that need Settings, run as dependencies before a route: each router receives
a body within the serving limits (docs/service.md). Over a size limit is 413 naming its setting; a
bad value is 422."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from service.dependencies import SettingsDep
from service.errors import LimitExceeded
from service.schemas import AlignmentRequest, DocumentRequest, TranslateRequest
from service.settings import Settings
from text.errors import InputError

DEFAULT_BEAM = 4


def check_size(settings: Settings, setting: str, what: str, size: int) -> None:
    limit = getattr(settings, setting)
    if size > limit:
        raise LimitExceeded(f"{what} is {size}; the limit is {limit} (setting {setting})")


async def checked_translate(request: TranslateRequest, settings: SettingsDep) -> TranslateRequest:
    """The request with its beam decided (default 4, at most max_beam)."""
    texts = request.texts()
    check_size(settings, "max_list_items", "the list length", len(texts))
    chars = sum(len(text) for text in texts)
    check_size(settings, "max_request_chars", "the request's text length", chars)
    if request.source == request.target:
        raise InputError(f"source and target are both {request.source!r}")
    beam = request.beam or min(DEFAULT_BEAM, settings.max_beam)
    if beam > settings.max_beam:
        raise InputError(f"beam {beam} is over the limit {settings.max_beam} (setting max_beam)")
    return request.model_copy(update={"beam": beam})


async def checked_document(request: DocumentRequest, settings: SettingsDep) -> DocumentRequest:
    check_size(settings, "max_document_chars", "the document's length", len(request.text))
    return request


async def checked_alignment(request: AlignmentRequest, settings: SettingsDep) -> AlignmentRequest:
    if request.target_documents is not None:
        size = len(request.target_documents)
        check_size(settings, "max_list_items", "the number of target documents", size)
    return request


TranslateBody = Annotated[TranslateRequest, Depends(checked_translate)]
DocumentBody = Annotated[DocumentRequest, Depends(checked_document)]
AlignmentBody = Annotated[AlignmentRequest, Depends(checked_alignment)]
