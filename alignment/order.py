"""Local order: where two comparable documents keep stretches of sentences in the same order (a
translation cut, reordered and padded; one report retold section by section), a pair whose
neighbours pair too is likely right even when its own evidence is weak.

Independent articles keep no order, so the order is used only where the documents show it
(`ordered`): the confident pairs must have `margin` times more monotone neighbours (another
confident pair 1 to `len(moves) - 1` sentences further on both sides) than pairs placed at
random would have. Then an HMM over sentences gives each candidate pair the probability that
it is right given its neighbours (its posterior), which can report a pair whose own evidence
falls short: the HMM of word alignment (Vogel, Ney and Tillmann 1996) with
sentences for words, as Smith, Quirk and Toutanova (2010) use it on comparable corpora. Its
states are the other side's sentences plus null (which keeps the last position), it moves
0..3 sentences forward (`moves`) or jumps anywhere (`jump`), and a pair emits the odds of its
own probability times an emission that grows as fewer of the document pair's reported pairs are
near-certain (`document_emission`); posteriors are taken in both directions, the larger kept.

Memory stays linear in the documents: the forward pass keeps one vector per `sqrt(steps)`
steps and recomputes the rest during the backward pass.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from alignment.config import OrderConfig

_TINY = 1e-6  # the probability of a pair that is no candidate


def order_posteriors(
    rows: np.ndarray,
    columns: np.ndarray,
    probability: np.ndarray,
    n: int,
    m: int,
    threshold: float,
    config: OrderConfig,
) -> np.ndarray:
    """Per candidate pair, the order's posterior where the n x m documents keep a local order
    (the pairs reaching `threshold` tell), else 0."""
    confident = probability >= threshold
    if config.enabled and ordered(rows[confident], columns[confident], n, m, config):
        emission = document_emission(probability[confident], config)
        return posteriors(rows, columns, probability, n, m, replace(config, emission=emission))
    return np.zeros(len(rows))


def document_emission(reported: np.ndarray, config: OrderConfig) -> float:
    """The emission for one document pair, from its reported pairs' probabilities. Where most
    are near-certain (translations of informative text) a right pair is strong, so a weak match
    in a gap is mostly a neighbour on the same point; where few are (a free literary
    translation) the counterpart is often a weak match, and a weak match counts for more."""
    share = float(np.mean(reported >= config.certain)) if len(reported) else 0.0
    return config.emission * math.exp(config.certainty * (config.certain_share - share))


def ordered(rows: np.ndarray, columns: np.ndarray, n: int, m: int, config: OrderConfig) -> bool:
    """Whether the confident pairs (rows[k], columns[k]) of an n x m document pair keep a local
    order: enough monotone neighbours, and `margin` times those expected by chance."""
    if len(rows) < 2:
        return False
    window = len(config.moves) - 1
    width = m + window + 1  # a key per cell, shifted cells included
    keys = np.unique(rows.astype(np.int64) * width + columns)
    neighbours = sum(
        int(np.isin(keys + di * width + dj, keys, assume_unique=True).sum())
        for di in range(1, window + 1)
        for dj in range(1, window + 1)
    )
    chance = len(keys) * (len(keys) - 1) * window * window / (n * m)
    return neighbours >= config.min_neighbours and neighbours >= config.margin * chance


def posteriors(
    rows: np.ndarray,
    columns: np.ndarray,
    probability: np.ndarray,
    n: int,
    m: int,
    config: OrderConfig,
) -> np.ndarray:
    """Per candidate pair, the HMM's probability that it is right (the larger of the two
    directions: English sentences emitted by Chinese ones, and the other way)."""
    odds = np.clip(probability, _TINY, 1 - _TINY)
    odds = odds / (1 - odds) * config.emission
    return np.maximum(
        _Chain(columns, rows, odds, m, n, config).posteriors(),
        _Chain(rows, columns, odds, n, m, config).posteriors(),
    )


class _Chain:
    """One direction: `steps` sentences in order, each emitted by one of `states` sentences of
    the other side or by null. Candidate k links step steps_of[k] to state states_of[k]."""

    def __init__(self, steps_of, states_of, odds, steps: int, states: int, config: OrderConfig):
        self.steps, self.states, self.null = steps, states, config.null
        self.steps_of, self.states_of, self.odds = steps_of, states_of, odds
        self.order = np.argsort(steps_of, kind="stable")
        self.bounds = np.searchsorted(steps_of[self.order], np.arange(steps + 1))
        self.background = _TINY / (1 - _TINY) * config.emission
        self.jump = (1 - config.null) * config.jump / states
        moves = np.array(config.moves, dtype=float)
        # each state's moves that stay inside the document, normalised to sum to one
        reach = np.array([moves[: max(0, states - i)].sum() for i in range(states)])
        self.moves = (1 - config.null) * (1 - config.jump) * moves
        self.reach = np.where(reach > 0, reach, 1.0)

    def emission(self, step: int) -> np.ndarray:
        e = np.full(self.states, self.background)
        k = self.order[self.bounds[step] : self.bounds[step + 1]]
        e[self.states_of[k]] = self.odds[k]
        return e

    def forward_move(self, previous: np.ndarray) -> np.ndarray:
        """sum over i of previous[i] * P(aligned state i -> i')."""
        spread = previous / self.reach
        out = np.full(self.states, self.jump * previous.sum())
        for d, w in enumerate(self.moves):
            if d < self.states:
                out[d:] += w * spread[: self.states - d]
        return out

    def backward_move(self, following: np.ndarray) -> np.ndarray:
        """sum over i' of P(i -> aligned state i') * following[i']."""
        out = np.full(self.states, self.jump * following.sum())
        for d, w in enumerate(self.moves):
            if d < self.states:
                out[: self.states - d] += w * following[d:] / self.reach[: self.states - d]
        return out

    def forward(self, step: int, previous: np.ndarray | None):
        """(aligned, null) at `step`, normalised, and their scale, from the previous step's
        total (aligned + null), or the start when None."""
        if previous is None:
            aligned = (1 - self.null) / self.states * self.emission(step)
            null = np.full(self.states, self.null / self.states)
        else:
            aligned = self.forward_move(previous) * self.emission(step)
            null = previous * self.null
        scale = aligned.sum() + null.sum()
        return aligned / scale, null / scale, scale

    def posteriors(self) -> np.ndarray:
        out = np.zeros(len(self.odds))
        if not self.steps or not self.states:
            return out
        every = max(1, math.isqrt(self.steps))
        scales = np.zeros(self.steps)
        checkpoints = {}
        total = None
        for step in range(self.steps):
            if step % every == 0:
                checkpoints[step] = total
            aligned, null, scales[step] = self.forward(step, total)
            total = aligned + null
        beta = np.ones(self.states)
        for start in reversed(range(0, self.steps, every)):
            stop = min(start + every, self.steps)
            total, segment = checkpoints[start], []
            for step in range(start, stop):
                aligned, null, _ = self.forward(step, total)
                segment.append(aligned)
                total = aligned + null
            for step in reversed(range(start, stop)):
                if step < self.steps - 1:
                    beta = (
                        self.backward_move(self.emission(step + 1) * beta) + self.null * beta
                    ) / scales[step + 1]
                k = self.order[self.bounds[step] : self.bounds[step + 1]]
                out[k] = segment[step - start][self.states_of[k]] * beta[self.states_of[k]]
        return out
