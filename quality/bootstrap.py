"""Paired bootstrap resampling (Koehn 2004), computed exactly as `sacrebleu --paired-bs`.

Every system is scored on the same resampled test sets, so the p-value asks whether a system's
difference from the baseline is larger than resampling noise alone. The seed is an argument, not an
environment variable, so one call is reproducible on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from quality.metrics import Metric

DEFAULT_SAMPLES = 1000
DEFAULT_SEED = 12345  # sacrebleu's default, so unseeded runs of both tools agree


@dataclass(frozen=True)
class Resampled:
    mean: float
    ci: float
    """Half-width of the 95% confidence interval around `mean`."""
    p_value: float | None
    """Against the baseline (the first system); None for the baseline itself."""


def resample_indices(n_segments: int, n_samples: int, seed: int | None) -> np.ndarray:
    """Rows of segment indices drawn with replacement: one row per resampled test set."""
    rng = np.random.default_rng(seed)
    return rng.choice(n_segments, size=(n_samples, n_segments), replace=True)


def confidence_interval(scores: np.ndarray) -> tuple[float, float]:
    """Mean and 95% half-width from the 2.5th and 97.5th percentile resamples."""
    ordered = np.sort(scores)
    lower = len(ordered) // 40
    upper = len(ordered) - lower - 1
    return float(ordered.mean()), float(0.5 * (ordered[upper] - ordered[lower]))


def paired_bootstrap(
    metric: Metric,
    statistics: Sequence[list[list[float]]],
    scores: Sequence[float],
    *,
    n_samples: int = DEFAULT_SAMPLES,
    seed: int | None = DEFAULT_SEED,
) -> list[Resampled]:
    """One result per system, the first being the baseline.

    `statistics[k]` and `scores[k]` are system k's per-segment statistics and corpus score.
    """
    samples = resample_indices(len(statistics[0]), n_samples, seed)
    baseline = metric.resample(statistics[0], samples)
    results = [Resampled(*confidence_interval(baseline), p_value=None)]
    for stats, score in zip(statistics[1:], scores[1:], strict=True):
        system = metric.resample(stats, samples)
        differences = np.abs(system - baseline)
        centred = differences - differences.mean()
        exceed = int(np.sum(centred > abs(scores[0] - score)))
        results.append(
            Resampled(*confidence_interval(system), p_value=(exceed + 1) / (n_samples + 1))
        )
    return results
