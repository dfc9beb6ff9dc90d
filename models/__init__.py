"""The translation engine: MarianMT models found, loaded, batched, decoded and cached.

Names load lazily, so importing the package does not import torch.
"""

from importlib import import_module

_LAZY = {
    "DecodingOptions": "models.decoding",
    "ModelRegistry": "models.registry",
    "ModelStatus": "models.registry",
    "TranslatedText": "models.translator",
    "Translation": "models.translator",
    "Translator": "models.translator",
    "load_translator": "models.translator",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'models' has no attribute {name!r}")
