"""Embeddings of runs of consecutive sentences, the candidate sides of many-to-many beads.

Exact run embeddings cost one encoder pass per run (4 runs of up to 4 sentences per sentence:
~10x the tokens of the sentences). multilingual-e5 mean-pools its token states, so a run's
embedding is close to the mean of its sentences' embeddings: `approximate_runs` builds every
run from the sentence embeddings alone, at no encoder cost. On mac-dev the plain mean aligned
better than means weighted by sentence length or its square root (docs/alignment.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alignment.embed import Encoder, centred, normalised
from alignment.rotation import rotate

# A sentence that ends a quotation ends with one of these (after stripping spaces).
CLOSING_QUOTES = ("”", "」", "』", "’", "'", '"')


@dataclass
class Runs:
    """`vectors[a - 1][i]`: L2-normalised embedding of sentences i..i+a-1; `chars` likewise;
    `ends_quote[i]`: sentence i ends a quotation (dialogue in novels, quotes in news)."""

    vectors: list[np.ndarray]
    chars: list[np.ndarray]
    ends_quote: np.ndarray

    @property
    def max_run(self) -> int:
        return len(self.vectors)

    def rotated(self, rotation: np.ndarray) -> Runs:
        return Runs([rotate(v, rotation) for v in self.vectors], self.chars, self.ends_quote)


def _run_chars(sentences: Sequence[str], max_run: int) -> list[np.ndarray]:
    total = np.concatenate([[0], np.cumsum([len(s) for s in sentences])]).astype(np.float64)
    return [total[a:] - total[:-a] for a in range(1, max_run + 1)]


def _ends_quote(sentences: Sequence[str]) -> np.ndarray:
    return np.array([s.rstrip().endswith(CLOSING_QUOTES) for s in sentences], dtype=bool)


def approximate_runs(sentences: Sequence[str], embeddings: np.ndarray, max_run: int) -> Runs:
    """Runs as the normalised means of their sentence embeddings (no encoder calls)."""
    zero = np.zeros((1, embeddings.shape[1]), np.float32)
    total = np.concatenate([zero, np.cumsum(embeddings, axis=0)])
    vectors = [normalised(total[a:] - total[:-a]) for a in range(1, max_run + 1)]
    return Runs(vectors, _run_chars(sentences, max_run), _ends_quote(sentences))


def exact_runs(sentences: Sequence[str], encoder: Encoder, max_run: int) -> Runs:
    """Runs embedded as joined texts (Bertalign's way): best quality, ~10x the encoder work."""
    vectors = []
    for a in range(1, max_run + 1):
        texts = [" ".join(sentences[i : i + a]) for i in range(len(sentences) - a + 1)]
        vectors.append(centred(encoder.encode(texts)))
    return Runs(vectors, _run_chars(sentences, max_run), _ends_quote(sentences))
