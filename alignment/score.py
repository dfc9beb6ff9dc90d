"""Bead costs: how unlike the two sides of a bead are, from several pair signals.

A bead's distance is a weighted sum of signal tables, each a distance per bead over the band
(0 = the same meaning, ~1 = unrelated): the centred run embeddings (`RunDistance`), containment
(alignment.containment: every sentence must match something on the other side), the CC-CEDICT
dictionary (alignment.lexicon: lowers the distance where a bead's dictionary matches exceed the
band's) and, given a machine translation of one side, chrF (alignment.mt, Bleualign's signal).
`parallel_signals` turns `CostWeights` into the weights; a bead's score is clip(1 - distance).

A bead should end where a quotation ends on both sides or on neither: a mismatch adds `quote`.
Translators move speech attributions around ("'...,' said Trinket" for 韦小宝道：“...”), so
this is a small nudge for boundaries the embeddings cannot tell apart, not a rule.

A Gale-Church length term adds the squared standardised mismatch of the sides' lengths in
characters (expected ratio: the document pair's; variance: estimated from the 1-1 anchors).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from alignment.config import CostWeights
from alignment.runs import Runs


class PairSignal(Protocol):
    """One kind of evidence about beads, as a distance table over the search band."""

    def table(self, a: int, b: int) -> np.ndarray:
        """(n - a + 1, width): the distance of bead (i, a, starts[i] + w, b)."""
        ...


Weighted = tuple[float, PairSignal]


class RunDistance:
    """1 - cos of the source run (i, a) and the target run (starts[i] + w, b), computed by
    blocks of rows in one matmul each."""

    ROWS_PER_BLOCK = 256

    def __init__(self, src: Runs, tgt: Runs, starts: np.ndarray, width: int):
        self.src, self.tgt, self.starts, self.width = src, tgt, starts, width

    def table(self, a: int, b: int) -> np.ndarray:
        src, tgt = self.src.vectors[a - 1], self.tgt.vectors[b - 1]
        columns = np.minimum(self.starts[: len(src), None] + np.arange(self.width), len(tgt) - 1)
        cos = np.empty(columns.shape, dtype=np.float32)
        for r0 in range(0, len(columns), self.ROWS_PER_BLOCK):
            rows = slice(r0, r0 + self.ROWS_PER_BLOCK)
            c0, c1 = int(columns[rows].min()), int(columns[rows].max()) + 1
            block = src[rows] @ tgt[c0:c1].T
            cos[rows] = np.take_along_axis(block, columns[rows] - c0, axis=1)
        return 1.0 - cos


def parallel_signals(
    runs: RunDistance,
    containment: PairSignal,
    lexicon: PairSignal | None,
    translation: PairSignal | None,
    weights: CostWeights,
) -> list[Weighted]:
    """The weights of parallel mode: containment takes its share of the embeddings' distance,
    the dictionary shifts it, and a machine translation's chrF takes its share of the whole."""
    keep = 1.0 - weights.mt if translation is not None else 1.0
    signals: list[Weighted] = [
        (keep * (1.0 - weights.containment), runs),
        (keep * weights.containment, containment),
    ]
    if lexicon is not None:
        signals.append((keep * weights.lexicon, lexicon))
    if translation is not None:
        signals.append((weights.mt, translation))
    return signals


class BeadScorer:
    """Costs of beads between two documents' runs, as one table per bead type over the band.

    `tables[(a, b)][i, w]` describes the bead (source i..i+a-1, target j..j+b-1) with
    j = starts[i] + w; the DP looks costs up instead of computing them bead by bead.
    """

    def __init__(
        self,
        src: Runs,
        tgt: Runs,
        starts: np.ndarray,
        width: int,
        signals: Sequence[Weighted],
        weights: CostWeights,
        *,
        anchors: Sequence[tuple[int, int]] = (),
        prior_variance: float = 6.8,
    ):
        """prior_variance: Gale-Church's variance per source character, used until there are
        5 anchors to estimate the pair's own."""
        self.src, self.tgt, self.weights = src, tgt, weights
        self.starts, self.width, self.signals = starts, width, signals
        self.char_ratio = max(tgt.chars[0].sum(), 1.0) / max(src.chars[0].sum(), 1.0)
        self.length_variance = self._length_variance(anchors, prior_variance)
        self._tables: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def _length_variance(self, anchors: Sequence[tuple[int, int]], prior: float) -> float:
        """Gale-Church variance of target length per source character, from 1-1 anchors."""
        if len(anchors) < 5:
            return prior * self.char_ratio
        i, j = np.array(anchors).T
        ls, lt = np.maximum(self.src.chars[0][i], 1.0), self.tgt.chars[0][j]
        delta2 = (lt - self.char_ratio * ls) ** 2 / ls
        return float(np.median(delta2) / 0.455)  # median of chi2(1) is 0.455

    def length_cost(self, ls: np.ndarray, lt: np.ndarray) -> np.ndarray:
        """Gale-Church: squared standardised difference of the target length from the expected."""
        ls = np.maximum(ls, 1.0)
        return (lt - self.char_ratio * ls) ** 2 / (2 * self.length_variance * ls)

    def tables(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """(distance, cost) of every a-b bead in the band; cost is per sentence covered and
        inf outside the documents. Built on first use, once per bead type."""
        if (a, b) not in self._tables:
            w = self.weights
            n = len(self.src.vectors[a - 1])
            columns = self.starts[:n, None] + np.arange(self.width)
            inside = columns <= len(self.tgt.vectors[b - 1]) - 1
            columns = np.minimum(columns, len(self.tgt.vectors[b - 1]) - 1)
            distance = sum(weight * signal.table(a, b) for weight, signal in self.signals)
            length = self.length_cost(
                self.src.chars[a - 1][:n, None], self.tgt.chars[b - 1][columns]
            )
            quote = (
                self.src.ends_quote[a - 1 : a - 1 + n, None] != self.tgt.ends_quote[columns + b - 1]
            )
            cost = (a + b) / 2 * (distance + w.length * length) + w.many * (a + b - 2)
            cost = np.where(inside, cost + w.quote * quote, np.inf)
            self._tables[(a, b)] = (distance, np.nan_to_num(cost, nan=np.inf))
        return self._tables[(a, b)]

    def score(self, i: int, a: int, j: int, b: int) -> float:
        """The bead's score in [0, 1] (1 - distance, clipped); 0 for unaligned."""
        if a == 0 or b == 0:
            return 0.0
        distance = float(self.tables(a, b)[0][i, j - self.starts[i]])
        return min(max(1.0 - distance, 0.0), 1.0)
