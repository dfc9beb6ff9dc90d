"""Strict and lax precision/recall/F1 of beads against gold, as Vecalign's score.py defines them.

Strict: a predicted bead is right only if it equals a gold bead. Lax: it is right if some source
sentence and some target sentence of it are aligned to each other in gold. Precision is over all
predicted beads (an unaligned 1-0/0-1 bead is right only if gold has the same one); recall is
precision with the roles swapped and unaligned beads dropped from both sides. Counts are summed
over documents before dividing (micro average).

Two-level gold (`score_sure_possible`), for comparable text where readers agree only in part, as
sure and possible links are in word alignment (Och & Ney 2003): precision is judged against the
pairs any reader found (possible, which includes sure), recall against the pairs every reader
found (sure). Only pairs with both sides count: comparable alignment has no unaligned beads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alignment.beads import Bead

Pair = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class GoldScores:
    strict_precision: float
    strict_recall: float
    strict_f1: float
    lax_precision: float
    lax_recall: float
    lax_f1: float
    signature: str = "vecalign-score|micro|unaligned-in-precision"


def _pairs(beads: Iterable[Bead | Pair]) -> set[Pair]:
    pairs = set()
    for bead in beads:
        src, tgt = (bead.source, bead.target) if isinstance(bead, Bead) else bead
        if src or tgt:
            pairs.add((tuple(src), tuple(tgt)))
    return pairs


def _counts(gold: set[Pair], test: set[Pair]) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of `test` judged against `gold`."""
    linked = defaultdict(set)
    for src, tgt in gold:
        for i in src:
            linked[i].update(tgt)
    strict_hit = strict_miss = lax_hit = lax_miss = 0
    for src, tgt in test:
        if (src, tgt) in gold:
            strict_hit += 1
            lax_hit += 1
            continue
        strict_miss += 1
        if any(linked[i].intersection(tgt) for i in src):
            lax_hit += 1
        else:
            lax_miss += 1
    return strict_hit, strict_miss, lax_hit, lax_miss


def _ratio(hit: int, miss: int) -> float:
    return hit / (hit + miss) if hit + miss else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_documents(
    predicted: Sequence[Sequence[Bead | Pair]], gold: Sequence[Sequence[Bead | Pair]]
) -> GoldScores:
    """Scores summed over several documents (`predicted[i]` against `gold[i]`)."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold must hold the same number of documents")
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for test_doc, gold_doc in zip(predicted, gold, strict=True):
        test_pairs, gold_pairs = _pairs(test_doc), _pairs(gold_doc)
        p = [a + b for a, b in zip(p, _counts(gold_pairs, test_pairs), strict=True)]
        aligned_test = {(s, t) for s, t in test_pairs if s and t}
        aligned_gold = {(s, t) for s, t in gold_pairs if s and t}
        r = [a + b for a, b in zip(r, _counts(aligned_test, aligned_gold), strict=True)]
    sp, lp = _ratio(p[0], p[1]), _ratio(p[2], p[3])
    sr, lr = _ratio(r[0], r[1]), _ratio(r[2], r[3])
    return GoldScores(sp, sr, _f1(sp, sr), lp, lr, _f1(lp, lr))


def score_against_gold(predicted: Sequence[Bead | Pair], gold: Sequence[Bead | Pair]) -> GoldScores:
    """Scores of one document's predicted beads against its gold beads."""
    return score_documents([predicted], [gold])


@dataclass(frozen=True)
class TwoLevelScores:
    """Precision against possible gold, recall against sure gold; `pairs` predicted."""

    strict_precision: float
    strict_recall: float
    strict_f1: float
    lax_precision: float
    lax_recall: float
    lax_f1: float
    pairs: int
    signature: str = "sure-possible|micro|precision-vs-possible|recall-vs-sure|aligned-only"


def score_sure_possible(
    predicted: Sequence[Sequence[Bead | Pair]],
    sure: Sequence[Sequence[Bead | Pair]],
    possible: Sequence[Sequence[Bead | Pair]],
) -> TwoLevelScores:
    """Scores summed over documents: `predicted[i]` against `sure[i]` and `possible[i]`."""
    if not len(predicted) == len(sure) == len(possible):
        raise ValueError("predicted, sure and possible must hold the same number of documents")
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    count = 0
    for test_doc, sure_doc, possible_doc in zip(predicted, sure, possible, strict=True):
        test = {(s, t) for s, t in _pairs(test_doc) if s and t}
        sure_pairs = {(s, t) for s, t in _pairs(sure_doc) if s and t}
        possible_pairs = {(s, t) for s, t in _pairs(possible_doc) if s and t} | sure_pairs
        count += len(test)
        p = [a + b for a, b in zip(p, _counts(possible_pairs, test), strict=True)]
        r = [a + b for a, b in zip(r, _counts(test, sure_pairs), strict=True)]
    sp, lp = _ratio(p[0], p[1]), _ratio(p[2], p[3])
    sr, lr = _ratio(r[0], r[1]), _ratio(r[2], r[3])
    return TwoLevelScores(sp, sr, _f1(sp, sr), lp, lr, _f1(lp, lr), count)
