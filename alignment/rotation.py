"""A partial rotation of the source side's embeddings towards the target's, fitted on anchors.

Why: multilingual-e5 puts a sentence near its translation but not on it, and part of the
offset is systematic for a document pair (language, register, a translator's habits). The
rotation that best carries the anchors' source embeddings onto their targets (orthogonal
Procrustes: U V^T from the SVD of X^T Y) removes that systematic part. Only a share of it is
applied, because a few hundred anchors in 384 dimensions overfit; and below a minimum number
of anchors there is no rotation, because a fit on so few turns the dimensions they do not span
at random (AlignConfig.rotation_share and rotation_min_anchors; docs/alignment.md has the
measurements).
"""

from __future__ import annotations

import numpy as np

from alignment.embed import normalised


def anchor_rotation(
    src: np.ndarray,
    tgt: np.ndarray,
    anchors: list[tuple[int, int]],
    *,
    share: float,
    min_anchors: int,
) -> np.ndarray:
    """(d, d): identity moved `share` of the way to the Procrustes rotation of the anchors,
    or the identity with fewer than `min_anchors`."""
    identity = np.eye(src.shape[1], dtype=np.float32)
    if len(anchors) < min_anchors:
        return identity
    i, j = np.array(anchors).T
    u, _, vt = np.linalg.svd(src[i].T @ tgt[j])
    return ((1.0 - share) * identity + share * (u @ vt)).astype(np.float32)


def rotate(vectors: np.ndarray, rotation: np.ndarray) -> np.ndarray:
    """Rows mapped by `rotation` and renormalised."""
    return normalised(vectors @ rotation)
