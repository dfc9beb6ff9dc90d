"""Machine translations of stored documents: what is stored, and the job that adds what is missing.

Each sentence is translated once per model and kept, so a restart or an alignment reuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.metrics import Metrics
from service.store import Store
from service.store.tables import Document, Translation
from service.worker import Worker
from text.errors import ModelUnavailable
from text.language import other_language

if TYPE_CHECKING:  # importing models.translator imports torch
    from models.translator import Translator

# (source language, target language) -> a loaded translator; raises ModelUnavailable.
TranslatorFor = Callable[[str, str], "Translator"]

# The service translates and aligns from Chinese: Chinese documents are translated in the
# background, and Chinese seeds are aligned at first start.
SOURCE_LANGUAGE = "zh"


@dataclass(frozen=True)
class StoredTranslations:
    model: str | None  # None: no model for this direction
    by_index: dict[int, Translation]
    status: str | None  # None when complete; "translating"; or the missing model's one-line fix

    @property
    def complete(self) -> bool:
        return self.status is None


class DocumentTranslations:
    """Thread-safe: web threads read, the worker translates."""

    def __init__(
        self, store: Store, translator_for: TranslatorFor, worker: Worker, metrics: Metrics
    ) -> None:
        self._store = store
        self._translator_for = translator_for
        self._worker = worker
        self._metrics = metrics

    def translator_or_none(self, source: str, target: str) -> Translator | None:
        try:
            return self._translator_for(source, target)
        except ModelUnavailable:
            return None

    def stored(self, document: Document) -> StoredTranslations:
        """What is stored for the document by the current model, or why nothing can be."""
        try:
            translator = self._translator_for(document.language, other_language(document.language))
        except ModelUnavailable as error:
            return StoredTranslations(None, {}, str(error))
        done = self._store.translations.of_document(document.id, translator.model)
        pending = len(done) < len(document.sentences)
        return StoredTranslations(translator.model, done, "translating" if pending else None)

    def shown(self, document: Document) -> StoredTranslations | None:
        """What a reader sees beside the document: None for those the service does not translate."""
        return self.stored(document) if document.language == SOURCE_LANGUAGE else None

    def queue(self, document: Document) -> None:
        """Translate the document in the background if the service translates its language."""
        if document.language == SOURCE_LANGUAGE:
            self._worker.submit(self.translate, document.id)

    def resume(self) -> None:
        """Queue every document to translate: the job finishes what a previous run left."""
        for summary in self._store.documents.summaries(SOURCE_LANGUAGE):
            self._worker.submit(self.translate, summary.id)

    def translate(self, document_id: int) -> StoredTranslations:
        """Translate the sentences the current model has not translated yet, and store them."""
        document = self._store.documents.get(document_id)
        stored = self.stored(document)
        missing = [s for s in document.sentences if s.index not in stored.by_index]
        target = other_language(document.language)
        if stored.model:
            self._metrics.cache_hits.labels(f"{document.language}-{target}").inc(
                len(stored.by_index)
            )
        if stored.model is None or not missing:
            return stored
        translator = self._translator_for(document.language, target)
        results = translator.translate_batch([s.text for s in missing])
        self._metrics.count_translated(document.language, translator.target_lang, results)
        self._store.translations.save(
            translator.model,
            [(s.id, r.text, r.confidence) for s, r in zip(missing, results, strict=True)],
        )
        return self.stored(document)
