"""Machine translation as an alignment signal (Bleualign's idea): one side translated into the
other's language, compared with the other side's sentences by chrF.

Why optional: it needs a translation model (opus-mt; `bitext models pull`) and a decoder pass
per sentence, and the embeddings align without it. Why chrF: it needs no tokenizer for Chinese
and credits partly right words. Each pair inside the search band is scored once, from n-gram
counts extracted once per sentence (sacrebleu's own scorer re-extracts them for every call:
0.3 ms a pair; here ~0.07 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sacrebleu.metrics.helpers import extract_all_char_ngrams

from alignment.banded import BandedMatrix, best_in_bead

CHAR_ORDER, BETA = 6, 2  # sacrebleu's chrF defaults


@dataclass(frozen=True)
class CharNgrams:
    """A sentence's character n-gram counts for n = 1..6 (whitespace dropped, as sacrebleu's
    chrF), in one dict: n-grams of different orders are different strings."""

    counts: dict[str, int]
    totals: tuple[int, ...]  # n-grams of each order

    @classmethod
    def of(cls, text: str) -> CharNgrams:
        orders = extract_all_char_ngrams(text, CHAR_ORDER, False)
        counts = {gram: c for order in orders for gram, c in order.items()}
        return cls(counts, tuple(sum(order.values()) for order in orders))


def chrf(hypothesis: CharNgrams, reference: CharNgrams) -> float:
    """sacrebleu's sentence chrF (0-100): the F-beta of precision and recall, each averaged
    over the orders both sides have."""
    matches = [0] * CHAR_ORDER
    small, large = sorted((hypothesis.counts, reference.counts), key=len)
    for gram, count in small.items():
        if gram in large:
            matches[len(gram) - 1] += min(count, large[gram])
    both = [
        (match / n_hyp, match / n_ref)
        for match, n_hyp, n_ref in zip(matches, hypothesis.totals, reference.totals, strict=True)
        if n_hyp and n_ref
    ]
    if not both:
        return 0.0
    precision, recall = (sum(x) / len(both) for x in zip(*both, strict=True))
    if not precision + recall:
        return 0.0
    return 100 * (1 + BETA**2) * precision * recall / (BETA**2 * precision + recall)


class TranslationMatch:
    """chrF distance (1 - chrF / 100) of the pairs in the band, between one side's machine
    translation and the other side's sentences."""

    def __init__(
        self,
        translations: Sequence[str],
        others: Sequence[str],
        *,
        translated_side: str,
        starts: np.ndarray,
        width: int,
    ):
        """translated_side: "src" when `translations` are the source's sentences translated
        (and `others` the target's), "tgt" when they are the target's."""
        hyps = [CharNgrams.of(t) for t in translations]
        refs = [CharNgrams.of(t) for t in others]
        m = len(refs) if translated_side == "src" else len(hyps)

        def distance(i: int, j0: int, j1: int) -> np.ndarray:
            if translated_side == "src":
                scores = [chrf(hyps[i], refs[j]) for j in range(j0, j1)]
            else:
                scores = [chrf(hyps[j], refs[i]) for j in range(j0, j1)]
            return 1.0 - np.array(scores) / 100

        self.pairs = BandedMatrix.build(starts, width, m, distance)

    def table(self, a: int, b: int) -> np.ndarray:
        """(n - a + 1, width): for bead (i, a, starts[i] + w, b), the mean over its a + b
        sentences of each one's chrF distance to its best counterpart in the bead."""
        src, tgt = best_in_bead(self.pairs, a, b, len(self.pairs.starts) - a + 1)
        return (src + tgt) / (a + b)
