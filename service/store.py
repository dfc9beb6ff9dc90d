"""Repository over the SQL store: every read and write the service does, each one transaction.

Objects returned are detached (loaded eagerly, `expire_on_commit=False`): callers hold no session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import create_engine, event, func, make_url, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import selectinload, sessionmaker

from service.tables import (
    Alignment,
    AlignmentCandidate,
    AlignmentPair,
    Base,
    Document,
    Sentence,
    Translation,
)
from text.errors import InputError

UNFINISHED = ("pending", "running")

# INSERT ... ON CONFLICT DO NOTHING of each supported backend: with several writers (service
# instances sharing one PostgreSQL) a row may appear between our check and our insert.
INSERT_IGNORING = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    title: str
    language: str
    sentences: int


def content_hash(text: str, language: str) -> str:
    return hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers (the web threads) run while the worker writes; waits instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def resolve_url(url: str) -> URL:
    """The URL to connect to; a bare postgresql:// or postgres:// one gets the `postgres` extra's
    driver (psycopg 3), which SQLAlchemy 2.0 would not pick by itself."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in INSERT_IGNORING:
        raise InputError(
            f"database URL {parsed.render_as_string()!r}: only sqlite:/// and postgresql:// "
            "are supported"
        )
    return parsed


def open_engine(url: str) -> Engine:
    parsed = resolve_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    Base.metadata.create_all(engine)
    return engine


class Store:
    def __init__(self, url: str) -> None:
        self.engine = open_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._insert_ignoring = INSERT_IGNORING[self.engine.dialect.name]

    def close(self) -> None:
        self.engine.dispose()

    # -- documents ---------------------------------------------------------------------------

    def add_document(
        self, *, title: str, language: str, text: str, sentences: Iterable[tuple[int, str]]
    ) -> tuple[Document, bool]:
        """Store a document and its (paragraph, sentence) list atomically; (doc, created).

        The same text ingested at once by another writer is found, not a unique-key error: the
        insert waits for that writer and then yields to its row.
        """
        digest = content_hash(text, language)
        by_hash = (
            select(Document)
            .where(Document.content_hash == digest)
            .options(selectinload(Document.sentences))
        )
        with self._session.begin() as session:
            existing = session.scalar(by_hash)
            if existing is not None:
                return existing, False
            document_id = session.scalar(
                self._insert_ignoring(Document)
                .values(title=title, language=language, text=text, content_hash=digest)
                .on_conflict_do_nothing(index_elements=[Document.content_hash])
                .returning(Document.id)
            )
            if document_id is None:
                return session.scalar(by_hash), False
            session.add_all(
                Sentence(document_id=document_id, index=i, paragraph=paragraph, text=sentence)
                for i, (paragraph, sentence) in enumerate(sentences)
            )
            document = session.get(
                Document, document_id, options=[selectinload(Document.sentences)]
            )
        return document, True

    def list_documents(self, language: str | None = None) -> list[DocumentSummary]:
        counts = (
            select(Document.id, Document.title, Document.language, func.count(Sentence.id))
            .outerjoin(Sentence)
            .group_by(Document.id)
            .order_by(Document.id)
        )
        if language:
            counts = counts.where(Document.language == language)
        with self._session() as session:
            return [DocumentSummary(*row) for row in session.execute(counts)]

    def get_document(self, document_id: int) -> Document | None:
        with self._session() as session:
            return session.get(Document, document_id, options=[selectinload(Document.sentences)])

    def get_documents(self, ids: Sequence[int]) -> dict[int, Document]:
        with self._session() as session:
            rows = session.scalars(
                select(Document)
                .where(Document.id.in_(ids))
                .options(selectinload(Document.sentences))
            )
            return {document.id: document for document in rows}

    # -- translations ------------------------------------------------------------------------

    def translations(self, document_id: int, model: str) -> dict[int, Translation]:
        """Stored translations of a document by `model`, keyed by sentence index."""
        query = (
            select(Sentence.index, Translation)
            .join(Translation, Translation.sentence_id == Sentence.id)
            .where(Sentence.document_id == document_id, Translation.model == model)
        )
        with self._session() as session:
            return {index: translation for index, translation in session.execute(query)}

    def save_translations(self, model: str, rows: Iterable[tuple[int, str, float]]) -> None:
        """Store (sentence_id, text, confidence) rows; a sentence already translated is kept,
        also when another writer stores it meanwhile."""
        values = [
            {"sentence_id": sentence_id, "model": model, "text": text, "confidence": confidence}
            for sentence_id, text, confidence in rows
        ]
        if not values:
            return
        insert = self._insert_ignoring(Translation).on_conflict_do_nothing(
            index_elements=[Translation.sentence_id, Translation.model]
        )
        with self._session.begin() as session:
            session.execute(insert, values)

    # -- alignments --------------------------------------------------------------------------

    def create_alignment(self, source_id: int, targets: list[int] | None, mode: str) -> Alignment:
        with self._session.begin() as session:
            alignment = Alignment(
                source_document_id=source_id, requested_targets=targets, mode=mode
            )
            session.add(alignment)
        return alignment

    def find_alignment(self, source_id: int, targets: list[int] | None, mode: str) -> int | None:
        """An existing, not failed alignment of exactly this request (its work is reused).

        A request for all shared-topic documents (targets None) made before the latest document
        was added is not the same request: the new document may share topics.
        """
        query = select(Alignment).where(
            Alignment.source_document_id == source_id,
            Alignment.mode == mode,
            Alignment.status != "failed",
        )
        with self._session() as session:
            if targets is None:
                query = query.where(
                    Alignment.created_at >= select(func.max(Document.created_at)).scalar_subquery()
                )
            for alignment in session.scalars(query.order_by(Alignment.id)):
                if alignment.requested_targets == targets:
                    return alignment.id
        return None

    def get_alignment(self, alignment_id: int) -> Alignment | None:
        with self._session() as session:
            return session.get(
                Alignment,
                alignment_id,
                options=[selectinload(Alignment.candidates), selectinload(Alignment.pairs)],
            )

    def list_alignments(self) -> list[Alignment]:
        with self._session() as session:
            return list(session.scalars(select(Alignment).order_by(Alignment.id)))

    def alignments_to_run(self) -> list[int]:
        """Alignments a start must (re)run: queued, cut off by a stop, or failed last time."""
        with self._session() as session:
            query = select(Alignment.id).where(Alignment.status.in_([*UNFINISHED, "failed"]))
            return list(session.scalars(query.order_by(Alignment.id)))

    def set_alignment_status(
        self, alignment_id: int, status: str, error: str | None = None
    ) -> None:
        with self._session.begin() as session:
            alignment = session.get(Alignment, alignment_id)
            alignment.status = status
            alignment.error = error
            if status not in UNFINISHED:
                alignment.finished_at = datetime.now(UTC)

    def finish_alignment(
        self,
        alignment_id: int,
        *,
        encoder: str,
        model: str | None,
        candidates: Sequence[AlignmentCandidate],
        pairs: Sequence[AlignmentPair],
    ) -> None:
        """Replace any partial result and mark the alignment done, in one transaction."""
        with self._session.begin() as session:
            alignment = session.get(
                Alignment,
                alignment_id,
                options=[selectinload(Alignment.candidates), selectinload(Alignment.pairs)],
            )
            alignment.candidates = list(candidates)
            alignment.pairs = list(pairs)
            alignment.encoder = encoder
            alignment.model = model
            alignment.status = "done"
            alignment.error = None
            alignment.finished_at = datetime.now(UTC)
