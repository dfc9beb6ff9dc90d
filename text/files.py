"""One reader for the text files users name on the command line (align, translate, eval).

Every way a file can be wrong (missing, a directory, unreadable, binary, not UTF-8) becomes an
InputError naming the file and the problem, which the CLI prints as one line with exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from text.errors import InputError


def read_text(path: Path | str) -> str:
    """The file's text ("-" reads standard input), without a UTF-8 byte-order mark."""
    name = str(path)
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, expected a text file") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror})") from None
    if b"\0" in data:
        raise InputError(f"{name}: a binary file, expected text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
