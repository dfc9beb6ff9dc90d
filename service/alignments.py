"""Alignment jobs: a request is checked, matched with an earlier one or queued, then run by the
worker, which records the outcome (status, ranking, pairs) in the store."""

from __future__ import annotations

import logging

from service.aligner import Aligner
from service.errors import NotStored
from service.jobs import AlignMode, JobStatus
from service.report import AlignmentReport, load_report
from service.store import Store
from service.store.tables import Alignment
from service.translations import DocumentTranslations
from service.worker import Worker
from text.errors import InputError
from text.language import other_language

log = logging.getLogger("bitext.alignments")


class Alignments:
    """Thread-safe: web threads request and read, the worker runs."""

    def __init__(
        self,
        store: Store,
        translations: DocumentTranslations,
        aligner: Aligner,
        worker: Worker,
    ) -> None:
        self._store = store
        self._translations = translations
        self._aligner = aligner
        self._worker = worker

    def request(
        self, source_id: int, targets: list[int] | None, mode: AlignMode
    ) -> tuple[Alignment, bool]:
        """(alignment, newly queued). The same request as an earlier, not failed alignment
        returns that one: its work is reused, not redone. `targets` None: the shared-topic ones."""
        if targets is not None:
            if not targets:
                raise InputError("target_documents is empty: give ids, or null for all")
            targets = list(dict.fromkeys(targets))
        self._check(source_id, targets)
        existing = self._store.alignments.find(source_id, targets, mode)
        if existing is not None:
            return existing, False
        alignment = self._store.alignments.create(source_id, targets, mode)
        self._worker.submit(self.run, alignment.id)
        return alignment, True

    def _check(self, source_id: int, targets: list[int] | None) -> None:
        """NotStored (unknown id) or InputError (wrong language) before anything is queued."""
        documents = self._store.documents.get_many([source_id, *(targets or [])])
        missing = [i for i in [source_id, *(targets or [])] if i not in documents]
        if missing:
            raise NotStored(f"no document with id {missing[0]}")
        source = documents[source_id]
        for target in targets or []:
            if target == source_id or documents[target].language == source.language:
                raise InputError(
                    f"target document {target} must be in {other_language(source.language)!r}, "
                    f"the other language of source document {source_id}"
                )

    def resume(self) -> None:
        """Queue the alignments a previous run left pending, running or failed."""
        for alignment_id in self._store.alignments.to_run():
            self._worker.submit(self.run, alignment_id)

    def run(self, alignment_id: int) -> None:
        """Worker job: translate, rank, align and score; the outcome is recorded in the store."""
        self._store.alignments.set_status(alignment_id, JobStatus.RUNNING)
        try:
            self._align(alignment_id)
        except Exception as error:  # recorded for the user, who sees status "failed"
            log.exception("alignment %s failed", alignment_id)
            self._store.alignments.set_status(
                alignment_id, JobStatus.FAILED, f"{type(error).__name__}: {error}"
            )

    def _align(self, alignment_id: int) -> None:
        alignment = self._store.alignments.get(alignment_id)
        source = self._store.documents.get(alignment.source_document_id)
        candidate_ids = alignment.requested_targets or [
            d.id for d in self._store.documents.summaries(other_language(source.language))
        ]
        translated = self._translations.translate(source.id)
        result = self._aligner.align(
            source,
            self._store.documents.get_many(candidate_ids),
            alignment.requested_targets,
            alignment.mode,
            translated,
        )
        self._store.alignments.finish(
            alignment_id,
            encoder=result.encoder,
            model=translated.model,
            ranking=result.ranking,
            pairs=result.pairs,
        )

    def report(self, alignment_id: int) -> AlignmentReport:
        """The alignment with its texts (API, exports, view); NotStored if there is none."""
        return load_report(self._store, self._translations, alignment_id)
