"""translate-corpus's two steps, the same in this process and in Ray: `prepare` (stateless:
parse each record, check its text, split it into sentences) and `translate_rows` (where the
engine is: one `Translator.translate_batch` call for the sentences of a whole batch, so length
bucketing, the repetition guard and confidences work as they do for `bitext translate`).

A record that cannot be translated is written with an `error` field instead of a translation:
a corpus job never drops a record and never fails on one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.corpus.records import dumps, id_key
from text.errors import lone_surrogate
from text.segment import split_sentences

if TYPE_CHECKING:  # the engine imports torch
    from models.translator import Translator
    from service.settings import Settings

# The fields the job adds, with their Parquet types.
ADDED = {"translation": "string", "confidence": "double", "error": "string"}
CONFIDENCE_DIGITS = 4  # as `bitext translate --format jsonl` rounds them


@dataclass(frozen=True)
class Engine:
    """What each actor (or this process) loads once, and the decoding options of every batch."""

    settings: Settings
    source: str
    target: str
    model: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def load(self) -> Translator:
        from service.cli.engine import load_model

        return load_model(self.settings, self.source, self.target, self.model)


def prepare(
    rows: Sequence[Mapping[str, str]],
    *,
    field: str,
    id_field: str,
    source_lang: str,
    done: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """{"line"} rows to work rows {"id", "record", "lines", "error"}, without the records an
    earlier run wrote (`done`: their id keys). `lines` is JSON: the text's lines, each a list of
    its sentences (the split `Translator.translate_lines` makes)."""
    work = []
    for row in rows:
        line = row["line"]
        if not line.strip():
            continue
        record, error = _parse(line.removeprefix("\ufeff"), field)
        key = id_key(record.get(id_field)) if record is not None else None
        if key is not None and key in done:
            continue
        if record is not None and error is None and key is None:
            error = f"no {id_field!r} field (without an id, a resumed run cannot skip it)"
        lines = None
        if error is None:
            text = record[field]
            lines = json.dumps([split_sentences(part, source_lang) for part in text.splitlines()])
        work.append(
            {
                "id": key,
                "record": dumps(record) if record is not None else dumps({"line": line}),
                "lines": lines,
                "error": error,
            }
        )
    return work


def _parse(line: str, field: str) -> tuple[dict | None, str | None]:
    """The record and what is wrong with its text (None: nothing)."""
    try:
        record = json.loads(line)
    except ValueError as error:
        return None, f"not JSON: {error}"
    if not isinstance(record, dict):
        return None, f"not a JSON object: {type(record).__name__}"
    if field not in record:
        return record, f"no {field!r} field"
    text = record[field]
    if not isinstance(text, str):
        return record, f"{field!r} is not text: {type(text).__name__}"
    if problem := lone_surrogate(text):
        return record, f"{field!r} is {problem}"
    return record, None


def translate_rows(
    translator: Translator, rows: Sequence[Mapping[str, Any]], options: Mapping[str, Any]
) -> list[dict[str, str | None]]:
    """Work rows to output rows {"id", "record", "error"}: each record with `translation` and
    `confidence` (the mean of its sentences'), or with `error`. When the batch fails, each
    record is tried alone, so that one bad record costs only itself."""
    try:
        return _translated(translator, rows, options)
    except Exception as error:  # noqa: BLE001 - whatever breaks the engine on one record
        if len(rows) == 1:
            return [_finished(rows[0], {"error": f"{type(error).__name__}: {error}"})]
        return [done for row in rows for done in translate_rows(translator, [row], options)]


def _translated(
    translator: Translator, rows: Sequence[Mapping[str, Any]], options: Mapping[str, Any]
) -> list[dict[str, str | None]]:
    from models.translator import assemble_lines, join_lines

    texts = {i: json.loads(row["lines"]) for i, row in enumerate(rows) if row["error"] is None}
    sentences = [s for lines in texts.values() for line in lines for s in line]
    translations = iter(translator.translate_batch(sentences, use_cache=False, **options))
    done = []
    for i, row in enumerate(rows):
        if i not in texts:
            done.append(_finished(row, {"error": row["error"]}))
            continue
        result = join_lines(assemble_lines(texts[i], translations, translator.target_lang))
        scores = [s.confidence for s in result.sentences]
        confidence = round(sum(scores) / len(scores), CONFIDENCE_DIGITS) if scores else 0.0
        done.append(_finished(row, {"translation": result.text, "confidence": confidence}))
    return done


def _finished(row: Mapping[str, Any], added: dict[str, Any]) -> dict[str, str | None]:
    record = dumps(json.loads(row["record"]) | added)
    return {"id": row["id"], "record": record, "error": added.get("error")}
