"""Ingest-side text handling and translation: segmentation, the MarianMT engine, its registry.

The engine's names load lazily, so `import models.segment` does not import torch.
"""

from importlib import import_module

from models.errors import BitextError, InputError, ModelUnavailable
from models.segment import split_lines, split_sentences

_LAZY = {
    "DecodingOptions": "models.decoding",
    "ModelRegistry": "models.registry",
    "ModelStatus": "models.registry",
    "TranslatedText": "models.translator",
    "Translation": "models.translator",
    "Translator": "models.translator",
    "load_translator": "models.translator",
}

__all__ = [
    "BitextError",
    "InputError",
    "ModelUnavailable",
    "split_lines",
    "split_sentences",
    *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'models' has no attribute {name!r}")
