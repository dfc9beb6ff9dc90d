"""Reading one-segment-a-line test files (text.files reports what is wrong with a file)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from text.errors import InputError
from text.files import read_text


def read_lines(path: Path) -> list[str]:
    """Lines without trailing whitespace, split on "\\n" only: what sacrebleu's CLI reads (except
    a byte-order mark, which sacrebleu would keep in the first segment)."""
    text = read_text(path)
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
