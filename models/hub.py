"""Finding model files: a local directory, or a hub id resolved through the usual HF cache.

Downloads go through huggingface_hub, so HF_HOME, HF_HUB_OFFLINE and HF_ENDPOINT work as in
any transformers program; the error for a missing model is one line a user can act on.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from huggingface_hub import snapshot_download
from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

from text.errors import ModelUnavailable

# What a MarianMT checkpoint needs; skips the TF/Flax/Rust copies that opus-mt repos also hold.
MODEL_FILES = ["*.json", "*.spm", "*.txt", "*.safetensors", "pytorch_model.bin"]


def unavailable_message(model: str) -> str:
    """The one line shown by the CLI (exit 2) and by the server's readiness check (503)."""
    return (
        f"model {model!r} is not available: run `bitext models pull {model}` on a machine with "
        "internet (then copy its HF cache / data dir here), or point --model / "
        "BITEXT_MODEL_ZH_EN (BITEXT_MODEL_EN_ZH) at a local model directory"
    )


def is_local(model: str) -> bool:
    return Path(model).expanduser().exists()


def locate_model(model: str, *, download: bool = False) -> Path:
    """Directory holding the model's files; downloads into the HF cache only when asked."""
    if not is_local(model) and model.startswith((".", "/", "~")):
        raise ModelUnavailable(
            f"no model directory at {model}: point --model / BITEXT_MODEL_ZH_EN "
            "(BITEXT_MODEL_EN_ZH) at a directory saved with save_pretrained, or give a hub id"
        )
    if is_local(model):
        path = Path(model).expanduser().resolve()
        if not (path / "config.json").is_file():
            raise ModelUnavailable(f"{path} is not a model directory (no config.json in it)")
        return path
    try:
        return Path(snapshot_download(model, allow_patterns=MODEL_FILES, local_files_only=True))
    except (LocalEntryNotFoundError, HFValidationError):
        if not download:
            raise ModelUnavailable(unavailable_message(model)) from None
    try:
        return Path(snapshot_download(model, allow_patterns=MODEL_FILES))
    except (OSError, HFValidationError):  # offline, no network, unknown repo
        raise ModelUnavailable(unavailable_message(model)) from None


def safe_name(model: str) -> str:
    """A file name for a model id or directory (directories get a hash so two never collide)."""
    if not is_local(model):
        return model.replace("/", "--")
    path = Path(model).expanduser().resolve()
    return f"{path.name}-{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"
