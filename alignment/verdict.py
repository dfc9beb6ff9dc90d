"""Whether two documents aligned in parallel mode are translations of each other at all.

Why: parallel mode aligns every sentence in order whatever the documents are (leaving one
unaligned costs more than pairing it with an unrelated sentence), so a user who aligns two
independent articles gets a full alignment of low-scoring beads and no hint that comparable mode
was the mode to use. A translation's beads mostly score high (on mac-dev the right beads score
a median 0.50); between independent articles on one subject (the seeds) they score a median
0.06-0.13.

`looks_comparable` says so when the share of the sentences (both sides) that lie in aligned
beads scoring at least `confident_score` is below `min_confident_share` (`VerdictConfig`).
Calibrated on mac-dev cut into short parallel documents (pieces of >= 5, 10, 20, 50 Chinese
sentences: 2 of 543 fire, both of 10 sentences) against the seeds in parallel mode (001 against
each English seed, both directions: shares 0.085-0.157, all fire); docs/alignment.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alignment.beads import Bead
from alignment.config import DEFAULT_CONFIG, VerdictConfig


@dataclass(frozen=True)
class Verdict:
    comparable: bool  # the documents do not look like translations of each other
    confident_share: float  # share of sentences in beads scoring >= confident_score


def looks_comparable(
    beads: Sequence[Bead], config: VerdictConfig = DEFAULT_CONFIG.verdict
) -> Verdict:
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
