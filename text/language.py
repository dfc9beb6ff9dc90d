"""Which of the two languages a text is in: one rule for ingest, alignment and the CLI.

Chinese and English are the only languages bitext handles, so the share of Han characters
among Han characters and Latin letters tells them apart. A Han character carries about what
four Latin letters do (a Chinese word is ~1.5 characters, an English word ~5 letters), so a
text is Chinese from a Han share of 0.2 on: from there on it holds at least as much Chinese
as English. Callers that already know a text's language (the store records it) pass it on
instead of asking again.
"""

from __future__ import annotations

import re

from text.errors import InputError

LANGUAGES = ("zh", "en")
NAMES = {"zh": "Chinese", "en": "English"}
CHINESE_FROM = 0.2  # Han share from which a text counts as Chinese

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def han_share(text: str) -> float | None:
    """Han characters as a share of Han characters and Latin letters; None with neither."""
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    return han / (han + latin) if han + latin else None


def detect_language(text: str) -> str:
    """'zh' or 'en'; InputError when the text has no Chinese or Latin letters at all."""
    share = han_share(text)
    if share is None:
        raise InputError("cannot detect the language: the text has no Chinese or Latin letters")
    return "zh" if share >= CHINESE_FROM else "en"


def other_language(language: str) -> str:
    return "en" if language == "zh" else "zh"


def check_language(language: str) -> str:
    """The language code itself, or an InputError naming the two that are supported."""
    if language not in LANGUAGES:
        raise InputError(f"unsupported language {language!r}: use zh or en")
    return language
