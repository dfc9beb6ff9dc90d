"""POST /v1/translate: text or a list of texts (plain or HTML), segmented, batched with concurrent
requests."""

from __future__ import annotations

from fastapi import APIRouter

from service.dependencies import LiveTranslationDep
from service.limits import TranslateBody
from service.schemas import ErrorOut, TranslateResponse

router = APIRouter(prefix="/v1", tags=["translate"])


@router.post("/translate", response_model=TranslateResponse, responses={503: {"model": ErrorOut}})
async def translate(request: TranslateBody, live: LiveTranslationDep) -> TranslateResponse:
    model, translated = await live.translate(
        request.texts(),
        source=request.source,
        target=request.target,
        beam=request.beam,
        format=request.format,
    )
    return TranslateResponse(model=model, translations=translated)
