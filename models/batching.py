"""Length-sorted, token-budgeted batches: little padding, bounded memory, order restorable."""

from __future__ import annotations

from collections.abc import Sequence


def token_batches(lengths: Sequence[int], max_tokens: int) -> list[list[int]]:
    """Group indices of `lengths` so each batch's padded size (count × longest) fits max_tokens.

    Indices are sorted longest first, so sentences of similar length share a batch; callers put
    results back with the returned indices. A sentence longer than the budget gets its own batch.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    for index in order:
        batch = batches[-1] if batches else None
        # Sorted descending, so the batch's first item is its longest.
        if batch and lengths[batch[0]] * (len(batch) + 1) <= max_tokens:
            batch.append(index)
        else:
            batches.append([index])
    return batches
