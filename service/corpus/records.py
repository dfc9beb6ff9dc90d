"""Records in and out: JSONL or Parquet by suffix, one file or a directory of parts.

Inside a job every record travels as its JSON text, so records of any shape pass through
unchanged, a line that is not JSON becomes a record with an error instead of failing the reader,
and the steps need no schema. Parquet values come back as JSON holds them (numbers, text, lists,
objects; anything else as its text).

Outputs are written so that an interrupted run leaves only whole records behind: a JSONL file
loses at most its torn last line, and each part of a directory (or of a Parquet file's staging
directory) is renamed into place once complete. `written_ids` reads them back for resume.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from text.errors import InputError

SUFFIXES = {".jsonl": "jsonl", ".parquet": "parquet"}
PART_ROWS = 10_000  # records a part holds: the most a resumed run does again


@dataclass(frozen=True)
class Location:
    path: Path
    fmt: str  # "jsonl" or "parquet"
    parts: bool  # a directory of part files


def _format(name: str) -> str:
    suffix = Path(name).suffix
    if suffix not in SUFFIXES:
        raise InputError(
            f"{name}: unknown suffix {suffix or '(none)'!r}; use .jsonl or .parquet "
            "(a file, or a directory of parts)"
        )
    return SUFFIXES[suffix]


def input_files(name: str) -> tuple[str, list[Path]]:
    """(format, files) of INPUT: a .jsonl or .parquet file, or a directory of such parts."""
    path = Path(name)
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix in SUFFIXES and not p.name.startswith((".", "_"))
        )
        formats = {SUFFIXES[p.suffix] for p in files}
        if len(formats) != 1:
            found = "both kinds" if formats else "none"
            raise InputError(
                f"{name}: expected .jsonl or .parquet parts of one kind, found {found}"
            )
        return formats.pop(), files
    if not path.exists():
        raise InputError(f"{name}: no such file or directory")
    return _format(name), [path]


def output_location(name: str) -> Location:
    """OUTPUT by its suffix; a directory of parts when it ends with a slash or is a directory."""
    path = Path(name)
    return Location(path, _format(name.rstrip("/")), parts=name.endswith("/") or path.is_dir())


def dumps(value: Any) -> str:
    """One line of JSON; ASCII escapes only when the value holds lone surrogates (which have no
    UTF-8), so that such a record is still written, as its input had it."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, default=str)
    return text


def id_key(value: Any) -> str | None:
    """How an id is compared across runs and formats: its JSON text (None: no id)."""
    return None if value is None else json.dumps(value, sort_keys=True)


def as_lines(records: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Parquet rows in the form JSONL lines have: {"line": JSON text}."""
    return [{"line": dumps(dict(record))} for record in records]


def read_batches(fmt: str, files: list[Path], batch_size: int) -> Iterator[list[dict[str, str]]]:
    """{"line": JSON text} rows, batch_size at a time, as Ray's readers give them (blank lines
    skipped; JSONL split at "\\n" only)."""
    batch: list[dict[str, str]] = []
    for path in files:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            rows = (
                row
                for part in pq.ParquetFile(path).iter_batches(batch_size=batch_size)
                for row in as_lines(part.to_pylist())
            )
        else:
            rows = ({"line": line} for line in _jsonl_lines(path) if line.strip())
        for row in rows:
            batch.append(row)
            if len(batch) == batch_size:
                yield batch
                batch = []
    if batch:
        yield batch


def _jsonl_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="\n") as lines:
        for line in lines:
            yield line.removesuffix("\n")


class Writer(Protocol):
    def write(self, texts: list[str]) -> None: ...  # records as JSON texts

    def close(self) -> None: ...


def open_writer(location: Location, columns: Mapping[str, str]) -> Writer:
    """The writer for OUTPUT; `columns` are the types of the columns the job adds (Parquet
    gives them those types in every part, so that the parts read back as one table)."""
    if location.parts:
        return Parts(location.path, location.fmt, columns)
    if location.fmt == "jsonl":
        return JsonlFile(location.path)
    return ParquetFile(location.path, columns)


def _staging(path: Path) -> Path:
    return path.with_name(f".{path.name}.parts")


class JsonlFile:
    """Appends, flushing each batch; a torn last line from an interrupted run is cut off first."""

    def __init__(self, path: Path) -> None:
        _make_parent(path)
        _cut_torn_line(path)
        self.file = path.open("a", encoding="utf-8", newline="\n")

    def write(self, texts: list[str]) -> None:
        self.file.write("".join(text + "\n" for text in texts))
        self.file.flush()

    def close(self) -> None:
        self.file.close()


class Parts:
    """A directory of numbered part files, each written beside its name and renamed into place
    once complete; a new run numbers its parts after the ones there."""

    def __init__(self, folder: Path, fmt: str, columns: Mapping[str, str]) -> None:
        _make_parent(folder / "part")
        self.folder, self.fmt, self.columns = folder, fmt, columns
        self.next = 1 + max((_part_number(p) for p in _parts(folder)), default=-1)
        self.pending: list[str] = []

    def write(self, texts: list[str]) -> None:
        self.pending.extend(texts)
        while len(self.pending) >= PART_ROWS:
            self._flush(self.pending[:PART_ROWS])
            del self.pending[:PART_ROWS]

    def close(self) -> None:
        if self.pending:
            self._flush(self.pending)
            self.pending = []

    def _flush(self, texts: list[str]) -> None:
        path = self.folder / f"part-{self.next:06d}.{self.fmt}"
        staging = path.with_name(f".{path.name}.tmp")
        if self.fmt == "jsonl":
            staging.write_text("".join(text + "\n" for text in texts), encoding="utf-8")
        else:
            import pyarrow.parquet as pq

            pq.write_table(_table(texts, self.columns), staging)
        os.replace(staging, path)
        self.next += 1


class ParquetFile(Parts):
    """One Parquet file cannot be appended to (its footer comes last): its parts wait in a
    hidden directory beside it, and are merged into it, with what it held, at the end."""

    def __init__(self, path: Path, columns: Mapping[str, str]) -> None:
        super().__init__(_staging(path), "parquet", columns)
        self.path = path

    def close(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        super().close()
        sources = ([self.path] if self.path.is_file() else []) + _parts(self.folder)
        tables = [pq.read_table(source) for source in sources]
        if tables:
            merged = pa.concat_tables(tables, promote_options="default")
            staging = self.path.with_name(f".{self.path.name}.tmp")
            pq.write_table(merged, staging)
            os.replace(staging, self.path)
        shutil.rmtree(self.folder, ignore_errors=True)


def _table(texts: list[str], columns: Mapping[str, str]):
    """A table of the records: the union of their fields, `columns` typed as given. A field
    whose values Parquet cannot hold in one column (text here, a number there: a bad record)
    is written as JSON text, so that no record is lost to the schema."""
    import pyarrow as pa

    records = [json.loads(text) for text in texts]
    arrays = {}
    for name in dict.fromkeys([*(key for record in records for key in record), *columns]):
        values = [record.get(name) for record in records]
        if name in columns:
            arrays[name] = pa.array(values, pa.type_for_alias(columns[name]))
            continue
        try:
            arrays[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays[name] = pa.array([None if v is None else dumps(v) for v in values], pa.string())
    return pa.table(arrays)


def written_ids(location: Location, id_field: str) -> set[str]:
    """The id keys of the records an earlier run wrote to OUTPUT (empty when there is none)."""
    if location.fmt == "jsonl":
        paths = _parts(location.path) if location.parts else [location.path]
        values = (
            record.get(id_field)
            for path in paths
            if path.is_file()
            for record in _complete_records(path)
        )
    else:
        files = _parts(location.path) if location.parts else _parts(_staging(location.path))
        if not location.parts and location.path.is_file():
            files.append(location.path)
        values = (value for path in files for value in _parquet_column(path, id_field))
    return {key for key in map(id_key, values) if key is not None}


def _complete_records(path: Path) -> Iterator[dict]:
    for line in _jsonl_lines(path):
        try:
            record = json.loads(line)
        except ValueError:  # the torn last line of an interrupted run
            continue
        if isinstance(record, dict):
            yield record


def _parquet_column(path: Path, name: str) -> list:
    import pyarrow.parquet as pq

    if name not in pq.read_schema(path).names:
        return []
    return pq.read_table(path, columns=[name]).column(name).to_pylist()


def _parts(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.name.startswith("part-") and p.suffix in SUFFIXES
    )


def _part_number(path: Path) -> int:
    return int(path.stem.removeprefix("part-"))


def _cut_torn_line(path: Path, chunk: int = 1 << 16) -> None:
    """Cut the file after its last newline, reading backwards from the end only."""
    if not path.is_file():
        return
    with path.open("rb+") as file:
        end = position = file.seek(0, os.SEEK_END)
        cut = 0
        while position > 0:
            start = max(0, position - chunk)
            file.seek(start)
            newline = file.read(position - start).rfind(b"\n")
            if newline >= 0:
                cut = start + newline + 1
                break
            position = start
        if cut != end:
            file.truncate(cut)


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{path.parent}: cannot create ({error.strerror})") from None
