"""Clauses for comparable alignment: sentences cut at clause marks, enumerations kept whole.

Independent articles share propositions, not sentences: 当好首都“护城河” is one clause of a
100-character Chinese sentence and "build the 'moat' of the capital" one clause of an English
one. Sentences are cut after ，；：, ; : and after 、 (Chinese lists of clauses), and
after a sentence end inside the text (a caller's "sentence" may be a line); a piece too short
to say anything on its own (an enumeration item such as 正规化、 or "regularization,", a lead-in
such as 他强调,) is joined to its neighbours, so 革命化、正规化、专业化、职业化建设 and
"revolutionization, regularization, specialization, and professionalization" stay one clause.
Each clause keeps its character offsets into its sentence: the spans a pair reports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from alignment.config import DEFAULT_CONFIG, ClauseConfig

_CUT = {
    "zh": re.compile(r"[。！？!?，；：、,;:]+[”’」』）)》\"']*"),
    "en": re.compile(r"[.!?,;:]+[”’\"')]*(?=\s)|\s[–—]+\s|——"),
}
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Clause:
    """Characters start..end of sentence `sentence`."""

    sentence: int
    start: int
    end: int


def _size(text: str, lang: str) -> int:
    return len(_HAN.findall(text)) if lang == "zh" else len(_WORD.findall(text))


def sentence_clauses(
    sentence: str, lang: str, config: ClauseConfig = DEFAULT_CONFIG.comparable.clauses
) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentence's clauses, whitespace trimmed, in order."""
    cuts = [m.end() for m in _CUT[lang].finditer(sentence)]
    bounds = [b for b in dict.fromkeys([0, *cuts, len(sentence)])]
    pieces = list(zip(bounds, bounds[1:], strict=False))
    if not pieces:
        return []
    least = config.min_zh_chars if lang == "zh" else config.min_en_words
    short = [_size(sentence[a:b], lang) < least for a, b in pieces]
    # a short piece joins the piece before and the piece after: groups of pieces end only
    # between two pieces that are both long enough
    spans, first = [], 0
    for k in range(1, len(pieces)):
        if not (short[k - 1] or short[k]):
            spans.append((pieces[first][0], pieces[k - 1][1]))
            first = k
    spans.append((pieces[first][0], pieces[-1][1]))
    out = []
    for a, b in spans:
        text = sentence[a:b]
        lead, trail = len(text) - len(text.lstrip()), len(text) - len(text.rstrip())
        if b - trail > a + lead:
            out.append((a + lead, b - trail))
    return out


def clauses(
    sentences: Sequence[str], lang: str, config: ClauseConfig = DEFAULT_CONFIG.comparable.clauses
) -> list[Clause]:
    """Every sentence's clauses, in document order."""
    return [
        Clause(i, a, b)
        for i, sentence in enumerate(sentences)
        for a, b in sentence_clauses(sentence, lang, config)
    ]
