"""Margin-based similarity (Artetxe & Schwenk 2019): a cosine judged against the neighbourhood.

ratio margin(x, y) = cos(x, y) / (mean cos of x to its k nearest targets / 2
                                  + mean cos of y to its k nearest sources / 2)

A pair scores ~1 when it is no closer than each side's usual neighbours and above 1 when the
two stand out for each other; this removes hubs and the e5 cosine offset (unrelated text
still has cosine ~0.75). Neighbourhoods are computed in row blocks: memory stays linear.
"""

from __future__ import annotations

import numpy as np


def knn_mean(queries: np.ndarray, keys: np.ndarray, k: int, block: int = 1024) -> np.ndarray:
    """Mean cosine of each query to its k nearest keys."""
    k = max(1, min(k, len(keys)))
    out = np.empty(len(queries), dtype=np.float32)
    for start in range(0, len(queries), block):
        sims = queries[start : start + block] @ keys.T
        top = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
        out[start : start + block] = top.mean(axis=1)
    return out


def candidates(
    src: np.ndarray, tgt: np.ndarray, k: int, block: int = 1024
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each source's and each target's best counterpart by margin: (i, j, margin) arrays."""
    src_hood = knn_mean(src, tgt, k)
    tgt_hood = knn_mean(tgt, src, k)
    pairs: dict[tuple[int, int], float] = {}
    best_for_tgt = np.full(len(tgt), -np.inf)
    best_src = np.zeros(len(tgt), dtype=np.int64)
    for start in range(0, len(src), block):
        sims = src[start : start + block] @ tgt.T
        margins = sims / ((src_hood[start : start + block, None] + tgt_hood[None, :]) / 2)
        for row, j in enumerate(margins.argmax(axis=1)):
            pairs[(start + row, int(j))] = float(margins[row, j])
        col = margins.argmax(axis=0)
        col_best = margins[col, np.arange(len(tgt))]
        better = col_best > best_for_tgt
        best_for_tgt[better] = col_best[better]
        best_src[better] = col[better] + start
    for j, i in enumerate(best_src):
        pairs[(int(i), j)] = float(best_for_tgt[j])
    keys = list(pairs)
    i = np.array([p[0] for p in keys], dtype=np.int64)
    j = np.array([p[1] for p in keys], dtype=np.int64)
    return i, j, np.array([pairs[p] for p in keys])
