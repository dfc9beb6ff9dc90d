"""One lazily loaded Translator per language pair, shared by every request of the service."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from models.hub import locate_model
from models.translator import Translator, load_translator
from text.errors import InputError, ModelUnavailable


@dataclass(frozen=True)
class ModelStatus:
    source: str
    target: str
    model: str
    state: str  # 'loaded' | 'available' (files are local, not loaded yet) | 'unavailable'
    backend: str
    device: str | None  # known once loaded
    error: str | None  # the one-line ModelUnavailable message when unavailable


class ModelRegistry:
    """Loads each configured model on first use, once, even under concurrent requests."""

    def __init__(self, models: Mapping[tuple[str, str], str], **engine: object) -> None:
        """engine: `load_translator`'s options (backend, device, converted_dir, cache_path)."""
        self.models = dict(models)
        self.engine = engine
        self.backend = str(engine.get("backend", "ct2"))
        self._loaded: dict[tuple[str, str], Translator] = {}
        self._locks = {pair: threading.Lock() for pair in self.models}

    @classmethod
    def from_settings(cls, settings) -> ModelRegistry:
        """From anything with model_zh_en, model_en_zh and engine_options()
        (service.settings.Settings)."""
        return cls(
            {("zh", "en"): settings.model_zh_en, ("en", "zh"): settings.model_en_zh},
            **settings.engine_options(),
        )

    def _model(self, source: str, target: str) -> str:
        if (source, target) not in self.models:
            known = ", ".join(f"{s}-{t}" for s, t in self.models)
            raise InputError(f"no model for {source}-{target}: bitext translates {known}")
        return self.models[source, target]

    def get(self, source: str, target: str) -> Translator:
        model = self._model(source, target)
        with self._locks[source, target]:
            if (source, target) not in self._loaded:
                self._loaded[source, target] = load_translator(
                    model, source_lang=source, target_lang=target, **self.engine
                )
            return self._loaded[source, target]

    def check(self, source: str, target: str) -> None:
        """Readiness: raise ModelUnavailable if the model's files are not here (no loading)."""
        if (source, target) not in self._loaded:
            locate_model(self._model(source, target))

    def status(self) -> list[ModelStatus]:
        statuses = []
        for (source, target), model in self.models.items():
            translator = self._loaded.get((source, target))
            state, device, error = "loaded", None, None
            if translator:
                device = translator.device
            else:
                try:
                    locate_model(model)
                    state = "available"
                except ModelUnavailable as missing:
                    state, error = "unavailable", str(missing)
            statuses.append(ModelStatus(source, target, model, state, self.backend, device, error))
        return statuses
