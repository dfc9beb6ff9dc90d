"""Documents: ingest (POST), list, and one document with its sentences and translations."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from service.dependencies import ServicesDep
from service.errors import over_limit
from service.schemas import DocumentList, DocumentOut, DocumentRequest, DocumentSummary
from service.store.tables import Document

router = APIRouter(prefix="/v1/documents", tags=["documents"])


def document_out(services: ServicesDep, document: Document, created: bool = False) -> DocumentOut:
    """The document with its sentences; Chinese ones with their stored machine translations."""
    stored = services.pipeline.translations_of(document) if document.language == "zh" else None
    return DocumentOut(
        id=document.id,
        title=document.title,
        language=document.language,
        created=created,
        translation_model=stored and stored.model,
        translation_status=stored and stored.status,
        sentences=[
            {
                "index": s.index,
                "paragraph": s.paragraph,
                "text": s.text,
                "translation": (
                    {"source": s.text, "text": t.text, "confidence": t.confidence}
                    if stored and (t := stored.by_index.get(s.index))
                    else None
                ),
            }
            for s in document.sentences
        ],
    )


@router.post("", response_model=DocumentOut, status_code=status.HTTP_201_CREATED)
def create_document(
    request: DocumentRequest, services: ServicesDep, response: Response
) -> DocumentOut:
    """Ingest a document (201); the same text again returns the stored one (200)."""
    limit = services.settings.max_document_chars
    if len(request.text) > limit:
        raise over_limit("the document's length", len(request.text), limit, "max_document_chars")
    document, created = services.pipeline.ingest(request.text, request.language, request.title)
    if not created:
        response.status_code = status.HTTP_200_OK
    elif document.language == "zh":
        services.worker.submit(services.pipeline.translate_document, document.id)
    return document_out(services, document, created)


@router.get("", response_model=DocumentList)
def list_documents(services: ServicesDep) -> DocumentList:
    return DocumentList(
        documents=[DocumentSummary(**d._asdict()) for d in services.store.documents.summaries()]
    )


@router.get("/{document_id}", response_model=DocumentOut)
def get_document(document_id: int, services: ServicesDep) -> DocumentOut:
    return document_out(services, services.store.documents.get(document_id))
