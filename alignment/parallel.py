"""Parallel mode: a document and its translation, aligned into monotonic beads.

The side with fewer (longer) sentences is the source. embed sentences (each side centred) ->
anchors -> source side partly rotated onto the target's -> runs (approximate by default) ->
band -> pair signals inside the band (run distance, containment of the source's clauses in
order, dictionary matches, and chrF given a machine translation) -> DP -> beads with scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alignment.banded import BandedMatrix
from alignment.beads import Bead
from alignment.config import DEFAULT_CONFIG, AlignConfig
from alignment.containment import Containment, Pieces
from alignment.embed import Encoder, centred
from alignment.lexicon import Lexicon
from alignment.mt import TranslationMatch
from alignment.rotation import anchor_rotation, rotate
from alignment.runs import approximate_runs, exact_runs
from alignment.score import BeadScorer, RunDistance, parallel_signals
from alignment.search import band, best_path, heaviest_chain, mutual_neighbours
from text.language import detect_language


def align_parallel(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    encoder: Encoder,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    translations: Sequence[str] | None = None,
    config: AlignConfig = DEFAULT_CONFIG,
) -> list[Bead]:
    """Beads covering every sentence of both sides in order.

    src_lang, tgt_lang: "zh" or "en" (detected when None); the dictionary signal needs one of each.
    translations: the source sentences machine-translated into the target's language, one per
    sentence: adds their chrF with the target sentences to the costs (alignment.mt).
    config: every knob (alignment.config.AlignConfig).
    Bead score: 1 - distance of its two sides (see alignment.score), 0 if unaligned.
    The side with fewer sentences is also embedded clause by clause (alignment.containment);
    it is aligned as the source, so swapping the documents swaps the beads.
    """
    if translations is not None and len(translations) != len(src):
        raise ValueError(f"{len(translations)} translations for {len(src)} source sentences")
    if not src or not tgt:
        return [Bead((i,), ()) for i in range(len(src))] + [Bead((), (j,)) for j in range(len(tgt))]
    src_lang = src_lang or detect_language(" ".join(src))
    tgt_lang = tgt_lang or detect_language(" ".join(tgt))
    if len(tgt) < len(src):  # the side with fewer (longer) sentences is split into clauses
        beads = _align(tgt, src, tgt_lang, src_lang, (translations, "tgt"), encoder, config)
        return [Bead(bead.target, bead.source, bead.score) for bead in beads]
    return _align(src, tgt, src_lang, tgt_lang, (translations, "src"), encoder, config)


def _align(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str,
    tgt_lang: str,
    translated: tuple[Sequence[str] | None, str],
    encoder: Encoder,
    config: AlignConfig,
) -> list[Bead]:
    """align_parallel with src the side with fewer sentences; translated: (translations, the
    side they translate, "src" or "tgt")."""
    max_run = config.max_bead - 1
    src_emb, tgt_emb = centred(encoder.encode(src)), centred(encoder.encode(tgt))
    anchors = heaviest_chain(mutual_neighbours(src_emb, tgt_emb))
    rotation = anchor_rotation(
        src_emb,
        tgt_emb,
        anchors,
        share=config.rotation_share,
        min_anchors=config.rotation_min_anchors,
    )
    src_emb = rotate(src_emb, rotation)
    if config.exact_runs:
        src_runs = exact_runs(src, encoder, max_run).rotated(rotation)
        tgt_runs = exact_runs(tgt, encoder, max_run)
    else:
        src_runs = approximate_runs(src, src_emb, max_run)
        tgt_runs = approximate_runs(tgt, tgt_emb, max_run)
    lo, hi = band(
        anchors, len(src), len(tgt), margin=config.band_margin, corridor=config.band_corridor
    )
    starts, width = BandedMatrix.columns(lo, hi, max_run, len(tgt))
    signals = parallel_signals(
        RunDistance(src_runs, tgt_runs, starts, width),
        Containment(
            src_emb,
            tgt_emb,
            Pieces.of_clauses(src, encoder).rotated(rotation),
            starts,
            width,
            max_run,
        ),
        _lexicon(src, tgt, src_lang, tgt_lang, starts, width, config),
        _translation(src, tgt, translated, starts, width),
        config.weights,
    )
    scorer = BeadScorer(
        src_runs,
        tgt_runs,
        starts,
        width,
        signals,
        config.weights,
        anchors=anchors,
        prior_variance=config.length_variance,
    )
    path = best_path(scorer, len(src), len(tgt), lo, hi, config.max_bead)
    return [
        Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), scorer.score(i, a, j, b))
        for i, a, j, b in path
    ]


def _lexicon(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str,
    tgt_lang: str,
    starts: np.ndarray,
    width: int,
    config: AlignConfig,
) -> Lexicon | None:
    """CC-CEDICT matches, for a Chinese-English pair only."""
    if {src_lang, tgt_lang} != {"zh", "en"}:
        return None
    return Lexicon(src, tgt, src_lang, starts, width, max_word=config.dictionary_max_word)


def _translation(
    src: Sequence[str],
    tgt: Sequence[str],
    translated: tuple[Sequence[str] | None, str],
    starts: np.ndarray,
    width: int,
) -> TranslationMatch | None:
    """chrF of the machine-translated side against the other side, when there is one."""
    translations, side = translated
    if translations is None:
        return None
    others = tgt if side == "src" else src
    return TranslationMatch(translations, others, translated_side=side, starts=starts, width=width)
