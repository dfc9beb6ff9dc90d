"""`bitext eval-align`: predicted beads against gold, as Vecalign's score.py scores them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from text.errors import InputError
from text.files import read_nonempty


def register(subparsers) -> None:
    evaluate = subparsers.add_parser(
        "eval-align",
        help="strict/lax precision, recall and F1 of alignments against gold (Vecalign's)",
        description="PRED and GOLD: two Vecalign-format files, or two directories of "
        "same-named files (scores are summed over the files).",
    )
    evaluate.add_argument("pred", type=Path, metavar="PRED")
    evaluate.add_argument("gold", type=Path, metavar="GOLD")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(run=run_eval)


def _pairs_of_files(pred: Path, gold: Path) -> list[tuple[Path, Path]]:
    if pred.is_dir() != gold.is_dir():
        raise InputError("PRED and GOLD must both be files or both be directories")
    if not pred.is_dir():
        return [(pred, gold)]
    names = sorted(p.name for p in gold.iterdir() if p.is_file())
    missing = [n for n in names if not (pred / n).is_file()]
    if not names or missing:
        raise InputError(f"{pred} lacks predictions for: {', '.join(missing) or 'any gold file'}")
    return [(pred / n, gold / n) for n in names]


def run_eval(args: argparse.Namespace) -> int:
    from alignment import read_beads, score_documents

    pairs = _pairs_of_files(args.pred, args.gold)
    predicted = [read_beads(read_nonempty(p)) for p, _ in pairs]
    gold = [read_beads(read_nonempty(g)) for _, g in pairs]
    scores = score_documents(predicted, gold)
    if args.json:
        print(json.dumps(scores.__dict__ | {"files": len(pairs)}))
        return 0
    print_scores(scores, len(pairs), sys.stdout)
    return 0


def print_scores(scores, files: int, out: TextIO) -> None:
    """The strict/lax table of alignment.evaluate.GoldScores, with its signature."""
    print(f"{'':10} {'strict':>7} {'lax':>7}", file=out)
    for name, strict, lax in (
        ("precision", scores.strict_precision, scores.lax_precision),
        ("recall", scores.strict_recall, scores.lax_recall),
        ("F1", scores.strict_f1, scores.lax_f1),
    ):
        print(f"{name:10} {strict:7.3f} {lax:7.3f}", file=out)
    print(f"files: {files}  signature: {scores.signature}", file=out)
