"""The SQL store: every read and write the service does, each one transaction.

A repository per concept over one database: documents (with their sentences), their machine
translations, the alignment job queue, and the alignments' results. What they return is
detached (loaded eagerly): callers hold no session.
"""

from __future__ import annotations

from service.store.alignments import (
    AlignmentJobs,
    AlignmentRepository,
    FoundPair,
    RankedDocument,
    TopicLink,
)
from service.store.database import Database, resolve_url
from service.store.documents import DocumentRepository, TranslationRepository, content_hash

__all__ = [
    "FoundPair",
    "RankedDocument",
    "Store",
    "TopicLink",
    "content_hash",
    "resolve_url",
]


class Store:
    def __init__(self, url: str) -> None:
        database = Database(url)
        self.engine = database.engine
        self.documents = DocumentRepository(database)
        self.translations = TranslationRepository(database)
        self.jobs = AlignmentJobs(database)
        self.alignments = AlignmentRepository(database)

    def close(self) -> None:
        self.engine.dispose()
