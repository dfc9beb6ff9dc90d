"""Scores for a whole document pair: corpus metrics over its aligned pairs, coverage, score spread.

Corpus BLEU/chrF/TER pool n-gram and edit statistics over all pairs, so one long good pair outweighs
several short poor ones; the distribution summary shows what the single number hides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

import numpy as np

from quality.metrics import BLEU, TER, ChrF, tokenizer_for
from quality.pairs import ReferenceKind, join_reference


class BeadLike(Protocol):
    """What `alignment.Bead` offers: sentence indices on each side and a similarity in [0, 1]."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float


def is_aligned(bead: BeadLike) -> bool:
    """1-0 and 0-1 beads mark sentences left unaligned; only beads with both sides are pairs."""
    return bool(bead.source and bead.target)


@dataclass(frozen=True)
class DocumentScores:
    bleu: float | None
    chrf: float | None
    ter: float | None
    pairs: int
    reference: ReferenceKind
    signatures: dict[str, str]

    def to_dict(self) -> dict:
        return asdict(self)


def score_document(
    hypotheses: Sequence[str],
    references: Sequence[str | Sequence[str]],
    *,
    lang: str = "en",
    reference: ReferenceKind = "pseudo",
) -> DocumentScores:
    """Corpus scores over aligned pairs; None (and no signatures) when nothing was aligned."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    if not hypotheses:
        return DocumentScores(None, None, None, 0, reference, {})
    stream = [[join_reference(refs, lang) for refs in references]]
    tokenize = tokenizer_for(lang)
    metrics = (BLEU(tokenize=tokenize), ChrF(), TER(tokenize=tokenize))
    bleu, chrf, ter = (metric.corpus(hypotheses, stream) for metric in metrics)
    signatures = {metric.name: metric.signature() for metric in metrics}
    return DocumentScores(bleu, chrf, ter, len(hypotheses), reference, signatures)


@dataclass(frozen=True)
class Coverage:
    """Share of each side's sentences that sit in a bead with both sides non-empty."""

    source: float
    target: float
    aligned_source: int
    aligned_target: int
    n_source: int
    n_target: int

    def to_dict(self) -> dict:
        return asdict(self)


def coverage(beads: Iterable[BeadLike], n_source: int, n_target: int) -> Coverage:
    aligned_source: set[int] = set()
    aligned_target: set[int] = set()
    for bead in beads:
        if is_aligned(bead):
            aligned_source.update(bead.source)
            aligned_target.update(bead.target)
    return Coverage(
        source=len(aligned_source) / n_source if n_source else 0.0,
        target=len(aligned_target) / n_target if n_target else 0.0,
        aligned_source=len(aligned_source),
        aligned_target=len(aligned_target),
        n_source=n_source,
        n_target=n_target,
    )


@dataclass(frozen=True)
class Distribution:
    count: int
    mean: float | None = None
    std: float | None = None
    min: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    max: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def summarize(values: Iterable[float | None]) -> Distribution:
    """Five-number summary plus mean/std; missing scores (None) are left out, not counted as 0."""
    data = np.array([v for v in values if v is not None], dtype=float)
    if data.size == 0:
        return Distribution(0)
    q1, median, q3 = (float(q) for q in np.percentile(data, [25, 50, 75]))
    return Distribution(
        count=int(data.size),
        mean=float(data.mean()),
        std=float(data.std()),
        min=float(data.min()),
        q1=q1,
        median=median,
        q3=q3,
        max=float(data.max()),
    )
