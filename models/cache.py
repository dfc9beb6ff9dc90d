"""Persistent translation cache: translating the same sentence twice costs one SQLite lookup."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

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
    the model is asked to do. One connection shared under a lock keeps it thread-safe.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    def get_many(
        self, model: str, options: str, sources: Sequence[str]
    ) -> dict[str, tuple[str, float]]:
        found: dict[str, tuple[str, float]] = {}
        with self._lock:
            for start in range(0, len(sources), 500):  # stay under SQLite's variable limit
                chunk = list(sources[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT source, text, confidence FROM translations "
                    f"WHERE model = ? AND options = ? AND source IN ({marks})",
                    [model, options, *chunk],
                )
                found.update({source: (text, conf) for source, text, conf in rows})
        return found

    def put_many(self, model: str, options: str, items: Iterable[tuple[str, str, float]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)",
                [(model, options, source, text, conf) for source, text, conf in items],
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
