"""`bitext eval-align`: predicted beads against gold, as Vecalign's score.py scores them, or, for
comparable text, against two-level gold (precision against possible pairs, recall against sure
ones, as word alignment is scored)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from text.errors import InputError
from text.files import read_nonempty


def register(subparsers) -> None:
    evaluate = subparsers.add_parser(
        "eval-align",
        help="strict/lax precision, recall and F1 of alignments against gold (Vecalign's)",
        description="PRED against GOLD, or against --sure and --possible gold for comparable "
        "text. Each is a Vecalign-format file, or a directory of same-named files (scores are "
        "summed over the files).",
    )
    evaluate.add_argument("pred", type=Path, metavar="PRED")
    evaluate.add_argument("gold", type=Path, metavar="GOLD", nargs="?")
    evaluate.add_argument(
        "--sure", type=Path, metavar="GOLD", help="pairs every reader found: recall is judged here"
    )
    evaluate.add_argument(
        "--possible",
        type=Path,
        metavar="GOLD",
        help="pairs any reader found (sure ones count too): precision is judged here",
    )
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(run=run_eval)


def files_of(pred: Path, gold: Path) -> list[tuple[Path, Path]]:
    """(prediction, gold) file pairs: two files, or the same-named files of two directories."""
    if pred.is_dir() != gold.is_dir():
        raise InputError(f"{pred} and {gold} must both be files or both be directories")
    if not pred.is_dir():
        return [(pred, gold)]
    names = sorted(p.name for p in gold.iterdir() if p.is_file())
    missing = [n for n in names if not (pred / n).is_file()]
    if not names or missing:
        raise InputError(f"{pred} lacks predictions for: {', '.join(missing) or 'any gold file'}")
    return [(pred / n, gold / n) for n in names]


def read_all(paths: Sequence[Path]) -> list:
    from alignment import read_beads

    return [read_beads(read_nonempty(path)) for path in paths]


def run_eval(args: argparse.Namespace) -> int:
    from alignment import score_documents, score_sure_possible

    two_level = args.sure is not None or args.possible is not None
    if two_level == (args.gold is not None) or (two_level and not (args.sure and args.possible)):
        raise InputError("give GOLD, or both --sure and --possible (comparable text)")
    if two_level:
        pairs = files_of(args.pred, args.sure)
        possible = [gold for _, gold in files_of(args.pred, args.possible)]
        if args.sure.is_dir() and [g.name for _, g in pairs] != [g.name for g in possible]:
            raise InputError(f"{args.sure} and {args.possible} must hold the same file names")
        predicted = read_all([p for p, _ in pairs])
        scores = score_sure_possible(predicted, read_all([g for _, g in pairs]), read_all(possible))
    else:
        pairs = files_of(args.pred, args.gold)
        predicted = read_all([p for p, _ in pairs])
        scores = score_documents(predicted, read_all([g for _, g in pairs]))
    if args.json:
        print(json.dumps(scores.__dict__ | {"files": len(pairs)}))
        return 0
    print_scores(scores, len(pairs), sys.stdout)
    return 0


def print_scores(scores, files: int, out: TextIO) -> None:
    """The strict/lax table of GoldScores or TwoLevelScores, with its signature."""
    print(f"{'':10} {'strict':>7} {'lax':>7}", file=out)
    for name, strict, lax in (
        ("precision", scores.strict_precision, scores.lax_precision),
        ("recall", scores.strict_recall, scores.lax_recall),
        ("F1", scores.strict_f1, scores.lax_f1),
    ):
        print(f"{name:10} {strict:7.3f} {lax:7.3f}", file=out)
    pairs = f"  pairs: {scores.pairs}" if hasattr(scores, "pairs") else ""
    print(f"files: {files}{pairs}  signature: {scores.signature}", file=out)
