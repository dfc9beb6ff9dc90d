"""`bitext eval`: score system outputs (or a model's translations) against references.

A thin layer over `quality`: argument parsing, reading files, optional translation, printing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from quality import evaluate, format_table, read_parallel
from quality.bootstrap import DEFAULT_SAMPLES, DEFAULT_SEED
from quality.metrics import TOKENIZERS, tokenizer_for
from service.cli.engine import (
    add_beam_argument,
    add_engine_arguments,
    at_least,
    engine_settings,
    load_model,
)
from text.errors import InputError

COUNT = at_least(0)  # a non-negative whole number


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score translations against references (BLEU, chrF, chrF++, TER)",
        description=(
            "Score one or more systems against references with sacrebleu's metrics and signatures; "
            "several systems are compared to the first by paired bootstrap resampling. "
            "With --src, a model translates the source first and its output is scored too."
        ),
    )
    parser.add_argument(
        "--ref", type=Path, nargs="+", required=True, metavar="REF", help="reference file(s)"
    )
    parser.add_argument(
        "--hyp", type=Path, nargs="+", default=[], metavar="SYS", help="system outputs"
    )
    parser.add_argument(
        "--src", type=Path, help="source to translate with --model; scored after the --hyp systems"
    )
    add_engine_arguments(
        parser, model_help="model id or directory for --src (default: the zh->en setting)"
    )
    parser.add_argument(
        "--batch-size", type=COUNT, default=32, metavar="N", help="sentences per batch (--src)"
    )
    add_beam_argument(parser)
    parser.add_argument(
        "--max-length", type=COUNT, metavar="N", help="maximum output tokens a sentence (--src)"
    )
    parser.add_argument("--out", type=Path, metavar="HYP", help="write the --src translations here")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--tokenize",
        choices=TOKENIZERS,
        help="BLEU tokenizer (default 13a; zh when --src translates into Chinese, "
        "which also switches on TER's Asian-script support)",
    )
    parser.add_argument(
        "--bootstrap",
        type=COUNT,
        default=DEFAULT_SAMPLES,
        metavar="N",
        help="bootstrap resamples for CIs and p-values; 0 turns them off (default %(default)s)",
    )
    parser.add_argument(
        "--seed", type=COUNT, default=DEFAULT_SEED, help="resampling seed (default %(default)s)"
    )
    parser.add_argument(
        "--width", type=COUNT, default=1, help="decimals in the output (default %(default)s)"
    )
    parser.add_argument("--plot", type=Path, metavar="PATH.png", help="write score charts here")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """The first system (first --hyp, else the --src translation) is the bootstrap baseline."""
    if not args.hyp and not args.src:
        raise InputError("nothing to score: give --hyp SYS [SYS ...] and/or --src SRC")
    files = read_parallel([*args.ref, *args.hyp, *([args.src] if args.src else [])])
    references = files[: len(args.ref)]
    outputs = files[len(args.ref) : len(args.ref) + len(args.hyp)]
    systems = [(str(path), lines) for path, lines in zip(args.hyp, outputs, strict=True)]
    tokenize = args.tokenize or "13a"
    if args.src:
        name, lines, target_lang = translate_file(files[-1], args)
        systems.append((name, lines))
        tokenize = args.tokenize or tokenizer_for(target_lang)
    evaluation = evaluate(
        references, systems, tokenize=tokenize, n_bootstrap=args.bootstrap, seed=args.seed
    )
    if args.plot:
        from quality.plot import plot_evaluation  # matplotlib only when asked for

        plot_evaluation(evaluation, args.plot)
        # stderr: stdout stays the table or the JSON
        print(f"charts written to {args.plot.resolve()}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(evaluation.to_dict(args.width), indent=1, ensure_ascii=False))
    else:
        print(format_table(evaluation, args.width))
    return 0


def translate_file(sources: list[str], args: argparse.Namespace) -> tuple[str, list[str], str]:
    """Translates the --src lines with the engine: (system name, translations, target language)."""
    if args.batch_size < 1:
        raise InputError(f"--batch-size must be at least 1, not {args.batch_size}")
    settings = engine_settings(args)
    # the model's own files say its direction: --model may name an en->zh one
    translator = load_model(settings, None, None, args.model or settings.model_zh_en)
    options = {
        name: value
        for name, value in (("beam_size", args.beam), ("max_decoding_length", args.max_length))
        if value is not None
    }
    translations: list[str] = []
    with tqdm(total=len(sources), desc="translating", unit="sent") as progress:
        for start in range(0, len(sources), args.batch_size):
            batch = sources[start : start + args.batch_size]
            # One output line per input line, whatever the model emits.
            translations.extend(
                t.text.replace("\n", " ") for t in translator.translate_batch(batch, **options)
            )
            progress.update(len(batch))
    if args.out:
        try:
            args.out.write_text("".join(f"{line}\n" for line in translations), encoding="utf-8")
        except OSError as error:
            raise InputError(
                f"{args.out}: cannot write the translations ({error.strerror})"
            ) from None
    return translator.model, translations, translator.target_lang
