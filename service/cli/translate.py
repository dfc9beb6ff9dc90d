"""`bitext translate` and `bitext models`: thin commands over models.load_translator."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from service.settings import Settings
from text.errors import InputError
from text.files import read_text

if TYPE_CHECKING:  # the engine imports torch: load it only when a command needs it
    from models.translator import Translator

CHUNK_LINES = 64  # lines translated together: big enough to batch well, small for progress


def register(subparsers) -> None:
    translate = subparsers.add_parser("translate", help="translate a text file, line by line")
    translate.add_argument("file", nargs="?", default="-", help="input file, or - for stdin")
    translate.add_argument("--model", help="hub id or local model directory")
    translate.add_argument("--direction", choices=["zh-en", "en-zh"], default="zh-en")
    _engine_arguments(translate)
    translate.add_argument("--beam", type=int, default=4, help="beam size (default 4)")
    translate.add_argument("--format", choices=["text", "jsonl"], default="text")
    translate.add_argument("--no-cache", action="store_true", help="skip the translation cache")
    translate.set_defaults(run=run_translate)

    models = subparsers.add_parser("models", help="download or list translation models")
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    pull = actions.add_parser("pull", help="download (and convert) a model; needs internet")
    pull.add_argument("model", help="hub id, e.g. Helsinki-NLP/opus-mt-zh-en")
    _engine_arguments(pull)
    pull.set_defaults(run=run_pull)
    listing = actions.add_parser("list", help="show configured and locally available models")
    listing.set_defaults(run=run_list)


def _engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend", choices=["ct2", "transformers"], help="default: BITEXT_BACKEND or ct2"
    )
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], help="default: auto")


def quiet_transformers() -> None:
    """Library progress bars and advice would drown the one line a user needs."""
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


def _load(settings: Settings, model: str, **languages: str) -> Translator:
    from models.translator import load_translator

    quiet_transformers()
    return load_translator(
        model,
        backend=settings.backend,
        device=settings.device,
        data_dir=settings.data_dir,
        **languages,
    )


def run_translate(args: argparse.Namespace) -> int:
    if args.beam < 1:
        raise InputError(f"--beam must be at least 1, got {args.beam}")
    settings = Settings.from_env(backend=args.backend, device=args.device)
    model = args.model or (
        settings.model_zh_en if args.direction == "zh-en" else settings.model_en_zh
    )
    source, target = args.direction.split("-")
    lines = read_text(args.file).splitlines()
    translator = _load(settings, model, source_lang=source, target_lang=target)

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
        results = translator.translate_lines(
            chunk, beam_size=args.beam, use_cache=not args.no_cache
        )
        yield from zip(chunk, results, strict=True)


def run_pull(args: argparse.Namespace) -> int:
    settings = Settings.from_env(backend=args.backend, device=args.device)
    translator = _load(settings, args.model)  # downloads, then converts for ct2
    engine = f"{translator.backend}, {translator.device}, {translator.compute_type}"
    print(f"ready: {args.model} ({engine})")
    from models.hub import locate_model

    print(f"files: {locate_model(args.model)}")
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
