"""Comparable mode: documents on one subject, written independently, and the propositions they
share.

Independent articles rarely share a whole sentence; they share a clause inside long sentences
(当好首都“护城河” ~ "build the 'moat' of the capital"). So both sides are cut into units at two
levels, content clauses and whole sentences (alignment.units), every Chinese unit is scored
against every English unit at each level (alignment.unit_pairs: embeddings, specific terms,
and a machine translation when given, combined into the probability that a reader would pair
them), and the pairs of sentences are found here: a unit keeps at most its `partners` best
partners on each side; those of two sentences that reach `evidence` combine
by noisy-or into the sentence pair's probability, and the pair is reported when that reaches
`threshold`, so one sentence may pair with several (many-to-many, as readers do); where the
documents keep a local order, a pair whose neighbours pair is also reported when its posterior
under that order reaches `order.threshold` (alignment.order), even one whose best unit pair
falls short of `evidence`. The score is that probability
(or posterior) recalibrated on held-out synthetic sets (`calibration`, `order.calibration`): a
score of 0.8 means about 80% of such pairs were right there (docs/alignment.md has what the
same scores mean on the seeds).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alignment.beads import Bead, Span
from alignment.config import DEFAULT_CONFIG, AlignConfig, ComparableConfig
from alignment.embed import Encoder
from alignment.order import order_posteriors
from alignment.unit_pairs import DEFAULT, UnitPairs
from alignment.units import Side
from text.language import detect_language

Level = tuple[Side, Side, tuple[np.ndarray, np.ndarray, np.ndarray]]  # units, units, evidence
UnitMatch = tuple[float, Span, Span, bool]  # probability, spans, whether a clause pair


def unit_sides(zh: Side, en: Side, config: ComparableConfig = DEFAULT) -> list[tuple[Side, Side]]:
    """The levels compared: clause against clause, and (`sentences`) whole sentence against
    whole sentence, where a translated sentence is found whole."""
    return [(zh, en), (zh.whole(), en.whole())] if config.sentences else [(zh, en)]


def sentence_evidence(levels: Sequence[Level]) -> dict[tuple[int, int], list[UnitMatch]]:
    """The candidate evidence of each sentence pair (Chinese, English): its unit pairs, at any
    level (clauses, whole sentences), among the best partners of their units."""
    found: dict[tuple[int, int], list[UnitMatch]] = {}
    for level, (zh, en, (rows, columns, probabilities)) in enumerate(levels):
        for r, c, p in zip(rows.tolist(), columns.tolist(), probabilities.tolist(), strict=True):
            a, b = zh.clauses[r], en.clauses[c]
            found.setdefault((a.sentence, b.sentence), []).append(
                (p, (a.start, a.end), (b.start, b.end), level == 0)
            )
    return found


def evidence(matches: list[UnitMatch], config: ComparableConfig = DEFAULT) -> list[UnitMatch]:
    """The unit pairs that reach `evidence`."""
    return [match for match in matches if match[0] >= config.evidence]


def pair_probabilities(
    found: dict[tuple[int, int], list[UnitMatch]],
    n: int,
    m: int,
    config: ComparableConfig = DEFAULT,
) -> dict[tuple[int, int], tuple[float, float]]:
    """Each candidate pair's probability and its posterior under the local order (0 where the
    n x m documents keep none, alignment.order). The probability is the noisy-or of its
    evidence, so several weak agreeing clauses (a slogan here, a named task there) add up where
    the best one alone falls short. The order also weighs the pairs with no evidence, at their
    best unit pair: between ordered neighbours, a weak match is still the likeliest partner."""
    pairs = sorted(found)
    probability = np.array(
        [noisy_or([p for p, *_ in evidence(found[pair], config)]) for pair in pairs]
    )
    weak = np.array([max(p for p, *_ in found[pair]) for pair in pairs])
    rows, columns = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
    posterior = order_posteriors(
        rows,
        columns,
        np.where(probability > 0, probability, weak),
        n,
        m,
        config.threshold,
        config.order,
    )
    values = zip(probability.tolist(), posterior.tolist(), strict=True)
    return dict(zip(pairs, values, strict=True))


def score(probability: float, posterior: float, config: ComparableConfig = DEFAULT) -> float:
    """The share of right pairs measured on held-out synthetic sets at this probability, or
    at this posterior among the pairs the order found, whichever is higher."""
    return max(
        _calibrated(probability, config.calibration),
        _calibrated(posterior, config.order.calibration),
    )


def _calibrated(value: float, table: tuple[tuple[float, float], ...]) -> float:
    x, y = zip(*table, strict=True)
    return float(np.interp(value, x, y))


def sentence_pairs(levels: Sequence[Level], config: ComparableConfig = DEFAULT) -> list[Bead]:
    """Beads (Chinese sentence, English sentence) whose probability reaches `threshold` or
    whose posterior under the local order reaches `order.threshold` (`pair_probabilities`),
    with score, grade and spans; sorted by Chinese then English index."""
    found = sentence_evidence(levels)
    zh_sentences, en_sentences = levels[0][0].sentences, levels[0][1].sentences
    probabilities = pair_probabilities(found, len(zh_sentences), len(en_sentences), config)
    beads = []
    for (i, j), (probability, posterior) in probabilities.items():
        if probability < config.threshold and posterior < config.order.threshold:
            continue
        # spans: the matched clauses (for a pair the order raised from below `evidence`, its
        # candidates); whole sentences only when no clause pair is among them
        pairs = evidence(found[(i, j)], config) or found[(i, j)]
        spans = [(zh, en) for _, zh, en, clause in pairs if clause] or [
            (zh, en) for _, zh, en, _ in pairs
        ]
        zh_spans = _merged([zh for zh, _ in spans])
        en_spans = _merged([en for _, en in spans])
        covered = min(_covered(zh_spans, zh_sentences[i]), _covered(en_spans, en_sentences[j]))
        grade = "same" if covered >= config.same_coverage else "partial"
        beads.append(
            Bead(
                (i,),
                (j,),
                score(probability, posterior, config),
                grade,
                tuple(zh_spans),
                tuple(en_spans),
            )
        )
    return beads


def noisy_or(probabilities: Sequence[float]) -> float:
    """Probability that at least one piece of evidence is right, taking them as independent."""
    return 1.0 - float(np.prod([1.0 - p for p in probabilities]))


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(set(spans)):
        if out and start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _covered(spans: list[Span], sentence: str) -> float:
    size = len(sentence.strip()) or 1
    return sum(end - start for start, end in spans) / size


def align_comparable(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    encoder: Encoder,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    src_flags: Sequence[str | None] | None = None,
    tgt_flags: Sequence[str | None] | None = None,
    translations: Sequence[str] | None = None,
    config: AlignConfig = DEFAULT_CONFIG,
) -> list[Bead]:
    """Pairs of sentences that share a proposition, 1-1 each but many per sentence, sorted by
    source index; each with a calibrated score, a grade and matched spans.

    src_lang, tgt_lang: "zh" or "en" (detected when None); the term signals need one of each.
    src_flags, tgt_flags: per sentence a boilerplate kind or None (text.boilerplate; computed
    when None); flagged sentences are never paired. translations: src's sentences
    machine-translated into tgt's language, one per sentence (adds the chrF signal), as parallel
    mode takes them.
    """
    if translations is not None and len(translations) != len(src):
        raise ValueError(f"{len(translations)} translations for {len(src)} source sentences")
    if not src or not tgt:
        return []
    src_lang = src_lang or detect_language(" ".join(src))
    tgt_lang = tgt_lang or detect_language(" ".join(tgt))
    swap = src_lang != "zh" and tgt_lang == "zh"
    if swap:
        src, tgt, src_lang, tgt_lang, src_flags, tgt_flags = (
            tgt,
            src,
            tgt_lang,
            src_lang,
            tgt_flags,
            src_flags,
        )
    lexical = {src_lang, tgt_lang} == {"zh", "en"}
    boilerplate, config = config.boilerplate, config.comparable
    zh_clauses = Side.of(src, src_lang, src_flags, config.clauses, boilerplate)
    en_clauses = Side.of(tgt, tgt_lang, tgt_flags, config.clauses, boilerplate)
    if not zh_clauses.clauses or not en_clauses.clauses:
        return []
    levels = [
        (zh, en, UnitPairs(zh, en, encoder, config, lexical, translations, swap).evidence().pairs())
        for zh, en in unit_sides(zh_clauses, en_clauses, config)
    ]
    beads = sentence_pairs(levels, config)
    if swap:
        beads = [
            Bead(b.target, b.source, b.score, b.grade, b.target_spans, b.source_spans)
            for b in beads
        ]
        beads.sort(key=lambda b: (b.source, b.target))
    return beads
