"""Alignment jobs: a request is checked and matched with its job (one per distinct request), then
run by whichever server claims it first, which records the outcome (status, ranking, pairs).

Jobs live in the database, not in a server's memory: a server claims pending jobs atomically,
renews its claim while one runs, and takes over a job whose claim went stale (its server crashed).
A failed run is retried up to `job_max_attempts` runs in all; then the job is failed with its error.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from service.aligner import Aligner
from service.errors import NotStored
from service.jobs import AlignMode
from service.report import AlignmentReport, load_report
from service.settings import Settings
from service.store import Store
from service.store.tables import Alignment
from service.translations import DocumentTranslations
from service.worker import Worker
from text.errors import InputError
from text.language import other_language

log = logging.getLogger("bitext.alignments")


class Alignments:
    """Thread-safe: web threads request and read, the worker runs, a clock thread renews the
    running job's claim and looks for jobs other servers queued or left behind."""

    def __init__(
        self,
        store: Store,
        translations: DocumentTranslations,
        aligner: Aligner,
        worker: Worker,
        settings: Settings,
    ) -> None:
        self._store = store
        self._translations = translations
        self._aligner = aligner
        self._worker = worker
        self._lease = settings.job_lease_seconds
        self._max_attempts = settings.job_max_attempts
        self.server = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._running: int | None = None
        self._draining = threading.Lock()  # held while a drain is queued but not yet started
        self._stopped = threading.Event()
        self._clock = threading.Thread(target=self._tick, name="bitext-jobs", daemon=True)

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
        alignment, queued = self._store.jobs.request(source_id, targets, mode)
        if queued:
            self.wake()
        return alignment, queued

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
        """Run what is pending or was cut off, and from now on look for jobs every while."""
        self.wake()
        self._clock.start()

    def close(self) -> None:
        """Stop looking for jobs; the running one goes back to pending (stop() calls this after
        the worker had its chance to finish it)."""
        self._stopped.set()
        self._store.jobs.release(self.server)

    def wake(self) -> None:
        """Have the worker run every claimable job (once queued, a second wake adds nothing)."""
        if self._draining.acquire(blocking=False):
            self._worker.submit(self.run_pending)

    def run_pending(self) -> None:
        """Worker job: claim and run jobs until none is left."""
        self._draining.release()
        while not self._stopped.is_set():
            claimed = self._store.jobs.claim(
                self.server, lease=self._lease, max_attempts=self._max_attempts
            )
            if claimed is None:
                return
            self.run(claimed)

    def _tick(self) -> None:
        while not self._stopped.wait(self._lease / 4):
            running = self._running
            if running is not None:
                self._store.jobs.renew(running, self.server)
            self.wake()

    def run(self, alignment_id: int) -> None:
        """Translate, rank, align and score a claimed job; the outcome is recorded in the store."""
        self._running = alignment_id
        try:
            self._align(alignment_id)
        except Exception as error:  # recorded for the user, who sees the error
            log.exception("alignment %s failed", alignment_id)
            message = f"{type(error).__name__}: {error}"
            self._store.jobs.failed(alignment_id, message, self._max_attempts)
        finally:
            self._running = None

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
