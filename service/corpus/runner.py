"""Both corpus jobs from inputs to outputs: what an earlier run wrote is skipped, the work runs
in this process (no actors) or on Ray, and the finished rows are written here, on the driver, as
they arrive, so that an interruption loses at most the rows in flight."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.corpus.align import (
    ManifestPair,
    align_rows,
    directions,
    load_translators,
    read_manifest,
)
from service.corpus.cluster import Actors
from service.corpus.records import (
    dumps,
    input_files,
    open_writer,
    output_location,
    read_batches,
    written_ids,
)
from service.corpus.translate import ADDED, Engine, prepare, translate_rows
from service.settings import Settings
from text.errors import InputError

IN_PROCESS = Actors(count=0)


@dataclass
class Summary:
    written: int = 0
    failed: int = 0  # written with an error (records) or reported in errors.jsonl (pairs)
    skipped: int = 0  # already written by an earlier run

    def count(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.written += sum(row["error"] is None for row in rows)
        self.failed += sum(row["error"] is not None for row in rows)


def translate_corpus(
    source: str,
    output: str,
    *,
    field: str,
    id_field: str,
    direction: tuple[str, str],
    settings: Settings,
    model: str | None = None,
    options: Mapping[str, Any] | None = None,
    actors: Actors = IN_PROCESS,
) -> Summary:
    """Records of `source` with their translation (or error) into `output`."""
    fmt, files = input_files(source)
    location = output_location(output)
    if location.path.resolve() in {path.resolve() for path in files}:
        raise InputError(f"{output}: is an input file too; write elsewhere")
    done = frozenset(written_ids(location, id_field))
    preparing = {"field": field, "id_field": id_field, "source_lang": direction[0], "done": done}
    engine = Engine(settings, *direction, model, dict(options or {}))
    summary = Summary(skipped=len(done))
    writer = None  # opened with the first batch: a job that cannot start leaves no file
    try:
        for rows in _progress(_translated(fmt, files, preparing, engine, actors), "record"):
            writer = writer or open_writer(location, ADDED)
            writer.write([row["record"] for row in rows])
            summary.count(rows)
    finally:
        if writer is not None:
            writer.close()
    return summary


def _translated(
    fmt: str,
    files: list[Path],
    preparing: Mapping[str, Any],
    engine: Engine,
    actors: Actors,
) -> Iterator[list[dict[str, Any]]]:
    if actors.count == 0:
        translator = engine.load()
        for batch in read_batches(fmt, files, actors.batch_size):
            yield translate_rows(translator, prepare(batch, **preparing), engine.options)
        return
    from service.corpus import cluster

    with cluster.connected(actors.address) as cpus:
        yield from cluster.translated(
            fmt, files, prepare_options=preparing, engine=engine, actors=actors, cluster_cpus=cpus
        )


def align_corpus(
    manifest: Path,
    out_dir: Path,
    *,
    encoder: str,
    config,
    formats: Sequence[str] = (),
    actors: Actors = IN_PROCESS,
    mt: Settings | None = None,
) -> Summary:
    """`{id}.align` (and the `formats` asked) in `out_dir` for every manifest pair not there
    yet; the pairs that fail are listed in `out_dir/errors.jsonl`. `mt`: the settings whose
    translation models translate each source (--mt)."""
    pairs = read_manifest(manifest)
    todo = [pair for pair in pairs if not (out_dir / f"{pair.id}.align").is_file()]
    summary = Summary(skipped=len(pairs) - len(todo))
    errors = []
    work = _aligned(todo, encoder, config, formats, actors, mt)
    for rows in _progress(work, "pair", len(todo)):
        for row in rows:
            if row["error"] is None:
                _save_pair(out_dir, json.loads(row["files"]))
            else:
                errors.append(dumps({"id": row["id"], "error": row["error"]}) + "\n")
        summary.count(rows)
    report = out_dir / "errors.jsonl"
    if errors:
        report.write_text("".join(errors), encoding="utf-8")
    else:
        report.unlink(missing_ok=True)  # what an earlier run reported is done now
    return summary


def _aligned(
    todo: list[ManifestPair],
    encoder: str,
    config,
    formats: Sequence[str],
    actors: Actors,
    mt: Settings | None,
) -> Iterator[list[dict[str, Any]]]:
    if not todo:
        return
    needed = directions(todo) if mt is not None else []
    if actors.count == 0:
        from alignment import load_encoder

        translators = load_translators(mt, needed) if mt is not None else None
        loaded = load_encoder(encoder)
        for pair in todo:
            yield align_rows(loaded, [pair.row()], config, formats, translators)
        return
    from service.corpus import cluster

    with cluster.connected(actors.address) as cpus:
        yield from cluster.aligned(
            [pair.row() for pair in todo],
            encoder=encoder,
            config=config,
            formats=formats,
            actors=actors,
            cluster_cpus=cpus,
            mt=(mt, needed) if mt is not None else None,
        )


def _save_pair(out_dir: Path, files: Mapping[str, str]) -> None:
    """Each file renamed into place when complete, `{id}.align` last: resume trusts it."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in sorted(files, key=lambda name: name.endswith(".align")):
            staging = out_dir / f".{name}.tmp"
            staging.write_text(files[name], encoding="utf-8")
            os.replace(staging, out_dir / name)
    except OSError as error:
        raise InputError(f"{out_dir}: cannot write ({error.strerror})") from None


def _progress(batches: Iterable[list], unit: str, total: int | None = None) -> Iterator[list]:
    """The batches, with a bar of the records or pairs done (on a terminal only)."""
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, disable=None, file=sys.stderr) as bar:
        for rows in batches:
            yield rows
            bar.update(len(rows))
