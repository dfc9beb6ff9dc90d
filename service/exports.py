"""Aligned pairs written as TMX 1.4b (a comparable pair's grade as a `x-grade` prop), TSV
(hunalign's layout, as `bitext align --format tsv` writes it), or JSON lines (the API's pair
records: grade and matched spans included)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from alignment.beads import tsv_row
from service import __version__
from service.report import AlignmentReport

MEDIA_TYPES = {
    "tmx": "application/x-tmx+xml; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}


_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Escaped, without the control characters XML 1.0 cannot carry at all."""
    return escape(_XML_INVALID.sub("", text))


def to_tsv(report: AlignmentReport) -> str:
    """source<TAB>target<TAB>score a pair; a side's sentences joined by " ~~~ "."""
    rows = []
    for p in report.pairs:
        target = report.documents[p.pair.target_document_id]
        source_side = [report.source.sentences[i].text for i in p.pair.source]
        target_side = [target.sentences[j].text for j in p.pair.target]
        rows.append(tsv_row(source_side, target_side, p.pair.score) + "\n")
    return "".join(rows)


def to_jsonl(report: AlignmentReport) -> str:
    return "".join(
        json.dumps(p.record().model_dump(), ensure_ascii=False) + "\n" for p in report.pairs
    )


@dataclass(frozen=True)
class TranslationUnit:
    """One TMX `<tu>`: a pair's two sides, the target's language, its score and grade."""

    id: int
    source_text: str
    target_text: str
    target_lang: str
    score: float
    grade: str | None = None


def tmx(units: Iterable[TranslationUnit], source_lang: str) -> str:
    """A TMX 1.4b document; bitext's stored reports and align-corpus both write through here."""
    body = []
    for unit in units:
        grade = f'      <prop type="x-grade">{_xml_text(unit.grade)}</prop>\n' if unit.grade else ""
        source_seg = f"<seg>{_xml_text(unit.source_text)}</seg>"
        target_seg = f"<seg>{_xml_text(unit.target_text)}</seg>"
        body.append(
            f'    <tu tuid="{unit.id}">\n'
            f'      <prop type="x-score">{unit.score:.4f}</prop>\n'
            f"{grade}"
            f"      <tuv xml:lang={quoteattr(source_lang)}>{source_seg}</tuv>\n"
            f"      <tuv xml:lang={quoteattr(unit.target_lang)}>{target_seg}</tuv>\n"
            f"    </tu>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<tmx version="1.4">\n'
        f'  <header creationtool="bitext" creationtoolversion={quoteattr(__version__)}'
        f' segtype="sentence" o-tmf="bitext" adminlang="en" srclang={quoteattr(source_lang)}'
        ' datatype="plaintext"/>\n'
        f"  <body>\n{''.join(body)}  </body>\n</tmx>\n"
    )


def to_tmx(report: AlignmentReport) -> str:
    units = (
        TranslationUnit(
            p.pair.id,
            p.source_text,
            p.target_text,
            report.documents[p.pair.target_document_id].language,
            p.pair.score,
            p.pair.grade,
        )
        for p in report.pairs
    )
    return tmx(units, report.source.language)


WRITERS = {"tmx": to_tmx, "tsv": to_tsv, "jsonl": to_jsonl}
