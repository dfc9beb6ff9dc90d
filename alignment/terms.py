"""Specific terms shared by Chinese and English clauses: dictionary words, names and numbers.

Why: between independent articles on one subject the encoder sees "same theme" almost as well
as "same statement"; what marks a shared proposition is that its specific words recur (护城河 ->
"moat", 平安山西 -> "safe Shanxi", 70周年 -> "70th"). Units of a Chinese clause: CC-CEDICT words
found by forward maximum matching (alignment.lexicon), 2-3 character Han windows whose toneless
pinyin is a name of the English document (太原 -> "Taiyuan", alignment.names), numbers. Units of
an English clause: stemmed content words, names (capitalised words, and runs of them joined:
"Xi Jinping" -> "xijinping"), numbers. A Chinese unit matches an English clause when one of its
glosses (or its pinyin, or its number) is there, and the other way round.

Each unit weighs its specificity in these two documents: -log of the larger of the share of its
own side's clauses that contain it and the share of the other side's clauses it matches, so
"political and legal" (in most clauses) counts ~0.3 and "moat" (once) ~log(clauses). The
clause-pair signal is the weighted Dice of the matches: matched weight of both clauses / their
total weight (1 = every unit of both found on the other side), with the matched weight itself
(how much specific evidence there is) beside it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pypinyin import lazy_pinyin

from alignment.config import DEFAULT_CONFIG, TermConfig
from alignment.lexicon import STOPWORDS, Dictionary, stem

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z']*")  # "high-quality": high, quality (glosses are words)
_QUOTES = "“”‘’\"'《》「」 "  # between two words of a phrase: 首都“护城河” is 首都+护城河
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*\b")


def _numbers(text: str, least: int) -> list[str]:
    return [n.replace(",", "") for n in _NUMBER.findall(text) if sum(map(str.isdigit, n)) >= least]


def english_names(text: str) -> list[str]:
    """Capitalised words and runs of them joined, lowercased: "Xi Jinping" -> xi, jinping,
    xijinping."""
    names = []
    for run in _NAME_RUN.findall(text):
        words = re.split(r"[ -]", run)
        names += [w.lower() for w in words]
        if len(words) > 1:
            names.append("".join(words).lower())
    return names


def chinese_units(
    texts: Sequence[str], dictionary: Dictionary, names: set[str], config: TermConfig
) -> tuple[list[list[str]], list[list[set[str]]]]:
    """Per clause: unit keys and, for each, its concept strings ("s:<stem id>", "n:<name>")."""
    keys, concepts = [], []
    for text in texts:
        words = _segmented(text, dictionary)
        k = [text[start:end] for start, end, _ in words]
        c = [{f"s:{g}" for g in glosses} for _, _, glosses in words]
        for run in _HAN_RUN.findall(text):
            syllables = lazy_pinyin(run)
            for width in config.name_widths:
                for start in range(len(syllables) - width + 1):
                    name = "".join(syllables[start : start + width])
                    if name in names:
                        k.append(run[start : start + width])
                        c.append({f"n:{name}"})
        for number in _numbers(text, config.min_number_digits):
            k.append(number)
            c.append({f"n:{number}"})
        keys.append(k)
        concepts.append(c)
    return keys, concepts


def pinyin_windows(texts: Sequence[str], widths: tuple[int, ...]) -> set[str]:
    out = set()
    for text in texts:
        for run in _HAN_RUN.findall(text):
            syllables = lazy_pinyin(run)
            for width in widths:
                out.update("".join(syllables[s : s + width]) for s in range(len(run) - width + 1))
    return out


def english_units(
    texts: Sequence[str], dictionary: Dictionary, names: set[str], config: TermConfig
) -> tuple[list[list[str]], list[list[set[str]]]]:
    keys, concepts = [], []
    for text in texts:
        k, c = [], []
        for word in _EN_WORD.findall(text):
            if len(word) > 1 and word.lower() not in STOPWORDS:
                s = stem(word)
                k.append(s)
                c.append({f"s:{_word_id(s, dictionary)}"} if s in dictionary.stems else set())
        for name in (n for n in english_names(text) if n in names):
            k.append(name)
            c.append({f"n:{name}"})
        for number in _numbers(text, config.min_number_digits):
            k.append(number)
            c.append({f"n:{number}"})
        keys.append(k)
        concepts.append(c)
    return keys, concepts


def _dedup(keys: list[str], concepts: list[set[str]]) -> tuple[list[str], list[set[str]]]:
    """A clause's units once each (a repeated word is one piece of evidence)."""
    merged: dict[str, set[str]] = {}
    for key, concept in zip(keys, concepts, strict=True):
        merged.setdefault(key, set()).update(concept)
    return list(merged), list(merged.values())


@dataclass(frozen=True)
class TermMatch:
    """Clause-pair matrices (a block of Chinese clauses x English clauses)."""

    dice: np.ndarray  # matched weight of both clauses / their total weight
    mass: np.ndarray  # matched weight of both clauses
    peak: np.ndarray  # weight of the most specific matched unit
    phrases: np.ndarray  # weight of matched phrases: two adjacent Chinese words found together
    conflicts: np.ndarray  # English names the Chinese clause lacks, and numbers that differ


def specificity(own_rate, other_rate, own_count: int, other_count: int):
    """-log of the larger of a unit's two rates (the share of its own side's clauses that hold
    it, the share of the other side's it matches), 1 / the larger side's clauses at least: a
    unit in most clauses weighs ~0, one in a single clause log(clauses)."""
    floor = 1.0 / max(own_count, other_count, 1)
    return -np.log(np.minimum(np.maximum(np.maximum(own_rate, other_rate), floor), 1.0))


class _Units:
    """One side's units (deduplicated per clause, in clause order) with their concept ids, and
    the inverted index from a concept to the units and the clauses that hold it: matching goes
    through it, so memory grows with the text, not with clauses x clauses."""

    def __init__(self, keys: list[list[str]], concepts: list[list[set[str]]], index: dict):
        deduped = [_dedup(k, c) for k, c in zip(keys, concepts, strict=True)]
        keys, concepts = [k for k, _ in deduped], [c for _, c in deduped]
        self.clauses = len(keys)
        self.starts = np.concatenate([[0], np.cumsum([len(k) for k in keys])]).astype(np.int64)
        self.owner = np.repeat(np.arange(self.clauses), np.diff(self.starts))
        self.keys = [k for ks in keys for k in ks]
        self.concepts = [
            np.array(sorted(index[x] for x in c if x in index), dtype=np.int64)
            for cs in concepts
            for c in cs
        ]
        units: dict[int, list[int]] = {}
        for unit, ids in enumerate(self.concepts):
            for x in ids.tolist():
                units.setdefault(x, []).append(unit)
        self.units_of = {x: np.array(u, dtype=np.int64) for x, u in units.items()}
        self.clauses_of = {x: np.unique(self.owner[u]) for x, u in self.units_of.items()}
        self.weight = np.zeros(len(self.keys))

    def weigh(self, other: _Units) -> None:
        """Each unit's specificity: -log of the larger of the share of this side's clauses
        that contain it and the share of the other side's clauses it matches (1 / clauses
        at least)."""
        counts = Counter(self.keys)
        own = np.array([counts[k] for k in self.keys], dtype=np.float64) / self.clauses
        found: dict[tuple[int, ...], int] = {}
        for ids in self.concepts:
            key = tuple(ids.tolist())
            if key not in found:
                hit = [other.clauses_of[x] for x in key if x in other.clauses_of]
                found[key] = len(np.unique(np.concatenate(hit))) if hit else 0
        matched = np.array([found[tuple(ids.tolist())] for ids in self.concepts], np.float64)
        self.weight = specificity(own, matched / max(other.clauses, 1), self.clauses, other.clauses)

    def total(self) -> np.ndarray:
        return np.bincount(self.owner, self.weight, self.clauses)

    def concepts_of_clause(self, clause: int) -> np.ndarray:
        ids = self.concepts[self.starts[clause] : self.starts[clause + 1]]
        return np.unique(np.concatenate(ids)) if ids else np.zeros(0, np.int64)


def _per_clause(values: np.ndarray, units: _Units, first: int, last: int) -> tuple:
    """(sum, max) over the units of clauses first..last-1 of `values` (their rows, in order):
    (clauses, columns) each."""
    shape = (last - first, values.shape[1])
    total, peak = np.zeros(shape), np.zeros(shape)
    starts = units.starts[first:last] - units.starts[first]
    held = np.diff(units.starts[first : last + 1]) > 0
    if held.any():
        total[held] = np.add.reduceat(values, starts[held], axis=0)
        peak[held] = np.maximum.reduceat(values, starts[held], axis=0)
    return total, peak


class TermMatcher:
    """Specific terms of a Chinese and an English document's clauses, weighed once; `block`
    matches a run of Chinese clauses with every English clause."""

    def __init__(
        self,
        zh: Sequence[str],
        en: Sequence[str],
        dictionary: Dictionary,
        config: TermConfig = DEFAULT_CONFIG.comparable.terms,
    ):
        names = {n for text in en for n in english_names(text)}
        names &= pinyin_windows(zh, config.name_widths)
        zk, zc = chinese_units(zh, dictionary, names, config)
        ek, ec = english_units(en, dictionary, names, config)
        shared = {x for cs in zc for c in cs for x in c} & {x for cs in ec for c in cs for x in c}
        index = {x: n for n, x in enumerate(sorted(shared))}
        self.z, self.e = _Units(zk, zc, index), _Units(ek, ec, index)
        self.z.weigh(self.e)
        self.e.weigh(self.z)
        self.z_total, self.e_total = self.z.total(), self.e.total()
        self.phrases = _Phrases(zh, en, dictionary, config)
        self.conflicts = _Conflicts(zh, en, dictionary, config)

    def block(self, first: int, last: int) -> TermMatch:
        """Chinese clauses first..last-1 against every English clause."""
        z, e = self.z, self.e
        units = slice(z.starts[first], z.starts[last])
        z_match = np.zeros((units.stop - units.start, e.clauses))  # Chinese unit in English clause
        for row, ids in enumerate(z.concepts[units]):
            for x in ids.tolist():
                z_match[row, e.clauses_of[x]] = 1.0
        z_found, z_peak = _per_clause(z_match * z.weight[units, None], z, first, last)
        e_match = np.zeros((len(e.keys), last - first))  # English unit found in Chinese clause
        for column, clause in enumerate(range(first, last)):
            for x in z.concepts_of_clause(clause).tolist():
                e_match[e.units_of[x], column] = 1.0
        e_found, e_peak = _per_clause(e_match * e.weight[:, None], e, 0, e.clauses)
        mass = z_found + e_found.T
        dice = mass / np.maximum(self.z_total[first:last, None] + self.e_total[None, :], 1e-9)
        return TermMatch(
            dice,
            mass,
            np.maximum(z_peak, e_peak.T),
            self.phrases.block(first, last),
            self.conflicts.block(first, last),
        )


class _Phrases:
    """(zh, en): summed specificity of the Chinese clause's word bigrams (two adjacent
    dictionary words, quotation marks between them allowed) whose glosses occur within
    `phrase_window` words of each other in the English clause: 平安+山西 ~ "safe Shanxi",
    矛盾+纠纷 ~ "conflicts and disputes". A shared phrase is far more specific than the same
    words scattered over two long clauses."""

    def __init__(
        self, zh: Sequence[str], en: Sequence[str], dictionary: Dictionary, config: TermConfig
    ):
        near: dict[tuple[int, int], set[int]] = {}
        for j, text in enumerate(en):
            ids = [
                _word_id(stem(w), dictionary) if w.lower() not in STOPWORDS else None
                for w in _EN_WORD.findall(text)
            ]
            for a, first in enumerate(ids):
                for second in ids[a + 1 : a + 1 + config.phrase_window]:
                    if first is not None and second is not None and first != second:
                        near.setdefault((first, second), set()).add(j)
                        near.setdefault((second, first), set()).add(j)
        found: list[tuple[int, str, set[int]]] = []
        for i, text in enumerate(zh):
            words = _segmented(text, dictionary)
            for (a0, a1, g1), (b0, b1, g2) in zip(words, words[1:], strict=False):
                if text[a1:b0].strip(_QUOTES):
                    continue
                clauses = set().union(*(near.get((x, y), ()) for x in g1 for y in g2))
                if clauses:
                    found.append((i, text[a0:b1], clauses))
        counts = Counter(key for _, key, _ in found)
        self.columns = len(en)
        self.found: dict[int, list[tuple[list[int], float]]] = {}
        for i, key, clauses in found:
            weight = specificity(counts[key] / len(zh), len(clauses) / len(en), len(zh), len(en))
            self.found.setdefault(i, []).append((sorted(clauses), float(weight)))

    def block(self, first: int, last: int) -> np.ndarray:
        out = np.zeros((last - first, self.columns))
        for i in range(first, last):
            for clauses, weight in self.found.get(i, ()):
                out[i - first, clauses] += weight
        return out


class _Conflicts:
    """(zh, en): proper names of the English clause (capitalised, not a dictionary word, not
    its first word) whose pinyin the Chinese clause does not contain, plus 1 when both clauses
    have numbers and share none. Two reports of different events name different people and
    dates ("骆惠宁出席会议" vs "Qian Sanxiong presided over the meeting")."""

    def __init__(
        self, zh: Sequence[str], en: Sequence[str], dictionary: Dictionary, config: TermConfig
    ):
        self.proper = [
            {
                w.lower()
                for w in _EN_WORD.findall(text)[1:]
                if w[0].isupper() and stem(w) not in dictionary.stems and w.lower() not in STOPWORDS
            }
            for text in en
        ]
        self.windows = [pinyin_windows([text], (1, *config.name_widths)) for text in zh]
        self.zh_numbers = [set(_numbers(text, config.min_number_digits)) for text in zh]
        self.en_numbers = [set(_numbers(text, config.min_number_digits)) for text in en]

    def block(self, first: int, last: int) -> np.ndarray:
        out = np.zeros((last - first, len(self.proper)))
        windows, zh_numbers = self.windows[first:last], self.zh_numbers[first:last]
        for j, names in enumerate(self.proper):
            if names:
                out[:, j] += [len(names - found) for found in windows]
        for j, numbers in enumerate(self.en_numbers):
            if numbers:
                out[:, j] += [bool(z) and not (z & numbers) for z in zh_numbers]
        return out


_COARSE: dict[int, np.ndarray] = {}


def _coarse(dictionary: Dictionary) -> np.ndarray:
    """Stem id -> id of the first stem with the same first 5 letters: the dictionary's 6-letter
    stems keep "resolve" (resolv) and "resolution" (resolu), "equip" and "equipment" apart, and
    independent writers choose either (化解 "resolve" ~ "the resolution of disputes")."""
    if id(dictionary) not in _COARSE:
        first: dict[str, int] = {}
        ids = np.zeros(len(dictionary.stems), dtype=np.int64)
        for word, n in dictionary.stems.items():
            ids[n] = first.setdefault(word[:5], n)
        _COARSE[id(dictionary)] = ids
    return _COARSE[id(dictionary)]


def _word_id(stemmed: str, dictionary: Dictionary) -> int | None:
    n = dictionary.stems.get(stemmed)
    return None if n is None else int(_coarse(dictionary)[n])


def _segmented(text: str, dictionary: Dictionary) -> list[tuple[int, int, list[int]]]:
    """Forward maximum matching: (start, end, gloss stem ids) of each dictionary word."""
    words, i = [], 0
    while i < len(text):
        for width in range(min(dictionary.longest.get(text[i], 0), len(text) - i), 0, -1):
            if text[i : i + width] in dictionary.glosses:
                ids = _coarse(dictionary)[dictionary.glosses[text[i : i + width]]]
                words.append((i, i + width, sorted(set(ids.tolist()))))
                i += width
                break
        else:
            i += 1
    return words
