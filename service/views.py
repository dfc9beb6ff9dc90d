"""What the alignment page shows, computed from an AlignmentReport (the template lays it out).

Parallel mode (`side_by_side`): one row per source sentence, in document order. A pair is shown on
the row of its first source sentence; sentences it spans further are marked as continuing it.
Rows whose sentence is in no pair are unaligned: visible, but set apart.

Comparable mode (`comparable_view`): independent articles share a few propositions, so most
sentences have no counterpart. The sentences with pairs come first, each with its English
counterparts grouped by target document and the matched spans marked on both sides; the others
are only counted (their list folded away), boilerplate apart with its kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from service.jobs import AlignMode
from service.report import AlignmentReport, PairText


@dataclass(frozen=True)
class Band:
    """A colour band of pair scores and what a score there means, as measured."""

    name: str  # the CSS class: high, medium, low
    floor: float
    meaning: str


# Colour bands per mode, each saying what its scores mean (measured: docs/alignment.md).
# Parallel: a bead's score is a centred cosine, not a probability; the share of right beads per
# band was measured on mac-dev's parallel alignment. Comparable: a pair's score is the share of
# right pairs at that score on held-out synthetic comparable sets; independent news articles
# score fewer right than that, so each band states what the development gold (the seeds 001 ~
# 000 and 004, pairs any of two readers found) measured there, from `bench/comparable.py`.
BANDS: dict[AlignMode, tuple[Band, ...]] = {
    AlignMode.PARALLEL: (
        Band("high", 0.5, "≥ 0.5: 97 in 100 pairs right on the development set"),
        Band("medium", 0.3, "0.3 to 0.5: 91 in 100 right on the development set"),
        Band("low", 0.0, "< 0.3: 84 in 100 right on the development set"),
    ),
    AlignMode.COMPARABLE: (
        Band("high", 0.8, "≥ 0.8: 6 in 7 pairs right on the development set"),
        Band("medium", 0.6, "0.6 to 0.8: 2 in 5 right on the development set"),
        Band("low", 0.0, "< 0.6: 3 in 5 right on the development set"),
    ),
}


GRADES = {
    "same": "the two sentences say essentially the same thing",
    "partial": "the two sentences share a clause-level proposition (marked)",
}


def band(score: float, mode: AlignMode) -> Band:
    return next(b for b in BANDS[mode] if score >= b.floor)


# A stretch of text and what it is: "text", "mark" (part of a matched span) or "fold" (far from
# any match in a long sentence: hidden until the reader opens the pair).
Piece = tuple[str, str]
# Characters of context kept either side of a match when a long sentence is folded.
CONTEXT = 160


def pieces(text: str, spans: Sequence[Sequence[int]] | None) -> list[Piece]:
    """The text cut at the edges of the spans ([start, end) offsets, overlapping or not): the
    template marks the matched pieces and escapes every piece like any text."""
    edges: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans or ()):
        if start >= end:
            continue
        if edges and start <= edges[-1][1]:
            edges[-1][1] = max(edges[-1][1], end)
        else:
            edges.append([start, end])
    cut, at = [], 0
    for start, end in edges:
        if start > at:
            cut.append((text[at:start], "text"))
        cut.append((text[start:end], "mark"))
        at = end
    if at < len(text) or not cut:
        cut.append((text[at:], "text"))
    return cut


def folded(cut: list[Piece], context: int = CONTEXT) -> list[Piece]:
    """Long stretches without a match folded, `context` characters kept beside each match (cut
    at a space): the seeds' English "sentences" are paragraphs, their match a clause."""
    if not any(kind == "mark" for _, kind in cut):
        return cut
    out: list[Piece] = []
    for i, (text, kind) in enumerate(cut):
        head = context if i > 0 else 0  # after a match
        tail = context if i < len(cut) - 1 else 0  # before a match
        if kind != "text" or len(text) <= head + tail + context // 2:
            out.append((text, kind))
            continue
        start = text.find(" ", head) + 1 if head else 0
        end = text.rfind(" ", 0, len(text) - tail) if tail else len(text)
        if end <= start or (head and start == 0):
            out.append((text, kind))
            continue
        out += [(text[:start], "text"), (text[start:end], "fold"), (text[end:], "text")]
    return [(text, kind) for text, kind in out if text]


@dataclass
class Match:
    """The target side of a pair, beside its source sentence."""

    document_id: int
    document_title: str
    pieces: list[Piece]
    target: list[int]
    score: float
    band: Band
    grade: str | None
    scores: dict | None


def _match(report: AlignmentReport, pair: PairText) -> Match:
    return Match(
        document_id=pair.pair.target_document_id,
        document_title=report.title(pair.pair.target_document_id),
        pieces=folded(pieces(pair.target_text, pair.pair.target_spans)),
        target=pair.pair.target,
        score=pair.pair.score,
        band=band(pair.pair.score, report.alignment.mode),
        grade=pair.pair.grade,
        scores=pair.pair.scores,
    )


def _by_first_source(pairs: Sequence[PairText]) -> tuple[dict[int, list[PairText]], set[int]]:
    """Pairs by their first source sentence, best first; and the further sentences they span."""
    by_first: dict[int, list[PairText]] = {}
    spanned: set[int] = set()
    for pair in sorted(pairs, key=lambda p: -p.pair.score):
        by_first.setdefault(pair.pair.source[0], []).append(pair)
        spanned |= set(pair.pair.source[1:])
    return by_first, spanned


@dataclass
class Row:
    index: int
    paragraph_start: bool
    text: str
    translation: str | None
    matches: list[Match] = field(default_factory=list)
    continues: bool = False  # part of a multi-sentence pair shown on an earlier row

    @property
    def aligned(self) -> bool:
        return bool(self.matches) or self.continues


def side_by_side(report: AlignmentReport) -> list[Row]:
    """Parallel mode's rows: every source sentence in order (the report already filtered)."""
    by_first, spanned = _by_first_source(report.pairs)
    rows, previous_paragraph = [], None
    for sentence in report.source.sentences:
        mt = report.translations.by_index.get(sentence.index)
        pairs = by_first.get(sentence.index, [])
        rows.append(
            Row(
                index=sentence.index,
                paragraph_start=previous_paragraph is not None
                and sentence.paragraph != previous_paragraph,
                text=sentence.text,
                translation=mt.text if mt else None,
                continues=sentence.index in spanned and not pairs,
                matches=[_match(report, p) for p in pairs],
            )
        )
        previous_paragraph = sentence.paragraph
    return rows


@dataclass
class TargetGroup:
    """A source sentence's counterparts in one target document."""

    document_id: int
    title: str
    matches: list[Match]


@dataclass
class PairedSentence:
    index: int
    pieces: list[Piece]  # the spans its pairs matched, all of them marked
    translation: str | None
    groups: list[TargetGroup]


@dataclass
class PlainSentence:
    index: int
    text: str
    translation: str | None
    kind: str | None  # its boilerplate kind, None for content


@dataclass
class ComparableView:
    paired: list[PairedSentence]
    unpaired: list[PlainSentence]  # content without a counterpart
    boilerplate: list[PlainSentence]

    @property
    def kinds(self) -> list[str]:
        """The boilerplate kinds present, each once, in order of first appearance."""
        return list(dict.fromkeys(s.kind for s in self.boilerplate if s.kind))


def comparable_view(report: AlignmentReport) -> ComparableView:
    """Comparable mode's page: paired sentences first, the rest counted and set apart."""
    by_first, spanned = _by_first_source(report.pairs)
    rank = {c.document_id: c.rank for c in report.alignment.candidates}
    view = ComparableView([], [], [])
    for sentence in report.source.sentences:
        mt = report.translations.by_index.get(sentence.index)
        translation = mt.text if mt else None
        pairs = by_first.get(sentence.index)
        if pairs:
            groups: dict[int, list[Match]] = {}
            for pair in pairs:
                groups.setdefault(pair.pair.target_document_id, []).append(_match(report, pair))
            own_spans = [
                span
                for p in pairs
                if p.pair.source == [sentence.index]
                for span in p.pair.source_spans or ()
            ]
            view.paired.append(
                PairedSentence(
                    sentence.index,
                    pieces(sentence.text, own_spans),
                    translation,
                    [
                        TargetGroup(document, report.title(document), matches)
                        for document, matches in sorted(
                            groups.items(), key=lambda g: rank.get(g[0], len(rank))
                        )
                    ],
                )
            )
        elif sentence.index not in spanned:
            plain = PlainSentence(sentence.index, sentence.text, translation, sentence.boilerplate)
            (view.boilerplate if plain.kind else view.unpaired).append(plain)
    return view
