"""Reading one-segment-a-line test files, with every way they go wrong reported as one line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models.errors import InputError


def read_lines(path: Path) -> list[str]:
    """Lines without trailing whitespace, split on "\\n" only: what sacrebleu's CLI reads."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a text file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    lines = [line.rstrip() for line in text.split("\n")]
    if text.endswith("\n"):
        lines.pop()
    if not any(lines):
        raise InputError(f"{path}: empty file, expected one segment per line")
    return lines


def read_parallel(paths: Sequence[Path]) -> list[list[str]]:
    """Files whose line i are versions of the same segment, so they must have equal line counts."""
    files = [read_lines(path) for path in paths]
    for path, lines in zip(paths[1:], files[1:], strict=True):
        if len(lines) != len(files[0]):
            raise InputError(
                f"{path} has {len(lines)} lines but {paths[0]} has {len(files[0])}: "
                "line i of each file must be the same segment"
            )
    return files
