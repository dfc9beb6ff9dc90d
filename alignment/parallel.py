"""Parallel mode: a document and its translation, aligned into monotonic beads.

embed sentences -> runs (approximate by default) -> anchors and band -> DP -> beads with scores.
"""

from __future__ import annotations

from collections.abc import Sequence

from alignment.beads import Bead
from alignment.embed import Encoder
from alignment.runs import approximate_runs, exact_runs
from alignment.score import BeadScorer, CostWeights
from alignment.search import band, best_path, heaviest_chain, mutual_neighbours

DEFAULT_WEIGHTS = CostWeights()


def align_parallel(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    encoder: Encoder,
    max_bead: int = 5,
    exact: bool = False,
    margin: int = 8,
    weights: CostWeights = DEFAULT_WEIGHTS,
) -> list[Bead]:
    """Beads covering every sentence of both sides in order.

    max_bead: most sentences in one bead (both sides together; 5 allows 1-4 and 2-3).
    exact: embed sentence runs as joined texts instead of approximating them (slower).
    margin: columns searched beyond the rectangle between two anchors.
    Bead score: 1 - relative distance of its two sides (see alignment.score), 0 if unaligned.
    """
    if not src or not tgt:
        return [Bead((i,), ()) for i in range(len(src))] + [Bead((), (j,)) for j in range(len(tgt))]
    max_run = max_bead - 1
    src_emb, tgt_emb = encoder.encode(src), encoder.encode(tgt)
    if exact:
        src_runs = exact_runs(src, encoder, max_run)
        tgt_runs = exact_runs(tgt, encoder, max_run)
    else:
        src_runs = approximate_runs(src, src_emb, max_run)
        tgt_runs = approximate_runs(tgt, tgt_emb, max_run)
    anchors = heaviest_chain(mutual_neighbours(src_emb, tgt_emb))
    scorer = BeadScorer(src_runs, tgt_runs, weights, anchors)
    lo, hi = band(anchors, len(src), len(tgt), margin)
    path = best_path(scorer, len(src), len(tgt), lo, hi, max_bead)
    return [
        Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), scorer.score(i, a, j, b))
        for i, a, j, b in path
    ]
