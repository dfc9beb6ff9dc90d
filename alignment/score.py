"""Bead costs: how unlike two runs are, relative to how unlike unrelated text is.

multilingual-e5 cosines are compressed (unrelated sentences still score ~0.75), and some
sentences are close to everything (hubs). So the distance 1 - cos(x, y) is divided by the
distance each side has to the other document on average (Vecalign's normalisation; the mean
over all other-side sentences is one dot product with their centroid). The result, `relative
distance`, is ~1 for unrelated text and 0 for identical meaning; a bead's score is
clip(1 - relative distance, 0, 1).

A Gale-Church length term adds the squared standardised mismatch of the sides' lengths in
characters (expected ratio: the document pair's; variance: estimated from the 1-1 anchors).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignment.runs import Runs


@dataclass(frozen=True)
class CostWeights:
    """Tuned on mac-dev (docs/alignment.md); costs are per sentence the bead covers."""

    skip: float = 0.95  # cost of leaving one sentence unaligned
    many: float = 0.2  # extra cost per sentence beyond the first on each side of a bead
    length: float = 0.05  # weight of the Gale-Church length cost


class BeadScorer:
    """Costs of beads between two documents' runs."""

    def __init__(
        self,
        src: Runs,
        tgt: Runs,
        weights: CostWeights = CostWeights(),
        anchors: list[tuple[int, int]] = (),
    ):
        self.src, self.tgt, self.weights = src, tgt, weights
        src_centroid = src.vectors[0].mean(axis=0)
        tgt_centroid = tgt.vectors[0].mean(axis=0)
        # mean distance of every run to the other document's sentences
        self.src_spread = [1.0 - v @ tgt_centroid for v in src.vectors]
        self.tgt_spread = [1.0 - v @ src_centroid for v in tgt.vectors]
        self.char_ratio = max(tgt.chars[0].sum(), 1.0) / max(src.chars[0].sum(), 1.0)
        self.length_variance = self._length_variance(anchors)

    def _length_variance(self, anchors: list[tuple[int, int]]) -> float:
        """Gale-Church variance of target length per source character, from 1-1 anchors."""
        if len(anchors) < 5:
            return 6.8 * self.char_ratio
        i, j = np.array(anchors).T
        ls, lt = np.maximum(self.src.chars[0][i], 1.0), self.tgt.chars[0][j]
        delta2 = (lt - self.char_ratio * ls) ** 2 / ls
        return float(np.median(delta2) / 0.455)  # median of chi2(1) is 0.455

    def length_cost(self, ls: np.ndarray | float, lt: np.ndarray) -> np.ndarray:
        """Gale-Church: squared standardised difference of the target length from the expected."""
        ls = np.maximum(ls, 1.0)
        return (lt - self.char_ratio * ls) ** 2 / (2 * self.length_variance * ls)

    def relative_distance(self, i: int, a: int, js: np.ndarray, b: int) -> np.ndarray:
        """Relative distance of source run (i, a) to the target runs (j, b) for j in js."""
        cos = self.tgt.vectors[b - 1][js] @ self.src.vectors[a - 1][i]
        spread = (self.src_spread[a - 1][i] + self.tgt_spread[b - 1][js]) / 2
        return (1.0 - cos) / np.maximum(spread, 1e-6)

    def cost(self, i: int, a: int, js: np.ndarray, b: int) -> np.ndarray:
        """Cost of the beads (source i..i+a-1, target j..j+b-1), per sentence covered."""
        w = self.weights
        distance = self.relative_distance(i, a, js, b)
        length = self.length_cost(self.src.chars[a - 1][i], self.tgt.chars[b - 1][js])
        return (a + b) / 2 * (distance + w.length * length) + w.many * (a + b - 2)

    def score(self, i: int, a: int, j: int, b: int) -> float:
        """The bead's score in [0, 1] (1 - relative distance, clipped); 0 for unaligned."""
        if a == 0 or b == 0:
            return 0.0
        distance = float(self.relative_distance(i, a, np.array([j]), b)[0])
        return min(max(1.0 - distance, 0.0), 1.0)
