"""Every (Chinese unit, English unit) pair of one level scored: the features, the probability
that a reader would pair them, and the pairs kept as evidence (alignment.comparable).

The features (FEATURES):
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
seeds' gold) gives each unit pair the probability that a reader would pair it. Pairs are scored
in blocks of Chinese units (`block_cells` pairs at a time), so memory grows with the documents,
not with their product; the blocks change no result.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields

import numpy as np

from alignment.config import DEFAULT_CONFIG, ComparableConfig
from alignment.embed import Encoder, centred
from alignment.lexicon import load_cedict
from alignment.terms import TermMatch, TermMatcher
from alignment.units import Side

FEATURES = ("cos", "cos_hub", "dice", "dice_hub", "log_mass", "peak", "phrases", "conflicts")

DEFAULT = DEFAULT_CONFIG.comparable


def _top_mean(scores: np.ndarray, k: int) -> np.ndarray:
    k = max(1, min(k, scores.shape[1]))
    return np.partition(scores, scores.shape[1] - k, axis=1)[:, -k:].mean(axis=1)


class _ColumnTop:
    """The k largest values of each column and the rows they came from, gathered block of rows
    by block of rows: hub correction needs the values, evidence the rows too."""

    def __init__(self, k: int, columns: int):
        self.k = k
        self.values = np.full((0, columns), -np.inf)
        self.rows = np.zeros((0, columns), dtype=np.int64)

    def add(self, first: int, block: np.ndarray) -> None:
        """`block`: rows first.. of the matrix."""
        values = np.vstack([self.values, block])
        rows = np.arange(first, first + len(block))[:, None].repeat(block.shape[1], axis=1)
        rows = np.vstack([self.rows, rows])
        keep = min(self.k, len(values))
        best = np.argpartition(-values, keep - 1, axis=0)[:keep]
        self.values = np.take_along_axis(values, best, axis=0)
        self.rows = np.take_along_axis(rows, best, axis=0)

    def mean(self) -> np.ndarray:
        return self.values.mean(axis=0)


# The signals hub-corrected: each less the mean of its row's and its column's k best.
HUBBED = ("cos", "dice", "chrf")


class UnitPairs:
    """Every (Chinese unit, English unit) pair of one level, scored in blocks of Chinese units
    of about `block_cells` pairs: memory grows with the documents, not with their product.
    Hub correction needs each English unit's k best over all Chinese units, so a first pass
    gathers them and a second scores (one pass when a single block holds every pair)."""

    def __init__(
        self,
        zh: Side,
        en: Side,
        encoder: Encoder,
        config: ComparableConfig = DEFAULT,
        lexical: bool = True,
        translations: Sequence[str] | None = None,
        swap: bool = False,
    ):
        self.zh, self.en, self.config = zh, en, config
        self.zh_vectors = centred(encoder.encode(zh.texts))
        self.en_vectors = centred(encoder.encode(en.texts))
        self.terms = (
            TermMatcher(zh.texts, en.texts, load_cedict(), config.terms) if lexical else None
        )
        self.chrf = None
        if translations is not None:
            self.chrf = _TranslationMatch(zh, en, translations, swap)
        n, m = len(zh.texts), len(en.texts)
        rows = max(1, config.block_cells // max(m, 1))
        self.blocks = [(first, min(first + rows, n)) for first in range(0, n, rows)]

    def signals(self, first: int, last: int) -> dict[str, np.ndarray]:
        """The raw signals of Chinese units first..last-1 against every English unit."""
        cos = self.zh_vectors[first:last] @ self.en_vectors.T
        if self.terms is not None:
            terms = self.terms.block(first, last)
        else:
            terms = TermMatch(*(np.zeros_like(cos) for _ in range(5)))
        out = {"cos": cos, **{f.name: getattr(terms, f.name) for f in fields(TermMatch)}}
        if self.chrf is not None:  # hub-corrected: chance chrF between unrelated text is ~0.2
            out["chrf"] = self.chrf.block(first, last)
        return out

    def scored(self) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
        """(first row, features (len(FEATURES), rows, English units), hub-corrected chrF or
        None) of each block."""
        k = self.config.k
        n, m = len(self.zh.texts), len(self.en.texts)
        names = [name for name in HUBBED if name != "chrf" or self.chrf is not None]
        row_means = {name: np.zeros(n) for name in names}
        column_tops = {name: _ColumnTop(max(1, min(k, n)), m) for name in names}
        kept = None
        for first, last in self.blocks:
            signals = self.signals(first, last)
            for name in names:
                row_means[name][first:last] = _top_mean(signals[name], k)
                column_tops[name].add(first, signals[name])
            kept = signals if len(self.blocks) == 1 else None
        column_means = {name: top.mean() for name, top in column_tops.items()}
        for first, last in self.blocks:
            signals = kept or self.signals(first, last)
            hub = {
                name: signals[name]
                - (row_means[name][first:last, None] + column_means[name][None, :]) / 2
                for name in names
            }
            yield first, _features(signals, hub), hub.get("chrf")

    def evidence(self) -> Evidence:
        """The unit pairs that are candidate evidence for sentence pairs (alignment.comparable)."""
        found = Evidence(len(self.en.texts), self.config.partners)
        for first, features, chrf in self.scored():
            found.add(first, clause_probabilities(features, chrf, self.config))
        return found


def _features(signals: dict[str, np.ndarray], hub: dict[str, np.ndarray]) -> np.ndarray:
    """FEATURES of a block, stacked: (len(FEATURES), rows, columns)."""
    return np.stack(
        [
            signals["cos"],
            hub["cos"],
            signals["dice"],
            hub["dice"],
            np.log1p(signals["mass"]),
            signals["peak"],
            np.log1p(signals["phrases"]),
            np.minimum(signals["conflicts"], 3),
        ]
    )


def clause_features(
    zh: Side,
    en: Side,
    encoder: Encoder,
    config: ComparableConfig = DEFAULT,
    lexical: bool = True,
) -> np.ndarray:
    """(len(FEATURES), Chinese units, English units) in one array (for fitting: small
    documents); lexical=False: term features 0."""
    pairs = UnitPairs(zh, en, encoder, config, lexical)
    return np.concatenate([features for _, features, _ in pairs.scored()], axis=1)


class _TranslationMatch:
    """chrF (0-1) of each unit of one side against the translation of the sentence of each
    unit of the other side, the unit as the hypothesis, so a clause found inside a longer
    translation scores high. translations: the Chinese sentences in English, or (swap) the
    English sentences in Chinese."""

    def __init__(self, zh: Side, en: Side, translations: Sequence[str], swap: bool):
        from alignment.mt import CharNgrams

        translated, hypotheses = (en, zh) if swap else (zh, en)
        self.sentences = sorted(set(translated.owner.tolist()))
        self.refs = [CharNgrams.of(translations[i]) for i in self.sentences]
        self.hyps = [CharNgrams.of(text) for text in hypotheses.texts]
        self.where = np.searchsorted(self.sentences, translated.owner)  # unit -> its sentence
        self.swap = swap

    def block(self, first: int, last: int) -> np.ndarray:
        """(Chinese units first..last-1, English units)."""
        from alignment.mt import chrf

        if self.swap:  # the block's Chinese units against every English sentence's translation
            values = np.array(
                [[chrf(h, ref) for ref in self.refs] for h in self.hyps[first:last]]
            ).reshape(last - first, len(self.refs))
            return values[:, self.where] / 100
        rows = self.where[first:last]  # the block's Chinese sentences' translations
        needed = np.unique(rows)
        values = np.array(
            [[chrf(h, self.refs[s]) for h in self.hyps] for s in needed.tolist()]
        ).reshape(len(needed), len(self.hyps))
        return values[np.searchsorted(needed, rows)] / 100


def clause_probabilities(
    features: np.ndarray, chrf: np.ndarray | None = None, config: ComparableConfig = DEFAULT
) -> np.ndarray:
    """Probability that a reader pairs each (Chinese clause, English clause)."""
    logit = np.tensordot(np.array(config.coefficients), features, axes=1) + config.intercept
    if chrf is not None:
        logit = logit + config.chrf_coefficient * chrf
    return 1.0 / (1.0 + np.exp(-logit))


class Evidence:
    """Unit pairs among the `partners` most probable of their row or of their column, gathered
    block of rows by block of rows (a column's best are known at the end): (rows, columns,
    probabilities), row-major. Those below `ComparableConfig.evidence` are kept too: they add
    nothing to a pair's own probability, but the local order may still raise their pair."""

    def __init__(self, columns: int, partners: int):
        self.partners = partners
        self.found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # each row's best
        self.top = _ColumnTop(partners, columns)  # each column's best so far

    def add(self, first: int, probability: np.ndarray) -> None:
        rows, columns = probability.shape
        if not rows or not columns:
            return
        keep = min(self.partners, columns)
        best = np.argpartition(-probability, keep - 1, axis=1)[:, :keep]
        r = np.repeat(np.arange(rows), keep)
        self.found.append((r + first, best.ravel(), probability[r, best.ravel()]))
        self.top.add(first, probability)

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        top = self.top.values
        columns = top.shape[1]
        c = np.arange(columns)[None, :].repeat(len(top), 0).ravel()
        found = [*self.found, (self.top.rows.ravel(), c, top.ravel())]
        r, c, p = (np.concatenate(parts) for parts in zip(*found, strict=True))
        _, first = np.unique(r * max(columns, 1) + c, return_index=True)
        return r[first], c[first], p[first]
