"""Alignment jobs: the request, its status, and once done its topic ranking and aligned pairs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from service.errors import NotStored
from service.jobs import AlignMode, JobStatus
from service.store.database import Database
from service.store.tables import Alignment, AlignmentCandidate, AlignmentPair, Document


@dataclass(frozen=True)
class RankedDocument:
    """A candidate of the topic ranking, with its document-pair scores once aligned."""

    document_id: int
    topic_score: float
    shares_topics: bool
    aligned: bool
    scores: dict | None = None


@dataclass(frozen=True)
class FoundPair:
    """An aligned bead (sentence indices of each side) with its scores."""

    target_document_id: int
    source: list[int]
    target: list[int]
    score: float
    scores: dict | None = None


class AlignmentRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def create(self, source_id: int, targets: list[int] | None, mode: AlignMode) -> Alignment:
        """A pending alignment of the source with these targets (None: the shared-topic ones)."""
        with self._db.session.begin() as session:
            alignment = Alignment(
                source_document_id=source_id, requested_targets=targets, mode=mode
            )
            session.add(alignment)
        return alignment

    def find(self, source_id: int, targets: list[int] | None, mode: AlignMode) -> Alignment | None:
        """An existing, not failed alignment of exactly this request (its work is reused).

        A request for all shared-topic documents (targets None) made before the latest document
        was added is not the same request: the new document may share topics.
        """
        query = select(Alignment).where(
            Alignment.source_document_id == source_id,
            Alignment.mode == mode,
            Alignment.status != JobStatus.FAILED,
        )
        with self._db.session() as session:
            if targets is None:
                query = query.where(
                    Alignment.created_at >= select(func.max(Document.created_at)).scalar_subquery()
                )
            for alignment in session.scalars(query.order_by(Alignment.id)):
                if alignment.requested_targets == targets:
                    return alignment
        return None

    def get(self, alignment_id: int) -> Alignment:
        """The alignment with its ranking and pairs; NotStored if there is none with this id."""
        with self._db.session() as session:
            alignment = session.get(
                Alignment,
                alignment_id,
                options=[selectinload(Alignment.candidates), selectinload(Alignment.pairs)],
            )
        if alignment is None:
            raise NotStored(f"no alignment with id {alignment_id}")
        return alignment

    def all(self) -> list[Alignment]:
        with self._db.session() as session:
            return list(session.scalars(select(Alignment).order_by(Alignment.id)))

    def to_run(self) -> list[int]:
        """Alignments a start must (re)run: queued, cut off by a stop, or failed last time."""
        with self._db.session() as session:
            query = select(Alignment.id).where(Alignment.status != JobStatus.DONE)
            return list(session.scalars(query.order_by(Alignment.id)))

    def set_status(self, alignment_id: int, status: JobStatus, error: str | None = None) -> None:
        with self._db.session.begin() as session:
            alignment = session.get(Alignment, alignment_id)
            alignment.status = status
            alignment.error = error
            if not status.unfinished:
                alignment.finished_at = datetime.now(UTC)

    def finish(
        self,
        alignment_id: int,
        *,
        encoder: str,
        model: str | None,
        ranking: Sequence[RankedDocument],
        pairs: Sequence[FoundPair],
    ) -> None:
        """Replace any partial result and mark the alignment done, in one transaction.

        `ranking` is best first: a candidate's rank is its place there.
        """
        with self._db.session.begin() as session:
            alignment = session.get(
                Alignment,
                alignment_id,
                options=[selectinload(Alignment.candidates), selectinload(Alignment.pairs)],
            )
            alignment.candidates = [
                AlignmentCandidate(rank=rank, **vars(candidate))
                for rank, candidate in enumerate(ranking)
            ]
            alignment.pairs = [AlignmentPair(**vars(pair)) for pair in pairs]
            alignment.encoder = encoder
            alignment.model = model
            alignment.status = JobStatus.DONE
            alignment.error = None
            alignment.finished_at = datetime.now(UTC)
