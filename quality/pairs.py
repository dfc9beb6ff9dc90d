"""Scores for one aligned pair: the machine translation of one side vs the other side.

In comparable documents the other side was written independently, so it is only a
pseudo-reference: its scores measure overlap, and the reference-free signals (confidence,
similarity, round trip) sit beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from quality.metrics import BLEU, TER, ChrF, tokenizer_for
from text.segment import join_sentences

ReferenceKind = Literal["pseudo", "human"]


@dataclass(frozen=True)
class PairScores:
    chrf: float
    bleu: float
    ter: float
    reference: ReferenceKind
    confidence: float | None = None
    similarity: float | None = None
    roundtrip_chrf: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def join_reference(references: str | Sequence[str], lang: str) -> str:
    """A bead's target sentences are one translation of its source side, not alternatives."""
    return references if isinstance(references, str) else join_sentences(list(references), lang)


class PairScorer:
    """The sentence metrics for one target language, reused across a document's pairs.

    `lang` is the language of hypothesis and references (the translation's target): it picks
    BLEU's tokenizer and how several aligned sentences are joined.
    """

    def __init__(self, lang: str = "en") -> None:
        tokenize = tokenizer_for(lang)
        self.lang = lang
        self.metrics = (
            ChrF(),
            BLEU(tokenize=tokenize, sentence_level=True),
            TER(tokenize=tokenize),
        )

    def __call__(
        self,
        hypothesis: str,
        references: str | Sequence[str],
        *,
        reference: ReferenceKind = "pseudo",
        confidence: float | None = None,
        similarity: float | None = None,
        roundtrip_chrf: float | None = None,
    ) -> PairScores:
        refs = [join_reference(references, self.lang)]
        chrf, bleu, ter = (metric.sentence(hypothesis, refs) for metric in self.metrics)
        return PairScores(chrf, bleu, ter, reference, confidence, similarity, roundtrip_chrf)

    def signatures(self) -> dict[str, str]:
        """How the pair scores were computed; known once a pair has been scored."""
        return {metric.name: metric.signature() for metric in self.metrics}


def score_pair(
    hypothesis: str,
    references: str | Sequence[str],
    *,
    lang: str = "en",
    reference: ReferenceKind = "pseudo",
    confidence: float | None = None,
    similarity: float | None = None,
    roundtrip_chrf: float | None = None,
) -> PairScores:
    """Sentence chrF, BLEU and TER of `hypothesis` vs the aligned sentences, plus given signals."""
    return PairScorer(lang)(
        hypothesis,
        references,
        reference=reference,
        confidence=confidence,
        similarity=similarity,
        roundtrip_chrf=roundtrip_chrf,
    )


def roundtrip_chrf(sources: Sequence[str], back_translations: Sequence[str]) -> list[float]:
    """chrF of each back-translation vs its original source sentence: reference-free."""
    chrf = ChrF()
    return [
        chrf.sentence(back, [source])
        for source, back in zip(sources, back_translations, strict=True)
    ]
