"""Comparable mode: documents on one subject, written independently, and the propositions they
share.

Independent articles rarely share a whole sentence; they share a clause inside long sentences
(当好首都“护城河” ~ "build the 'moat' of the capital"). So both sides are cut into units at two
levels, clauses (alignment.clauses, enumerations kept whole) and whole sentences, leaving out
boilerplate sentences (text.boilerplate: bylines, photo credits, navigation, footers, repeated
blocks, and sentences that report who attended a meeting) and boilerplate clauses (a date
lead-in). At each level every Chinese unit is compared with every English unit by:

- `cos`: cosine of the centred unit embeddings (alignment.embed.centred: unrelated units score
  ~0); `cos_hub`: the same less the mean of each unit's k best cosines on the other side (CSLS,
  Conneau et al. 2018: a unit close to everything is a hub, not a match);
- `dice`, `dice_hub`: the weighted Dice of specific terms (alignment.terms: CC-CEDICT words,
  names, numbers, weighted by how rare they are in these two documents), and its hub-corrected
  form; `log_mass`: log(1 + the matched terms' weight), how much specific evidence there is;
  `peak`: the most specific matched term; `phrases`: two adjacent Chinese words found together
  in the English unit (平安+山西 ~ "safe Shanxi"); `conflicts`: English names the Chinese unit
  lacks and numbers that differ;
- `chrf` (only with `translations`, one side's sentences machine-translated into the other's
  language): chrF of each unit of the other side against the translation of the translated
  unit's sentence, hub-corrected (character n-gram recall of the unit in it, alignment.mt: a
  translation of the sentence carries the clause somewhere inside).

A logistic combination of these (`ComparableConfig.coefficients`, fitted by
`python bench/comparable.py --fit` on mac-dev and FLORES/TICO news made comparable, never on the
seeds' gold) gives each unit pair the probability that a reader would pair it. A unit keeps at
most its `partners` best partners on each side; the candidate unit pairs of two sentences that
reach `evidence` combine by noisy-or into the sentence pair's probability, and the pair is
reported when that reaches `threshold`, so one sentence may pair with several (many-to-many, as
readers do). The score is that probability recalibrated on held-out synthetic sets
(`calibration`): a score of 0.8 means about 80% of such pairs were right there
(docs/alignment.md has what the same scores mean on the seeds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alignment.beads import Bead, Span
from alignment.clauses import Clause, clauses
from alignment.config import DEFAULT_CONFIG, AlignConfig, ClauseConfig, ComparableConfig
from alignment.embed import Encoder, centred
from alignment.lexicon import load_cedict
from alignment.terms import TermMatch, match_terms
from text.boilerplate import (
    BoilerplateConfig,
    flag_boilerplate,
    reports_attendance,
    sentence_kind,
)
from text.language import detect_language

FEATURES = ("cos", "cos_hub", "dice", "dice_hub", "log_mass", "peak", "phrases", "conflicts")


DEFAULT = DEFAULT_CONFIG.comparable


@dataclass(frozen=True)
class Side:
    """One document's alignable clauses (boilerplate left out) and their texts."""

    sentences: Sequence[str]
    clauses: list[Clause]
    texts: list[str]

    @classmethod
    def of(
        cls,
        sentences: Sequence[str],
        lang: str,
        flags: Sequence[str | None] | None,
        config: ClauseConfig,
        boilerplate: BoilerplateConfig = DEFAULT_CONFIG.boilerplate,
    ) -> Side:
        """The clauses of the unflagged sentences, less those that are boilerplate themselves
        (a date or byline lead-in: "[导读] 2月19日下午,", "date 2023-02-10 Recently,") and the
        sentences that report who attended a meeting."""
        flags = flag_boilerplate(sentences, lang, boilerplate) if flags is None else flags
        content = [
            f is None and not reports_attendance(s, lang)
            for s, f in zip(sentences, flags, strict=True)
        ]
        kept = [
            c
            for c in clauses(sentences, lang, config)
            if content[c.sentence]
            and sentence_kind(sentences[c.sentence][c.start : c.end], lang, boilerplate) is None
        ]
        return cls(sentences, kept, [sentences[c.sentence][c.start : c.end] for c in kept])

    def whole(self) -> Side:
        """The same sentences as units, each from its first kept clause to its last."""
        first: dict[int, Clause] = {}
        for c in self.clauses:
            start = first.setdefault(c.sentence, c).start
            first[c.sentence] = Clause(c.sentence, start, c.end)
        units = list(first.values())
        return Side(
            self.sentences, units, [self.sentences[c.sentence][c.start : c.end] for c in units]
        )

    @property
    def owner(self) -> np.ndarray:
        return np.array([c.sentence for c in self.clauses], dtype=np.int64)


def hub_corrected(scores: np.ndarray, k: int) -> np.ndarray:
    """scores less the mean of each row's and each column's k best (CSLS)."""
    rows = _top_mean(scores, k)
    cols = _top_mean(scores.T, k)
    return scores - (rows[:, None] + cols[None, :]) / 2


def _top_mean(scores: np.ndarray, k: int) -> np.ndarray:
    k = max(1, min(k, scores.shape[1]))
    return np.partition(scores, scores.shape[1] - k, axis=1)[:, -k:].mean(axis=1)


def clause_features(
    zh: Side,
    en: Side,
    encoder: Encoder,
    config: ComparableConfig = DEFAULT,
    lexical: bool = True,
) -> np.ndarray:
    """(len(FEATURES), Chinese clauses, English clauses); lexical=False: term features 0."""
    return _pair_features(
        encoder.encode(zh.texts), encoder.encode(en.texts), zh.texts, en.texts, config, lexical
    )


def _pair_features(
    zh_vectors: np.ndarray,
    en_vectors: np.ndarray,
    zh_texts: list[str],
    en_texts: list[str],
    config: ComparableConfig,
    lexical: bool,
) -> np.ndarray:
    """cos, cos_hub, dice, dice_hub, log_mass, peak, phrases, conflicts of every (Chinese
    text, English text) pair."""
    cos = centred(zh_vectors) @ centred(en_vectors).T
    if lexical:
        terms = match_terms(zh_texts, en_texts, load_cedict(), config.terms)
    else:
        terms = TermMatch(*(np.zeros_like(cos) for _ in range(5)))
    return np.stack(
        [
            cos,
            hub_corrected(cos, config.k),
            terms.dice,
            hub_corrected(terms.dice, config.k),
            np.log1p(terms.mass),
            terms.peak,
            np.log1p(terms.phrases),
            np.minimum(terms.conflicts, 3),
        ]
    )


def translation_match(source: Side, target: Side, translations: Sequence[str]) -> np.ndarray:
    """(source units, target units): chrF (0-1) of each target unit against the translation of
    the source unit's sentence, the unit as the hypothesis, so a clause found inside a longer
    translation scores high."""
    from alignment.mt import CharNgrams, chrf

    sentences = sorted(set(source.owner.tolist()))
    refs = {i: CharNgrams.of(translations[i]) for i in sentences}
    hyps = [CharNgrams.of(text) for text in target.texts]
    by_sentence = {i: np.array([chrf(h, refs[i]) for h in hyps]) / 100 for i in sentences}
    return np.stack([by_sentence[i] for i in source.owner.tolist()])


def calibrated(probability: np.ndarray, config: ComparableConfig = DEFAULT) -> np.ndarray:
    x, y = zip(*config.calibration, strict=True)
    return np.interp(probability, x, y)


def clause_probabilities(
    features: np.ndarray, chrf: np.ndarray | None = None, config: ComparableConfig = DEFAULT
) -> np.ndarray:
    """Probability that a reader pairs each (Chinese clause, English clause)."""
    logit = np.tensordot(np.array(config.coefficients), features, axes=1) + config.intercept
    if chrf is not None:
        logit = logit + config.chrf_coefficient * chrf
    return 1.0 / (1.0 + np.exp(-logit))


def candidates(probability: np.ndarray, partners: int) -> np.ndarray:
    """0/1 mask of clause pairs among the `partners` best of their row or of their column."""
    mask = np.zeros(probability.shape, dtype=bool)
    if probability.size == 0:
        return mask
    for axis in (0, 1):
        n = probability.shape[axis]
        keep = min(partners, n)
        top = np.argpartition(-probability, keep - 1, axis=axis)
        top = top[:keep] if axis == 0 else top[:, :keep]
        np.put_along_axis(mask, top, True, axis=axis)
    return mask


Level = tuple[Side, Side, np.ndarray]  # Chinese units, English units, their probabilities


def unit_sides(zh: Side, en: Side, config: ComparableConfig = DEFAULT) -> list[tuple[Side, Side]]:
    """The levels compared: clause against clause, and (`sentences`) whole sentence against
    whole sentence, where a translated sentence is found whole."""
    return [(zh, en), (zh.whole(), en.whole())] if config.sentences else [(zh, en)]


def sentence_pairs(levels: Sequence[Level], config: ComparableConfig = DEFAULT) -> list[Bead]:
    """Beads (Chinese sentence, English sentence) whose evidence reaches the threshold, with
    calibrated score, grade and spans; sorted by Chinese then English index.

    Evidence: the candidate unit pairs of the two sentences, at any level (clauses, whole
    sentences), that reach `evidence`; they combine by noisy-or, so several weak agreeing
    clauses (a slogan here, a named task there) add up where the best one alone falls short."""
    found: dict[tuple[int, int], list[tuple[float, Span, Span, bool]]] = {}
    for level, (zh, en, probability) in enumerate(levels):
        mask = candidates(probability, config.partners) & (probability >= config.evidence)
        for r, c in zip(*np.nonzero(mask), strict=True):
            a, b = zh.clauses[r], en.clauses[c]
            found.setdefault((a.sentence, b.sentence), []).append(
                (float(probability[r, c]), (a.start, a.end), (b.start, b.end), level == 0)
            )
    beads = []
    zh_sentences, en_sentences = levels[0][0].sentences, levels[0][1].sentences
    for (i, j), pairs in sorted(found.items()):
        probability = noisy_or([p for p, _, _, _ in pairs])
        if probability < config.threshold:
            continue
        # spans: the matched clauses; whole sentences only when no clause pair is evidence
        spans = [(zh, en) for _, zh, en, clause in pairs if clause] or [
            (zh, en) for _, zh, en, _ in pairs
        ]
        zh_spans = _merged([zh for zh, _ in spans])
        en_spans = _merged([en for _, en in spans])
        covered = min(_covered(zh_spans, zh_sentences[i]), _covered(en_spans, en_sentences[j]))
        grade = "same" if covered >= config.same_coverage else "partial"
        score = float(calibrated(np.array(probability), config))
        beads.append(Bead((i,), (j,), score, grade, tuple(zh_spans), tuple(en_spans)))
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
    levels = []
    for zh, en in unit_sides(zh_clauses, en_clauses, config):
        features = clause_features(zh, en, encoder, config, lexical)
        chrf = None
        if translations is not None:  # hub-corrected: chance chrF between unrelated text is ~0.2
            match = (
                translation_match(en, zh, translations).T
                if swap  # English sentences translated into Chinese
                else translation_match(zh, en, translations)
            )
            chrf = hub_corrected(match, config.k)
        levels.append((zh, en, clause_probabilities(features, chrf, config)))
    beads = sentence_pairs(levels, config)
    if swap:
        beads = [
            Bead(b.target, b.source, b.score, b.grade, b.target_spans, b.source_spans)
            for b in beads
        ]
        beads.sort(key=lambda b: (b.source, b.target))
    return beads
