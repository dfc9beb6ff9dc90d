"""Sentence, line and clause segmentation for Chinese and English text.

Every function here keeps all non-whitespace characters: joining what it returns (with the
whitespace between pieces) gives back the input. Translation relies on that: nothing the model
never saw can silently disappear from a document.
"""

from __future__ import annotations

import re

# Closing quotes and brackets stay with the sentence they close.
_CLOSERS = "”’」』）)》〉】〕\"'"
# Chinese sentence ends; ASCII !?; count too because Chinese web text mixes widths (the seed
# uses ASCII commas and colons). An ASCII '.' does not end a Chinese sentence: it is almost
# always a decimal point (2.77亿) or part of a Latin abbreviation.
_ZH_END = re.compile(rf"[。！？；!?;…]+[{_CLOSERS}]*")
# English candidate ends: terminal punctuation, closers, then whitespace.
_EN_END = re.compile(rf"[.!?…]+[{_CLOSERS}]*(?=\s)")
# Clause boundaries used only to cut sentences longer than the model's input limit.
_CLAUSE_END = re.compile(r"[，；：,;:]+(?=.)")

# Tokens that end with '.' without ending a sentence (compared case-sensitively).
# fmt: off
_ABBREVIATIONS = frozenset({
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Gen", "Gov", "Sen", "Rep", "Col", "Lt",
    "Capt", "Sgt", "Rev", "Hon", "Inc", "Ltd", "Co", "Corp", "Dept", "Univ", "Mt", "Ft", "Ave",
    "Rd", "Blvd", "vs", "etc", "al", "approx", "cf", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
    "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Fig", "Vol", "pp",
})
# fmt: on
# Abbreviations that only hold before a number ("No. 1", "Art. 5"); "said no. Then" still splits.
_NUMBER_ABBREVIATIONS = frozenset(["No", "no", "Nos", "Art", "Sec", "Ch", "p"])
_ACRONYM = re.compile(r"(?:\b[A-Za-z]\.){2,}$|\b[A-Z]\.$")  # U.S. / e.g. / J. Smith


def split_sentences(text: str, lang: str) -> list[str]:
    """Split one paragraph into sentences ('zh' or 'en'); whitespace between them is dropped."""
    if lang == "zh":
        ends = [m.end() for m in _ZH_END.finditer(text)]
    elif lang == "en":
        ends = [m.end() for m in _EN_END.finditer(text) if _ends_english_sentence(text, m)]
    else:
        raise ValueError(f"unsupported language {lang!r}: expected 'zh' or 'en'")
    pieces, start = [], 0
    for end in [*ends, len(text)]:
        piece = text[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    return pieces


def _ends_english_sentence(text: str, match: re.Match[str]) -> bool:
    """Reject a candidate end after an abbreviation, an acronym or before a lowercase word."""
    following = text[match.end() :].lstrip()
    if not following:
        return True
    if following[0].islower() or following[0] in ",;:":
        return False
    if not match.group().startswith(".") or match.group().startswith(".."):
        return True
    before = text[: match.start() + 1]
    word = before.split()[-1] if before.split() else ""
    bare = word.rstrip(".").lstrip("(\"'“‘[")
    if bare in _ABBREVIATIONS or _ACRONYM.search(word):
        return False
    return not (bare in _NUMBER_ABBREVIATIONS and following[0].isdigit())


def split_lines(text: str, lang: str) -> list[list[str]]:
    """A document as lines of sentences: one entry per input line, [] for a blank line.

    Translating sentence by sentence and joining each line's results keeps the document's
    layout: one output line per input line, paragraphs and blank lines where they were.
    """
    return [split_sentences(line, lang) for line in text.splitlines()]


def split_clauses(sentence: str) -> list[str]:
    """Cut a sentence after each clause mark (，；： , ; :); the marks stay on the left."""
    pieces, start = [], 0
    for match in _CLAUSE_END.finditer(sentence):
        pieces.append(sentence[start : match.end()])
        start = match.end()
    pieces.append(sentence[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def join_sentences(sentences: list[str], lang: str) -> str:
    """Join translated sentences the way the target language writes them."""
    return ("" if lang == "zh" else " ").join(sentences)
