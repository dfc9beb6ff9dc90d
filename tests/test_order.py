"""The local order of comparable mode (alignment.order): when it is used, and its HMM's
posteriors against the same model computed by enumerating every path."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from alignment.comparable import pair_probabilities, sentence_pairs
from alignment.config import DEFAULT_CONFIG, OrderConfig
from alignment.order import document_emission, ordered, posteriors
from alignment.units import Side

ORDER = OrderConfig()


def brute_force(emission: np.ndarray, config: OrderConfig) -> np.ndarray:
    """P(step j is emitted by state i | all steps), by summing over every path of states, null
    keeping the last position: the model alignment.order describes, written out."""
    steps, states = emission.shape
    moves = np.array(config.moves)

    def move(i: int, k: int) -> float:
        d = k - i
        inside = moves[: states - i].sum()
        local = moves[d] / inside if 0 <= d < len(moves) else 0.0
        return (1 - config.null) * (config.jump / states + (1 - config.jump) * local)

    total, marginal = 0.0, np.zeros_like(emission)
    for path in itertools.product(range(states), [False, True], repeat=steps):
        where, null = path[0::2], path[1::2]
        p = (config.null if null[0] else 1 - config.null) / states
        p *= 1.0 if null[0] else emission[0, where[0]]
        for j in range(1, steps):
            if null[j]:
                p *= config.null if where[j] == where[j - 1] else 0.0
            else:
                p *= move(where[j - 1], where[j]) * emission[j, where[j]]
        total += p
        for j in range(steps):
            if not null[j]:
                marginal[j, where[j]] += p
    return marginal / total


@pytest.mark.parametrize("steps", [2, 6])
def test_posteriors_are_the_models_exact_marginals(steps):
    """Six steps are cut into checkpointed segments of two; either way the forward-backward
    gives the marginals that enumerating every path gives, in each direction."""
    rng = np.random.default_rng(steps)
    states = 3
    probability = rng.uniform(0.01, 0.99, size=(steps, states))
    rows, columns = np.nonzero(np.ones_like(probability))
    odds = probability / (1 - probability) * ORDER.emission
    got = posteriors(rows, columns, probability[rows, columns], steps, states, ORDER)
    by_rows = brute_force(odds.T, ORDER).T  # the rows' sentences emitted by the columns'
    by_columns = brute_force(odds, ORDER)
    expected = np.maximum(by_rows, by_columns)[rows, columns]
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def diagonal(n: int, skip: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.array([i for i in range(n) if i != skip])
    return rows, rows.copy()


def test_the_order_is_used_only_where_the_documents_keep_one():
    rows, columns = diagonal(30, skip=5)
    assert ordered(rows, columns, 30, 30, ORDER)
    shuffled = np.random.default_rng(0).permutation(columns)
    assert not ordered(rows, shuffled, 30, 30, ORDER)
    assert not ordered(rows[:1], columns[:1], 30, 30, ORDER)  # one pair says nothing
    # a dozen sentences each: even a diagonal is near what chance puts there
    assert not ordered(*diagonal(12, skip=5), 12, 12, ORDER)


def evidence(pairs: dict[tuple[int, int], float]) -> dict:
    return {pair: [(p, (0, 1), (0, 1), True)] for pair, p in pairs.items()}


def test_a_weak_pair_between_ordered_pairs_gains_and_a_lone_one_does_not():
    confident = dict.fromkeys(zip(*diagonal(30, skip=5), strict=True), 0.9)
    config = DEFAULT_CONFIG.comparable
    inside = pair_probabilities(evidence({**confident, (5, 5): 0.3}), 30, 30, config)
    probability, posterior = inside[(5, 5)]
    assert probability == pytest.approx(0.3) and posterior >= config.order.threshold
    assert all(inside[pair][1] >= 0.9 for pair in confident)  # the order keeps what it has

    scattered = dict.fromkeys(
        zip(range(12), [3, 9, 0, 7, 11, 1, 8, 2, 10, 4, 6], strict=False), 0.9
    )
    outside = pair_probabilities(evidence({**scattered, (5, 5): 0.3}), 12, 12, config)
    assert all(posterior == 0.0 for _, posterior in outside.values())

    off = replace(config, order=replace(config.order, enabled=False))
    assert pair_probabilities(evidence({**confident, (5, 5): 0.3}), 30, 30, off)[(5, 5)] == (
        pytest.approx(0.3),
        0.0,
    )


def test_a_weak_match_counts_for_less_where_the_reported_pairs_are_near_certain():
    """Translations of informative text (every reported pair near-certain): a weak match in a
    gap is mostly the next sentence on the same point, so the order does not report it; a free
    translation (reported pairs only fairly sure): the same weak match is reported."""
    config = DEFAULT_CONFIG.comparable
    order = config.order
    reported = np.array([order.certain] * 4 + [0.9] * 6)  # the pivot share: 0.4
    assert document_emission(reported, order) == pytest.approx(order.emission)
    assert document_emission(np.full(10, 0.999), order) < order.emission
    assert document_emission(np.full(10, 0.9), order) > order.emission
    weak = {(5, 5): 0.05}
    for sure, reported_by_the_order in ((0.9, True), (0.999, False)):
        confident = dict.fromkeys(zip(*diagonal(30, skip=5), strict=True), sure)
        posterior = pair_probabilities(evidence({**confident, **weak}), 30, 30, config)[(5, 5)][1]
        assert (posterior >= order.threshold) is reported_by_the_order, (sure, posterior)


def test_a_pair_below_evidence_adds_nothing_alone_but_the_order_can_raise_it():
    confident = dict.fromkeys(zip(*diagonal(30, skip=5), strict=True), 0.9)
    config = DEFAULT_CONFIG.comparable
    weak = config.evidence / 2
    inside = pair_probabilities(evidence({**confident, (5, 5): weak}), 30, 30, config)
    probability, posterior = inside[(5, 5)]
    assert probability == 0.0 and posterior >= config.order.threshold
    both = {(0, 0): [(0.6, (0, 1), (0, 1), True), (weak, (1, 2), (1, 2), True)]}
    assert pair_probabilities(both, 3, 3, config)[(0, 0)][0] == pytest.approx(0.6)

    off = replace(config, order=replace(config.order, enabled=False))
    assert pair_probabilities(evidence({**confident, (5, 5): weak}), 30, 30, off)[(5, 5)] == (
        0.0,
        0.0,
    )


def test_a_pair_the_order_raises_from_below_evidence_is_reported_with_its_clauses():
    config = DEFAULT_CONFIG.comparable
    zh = Side.of(
        [f"第{i}章讲述了山西农民修建水渠的经过" for i in range(30)], "zh", None, config.clauses
    )
    en = Side.of(
        [f"Chapter {i} tells how farmers built a canal" for i in range(30)],
        "en",
        None,
        config.clauses,
    )
    assert len(zh.clauses) == len(en.clauses) == 30  # one clause a sentence
    rows, columns = diagonal(30, skip=-1)
    probability = np.where(rows == 5, config.evidence / 2, 0.9)
    (bead,) = [
        b
        for b in sentence_pairs([(zh, en, (rows, columns, probability))], config)
        if b.source == (5,)
    ]
    assert bead.target == (5,)
    assert bead.source_spans == ((0, len(zh.sentences[5])),)
    assert bead.target_spans == ((0, len(en.sentences[5])),)
    assert 0 < bead.score < 1
