"""`bitext translate-corpus` and `bitext align-corpus`: whole corpora, on Ray Data actors (a
local Ray by default, a cluster with --address) or in this process with --actors 0."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.cli.align import add_alignment_arguments
from service.cli.engine import add_beam_argument, add_engine_arguments, at_least, engine_settings
from service.corpus.align import EXTRA_FORMATS
from service.corpus.cluster import Actors


def register(subparsers) -> None:
    translate = subparsers.add_parser(
        "translate-corpus",
        help="translate the records of JSONL or Parquet files, on Ray",
        description="Translate the --field text of every record of INPUT; OUTPUT gets the same "
        "records plus `translation` and `confidence` (or `error`). JSONL or Parquet by suffix, "
        "a file or a directory of parts (OUTPUT ending with /). A rerun skips the ids already "
        "in OUTPUT.",
    )
    translate.add_argument("input", metavar="INPUT", help="a .jsonl or .parquet file, or a folder")
    translate.add_argument("output", metavar="OUTPUT", help="a .jsonl or .parquet file, or dir/")
    translate.add_argument("--field", default="text", help="the field to translate (text)")
    translate.add_argument("--id-field", default="id", help="the field naming a record (id)")
    translate.add_argument("--direction", choices=["zh-en", "en-zh"], default="zh-en")
    add_engine_arguments(translate, model_help="hub id or local model directory")
    add_beam_argument(translate)
    _add_actor_arguments(translate)
    translate.add_argument(
        "--batch-size", type=at_least(1), default=64, metavar="B", help="records a batch (64)"
    )
    translate.set_defaults(run=run_translate_corpus)

    align = subparsers.add_parser(
        "align-corpus",
        help="align the document pairs a manifest lists, on Ray",
        description="Align every pair of MANIFEST (JSONL, one pair a line: id, src, tgt, "
        "src_lang, tgt_lang, and optionally mode and presplit; paths relative to the manifest) "
        "into OUTPUT_DIR/{id}.align, the beads `bitext align` gives. A rerun skips the pairs "
        "already there; pairs that fail are listed in OUTPUT_DIR/errors.jsonl.",
    )
    align.add_argument("manifest", type=Path, metavar="MANIFEST")
    align.add_argument("out_dir", type=Path, metavar="OUTPUT_DIR")
    align.add_argument(
        "--format",
        action="append",
        choices=EXTRA_FORMATS,
        default=[],
        help="also write {id}.tmx or {id}.jsonl (repeatable)",
    )
    add_alignment_arguments(align)
    _add_actor_arguments(align)
    align.set_defaults(run=run_align_corpus)


def _add_actor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--address",
        help="join a Ray cluster: auto, or ray://HOST:10001 (default: RAY_ADDRESS, else a local "
        "Ray with this machine's CPUs)",
    )
    parser.add_argument(
        "--actors",
        type=at_least(0),
        default=1,
        metavar="N",
        help="engine copies, each loaded once (1); 0 runs in this process, without Ray",
    )
    parser.add_argument(
        "--cpus-per-actor",
        type=non_negative,
        metavar="C",
        help="default: up to 1, leaving a share for the read tasks",
    )
    parser.add_argument("--gpus-per-actor", type=non_negative, default=0.0, metavar="G", help="(0)")


def non_negative(text: str) -> float:
    """An argparse type: a share of CPUs or GPUs, fractions allowed (argparse reports a
    ValueError as an invalid value)."""
    value = float(text)
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be at least 0, got {text}")
    return value


def _actors(args: argparse.Namespace) -> Actors:
    return Actors(
        address=args.address,
        count=args.actors,
        cpus=args.cpus_per_actor or None,
        gpus=args.gpus_per_actor,
        batch_size=getattr(args, "batch_size", 1),
    )


def run_translate_corpus(args: argparse.Namespace) -> int:
    from service.corpus.runner import translate_corpus

    source, target = args.direction.split("-")
    summary = translate_corpus(
        args.input,
        args.output,
        field=args.field,
        id_field=args.id_field,
        direction=(source, target),
        settings=engine_settings(args),
        model=args.model,
        options={"beam_size": args.beam} if args.beam else {},
        actors=_actors(args),
    )
    print(
        f"translate-corpus: {summary.written + summary.failed} records written to {args.output} "
        f"({summary.failed} with an error), {summary.skipped} already there",
        file=sys.stderr,
    )
    return 0


def run_align_corpus(args: argparse.Namespace) -> int:
    from service.corpus.runner import align_corpus
    from service.settings import Settings

    settings = Settings.from_env(encoder=args.encoder)
    summary = align_corpus(
        args.manifest,
        args.out_dir,
        encoder=settings.encoder,
        config=settings.align.replace_options(args.option),
        formats=list(dict.fromkeys(args.format)),
        actors=_actors(args),
        mt=settings if args.mt else None,
    )
    failed = f", {summary.failed} failed (see errors.jsonl)" if summary.failed else ""
    print(
        f"align-corpus: {summary.written} pairs aligned into {args.out_dir}{failed}, "
        f"{summary.skipped} already there",
        file=sys.stderr,
    )
    return 0
