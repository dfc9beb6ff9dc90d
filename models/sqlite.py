"""SQLite files used as caches (translations, embeddings): opened one way, read in chunks.

One connection per cache, shared under the cache's lock; WAL lets other processes read while
one writes, and a busy timeout makes a second writer wait instead of failing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

CHUNK = 500  # keys per IN (...): stays under SQLite's limit on query variables
BUSY_TIMEOUT_MS = 30_000


def open_cache(path: Path, schema: str) -> sqlite3.Connection:
    """The cache file at `path` (created with `schema` if new), in autocommit mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(schema)
    return db


def select_in(
    db: sqlite3.Connection, query: str, keys: Sequence, params: Sequence = ()
) -> Iterator[tuple]:
    """Rows of `query`, whose `{marks}` stands for the placeholders of `keys` after `params`."""
    for start in range(0, len(keys), CHUNK):
        chunk = list(keys[start : start + CHUNK])
        yield from db.execute(query.format(marks=",".join("?" * len(chunk))), [*params, *chunk])


def insert_many(db: sqlite3.Connection, statement: str, rows: Iterable[Sequence]) -> None:
    """All rows in one transaction: one commit, not one per row."""
    db.execute("BEGIN")
    try:
        db.executemany(statement, rows)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
