"""Whether two documents aligned in parallel mode are translations of each other at all.

Why: parallel mode aligns every sentence in order whatever the documents are (leaving one
unaligned costs more than pairing it with an unrelated sentence), so a user who aligns two
independent articles gets a full alignment of low-scoring beads and no hint that comparable mode
was the mode to use. A translation's beads mostly score high: on mac-dev the right beads score
a median 0.50, and in every chapter most of the sentences lie in beads scoring >= 0.3. Between
independent articles on one subject (the seeds) almost none do.

`looks_comparable` says so when the share of the sentences (both sides) that lie in aligned
beads scoring at least CONFIDENT_SCORE is below MIN_CONFIDENT_SHARE (`VerdictConfig`,
calibrated on mac-dev and its short pieces vs the seeds; docs/alignment.md has the numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alignment.beads import Bead


@dataclass(frozen=True)
class VerdictConfig:
    confident_score: float = 0.3  # a bead this good is a translation's (91%+ right on mac-dev)
    min_confident_share: float = 0.3  # translations measured >= 0.5; the seeds <= 0.1
    min_sentences: int = 6  # fewer sentences on a side: too little to judge


@dataclass(frozen=True)
class Verdict:
    comparable: bool  # the documents do not look like translations of each other
    confident_share: float  # share of sentences in beads scoring >= confident_score


def looks_comparable(beads: Sequence[Bead], config: VerdictConfig = VerdictConfig()) -> Verdict:
    """Judge `align_parallel`'s beads: translations, or documents that only share a subject."""
    src = sum(len(b.source) for b in beads)
    tgt = sum(len(b.target) for b in beads)
    confident = sum(
        len(b.source) + len(b.target)
        for b in beads
        if b.source and b.target and b.score >= config.confident_score
    )
    share = confident / max(src + tgt, 1)
    enough = min(src, tgt) >= config.min_sentences
    return Verdict(enough and share < config.min_confident_share, share)
