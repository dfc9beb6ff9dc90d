"""POST /v1/translate: text or a list of texts, segmented, batched with concurrent requests."""

from __future__ import annotations

from fastapi import APIRouter

from service.dependencies import ServicesDep
from service.errors import over_limit
from service.schemas import TranslateRequest, TranslateResponse
from text.errors import InputError

router = APIRouter(prefix="/v1", tags=["translate"])

DEFAULT_BEAM = 4


@router.post("/translate", response_model=TranslateResponse)
async def translate(request: TranslateRequest, services: ServicesDep) -> TranslateResponse:
    settings = services.settings
    texts = [request.text] if isinstance(request.text, str) else request.text
    if len(texts) > settings.max_list_items:
        raise over_limit("the list length", len(texts), settings.max_list_items, "max_list_items")
    chars = sum(len(text) for text in texts)
    if chars > settings.max_request_chars:
        raise over_limit(
            "the request's text length", chars, settings.max_request_chars, "max_request_chars"
        )
    if request.source == request.target:
        raise InputError(f"source and target are both {request.source!r}")
    beam = request.beam or min(DEFAULT_BEAM, settings.max_beam)
    if beam > settings.max_beam:
        raise InputError(f"beam {beam} is over the limit {settings.max_beam} (setting max_beam)")
    model, translated = await services.translation.translate(
        texts, source=request.source, target=request.target, beam=beam
    )
    return TranslateResponse(
        model=model,
        translations=[
            {
                "text": t.text,
                "sentences": [
                    {"source": s.source, "text": s.text, "confidence": s.confidence}
                    for s in t.sentences
                ],
            }
            for t in translated
        ],
    )
