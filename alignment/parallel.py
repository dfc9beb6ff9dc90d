"""Parallel mode: a document and its translation, aligned into monotonic beads.

The side with fewer (longer) sentences is the source. embed sentences (each side centred) ->
anchors -> source side partly rotated onto the target's -> runs (approximate by default) ->
band -> containment (source clauses matched in order), dictionary matches and (given a machine
translation) chrF inside the band -> DP -> beads with scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from alignment.banded import BandedMatrix
from alignment.beads import Bead
from alignment.containment import Containment, Pieces
from alignment.embed import Encoder, centred
from alignment.lexicon import Lexicon
from alignment.mt import TranslationMatch
from alignment.rotation import anchor_rotation, rotate
from alignment.runs import approximate_runs, exact_runs
from alignment.score import BeadScorer, CostWeights
from alignment.search import band, best_path, heaviest_chain, mutual_neighbours
from text.language import detect_language

DEFAULT_WEIGHTS = CostWeights()


def align_parallel(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    encoder: Encoder,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    max_bead: int = 5,
    exact: bool = False,
    margin: int = 8,
    weights: CostWeights = DEFAULT_WEIGHTS,
    translations: Sequence[str] | None = None,
) -> list[Bead]:
    """Beads covering every sentence of both sides in order.

    src_lang, tgt_lang: "zh" or "en" (detected when None); the dictionary signal needs one of each.
    max_bead: most sentences in one bead (both sides together; 5 allows 1-4 and 2-3).
    exact: embed sentence runs as joined texts instead of approximating them (slower).
    margin: columns searched beyond the rectangle between two anchors.
    weights: the bead cost's weights (alignment.score.CostWeights).
    translations: the source sentences machine-translated into the target's language, one per
    sentence: adds their chrF with the target sentences to the costs (alignment.mt).
    Bead score: 1 - distance of its two sides (see alignment.score), 0 if unaligned.
    The side with fewer sentences is also embedded clause by clause (alignment.containment);
    it is aligned as the source, so swapping the documents swaps the beads.
    """
    if translations is not None and len(translations) != len(src):
        raise ValueError(f"{len(translations)} translations for {len(src)} source sentences")
    if not src or not tgt:
        return [Bead((i,), ()) for i in range(len(src))] + [Bead((), (j,)) for j in range(len(tgt))]
    align = partial(
        _align, encoder=encoder, max_bead=max_bead, exact=exact, margin=margin, weights=weights
    )
    if len(tgt) < len(src):  # the side with fewer (longer) sentences is split into clauses
        beads = align(tgt, src, tgt_lang, src_lang, (translations, "tgt"))
        return [Bead(bead.target, bead.source, bead.score) for bead in beads]
    return align(src, tgt, src_lang, tgt_lang, (translations, "src"))


def _align(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str | None,
    tgt_lang: str | None,
    translated: tuple[Sequence[str] | None, str],
    *,
    encoder: Encoder,
    max_bead: int,
    exact: bool,
    margin: int,
    weights: CostWeights,
) -> list[Bead]:
    """align_parallel with src the side with fewer sentences; translated: (translations, the
    side they translate, "src" or "tgt")."""
    max_run = max_bead - 1
    src_emb, tgt_emb = centred(encoder.encode(src)), centred(encoder.encode(tgt))
    anchors = heaviest_chain(mutual_neighbours(src_emb, tgt_emb))
    rotation = anchor_rotation(src_emb, tgt_emb, anchors)
    src_emb = rotate(src_emb, rotation)
    if exact:
        src_runs = exact_runs(src, encoder, max_run).rotated(rotation)
        tgt_runs = exact_runs(tgt, encoder, max_run)
    else:
        src_runs = approximate_runs(src, src_emb, max_run)
        tgt_runs = approximate_runs(tgt, tgt_emb, max_run)
    lo, hi = band(anchors, len(src), len(tgt), margin)
    starts, width = BandedMatrix.columns(lo, hi, max_run, len(tgt))
    src_clauses = Pieces.of_clauses(src, encoder).rotated(rotation)
    containment = Containment(src_emb, tgt_emb, src_clauses, starts, width, max_run)
    src_lang = src_lang or detect_language(" ".join(src))
    tgt_lang = tgt_lang or detect_language(" ".join(tgt))
    lexicon = (
        Lexicon(src, tgt, src_lang, starts, width) if {src_lang, tgt_lang} == {"zh", "en"} else None
    )
    translations, side = translated
    translation = (
        TranslationMatch(
            translations,
            tgt if side == "src" else src,
            translated_side=side,
            starts=starts,
            width=width,
        )
        if translations is not None
        else None
    )
    scorer = BeadScorer(
        src_runs, tgt_runs, starts, width, containment, lexicon, weights, anchors, translation
    )
    path = best_path(scorer, len(src), len(tgt), lo, hi, max_bead)
    return [
        Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), scorer.score(i, a, j, b))
        for i, a, j, b in path
    ]
