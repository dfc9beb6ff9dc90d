"""Every score for one computed alignment, in one call: what the service stores and shows.

Takes the engine's and the aligner's outputs as plain protocols: quality depends on neither package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Protocol

from quality.document import (
    BeadLike,
    Coverage,
    Distribution,
    DocumentScores,
    coverage,
    is_aligned,
    score_document,
    summarize,
)
from quality.pairs import PairScorer, PairScores, ReferenceKind, roundtrip_chrf
from text.segment import join_sentences


class TranslationLike(Protocol):
    text: str
    confidence: float


class TranslatorLike(Protocol):
    def translate_batch(self, sentences: Sequence[str]) -> Sequence[TranslationLike]: ...


@dataclass(frozen=True)
class AlignmentScores:
    pairs: list[PairScores | None]
    """One entry per bead, in bead order; None where a side is empty (nothing to compare)."""
    signatures: dict[str, str]
    """How the pair scores were computed (sentence-level sacrebleu signatures); {} without pairs."""
    document: DocumentScores
    coverage: Coverage
    distribution: dict[str, Distribution]

    def to_dict(self) -> dict:
        return {
            "pairs": [p.to_dict() if p else None for p in self.pairs],
            "signatures": self.signatures,
            "document": self.document.to_dict(),
            "coverage": self.coverage.to_dict(),
            "distribution": {name: d.to_dict() for name, d in self.distribution.items()},
        }


DISTRIBUTION_FIELDS = ("chrf", "bleu", "ter", "confidence", "similarity", "roundtrip_chrf")


def score_alignment(
    source: Sequence[str],
    target: Sequence[str],
    beads: Sequence[BeadLike],
    translations: Sequence[TranslationLike],
    *,
    back_translator: TranslatorLike | None = None,
    lang: str = "en",
    reference: ReferenceKind = "pseudo",
) -> AlignmentScores:
    """Scores each aligned bead (its source side's translation vs its target side) and the doc.

    `lang` is the target side's language (the translations' too): "en" for zh->en, "zh" for en->zh.
    With `back_translator` (target->source), each bead's target side is translated back in one
    batch and compared with its source side by chrF: a reference-free check that holds even where
    the target is only comparable text.
    """
    if len(translations) != len(source):
        raise ValueError(f"{len(translations)} translations for {len(source)} source sentences")
    aligned = [bead for bead in beads if is_aligned(bead)]
    source_lang = "en" if lang == "zh" else "zh"
    hypotheses = [join_sentences([translations[i].text for i in b.source], lang) for b in aligned]
    references = [join_sentences([target[j] for j in b.target], lang) for b in aligned]
    roundtrips: list[float | None] = [None] * len(aligned)
    if back_translator is not None and aligned:
        back = back_translator.translate_batch(references)
        originals = [join_sentences([source[i] for i in b.source], source_lang) for b in aligned]
        roundtrips = list(roundtrip_chrf(originals, [t.text for t in back]))

    scorer = PairScorer(lang)
    scored = iter(
        scorer(
            hypothesis,
            ref,
            reference=reference,
            # float(): engines and encoders may hand over numpy scalars, which JSON rejects.
            confidence=float(fmean(translations[i].confidence for i in bead.source)),
            similarity=float(bead.score),
            roundtrip_chrf=roundtrip,
        )
        for bead, hypothesis, ref, roundtrip in zip(
            aligned, hypotheses, references, roundtrips, strict=True
        )
    )
    pairs = [next(scored) if is_aligned(bead) else None for bead in beads]
    scored_pairs = [p for p in pairs if p is not None]
    return AlignmentScores(
        pairs=pairs,
        signatures=scorer.signatures() if scored_pairs else {},
        document=score_document(hypotheses, references, lang=lang, reference=reference),
        coverage=coverage(beads, len(source), len(target)),
        distribution={
            name: summarize(getattr(p, name) for p in scored_pairs) for name in DISTRIBUTION_FIELDS
        },
    )
