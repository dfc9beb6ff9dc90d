"""The four metrics, each a small class over one base that wraps a sacrebleu metric.

The wrapper exists so callers get floats and signature strings instead of sacrebleu objects, and so
bootstrap resampling works on per-segment sufficient statistics without knowing the metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import sacrebleu.metrics as sb


class Metric:
    """One configured sacrebleu metric: sentence, corpus and resampled scores, and its signature."""

    name: ClassVar[str]

    def __init__(self, scorer: sb.base.Metric) -> None:
        self._scorer = scorer

    def sentence(self, hypothesis: str, references: Sequence[str]) -> float:
        return self._scorer.sentence_score(hypothesis, list(references)).score

    def corpus(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
        """`references` are sacrebleu reference streams: references[k][i] is ref k of segment i."""
        return self.from_statistics(self.statistics(hypotheses, references))

    def statistics(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]
    ) -> list[list[float]]:
        """Per-segment sufficient statistics: any subset sums to the statistics of that subset."""
        return self._scorer._extract_corpus_statistics(
            list(hypotheses), [list(r) for r in references]
        )

    def from_statistics(self, statistics: list[list[float]]) -> float:
        """Corpus score of the given segments' statistics, summed exactly as `corpus_score` does."""
        return self._scorer._aggregate_and_compute(statistics).score

    def segment_scores(self, statistics: list[list[float]]) -> list[float]:
        return [self._scorer._compute_score_from_stats(s).score for s in statistics]

    def resample(self, statistics: list[list[float]], samples: np.ndarray) -> np.ndarray:
        """Score of each resample (a row of segment indices), in float32 like sacrebleu's."""
        stats = np.array(statistics, dtype="float32")
        return np.array(
            [self._scorer._compute_score_from_stats(stats[row].sum(0)).score for row in samples]
        )

    def signature(self, **extra: object) -> str:
        """sacrebleu's signature (known once the metric has seen references), plus `extra`."""
        signature = self._scorer.get_signature()
        for key, value in extra.items():
            signature.update(key, value)
        return signature.format()


class BLEU(Metric):
    name = "bleu"

    def __init__(self, *, tokenize: str = "13a", sentence_level: bool = False) -> None:
        """Sentence level: effective n-gram order, exp smoothing, as `sacrebleu.sentence_bleu`."""
        super().__init__(sb.BLEU(tokenize=tokenize, effective_order=sentence_level))


class ChrF(Metric):
    name = "chrf"

    def __init__(self) -> None:
        super().__init__(sb.CHRF())


class ChrFPlusPlus(Metric):
    name = "chrf++"

    def __init__(self) -> None:
        super().__init__(sb.CHRF(word_order=2))


class TER(Metric):
    name = "ter"

    def __init__(self, *, tokenize: str = "13a") -> None:
        """TER has no tokenizer choice; Chinese targets switch on its Asian-script support."""
        super().__init__(sb.TER(asian_support=tokenize == "zh"))


TOKENIZERS = ("13a", "zh", "intl", "char", "none")
"""sacrebleu's tokenizers that need no extra package or download."""


def tokenizer_for(lang: str) -> str:
    """sacrebleu's choice for a target language: 13a splits on spaces, which Chinese lacks."""
    return "zh" if lang == "zh" else "13a"


def offline_metrics(tokenize: str = "13a") -> list[Metric]:
    """The corpus metrics `bitext eval` reports, in table order."""
    return [BLEU(tokenize=tokenize), ChrF(), ChrFPlusPlus(), TER(tokenize=tokenize)]
