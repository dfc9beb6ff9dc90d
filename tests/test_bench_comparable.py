"""bench/comparable.py's helpers that its printed figures rest on."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import numpy as np


def _bench():
    path = Path(__file__).resolve().parent.parent / "bench" / "comparable.py"
    spec = importlib.util.spec_from_file_location("bench_comparable", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _monotone(cells: list[tuple[int, int]]) -> bool:
    return all(
        (c, d) in ((a, b + 1), (a + 1, b)) or (c > a and d > b)
        for (a, b), (c, d) in itertools.pairwise(cells)
    )


def test_best_chain_is_the_best_monotone_chain() -> None:
    """Against every set of cells on small matrices: the chain is monotone and no monotone
    chain sums higher (the ceiling section's upper bound depends on it)."""
    best_chain = _bench().best_chain
    rng = np.random.default_rng(0)
    for _ in range(150):
        weights = rng.normal(size=tuple(rng.integers(1, 5, 2)))
        cells = list(np.ndindex(weights.shape))
        best = max(
            sum(weights[c] for c in chosen)
            for r in range(len(cells) + 1)
            for chosen in itertools.combinations(cells, r)
            if _monotone(list(chosen))
        )
        chain = best_chain(weights)
        assert _monotone(chain)
        assert np.isclose(sum(weights[c] for c in chain), best)


def test_synthetic_blocks_are_the_shuffled_runs() -> None:
    """Each English sentence's block: a block's sentences keep the chapter's order, and every
    linked English sentence belongs to one."""
    bench = _bench()
    zh = [f"中文句子{i}" for i in range(40)]
    en = [f"English sentence {i}" for i in range(40)]
    beads = [bench.Bead((i,), (i,)) for i in range(40)]
    chapters = [(zh, en, beads)] * 3
    _, en_texts, gold, blocks = bench.synthetic(
        chapters, 0, np.random.default_rng(1), partial=False
    )
    assert len(blocks) == len(en_texts)
    for j in {j for _, j in gold}:
        assert blocks[j] is not None
    for b in {b for b in blocks if b is not None}:
        numbers = [int(en_texts[j].split()[-1]) for j, bj in enumerate(blocks) if bj == b]
        assert numbers == sorted(numbers) and len(numbers) <= 4
