"""Sentence-pair matrices kept only inside the search band, so memory stays linear in length.

The containment and lexical signals are defined per sentence pair (source i, target j) and
reduced over the sentences of a bead. The DP only ever asks for pairs near its band, so each
source row i stores a fixed number of columns from its own start: `values[i, w]` is the pair
(i, starts[i] + w). Bead-level tables are built for all rows at once from these (vectorised),
so the DP looks a bead's value up instead of computing it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


class BandedMatrix:
    """`values[i, w]` holds pair (i, starts[i] + w); NaN where row i stores nothing."""

    def __init__(self, starts: np.ndarray, values: np.ndarray):
        self.starts, self.values = starts, values

    @staticmethod
    def columns(lo: np.ndarray, hi: np.ndarray, max_run: int, m: int) -> tuple[np.ndarray, int]:
        """Each row's first column and the common width: row i covers every column a bead
        starting at DP rows i - max_run + 1 .. i can touch (lo/hi: the band, length n + 1)."""
        n = len(lo) - 1
        starts = np.empty(n, dtype=np.int64)
        ends = np.empty(n, dtype=np.int64)
        for i in range(n):
            first = max(i - max_run + 1, 0)
            starts[i] = lo[first : i + 1].min()
            ends[i] = min(int(hi[first : i + 1].max()) + max_run, m)
        return starts, int((ends - starts).max(initial=0))

    @classmethod
    def build(
        cls,
        starts: np.ndarray,
        width: int,
        m: int,
        row_values: Callable[[int, int, int], np.ndarray],
    ) -> BandedMatrix:
        """row_values(i, j0, j1) gives the values of columns j0..j1-1 of row i."""
        values = np.full((len(starts), width), np.nan)
        for i, j0 in enumerate(starts):
            j1 = min(int(j0) + width, m)
            values[i, : j1 - j0] = row_values(i, int(j0), j1)
        return cls(starts, values)

    def row_below(self, r: int) -> np.ndarray:
        """(n - r, width): row i + r in row i's column frame (NaN where it stores nothing)."""
        n, width = self.values.shape
        offsets = self.starts[: n - r, None] + np.arange(width) - self.starts[r:, None]
        inside = (offsets >= 0) & (offsets < width)
        out = np.take_along_axis(self.values[r:], np.clip(offsets, 0, max(width - 1, 0)), axis=1)
        out[~inside] = np.nan
        return out


def shift_left(values: np.ndarray, k: int) -> np.ndarray:
    """Column w of the result is column w + k of `values` (NaN past the end)."""
    if k == 0:
        return values
    out = np.full_like(values, np.nan)
    out[:, :-k] = values[:, k:]
    return out


def best_in_bead(pairs: BandedMatrix, a: int, b: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """From pair distances, for each bead (i, a, starts[i] + w, b) of the first n rows: the sum
    over its source sentences of each one's smallest distance to the bead's targets, and the
    sum over its targets of each one's smallest distance to the bead's sources."""
    rows = [pairs.row_below(r)[:n] for r in range(a)]
    src = sum(np.minimum.reduce([shift_left(x, k) for k in range(b)]) for x in rows)
    tgt = sum(np.minimum.reduce([shift_left(x, k) for x in rows]) for k in range(b))
    return src, tgt
