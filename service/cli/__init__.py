"""The `bitext` command: a thin argparse layer over the library packages.

Each subcommand module exposes `register(subparsers)` and sets `run=` on its parser.
Errors the user can act on (`BitextError`) become one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from service import __version__
from service.cli import align, corpus, eval_align, evaluate, serve, translate
from text.errors import BitextError

COMMANDS = (translate, corpus, align, eval_align, evaluate, serve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bitext", description="Chinese-English translation and cross-lingual alignment."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except BitextError as error:
        print(f"bitext: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
