"""Ingest: a text becomes a stored document, segmented into sentences in its language, each
flagged with its boilerplate kind (bylines, credits, footers...: kept, never paired)."""

from __future__ import annotations

from pathlib import Path

from service.store import Store
from service.store.tables import Document
from service.translations import DocumentTranslations
from text.boilerplate import DEFAULT, BoilerplateConfig, document_title, flag_boilerplate
from text.errors import InputError
from text.language import detect_language
from text.segment import split_lines


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def default_title(text: str, boilerplate: BoilerplateConfig = DEFAULT) -> str:
    """The first line without what scraping left there (breadcrumbs, a date, a site suffix)."""
    return document_title(first_line(text), boilerplate)


def _old_default_title(text: str) -> str:
    """The title earlier versions gave a document without one: its first line, cut at 120."""
    first = first_line(text)
    return first if len(first) <= 120 else first[:119] + "…"


class Ingest:
    def __init__(
        self,
        store: Store,
        translations: DocumentTranslations,
        boilerplate: BoilerplateConfig = DEFAULT,
    ) -> None:
        """`boilerplate`: what flagging and titles take for boilerplate (the settings' alignment
        options, `boilerplate.*`)."""
        self._store = store
        self._translations = translations
        self._boilerplate = boilerplate

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

    def flag_unflagged(self) -> int:
        """Flag the documents stored before flagging existed (run at start, before any
        alignment); a title that was their raw first line is cleaned. Returns how many."""
        ids = self._store.documents.unflagged()
        for document_id in ids:
            document = self._store.documents.get(document_id)
            flags = flag_boilerplate(
                [s.text for s in document.sentences], document.language, self._boilerplate
            )
            title = document.title
            if title == _old_default_title(document.text):
                title = default_title(document.text, self._boilerplate)
            self._store.documents.flag(document_id, flags, title)
        return len(ids)

    def seeds(self, directory: Path) -> list[Document]:
        """Ingest every *.txt file; files already stored are skipped. Returns the new documents,
        not queued: the start queues every document left untranslated."""
        created = []
        for path in sorted(directory.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if not text.strip():
                continue
            document, new = self._store_text(text, None, default_title(text, self._boilerplate))
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
            title=(title or "").strip() or default_title(text, self._boilerplate),
            language=language,
            text=text,
            sentences=sentences,
            flags=flag_boilerplate(
                [sentence for _, sentence in sentences], language, self._boilerplate
            ),
        )
