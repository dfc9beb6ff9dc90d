"""Containment: every sentence of a bead must find its counterpart inside the other side.

Why: a run's embedding is the mean of its sentences', so one stray sentence among three barely
moves it and bead boundaries slip by one. Here each target sentence of a bead is compared with
the best-matching source sentence of the bead, and vice versa, and the worst fits count. When
a translator splits one long sentence into several, each English sentence matches one clause of
the Chinese sentence far better than the whole; so the side with fewer (longer) sentences is
also embedded clause by clause, and a sentence's best match is its best clause or itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alignment.banded import BandedMatrix, shift_left
from alignment.embed import Encoder, centred
from alignment.rotation import rotate
from models.segment import split_clauses


class Pieces:
    """Clause embeddings of a side; `starts[k]..starts[k+1]` are sentence k's clauses."""

    def __init__(self, vectors: np.ndarray, starts: np.ndarray):
        self.vectors, self.starts = vectors, starts

    @classmethod
    def of_clauses(cls, sentences: Sequence[str], encoder: Encoder) -> Pieces:
        clauses = [split_clauses(s) or [s] for s in sentences]
        starts = np.concatenate([[0], np.cumsum([len(c) for c in clauses])])
        return cls(centred(encoder.encode([c for cs in clauses for c in cs])), starts)

    def rotated(self, rotation: np.ndarray) -> Pieces:
        return Pieces(rotate(self.vectors, rotation), self.starts)

    @classmethod
    def of_sentences(cls, embeddings: np.ndarray) -> Pieces:
        return cls(embeddings, np.arange(len(embeddings) + 1))

    def best(self, k: int, others: np.ndarray) -> np.ndarray:
        """Best cosine of any piece of sentence k with each row of `others`."""
        return (self.vectors[self.starts[k] : self.starts[k + 1]] @ others.T).max(axis=0)

    def best_per_sentence(self, vector: np.ndarray, k0: int, k1: int) -> np.ndarray:
        """Best cosine of `vector` with any piece of each sentence k0..k1-1."""
        sims = self.vectors[self.starts[k0] : self.starts[k1]] @ vector
        return np.maximum.reduceat(sims, self.starts[k0:k1] - self.starts[k0])


class Containment:
    """Distance of a bead's sentences to their best counterparts (0 = all contained, ~1 =
    unrelated), in centred embeddings (alignment.embed.centred) like the scorer's."""

    def __init__(
        self,
        src_emb: np.ndarray,
        tgt_emb: np.ndarray,
        src_pieces: Pieces,
        tgt_pieces: Pieces,
        starts: np.ndarray,
        width: int,
    ):
        m = len(tgt_emb)

        def distance(i: int, j0: int, j1: int, cos: np.ndarray) -> np.ndarray:
            return 1.0 - np.maximum(cos, tgt_emb[j0:j1] @ src_emb[i])

        def tgt_in_src(i: int, j0: int, j1: int) -> np.ndarray:
            return distance(i, j0, j1, src_pieces.best(i, tgt_emb[j0:j1]))

        def src_in_tgt(i: int, j0: int, j1: int) -> np.ndarray:
            return distance(i, j0, j1, tgt_pieces.best_per_sentence(src_emb[i], j0, j1))

        self.tgt_in_src = BandedMatrix.build(starts, width, m, tgt_in_src)
        self.src_in_tgt = BandedMatrix.build(starts, width, m, src_in_tgt)

    def table(self, a: int, b: int) -> np.ndarray:
        """(n - a + 1, width): for bead (i, a, starts[i] + w, b), the mean over its a + b
        sentences of each one's distance (1 - cos) to its best counterpart on the other side."""
        n = len(self.tgt_in_src.starts) - a + 1
        tgt_in_src = [self.tgt_in_src.row_below(r)[:n] for r in range(a)]
        src_in_tgt = [self.src_in_tgt.row_below(r)[:n] for r in range(a)]
        tgt = sum(np.minimum.reduce([shift_left(x, k) for x in tgt_in_src]) for k in range(b))
        src = sum(np.minimum.reduce([shift_left(x, k) for k in range(b)]) for x in src_in_tgt)
        return (tgt + src) / (a + b)
