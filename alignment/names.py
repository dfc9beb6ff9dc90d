"""Names and numbers shared across languages: an offline signal independent of the encoder.

News texts name places, people and dates; a Chinese name's toneless pinyin usually is its
English spelling (山西 -> "shanxi", 太原 -> "taiyuan"). Keys of a Chinese text: the pinyin of
every 2-3 character window of Han characters, and numbers of 2+ digits; keys of an English
text: its capitalised words, lowercased, and its numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pypinyin import lazy_pinyin

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_NUMBER = re.compile(r"\d{2,}")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)?\b")


def chinese_keys(text: str) -> set[str]:
    keys = set(_NUMBER.findall(text))
    for run in _HAN_RUN.findall(text):
        syllables = lazy_pinyin(run)
        for width in (2, 3):
            for start in range(len(syllables) - width + 1):
                keys.add("".join(syllables[start : start + width]))
    return keys


def english_keys(text: str) -> set[str]:
    return {name.lower() for name in _NAME.findall(text)} | set(_NUMBER.findall(text))


def keys(sentences: Sequence[str], lang: str) -> set[str]:
    text = "\n".join(sentences)
    return chinese_keys(text) if lang == "zh" else english_keys(text)
