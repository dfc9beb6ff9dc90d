"""Search for the best monotonic bead path without filling the whole n x m table.

1. Anchors: 1-1 pairs that are each other's nearest neighbour (found in row blocks, so memory
   stays linear), reduced to the heaviest monotonic chain (weighted longest increasing
   subsequence).
2. Band: between consecutive anchors only the rectangle they span (plus a margin) is searched.
3. Dynamic programming over the band with bead types (a, b), row by row, vectorised over j.
"""

from __future__ import annotations

import numpy as np

from alignment.score import BeadScorer


def bead_types(max_bead: int) -> list[tuple[int, int]]:
    """0-1, 1-0 and every a-b with a, b >= 1 and a + b <= max_bead."""
    return [(0, 1), (1, 0)] + [
        (a, b) for a in range(1, max_bead) for b in range(1, max_bead) if a + b <= max_bead
    ]


def mutual_neighbours(src: np.ndarray, tgt: np.ndarray, block: int = 1024) -> np.ndarray:
    """(k, 3) rows (i, j, cos) where j is i's nearest target and i is j's nearest source."""
    best_j = np.empty(len(src), dtype=np.int64)
    best_i = np.full(len(tgt), -1, dtype=np.int64)
    best_i_cos = np.full(len(tgt), -np.inf, dtype=np.float32)
    best_j_cos = np.empty(len(src), dtype=np.float32)
    for start in range(0, len(src), block):
        sims = src[start : start + block] @ tgt.T
        best_j[start : start + block] = sims.argmax(axis=1)
        best_j_cos[start : start + block] = sims.max(axis=1)
        col_best = sims.argmax(axis=0)
        col_cos = sims[col_best, np.arange(len(tgt))]
        better = col_cos > best_i_cos
        best_i[better] = col_best[better] + start
        best_i_cos[better] = col_cos[better]
    i = np.arange(len(src))
    mutual = best_i[best_j] == i
    return np.column_stack([i[mutual], best_j[mutual], best_j_cos[mutual]])


def heaviest_chain(pairs: np.ndarray) -> list[tuple[int, int]]:
    """The strictly increasing (i, j) chain of maximal total weight (pairs sorted by i)."""
    if len(pairs) == 0:
        return []
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    pairs = pairs[order]
    js = np.unique(pairs[:, 1].astype(np.int64))
    rank = {j: r for r, j in enumerate(js)}
    tree_w = np.zeros(len(js) + 1)  # Fenwick tree of prefix maxima over j rank
    tree_at = np.full(len(js) + 1, -1, dtype=np.int64)
    best = np.zeros(len(pairs))
    prev = np.full(len(pairs), -1, dtype=np.int64)
    for k, (_, j, weight) in enumerate(pairs):
        r = rank[int(j)]
        q, top, at = r, 0.0, -1  # max over ranks < r
        while q > 0:
            if tree_w[q] > top:
                top, at = tree_w[q], tree_at[q]
            q -= q & -q
        best[k], prev[k] = top + weight, at
        q = r + 1
        while q <= len(js):
            if best[k] > tree_w[q]:
                tree_w[q], tree_at[q] = best[k], k
            q += q & -q
    chain, k = [], int(best.argmax())
    while k >= 0:
        chain.append((int(pairs[k, 0]), int(pairs[k, 1])))
        k = prev[k]
    return chain[::-1]


def band(
    anchors: list[tuple[int, int]], n: int, m: int, *, margin: int, corridor: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each row i in 0..n, the range [lo, hi] of columns j the path may visit.

    Between two anchors: their rectangle (plus `margin`), narrowed to `corridor` columns
    either side of the straight line joining them, so long gaps between anchors do not
    widen the band (and every table over it) to the whole gap.
    """
    points = [(0, 0), *anchors, (n, m)]
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for (i0, j0), (i1, j1) in zip(points, points[1:], strict=False):
        rows = np.arange(i0, min(i1 + 2, n + 1))
        slope = (j1 - j0) / max(i1 - i0, 1)
        centre = j0 + (rows - i0) * slope
        half = max(corridor, int(np.ceil(slope)) + margin)
        lo[rows] = np.minimum(lo[rows], np.maximum(j0 - margin, np.floor(centre) - half))
        hi[rows] = np.maximum(hi[rows], np.minimum(j1 + 1 + margin, np.ceil(centre) + half))
    return np.clip(lo, 0, m), np.clip(hi, 0, m)


def best_path(
    scorer: BeadScorer, n: int, m: int, lo: np.ndarray, hi: np.ndarray, max_bead: int
) -> list[tuple[int, int, int, int]]:
    """Minimum-cost beads (i, a, j, b) covering both documents, searched inside the band."""
    # bead types that fit: no run longer than the runs embedded or than the document itself
    most_a, most_b = min(scorer.src.max_run, n), min(scorer.tgt.max_run, m)
    types = [(a, b) for a, b in bead_types(max_bead) if a <= most_a and b <= most_b]
    skip = scorer.weights.skip
    tables = [scorer.tables(a, b)[1] if a and b else None for a, b in types]
    starts, lo, hi = scorer.starts.tolist(), lo.tolist(), hi.tolist()  # Python ints: faster here
    cost = [np.full(hi[i] - lo[i] + 1, np.inf) for i in range(n + 1)]
    back = [np.full(hi[i] - lo[i] + 1, -1, dtype=np.int8) for i in range(n + 1)]
    for i in range(n + 1):
        row, arg = cost[i], back[i]
        if i == 0:
            row[0] = 0.0  # the band starts at column 0 (lo[0] == 0): the empty alignment
        for t, (a, b) in enumerate(types):
            if a == 0 or i < a:
                continue
            # previous columns p = j - b: inside both rows' bands (a contiguous range)
            p0, p1 = max(lo[i] - b, lo[i - a], 0), min(hi[i] - b, hi[i - a])
            if p0 > p1:
                continue
            cand = cost[i - a][p0 - lo[i - a] : p1 - lo[i - a] + 1]
            if b:
                first = starts[i - a]  # the table's row i - a starts at this column
                cand = cand + tables[t][i - a, p0 - first : p1 + 1 - first]
            else:
                cand = cand + skip
            here = slice(p0 + b - lo[i], p1 + b - lo[i] + 1)
            better = cand < row[here]
            row[here][better] = cand[better]
            arg[here][better] = t
        # 0-1 beads move along the row: row[j] = min over k <= j of row[k] + skip * (j - k)
        steps = np.arange(len(row)) * skip
        run_min = np.minimum.accumulate(row - steps) + steps
        moved = run_min < row - 1e-9  # (x - s) + s may round below x: not a real move
        row[moved], arg[moved] = run_min[moved], 0
    beads = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(back[i][j - lo[i]])
        if t < 0:
            raise RuntimeError("alignment band is disconnected")
        a, b = types[t]
        beads.append((i - a, a, j - b, b))
        i, j = i - a, j - b
    return beads[::-1]
