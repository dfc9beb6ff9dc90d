"""`bitext translate` and `bitext models`: thin commands over the translation engine."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from service.cli.engine import (
    add_beam_argument,
    add_engine_arguments,
    engine_settings,
    load_model,
)
from service.settings import Settings
from text.files import read_text

if TYPE_CHECKING:  # the engine imports torch: load it only when a command needs it
    from models.translator import Translator

CHUNK_LINES = 64  # lines translated together: big enough to batch well, small for progress


def register(subparsers) -> None:
    translate = subparsers.add_parser("translate", help="translate a text file, line by line")
    translate.add_argument("file", nargs="?", default="-", help="input file, or - for stdin")
    translate.add_argument("--direction", choices=["zh-en", "en-zh"], default="zh-en")
    add_engine_arguments(translate, model_help="hub id or local model directory")
    add_beam_argument(translate)
    translate.add_argument("--format", choices=["text", "jsonl"], default="text")
    translate.add_argument("--no-cache", action="store_true", help="skip the translation cache")
    translate.set_defaults(run=run_translate)

    models = subparsers.add_parser("models", help="download or list translation models")
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    pull = actions.add_parser("pull", help="download (and convert) a model; needs internet")
    pull.add_argument("model", help="hub id, e.g. Helsinki-NLP/opus-mt-zh-en")
    add_engine_arguments(pull, model_help=None)
    pull.set_defaults(run=run_pull)
    listing = actions.add_parser("list", help="show configured and locally available models")
    listing.set_defaults(run=run_list)


def run_translate(args: argparse.Namespace) -> int:
    source, target = args.direction.split("-")
    lines = read_text(args.file).splitlines()
    translator = load_model(engine_settings(args), source, target, args.model)

    from tqdm import tqdm

    progress = tqdm(
        total=len(lines), unit="line", disable=args.file == "-" or None, file=sys.stderr
    )
    for number, (line, result) in enumerate(_translate(translator, lines, args), start=1):
        if args.format == "jsonl":
            record = {
                "line": number,
                "source": line,
                "translation": result.text,
                "sentences": [
                    {"source": s.source, "text": s.text, "confidence": round(s.confidence, 4)}
                    for s in result.sentences
                ],
            }
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(result.text)
        progress.update()
    progress.close()
    return 0


def _translate(translator: Translator, lines: list[str], args: argparse.Namespace) -> Iterator:
    """(line, TranslatedText) per input line, CHUNK_LINES lines batched together."""
    for start in range(0, len(lines), CHUNK_LINES):
        chunk = lines[start : start + CHUNK_LINES]
        options = {"beam_size": args.beam} if args.beam else {}
        results = translator.translate_lines(chunk, use_cache=not args.no_cache, **options)
        yield from zip(chunk, results, strict=True)


def run_pull(args: argparse.Namespace) -> int:
    from models.hub import download_model, is_local, locate_model

    # a hub id is fetched (or refreshed) first, so that a failure says why: no network, ...
    files = locate_model(args.model) if is_local(args.model) else download_model(args.model)
    translator = load_model(engine_settings(args), None, None, args.model)  # converts
    engine = f"{translator.backend}, {translator.device}, {translator.compute_type}"
    print(f"ready: {args.model} ({engine})")
    print(f"files: {files}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from models.registry import ModelRegistry

    settings = Settings.from_env()
    print("configured models:")
    for status in ModelRegistry.from_settings(settings).status():
        note = "" if status.state == "available" else f"  ({status.error})"
        print(f"  {status.source}-{status.target}  {status.model}  {status.state}{note}")
    _print_list(f"CTranslate2 conversions in {settings.converted_dir}:", _converted(settings))
    _print_list("models in the Hugging Face cache:", _hub_cached())
    return 0


def _converted(settings: Settings) -> list[str]:
    return sorted(path.parent.name for path in settings.converted_dir.glob("*/model.bin"))


def _hub_cached() -> list[str]:
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        repos = scan_cache_dir().repos
    except CacheNotFound:
        return []
    return sorted(repo.repo_id for repo in repos if repo.repo_type == "model")


def _print_list(title: str, names: list[str]) -> None:
    print(title)
    for name in names or ["(none)"]:
        print(f"  {name}")
