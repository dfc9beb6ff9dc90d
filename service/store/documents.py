"""Documents with their sentences, and the sentences' machine translations."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import selectinload

from service.errors import NotStored
from service.store.database import Database
from service.store.tables import Document, Sentence, Translation


def content_hash(text: str, language: str) -> str:
    return hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()


class DocumentRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(
        self,
        *,
        title: str,
        language: str,
        text: str,
        sentences: Iterable[tuple[int, str]],
        flags: Sequence[str | None] | None = None,
    ) -> tuple[Document, bool]:
        """Store a document and its (paragraph, sentence) list atomically; (doc, created).
        `flags`: each sentence's boilerplate kind or None; without them the document counts as
        not flagged yet (`unflagged`).

        The same text ingested at once by another writer is found, not a unique-key error: the
        insert waits for that writer and then yields to its row.
        """
        digest = content_hash(text, language)
        by_hash = (
            select(Document)
            .where(Document.content_hash == digest)
            .options(selectinload(Document.sentences))
        )
        with self._db.session.begin() as session:
            existing = session.scalar(by_hash)
            if existing is not None:
                return existing, False
            document_id = session.scalar(
                self._db.insert_ignoring(Document)
                .values(
                    title=title,
                    language=language,
                    text=text,
                    content_hash=digest,
                    flagged_at=None if flags is None else datetime.now(UTC),
                )
                .on_conflict_do_nothing(index_elements=[Document.content_hash])
                .returning(Document.id)
            )
            if document_id is None:
                return session.scalar(by_hash), False
            session.add_all(
                Sentence(
                    document_id=document_id,
                    index=i,
                    paragraph=paragraph,
                    text=sentence,
                    boilerplate=None if flags is None else flags[i],
                )
                for i, (paragraph, sentence) in enumerate(sentences)
            )
            document = session.get(
                Document, document_id, options=[selectinload(Document.sentences)]
            )
        return document, True

    def summaries(self, language: str | None = None) -> list[Row]:
        """Rows of `id`, `title`, `language` and the count of `sentences` (schemas.DocumentSummary),
        by id; of one language when given."""
        counts = (
            select(
                Document.id,
                Document.title,
                Document.language,
                func.count(Sentence.id).label("sentences"),
            )
            .outerjoin(Sentence)
            .group_by(Document.id)
            .order_by(Document.id)
        )
        if language:
            counts = counts.where(Document.language == language)
        with self._db.session() as session:
            return list(session.execute(counts))

    def get(self, document_id: int) -> Document:
        """The document with its sentences; NotStored if there is none with this id."""
        with self._db.session() as session:
            document = self._db.may_hold(document_id) and session.get(
                Document, document_id, options=[selectinload(Document.sentences)]
            )
        if not document:
            raise NotStored(f"no document with id {document_id}")
        return document

    def get_many(self, ids: Sequence[int]) -> dict[int, Document]:
        """The stored ones of these documents, with their sentences, by id."""
        with self._db.session() as session:
            rows = session.scalars(
                select(Document)
                .where(Document.id.in_([i for i in ids if self._db.may_hold(i)]))
                .options(selectinload(Document.sentences))
            )
            return {document.id: document for document in rows}

    def unflagged(self) -> list[int]:
        """Ids of the documents stored before boilerplate flagging existed."""
        with self._db.session() as session:
            return list(
                session.scalars(
                    select(Document.id).where(Document.flagged_at.is_(None)).order_by(Document.id)
                )
            )

    def flag(self, document_id: int, flags: Sequence[str | None], title: str) -> None:
        """Set each sentence's boilerplate kind (by index: nothing renumbered) and the title."""
        with self._db.session.begin() as session:
            for index, flag in enumerate(flags):
                if flag is not None:
                    session.execute(
                        update(Sentence)
                        .where(Sentence.document_id == document_id, Sentence.index == index)
                        .values(boilerplate=flag)
                    )
            session.execute(
                update(Document)
                .where(Document.id == document_id)
                .values(flagged_at=datetime.now(UTC), title=title)
            )


class TranslationRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def of_document(self, document_id: int, model: str) -> dict[int, Translation]:
        """Stored translations of a document by `model`, keyed by sentence index."""
        query = (
            select(Sentence.index, Translation)
            .join(Translation, Translation.sentence_id == Sentence.id)
            .where(Sentence.document_id == document_id, Translation.model == model)
        )
        with self._db.session() as session:
            return {index: translation for index, translation in session.execute(query)}

    def save(self, model: str, rows: Iterable[tuple[int, str, float]]) -> None:
        """Store (sentence_id, text, confidence) rows; a sentence already translated is kept,
        also when another writer stores it meanwhile."""
        values = [
            {"sentence_id": sentence_id, "model": model, "text": text, "confidence": confidence}
            for sentence_id, text, confidence in rows
        ]
        if not values:
            return
        insert = self._db.insert_ignoring(Translation).on_conflict_do_nothing(
            index_elements=[Translation.sentence_id, Translation.model]
        )
        with self._db.session.begin() as session:
            session.execute(insert, values)
