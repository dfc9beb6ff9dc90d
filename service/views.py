"""What the side-by-side page shows, computed from an AlignmentReport (the template lays it out).

One row per source sentence, in document order. A pair is shown on the row of its first source
sentence; sentences it spans further are marked as continuing it. Rows whose sentence is in no
pair are unaligned: visible, but set apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.report import AlignmentReport, PairText

# Colour bands for alignment confidence (Bead.score in [0,1]). Share of right beads per band in
# mac-dev's parallel alignment: high (>= 0.5) 97%, medium 91%, low (< 0.3) 84%; comparable pairs
# score 0.5 at margin 1.025 and 0.3 at 1.015 (precision above each: 98% and 93%; docs/alignment.md).
HIGH, MEDIUM = 0.5, 0.3


def band(score: float) -> str:
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


@dataclass
class Match:
    document_id: int
    document_title: str
    text: str
    target: list[int]
    score: float
    band: str
    scores: dict | None


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


def side_by_side(report: AlignmentReport, min_score: float = 0.0) -> list[Row]:
    by_first: dict[int, list[PairText]] = {}
    spanned: set[int] = set()
    for pair in report.pairs:
        if pair.pair.score >= min_score:
            by_first.setdefault(pair.pair.source[0], []).append(pair)
            spanned |= set(pair.pair.source[1:])
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
                matches=[
                    Match(
                        document_id=p.pair.target_document_id,
                        document_title=report.title(p.pair.target_document_id),
                        text=p.target_text,
                        target=p.pair.target,
                        score=p.pair.score,
                        band=band(p.pair.score),
                        scores=p.pair.scores,
                    )
                    for p in sorted(pairs, key=lambda p: -p.pair.score)
                ],
            )
        )
        previous_paragraph = sentence.paragraph
    return rows
