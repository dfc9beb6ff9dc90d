"""Finding model files: a local directory, or a hub id resolved through the usual HF cache.

Downloads go through huggingface_hub, so HF_HOME, HF_HUB_OFFLINE and HF_ENDPOINT work as in
any transformers program, with its progress bars; the error for a missing model is one line a
user can act on, and a failed download says why (downloads off, no network, no such repository).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from huggingface_hub import constants, snapshot_download
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    LocalEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from text.errors import ModelUnavailable

# What a MarianMT checkpoint needs; skips the TF/Flax/Rust copies that opus-mt repos also hold.
MODEL_FILES = ["*.json", "*.spm", "*.txt", "*.safetensors", "pytorch_model.bin"]


def unavailable_message(model: str, why: str | None = None) -> str:
    """The one line shown by the CLI (exit 2) and by the server's readiness check (503)."""
    return (
        f"model {model!r} is not available{f' ({why})' if why else ''}: run "
        f"`bitext models pull {model}` on a machine with internet (then copy its HF cache / data "
        "dir here), or point --model / BITEXT_MODEL_ZH_EN (BITEXT_MODEL_EN_ZH) at a local model "
        "directory"
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
        return download_model(model)
    except ModelUnavailable as failed:
        raise ModelUnavailable(unavailable_message(model, str(failed))) from None


def download_model(model: str) -> Path:
    """Fetch a hub model's files into the HF cache, or say why that failed."""
    if constants.HF_HUB_OFFLINE:
        raise ModelUnavailable(f"cannot download {model!r}: downloads are off (HF_HUB_OFFLINE=1)")
    try:
        return Path(snapshot_download(model, allow_patterns=MODEL_FILES))
    except Exception as error:  # the hub client's errors vary by version: named by _why
        raise ModelUnavailable(f"cannot download {model!r}: {_why(error)}") from None


def _why(error: Exception) -> str:
    hub = constants.ENDPOINT
    if isinstance(error, GatedRepoError):
        return f"the repository is gated on {hub}: accept its terms there, then log in"
    if isinstance(error, RepositoryNotFoundError):
        return f"no repository of that name on {hub} (or it is private)"
    if isinstance(error, RevisionNotFoundError):
        return f"the repository on {hub} has no such revision"
    if isinstance(error, HfHubHTTPError):
        return f"{hub} answered {error.response.status_code}"
    if isinstance(error, HFValidationError):
        return "not a hub id (owner/name) nor a local directory"
    cause = error.__cause__ or error  # the hub client wraps a connection failure
    reason = f"{type(cause).__name__}: {(str(cause).splitlines() or [''])[0]}"
    if isinstance(error, LocalEntryNotFoundError):
        return f"no network: {hub} cannot be reached ({reason})"
    return reason


def safe_name(model: str) -> str:
    """A file name for a model id or directory (directories get a hash so two never collide)."""
    if not is_local(model):
        return model.replace("/", "--")
    path = Path(model).expanduser().resolve()
    return f"{path.name}-{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"
