"""The relational schema: what is kept so that a restart loses nothing and redoes no work."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from service.jobs import AlignMode, JobStatus


def _now() -> datetime:
    return datetime.now(UTC)


def _words(kind: type[StrEnum]) -> Enum:
    """A VARCHAR(16) of the enum's values, read back as members (no CHECK, no database type)."""
    return Enum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    # Instants, stored as such (PostgreSQL timestamptz): a naive column would keep the wall time
    # of the session's time zone. SQLite stores the same naive UTC text either way.
    type_annotation_map = {datetime: DateTime(timezone=True)}


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(8), index=True)
    text: Mapped[str] = mapped_column(Text)
    # Same text + language is the same document: re-ingesting a seed is a no-op.
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    # When its sentences' boilerplate kinds were set: at ingest; None on documents stored before
    # flagging existed, which the next start flags (service.ingest.Ingest.flag_unflagged).
    flagged_at: Mapped[datetime | None]
    sentences: Mapped[list[Sentence]] = relationship(
        order_by="Sentence.index", cascade="all, delete-orphan", back_populates="document"
    )


class Sentence(Base):
    __tablename__ = "sentences"
    __table_args__ = (UniqueConstraint("document_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    index: Mapped[int]
    # Line of the original text the sentence came from: views rebuild paragraphs from it.
    paragraph: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    # A boilerplate kind (text.boilerplate.KINDS: "byline", "footer", ...) or None for content:
    # flagged, never deleted, so that indexes stay those the CLI and gold files use.
    boilerplate: Mapped[str | None] = mapped_column(String(16))
    document: Mapped[Document] = relationship(back_populates="sentences")


class Translation(Base):
    """Machine translation of one stored sentence by one model (reused across restarts)."""

    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("sentence_id", "model"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id"), index=True)
    model: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float]


class Alignment(Base):
    __tablename__ = "alignments"
    # A unique index, not a constraint: store.upgrade adds it to tables made before it existed.
    __table_args__ = (Index("uq_alignments_fingerprint", "fingerprint", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The request's identity (store.alignments.fingerprint): one job per distinct request, even
    # when identical requests race. None on rows made before it existed.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    source_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    # None: every English document that shares topics with the source.
    requested_targets: Mapped[list[int] | None] = mapped_column(JSON)
    mode: Mapped[AlignMode] = mapped_column(_words(AlignMode))
    status: Mapped[JobStatus] = mapped_column(
        _words(JobStatus), default=JobStatus.PENDING, index=True
    )
    error: Mapped[str | None] = mapped_column(Text)
    encoder: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    finished_at: Mapped[datetime | None]
    # Which server runs the job, since when (renewed while it runs), and how many runs began:
    # a running job whose claim goes stale was cut off by a crash and is claimed again.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    candidates: Mapped[list[AlignmentCandidate]] = relationship(
        order_by="AlignmentCandidate.rank", cascade="all, delete-orphan"
    )
    pairs: Mapped[list[AlignmentPair]] = relationship(
        order_by="AlignmentPair.id", cascade="all, delete-orphan"
    )


class AlignmentCandidate(Base):
    """One English document in the topic ranking, with its document-level quality scores."""

    __tablename__ = "alignment_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    alignment_id: Mapped[int] = mapped_column(ForeignKey("alignments.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    rank: Mapped[int]
    topic_score: Mapped[float]
    shares_topics: Mapped[bool]
    aligned: Mapped[bool]
    scores: Mapped[dict | None] = mapped_column(JSON)


class AlignmentPair(Base):
    __tablename__ = "alignment_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    alignment_id: Mapped[int] = mapped_column(ForeignKey("alignments.id"), index=True)
    target_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    source: Mapped[list[int]] = mapped_column(JSON)
    target: Mapped[list[int]] = mapped_column(JSON)
    score: Mapped[float]
    scores: Mapped[dict | None] = mapped_column(JSON)
    # Comparable pairs: "same" or "partial", and the matched [start, end) character spans of the
    # source and the target sentence. None for parallel-mode pairs and rows made before them.
    grade: Mapped[str | None] = mapped_column(String(16))
    source_spans: Mapped[list[list[int]] | None] = mapped_column(JSON)
    target_spans: Mapped[list[list[int]] | None] = mapped_column(JSON)
