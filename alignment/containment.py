"""Containment: every sentence of a bead must find its counterpart inside the other side.

Why: a run's embedding is the mean of its sentences', so one stray sentence among three barely
moves it and bead boundaries slip by one. Here each sentence is matched inside the bead, both
ways. The source side (the one with fewer, longer sentences) is embedded clause by clause:
when a translator splits one long sentence into several, each target sentence matches one
clause far better than the whole, and each clause must be carried by some target sentence of
the bead. Clauses keep their order across the target sentences (a sentence's first clauses go
to the bead's first target sentences); a bead that takes a neighbour's sentence usually breaks
that order, and a bead that stops short leaves its last clauses with nothing to match.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alignment.banded import BandedMatrix, best_in_bead
from alignment.embed import Encoder, centred
from alignment.rotation import rotate
from text.segment import split_clauses


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

    def count(self, k: int) -> int:
        return int(self.starts[k + 1] - self.starts[k])

    def of(self, k: int) -> np.ndarray:
        return self.vectors[self.starts[k] : self.starts[k + 1]]


def ordered_match(cos: np.ndarray, b: int) -> np.ndarray:
    """Best sum of clause cosines when clauses, in order, go to non-decreasing columns among b
    consecutive ones. cos: (rows, clauses, columns), -inf where a column is missing; returns
    (rows, columns), one value for each window's first column."""
    rows, _, columns = cos.shape
    padded = np.concatenate([cos, np.full((rows, cos.shape[1], b - 1), -np.inf)], axis=2)
    windows = np.stack([padded[:, :, s : s + columns] for s in range(b)], axis=2)
    best = windows[:, 0]
    for k in range(1, cos.shape[1]):
        best = windows[:, k] + np.maximum.accumulate(best, axis=1)
    return best.max(axis=1)


class Containment:
    """Distance of a bead's sentences to their best counterparts (0 = all contained, ~1 =
    unrelated), in centred embeddings (alignment.embed.centred) like the scorer's."""

    CELLS = 4096  # source rows x clauses whose coverage is computed in one block

    def __init__(
        self,
        src_emb: np.ndarray,
        tgt_emb: np.ndarray,
        src_clauses: Pieces,
        starts: np.ndarray,
        width: int,
        max_run: int,
    ):
        self.starts = starts
        m = len(tgt_emb)

        def tgt_in_src(i: int, j0: int, j1: int) -> np.ndarray:
            """Target j's best match in source i: the whole sentence or one of its clauses."""
            pieces = np.vstack([src_emb[i], src_clauses.of(i)])
            return 1.0 - (pieces @ tgt_emb[j0:j1].T).max(axis=0)

        self.tgt_in_src = BandedMatrix.build(starts, width, m, tgt_in_src)
        self.coverage = self._coverage(tgt_emb, src_clauses, max_run, width)

    def _coverage(
        self, tgt_emb: np.ndarray, clauses: Pieces, max_run: int, width: int
    ) -> list[BandedMatrix]:
        """coverage[b - 1]: for source i and the b targets from starts[i] + w, 1 - the mean
        cosine of i's clauses with the targets they go to in order (ordered_match)."""
        n, m = len(self.starts), len(tgt_emb)
        padded_tgt = np.vstack([tgt_emb, np.zeros((width, tgt_emb.shape[1]), tgt_emb.dtype)])
        values = [np.full((n, width), np.nan) for _ in range(max_run)]
        order = sorted(range(n), key=clauses.count)  # blocks of rows with similar clause counts
        first = 0
        while first < n:
            last = first + 1
            while last < n and (last - first + 1) * clauses.count(order[last]) <= self.CELLS:
                last += 1
            rows = order[first:last]
            most = clauses.count(rows[-1])
            cos = np.zeros((len(rows), most, width))
            for r, i in enumerate(rows):
                j0 = int(self.starts[i])
                k = clauses.count(i)
                cos[r, :k] = clauses.of(i) @ padded_tgt[j0 : j0 + width].T / k
                cos[r, :, max(m - j0, 0) :] = -np.inf
            for b in range(1, max_run + 1):
                values[b - 1][rows] = 1.0 - ordered_match(cos, b)
            first = last
        return [BandedMatrix(self.starts, v) for v in values]

    def table(self, a: int, b: int) -> np.ndarray:
        """(n - a + 1, width): for bead (i, a, starts[i] + w, b), the mean over its a + b
        sentences of each one's distance (1 - cos) to its counterpart on the other side:
        targets their best source piece, sources the ordered match of their clauses."""
        n = len(self.starts) - a + 1
        _, tgt = best_in_bead(self.tgt_in_src, a, b, n)
        src = sum(self.coverage[b - 1].row_below(r)[:n] for r in range(a))
        return (tgt + src) / (a + b)
