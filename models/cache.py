"""Persistent translation cache: translating the same sentence twice costs one SQLite lookup."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from models.sqlite import insert_many, open_cache, select_in

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    model TEXT NOT NULL,
    options TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    confidence REAL NOT NULL,
    PRIMARY KEY (model, options, source)
)
"""


class TranslationCache:
    """(model, decoding options, source sentence) -> (translation, confidence).

    The key leaves out the backend and compute type on purpose: they change speed, not what
    the model is asked to do.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = open_cache(path, _SCHEMA)

    def get_many(
        self, model: str, options: str, sources: Sequence[str]
    ) -> dict[str, tuple[str, float]]:
        query = (
            "SELECT source, text, confidence FROM translations "
            "WHERE model = ? AND options = ? AND source IN ({marks})"
        )
        with self._lock:
            rows = select_in(self._db, query, sources, (model, options))
            return {source: (text, confidence) for source, text, confidence in rows}

    def put_many(self, model: str, options: str, items: Iterable[tuple[str, str, float]]) -> None:
        rows = [(model, options, source, text, conf) for source, text, conf in items]
        with self._lock:
            insert_many(
                self._db, "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)", rows
            )
