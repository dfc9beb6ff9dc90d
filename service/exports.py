"""Aligned pairs written as TMX 1.4b (a comparable pair's grade as a `x-grade` prop), TSV
(hunalign's layout, as `bitext align --format tsv` writes it), or JSON lines (the API's pair
records: grade and matched spans included)."""

from __future__ import annotations

import json
import re
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


def to_tmx(report: AlignmentReport) -> str:
    source_lang = report.source.language
    units = []
    for p in report.pairs:
        target_lang = report.documents[p.pair.target_document_id].language
        source_seg = f"<seg>{_xml_text(p.source_text)}</seg>"
        target_seg = f"<seg>{_xml_text(p.target_text)}</seg>"
        grade = (
            f'      <prop type="x-grade">{_xml_text(p.pair.grade)}</prop>\n' if p.pair.grade else ""
        )
        units.append(
            f'    <tu tuid="{p.pair.id}">\n'
            f'      <prop type="x-score">{p.pair.score:.4f}</prop>\n'
            f"{grade}"
            f"      <tuv xml:lang={quoteattr(source_lang)}>{source_seg}</tuv>\n"
            f"      <tuv xml:lang={quoteattr(target_lang)}>{target_seg}</tuv>\n"
            f"    </tu>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<tmx version="1.4">\n'
        f'  <header creationtool="bitext" creationtoolversion={quoteattr(__version__)}'
        f' segtype="sentence" o-tmf="bitext" adminlang="en" srclang={quoteattr(source_lang)}'
        ' datatype="plaintext"/>\n'
        f"  <body>\n{''.join(units)}  </body>\n</tmx>\n"
    )


WRITERS = {"tmx": to_tmx, "tsv": to_tsv, "jsonl": to_jsonl}
