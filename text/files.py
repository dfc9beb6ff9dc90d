"""One reader for the text files users name on the command line (align, translate, eval, and
the corpus commands).

Every way a file can be wrong (missing, a directory, unreadable, binary, not UTF-8) becomes an
InputError naming the file and the problem, which the CLI prints as one line with exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from text.errors import InputError
from text.language import NAMES, detect_language
from text.segment import split_lines


def read_text(path: Path | str) -> str:
    """The file's text ("-" reads standard input), without a UTF-8 byte-order mark."""
    name = str(path)
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, expected a text file") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror})") from None
    if b"\0" in data:
        raise InputError(f"{name}: a binary file, expected text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def read_nonempty(path: Path | str) -> str:
    """The file's text; an InputError when it holds nothing but whitespace."""
    text = read_text(path)
    if not text.strip():
        raise InputError(f"{path}: empty file")
    return text


def read_document(
    path: Path | str, lang: str | None, *, presplit: bool = False
) -> tuple[str, list[str]]:
    """A document's language and its sentences in order: one a line when `presplit`, else each
    line segmented (the numbering the service gives the same text). Given `lang` (a language
    flag), the file must look like it, which catches swapped or wrong flags before a long,
    meaningless alignment; without it, the file's own language is detected."""
    text = read_nonempty(path)
    try:
        detected = detect_language(text)
    except InputError as error:
        if lang is None:
            raise InputError(f"{path}: {error}; give its language flag") from None
        detected = lang  # no letters at all: nothing contradicts the flag
    if lang is not None and detected != lang:
        raise InputError(f"{path} does not look like {NAMES[lang]}; check the language flags")
    if presplit:
        return detected, text.splitlines()
    return detected, [s for line in split_lines(text, detected) for s in line]


def read_sentences(path: Path | str, lang: str, *, presplit: bool = False) -> list[str]:
    """The sentences of a document whose language is known (read_document)."""
    return read_document(path, lang, presplit=presplit)[1]
