"""Documents: ingest (POST), list, and one document with its sentences and translations."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from service.dependencies import IngestDep, StoreDep, TranslationsDep
from service.limits import DocumentBody
from service.schemas import (
    DocumentList,
    DocumentOut,
    ErrorOut,
    IdInPath,
    SentenceOut,
    SentenceTranslation,
)
from service.store.tables import Document
from service.translations import StoredTranslations

router = APIRouter(prefix="/v1/documents", tags=["documents"])


@router.post(
    "",
    response_model=DocumentOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": DocumentOut, "description": "The same text, stored before"}},
)
def create_document(
    request: DocumentBody, ingest: IngestDep, translations: TranslationsDep, response: Response
) -> DocumentOut:
    """Ingest a document (201); the same text again returns the stored one (200)."""
    document, created = ingest.add(request.text, request.language, request.title)
    if not created:
        response.status_code = status.HTTP_200_OK
    return document_out(document, translations.shown(document), created)


@router.get("", response_model=DocumentList)
def list_documents(store: StoreDep) -> DocumentList:
    return DocumentList(documents=store.documents.summaries())


@router.get("/{document_id}", response_model=DocumentOut, responses={404: {"model": ErrorOut}})
def get_document(
    document_id: IdInPath, store: StoreDep, translations: TranslationsDep
) -> DocumentOut:
    document = store.documents.get(document_id)
    return document_out(document, translations.shown(document))


def document_out(
    document: Document, stored: StoredTranslations | None, created: bool = False
) -> DocumentOut:
    """The document with its sentences; Chinese ones with their stored machine translations."""
    return DocumentOut(
        id=document.id,
        title=document.title,
        language=document.language,
        created=created,
        translation_model=stored and stored.model,
        translation_status=stored and stored.status,
        sentences=[
            SentenceOut(
                index=s.index,
                paragraph=s.paragraph,
                text=s.text,
                translation=(
                    SentenceTranslation(source=s.text, text=t.text, confidence=t.confidence)
                    if stored and (t := stored.by_index.get(s.index))
                    else None
                ),
                boilerplate=s.boilerplate,
            )
            for s in document.sentences
        ],
    )
