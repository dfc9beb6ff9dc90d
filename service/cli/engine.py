"""What every command that translates shares: the engine's flags and how a model is loaded."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from models.decoding import BACKENDS
from models.device import DEVICES
from service.settings import Settings

if TYPE_CHECKING:  # the engine imports torch: load it only when a command needs it
    from models.translator import Translator


log = logging.getLogger("bitext.cli")


def add_engine_arguments(parser: argparse.ArgumentParser, *, model_help: str | None) -> None:
    """--backend and --device; --model and --offline unless `model_help` is None (a positional
    names the model, to be downloaded)."""
    if model_help is not None:
        parser.add_argument("--model", help=model_help)
        parser.add_argument(
            "--offline",
            action="store_true",
            help="never download a model (as HF_HUB_OFFLINE=1); by default a hub model missing "
            "from the Hugging Face cache is downloaded on first use",
        )
    parser.add_argument("--backend", choices=BACKENDS, help="default: BITEXT_BACKEND or ct2")
    parser.add_argument("--device", choices=DEVICES, help="default: BITEXT_DEVICE or auto")


def add_beam_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--beam", type=at_least(1), metavar="N", help="beam size (default 4)")


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= minimum (argparse reports anything else)."""

    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return whole_number


def engine_settings(args: argparse.Namespace, **overrides: object) -> Settings:
    """Settings from the environment, overridden by the engine flags given."""
    offline = getattr(args, "offline", False) or None
    return Settings.from_env(backend=args.backend, device=args.device, offline=offline, **overrides)


def quiet_transformers() -> None:
    """Library progress bars and advice would drown the one line a user needs."""
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


def load_model(
    settings: Settings,
    source: str | None = "zh",
    target: str | None = "en",
    model: str | None = None,
) -> Translator:
    """The direction's configured model, or `model` (its languages guessed from its files when
    the direction is None), loaded with the settings' engine and data directory; on first use
    downloaded (with the hub's progress bars) and converted, unless the settings are offline."""
    from models.hub import locate_model
    from models.translator import load_translator

    name = model or settings.model_for(source, target)
    locate_model(name, download=not settings.offline)  # before the progress bars are silenced
    quiet_transformers()
    return load_translator(
        name, source_lang=source, target_lang=target, **settings.engine_options()
    )


def fetch_models(settings: Settings) -> None:
    """First start: the configured models' files into the Hugging Face cache, with progress bars;
    each is converted on its first use. A model that cannot be had is logged, and stays
    unavailable until it is there (the service starts without it)."""
    from models.hub import locate_model
    from text.errors import ModelUnavailable

    for source, target in (("zh", "en"), ("en", "zh")):
        try:
            locate_model(settings.model_for(source, target), download=not settings.offline)
        except ModelUnavailable as missing:
            log.warning("%s-%s: %s", source, target, missing)
