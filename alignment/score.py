"""Bead costs: how unlike two runs are.

The distance of two runs is 1 - cos of their centred embeddings (alignment.embed.centred): ~1
for unrelated text, 0 for identical meaning; a bead's score is clip(1 - distance, 0, 1).
Centring does what Vecalign's normalisation by the mean distance to the other document did
(that division became a no-op: same F1 to three decimals on mac-dev, so it is gone).

Two more signals refine the run-level distance (docs/alignment.md has what each gained):
containment (alignment.containment: every sentence of the bead must match something on the other
side) is mixed in with weight `containment`, and the CC-CEDICT dictionary (alignment.lexicon)
lowers the distance by `lexicon` x how far the bead's dictionary matches exceed the band's.

With a machine translation of one side (alignment.mt), `mt` of the distance becomes the
bead's chrF distance, Bleualign's signal; 1.0 aligns by chrF alone (the embeddings still find
the anchors).

A bead should end where a quotation ends on both sides or on neither: a mismatch adds `quote`.
Translators move speech attributions around ("'...,' said Trinket" for 韦小宝道：“...”), so
this is a small nudge for boundaries the embeddings cannot tell apart, not a rule.

A Gale-Church length term adds the squared standardised mismatch of the sides' lengths in
characters (expected ratio: the document pair's; variance: estimated from the 1-1 anchors).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignment.containment import Containment
from alignment.lexicon import Lexicon
from alignment.mt import TranslationMatch
from alignment.runs import Runs


@dataclass(frozen=True)
class CostWeights:
    """Tuned on mac-dev (docs/alignment.md); costs are per sentence the bead covers."""

    skip: float = 0.7  # cost of leaving one sentence unaligned
    many: float = 0.13  # extra cost per sentence beyond the first on each side of a bead
    length: float = 0.05  # weight of the Gale-Church length cost
    containment: float = 0.7  # share of the containment distance in the bead's distance
    lexicon: float = 0.1  # weight of the dictionary similarity above the band's baseline
    quote: float = 0.1  # cost of a bead whose sides disagree on ending a quotation
    mt: float = 0.5  # share of the chrF distance, when a machine translation is given (untuned)


class BeadScorer:
    """Costs of beads between two documents' runs, as one table per bead type over the band.

    `tables[(a, b)][i, w]` describes the bead (source i..i+a-1, target j..j+b-1) with
    j = starts[i] + w; the DP looks costs up instead of computing them bead by bead.
    """

    ROWS_PER_BLOCK = 256  # source rows whose run similarities are computed in one matmul

    def __init__(
        self,
        src: Runs,
        tgt: Runs,
        starts: np.ndarray,
        width: int,
        containment: Containment,
        lexicon: Lexicon | None = None,
        weights: CostWeights = CostWeights(),
        anchors: list[tuple[int, int]] = (),
        translation: TranslationMatch | None = None,
    ):
        self.src, self.tgt, self.weights = src, tgt, weights
        self.starts, self.width = starts, width
        self.containment, self.lexicon, self.translation = containment, lexicon, translation
        self.char_ratio = max(tgt.chars[0].sum(), 1.0) / max(src.chars[0].sum(), 1.0)
        self.length_variance = self._length_variance(anchors)
        self._tables: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def _length_variance(self, anchors: list[tuple[int, int]]) -> float:
        """Gale-Church variance of target length per source character, from 1-1 anchors."""
        if len(anchors) < 5:
            return 6.8 * self.char_ratio
        i, j = np.array(anchors).T
        ls, lt = np.maximum(self.src.chars[0][i], 1.0), self.tgt.chars[0][j]
        delta2 = (lt - self.char_ratio * ls) ** 2 / ls
        return float(np.median(delta2) / 0.455)  # median of chi2(1) is 0.455

    def length_cost(self, ls: np.ndarray, lt: np.ndarray) -> np.ndarray:
        """Gale-Church: squared standardised difference of the target length from the expected."""
        ls = np.maximum(ls, 1.0)
        return (lt - self.char_ratio * ls) ** 2 / (2 * self.length_variance * ls)

    def _run_distance(self, a: int, b: int, columns: np.ndarray) -> np.ndarray:
        """Distance (1 - cos) of source runs (i, a) to target runs (columns[i, w], b)."""
        src, tgt = self.src.vectors[a - 1], self.tgt.vectors[b - 1]
        cos = np.empty(columns.shape, dtype=np.float32)
        for r0 in range(0, len(columns), self.ROWS_PER_BLOCK):
            rows = slice(r0, r0 + self.ROWS_PER_BLOCK)
            c0, c1 = int(columns[rows].min()), int(columns[rows].max()) + 1
            block = src[rows] @ tgt[c0:c1].T
            cos[rows] = np.take_along_axis(block, columns[rows] - c0, axis=1)
        return 1.0 - cos

    def tables(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """(distance, cost) of every a-b bead in the band; cost is per sentence covered and
        inf outside the documents. Built on first use, once per bead type."""
        if (a, b) not in self._tables:
            w = self.weights
            n = len(self.src.vectors[a - 1])
            columns = self.starts[:n, None] + np.arange(self.width)
            inside = columns <= len(self.tgt.vectors[b - 1]) - 1
            columns = np.minimum(columns, len(self.tgt.vectors[b - 1]) - 1)
            distance = (1.0 - w.containment) * self._run_distance(a, b, columns)
            distance += w.containment * self.containment.table(a, b)
            if self.lexicon is not None:
                distance -= w.lexicon * (self.lexicon.table(a, b) - self.lexicon.baseline)
            if self.translation is not None:
                distance = (1.0 - w.mt) * distance + w.mt * self.translation.table(a, b)
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
