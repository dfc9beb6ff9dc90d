"""Alignment jobs: the request, its status, and once done its topic ranking and aligned pairs."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
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
    """An aligned bead (sentence indices of each side) with its scores; a comparable pair also
    with its grade and matched [start, end) character spans in each sentence."""

    target_document_id: int
    source: list[int]
    target: list[int]
    score: float
    scores: dict | None = None
    grade: str | None = None
    source_spans: list[list[int]] | None = None
    target_spans: list[list[int]] | None = None


@dataclass(frozen=True)
class TopicLink:
    """A document sharing topics with another, as the latest alignment that ranked them says."""

    document_id: int
    title: str
    language: str
    topic_score: float
    alignment_id: int


def fingerprint(
    source_id: int, targets: list[int] | None, mode: AlignMode, latest_document: int | None
) -> str:
    """What makes two requests the same job: source, mode, and the sorted targets; for "every
    shared-topic document" (targets None), the newest document too, since a later one may share
    topics."""
    wanted = f"all@{latest_document}" if targets is None else sorted(targets)
    return hashlib.sha256(f"{source_id}|{mode}|{wanted}".encode()).hexdigest()


class AlignmentJobs:
    """The job queue: requests deduplicated on their fingerprint, claimed by one server at a
    time under a lease, renewed while running, released or failed."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def request(
        self, source_id: int, targets: list[int] | None, mode: AlignMode
    ) -> tuple[Alignment, bool]:
        """(alignment, queued): the one pending job of this request (None targets: the
        shared-topic ones), made now or earlier; a failed one asked for again is queued again.

        Identical requests racing, here or from another server, meet on the unique fingerprint.
        """
        with self._db.session.begin() as session:
            latest = session.scalar(select(func.max(Document.id))) if targets is None else None
            key = fingerprint(source_id, targets, mode, latest)
            created = session.scalar(
                self._db.insert_ignoring(Alignment)
                .values(
                    fingerprint=key,
                    source_document_id=source_id,
                    requested_targets=targets,
                    mode=mode,
                    status=JobStatus.PENDING,
                )
                .on_conflict_do_nothing(index_elements=[Alignment.fingerprint])
                .returning(Alignment.id)
            )
            retried = (
                created is None
                and session.execute(
                    update(Alignment)
                    .where(Alignment.fingerprint == key, Alignment.status == JobStatus.FAILED)
                    .values(status=JobStatus.PENDING, attempts=0, error=None, finished_at=None)
                ).rowcount
            )
            alignment = session.scalar(select(Alignment).where(Alignment.fingerprint == key))
        return alignment, created is not None or bool(retried)

    def claim(self, server: str, *, lease: float, max_attempts: int) -> int | None:
        """Take the oldest job to run, atomically (two servers never take the same one): a
        pending one, or a running one whose claim went stale (its server stopped mid-run). A job
        cut off `max_attempts` times is failed instead."""
        now = datetime.now(UTC)
        stale = or_(
            Alignment.claimed_at.is_(None), Alignment.claimed_at < now - timedelta(seconds=lease)
        )
        abandoned = and_(Alignment.status == JobStatus.RUNNING, stale)
        with self._db.session.begin() as session:
            session.execute(
                update(Alignment)
                .where(abandoned, Alignment.attempts >= max_attempts)
                .values(
                    status=JobStatus.FAILED,
                    error=func.coalesce(
                        Alignment.error, f"stopped {max_attempts} times while running"
                    ),
                    finished_at=now,
                )
            )
            oldest = (
                select(Alignment.id)
                .where(or_(Alignment.status == JobStatus.PENDING, abandoned))
                .order_by(Alignment.id)
                .limit(1)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            return session.scalar(
                update(Alignment)
                .where(Alignment.id == oldest)
                .values(
                    status=JobStatus.RUNNING,
                    claimed_by=server,
                    claimed_at=now,
                    attempts=Alignment.attempts + 1,
                )
                .returning(Alignment.id)
            )

    def renew(self, alignment_id: int, server: str) -> None:
        """Keep the claim fresh while the job runs, so no other server takes it over."""
        with self._db.session.begin() as session:
            session.execute(
                update(Alignment)
                .where(Alignment.id == alignment_id, Alignment.claimed_by == server)
                .where(Alignment.status == JobStatus.RUNNING)
                .values(claimed_at=datetime.now(UTC))
            )

    def release(self, server: str) -> None:
        """A clean stop: the server's running jobs go back to pending, the run not counted."""
        with self._db.session.begin() as session:
            session.execute(
                update(Alignment)
                .where(Alignment.claimed_by == server, Alignment.status == JobStatus.RUNNING)
                .values(
                    status=JobStatus.PENDING,
                    claimed_by=None,
                    claimed_at=None,
                    attempts=Alignment.attempts - 1,
                )
            )

    def failed(self, alignment_id: int, error: str, max_attempts: int) -> JobStatus:
        """Record a run's error: pending again for another run, or failed after the last one."""
        with self._db.session.begin() as session:
            alignment = session.get(Alignment, alignment_id)
            alignment.error = error
            alignment.claimed_by = alignment.claimed_at = None
            if alignment.attempts >= max_attempts:
                alignment.status = JobStatus.FAILED
                alignment.finished_at = datetime.now(UTC)
            else:
                alignment.status = JobStatus.PENDING
            return alignment.status


class AlignmentRepository:
    """Finished alignments: read whole, listed, linked from documents, and written once done."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, alignment_id: int) -> Alignment:
        """The alignment with its ranking and pairs; NotStored if there is none with this id."""
        with self._db.session() as session:
            alignment = self._db.may_hold(alignment_id) and session.get(
                Alignment,
                alignment_id,
                options=[selectinload(Alignment.candidates), selectinload(Alignment.pairs)],
            )
        if not alignment:
            raise NotStored(f"no alignment with id {alignment_id}")
        return alignment

    def topic_links(self, document_id: int) -> list[TopicLink]:
        """The documents that share topics with this one, best first: as a source, those of its
        latest finished alignment; as a candidate, the sources whose latest finished alignment
        ranked it so."""
        latest = (
            select(func.max(Alignment.id))
            .where(Alignment.status == JobStatus.DONE)
            .group_by(Alignment.source_document_id)
        )
        shared = (
            select(
                Alignment.id,
                Alignment.source_document_id,
                AlignmentCandidate.document_id,
                AlignmentCandidate.topic_score,
            )
            .join(AlignmentCandidate, AlignmentCandidate.alignment_id == Alignment.id)
            .where(Alignment.id.in_(latest), AlignmentCandidate.shares_topics)
            .where(
                or_(
                    Alignment.source_document_id == document_id,
                    AlignmentCandidate.document_id == document_id,
                )
            )
            .order_by(AlignmentCandidate.topic_score.desc())
        )
        with self._db.session() as session:
            rows = [
                (source if candidate == document_id else candidate, score, alignment_id)
                for alignment_id, source, candidate, score in session.execute(shared)
            ]
            documents = {
                d.id: d
                for d in session.execute(
                    select(Document.id, Document.title, Document.language).where(
                        Document.id.in_([other for other, _, _ in rows])
                    )
                )
            }
        return [
            TopicLink(other, documents[other].title, documents[other].language, score, alignment)
            for other, score, alignment in rows
        ]

    def all(self) -> list[Alignment]:
        with self._db.session() as session:
            return list(session.scalars(select(Alignment).order_by(Alignment.id)))

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
