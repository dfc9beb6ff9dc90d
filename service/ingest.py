"""Ingest: a text becomes a stored document, segmented into sentences in its language."""

from __future__ import annotations

from pathlib import Path

from service.store import Store
from service.store.tables import Document
from service.translations import DocumentTranslations
from text.errors import InputError
from text.language import detect_language
from text.segment import split_lines


def default_title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= 120 else first[:119] + "…"


class Ingest:
    def __init__(self, store: Store, translations: DocumentTranslations) -> None:
        self._store = store
        self._translations = translations

    def add(
        self, text: str, language: str | None = None, title: str | None = None
    ) -> tuple[Document, bool]:
        """Store the text as a document, (document, newly created); a new one is queued for
        translation if the service translates its language. The same text again is the same
        document."""
        document, created = self._store_text(text, language, title)
        if created:
            self._translations.queue(document)
        return document, created

    def seeds(self, directory: Path) -> list[Document]:
        """Ingest every *.txt file; files already stored are skipped. Returns the new documents,
        not queued: the start queues every document left untranslated."""
        created = []
        for path in sorted(directory.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if not text.strip():
                continue
            document, new = self._store_text(text, None, default_title(text))
            if new:
                created.append(document)
        return created

    def _store_text(
        self, text: str, language: str | None, title: str | None
    ) -> tuple[Document, bool]:
        """Segment and store in one transaction; the language detected unless given."""
        if not text.strip():
            raise InputError("the document is empty")
        language = language or detect_language(text)
        sentences = [
            (line, sentence)
            for line, line_sentences in enumerate(split_lines(text, language))
            for sentence in line_sentences
        ]
        return self._store.documents.add(
            title=(title or "").strip() or default_title(text),
            language=language,
            text=text,
            sentences=sentences,
        )
