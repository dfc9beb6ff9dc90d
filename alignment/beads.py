"""Beads, the unit of a sentence alignment, and the text formats they are read and written in."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from text.errors import InputError
from text.segment import join_sentences

FORMATS = ("vecalign", "tsv", "jsonl")
HUNALIGN_JOINER = " ~~~ "  # between the sentences of one side of a bead, as hunalign writes


Span = tuple[int, int]  # characters start..end of a sentence


@dataclass(frozen=True)
class Bead:
    """`source` and `target` hold 0-based sentence indices (either may be empty: an unaligned
    sentence); `score` in [0, 1] is the aligner's confidence, its meaning documented per mode.

    Comparable pairs also carry `grade` ("same": the sentences say essentially the same thing;
    "partial": a clause-level proposition is shared) and the matched character spans of the
    source and of the target sentence (`source_spans`, `target_spans`)."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float = 0.0
    grade: str | None = None
    source_spans: tuple[Span, ...] = ()
    target_spans: tuple[Span, ...] = ()


def _indices(text: str) -> tuple[int, ...]:
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        raise ValueError(text)
    inner = text[1:-1].strip()
    return tuple(int(i) for i in inner.split(",")) if inner else ()


def read_beads(text: str) -> list[Bead]:
    """Parse Vecalign's format, one bead a line: `[i,j]:[k]` with an optional `:score`."""
    beads = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.strip().split(":")
        try:
            if len(parts) not in (2, 3):
                raise ValueError(line)
            score = float(parts[2]) if len(parts) == 3 else 0.0
            beads.append(Bead(_indices(parts[0]), _indices(parts[1]), score))
        except ValueError:
            raise InputError(
                f"line {number} is not a Vecalign bead like [0,1]:[2] or [0]:[1]:0.87: {line!r}"
            ) from None
    return beads


def _bracket(indices: tuple[int, ...]) -> str:
    return "[" + ",".join(map(str, indices)) + "]"


def tsv_row(src: Sequence[str], tgt: Sequence[str], score: float) -> str:
    """hunalign's text layout: source, target, score, tab-separated; a side's sentences joined
    by " ~~~ ". Whitespace inside a sentence becomes one space, so a row is one line."""
    sides = (HUNALIGN_JOINER.join(" ".join(s.split()) for s in side) for side in (src, tgt))
    return "\t".join([*sides, f"{score:.4f}"])


def format_beads(
    beads: Sequence[Bead],
    fmt: str,
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
) -> str:
    """`vecalign`: `[i,j]:[k]:score`; `tsv`: hunalign's `source<TAB>target<TAB>score`; `jsonl`:
    one object a bead with indices, texts (a side's sentences joined the way its language
    writes them) and score, and for comparable pairs their grade and matched spans."""
    lines = []
    for bead in beads:
        src_side, tgt_side = [src[i] for i in bead.source], [tgt[j] for j in bead.target]
        if fmt == "vecalign":
            lines.append(f"{_bracket(bead.source)}:{_bracket(bead.target)}:{bead.score:.4f}")
        elif fmt == "tsv":
            lines.append(tsv_row(src_side, tgt_side, bead.score))
        elif fmt == "jsonl":
            record = {
                "source": list(bead.source),
                "target": list(bead.target),
                "score": round(bead.score, 4),
                "source_text": join_sentences(src_side, src_lang),
                "target_text": join_sentences(tgt_side, tgt_lang),
            }
            if bead.grade is not None:
                record["grade"] = bead.grade
                record["source_spans"] = [list(span) for span in bead.source_spans]
                record["target_spans"] = [list(span) for span in bead.target_spans]
            lines.append(json.dumps(record, ensure_ascii=False))
        else:
            raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return "".join(line + "\n" for line in lines)


def moses_sides(
    beads: Sequence[Bead],
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
) -> tuple[str, str]:
    """OPUS's Moses layout: two texts whose line i are the two sides of the i-th bead that
    aligns something on both sides."""
    pairs = [bead for bead in beads if bead.source and bead.target]
    sides = []
    for sentences, lang, side in ((src, src_lang, "source"), (tgt, tgt_lang, "target")):
        lines = (
            " ".join(join_sentences([sentences[i] for i in getattr(b, side)], lang).split())
            for b in pairs
        )
        sides.append("".join(line + "\n" for line in lines))
    return sides[0], sides[1]
