"""Charts for an offline evaluation: per-segment score distributions and, for several systems,
corpus scores side by side with their bootstrap confidence intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from quality.evaluation import LOWER_IS_BETTER, METRIC_LABELS, SEGMENT_METRICS, Evaluation
from text.errors import InputError


def plot_evaluation(evaluation: Evaluation, path: Path) -> None:
    """Writes the chart to `path` (format from its suffix, e.g. .png, .svg, .pdf)."""
    several = len(evaluation.systems) > 1
    # A bare Figure on the Agg canvas: no pyplot global state, no display needed.
    figure = Figure(figsize=(11, 8 if several else 4), layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2 if several else 1, len(SEGMENT_METRICS))
    for column, metric in enumerate(SEGMENT_METRICS):
        _distribution(figure.add_subplot(grid[0, column]), evaluation, metric)
    if several:
        _comparison(figure.add_subplot(grid[1, :]), evaluation)
    try:
        figure.savefig(path, dpi=110)
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: cannot write the plot ({error})") from None


def _distribution(axes, evaluation: Evaluation, metric: str) -> None:
    """Overlaid step histograms: where the segments' scores fall, one outline per system."""
    values = [np.asarray(system.segments[metric]) for system in evaluation.systems]
    top = max(100.0, float(max(v.max() for v in values)))
    bins = np.linspace(0.0, top, 26)
    for system, scores in zip(evaluation.systems, values, strict=True):
        *_, patches = axes.hist(scores, bins=bins, histtype="step", linewidth=1.5)
        median = float(np.median(scores))
        color = patches[0].get_edgecolor()
        axes.axvline(median, color=color, linestyle="--", linewidth=1)
        patches[0].set_label(f"{_label(system.name)} (median {median:.1f})")
    better = "lower" if metric in LOWER_IS_BETTER else "higher"
    axes.set(
        title=f"Per-segment {METRIC_LABELS[metric]} ({better} is better)",
        xlabel=METRIC_LABELS[metric],
        ylabel="segments",
    )
    axes.legend(fontsize="small")


def _comparison(axes, evaluation: Evaluation) -> None:
    """Grouped bars of corpus scores, with the bootstrap 95% CI as error bars when computed."""
    metrics = list(evaluation.signatures)
    width = 0.8 / len(evaluation.systems)
    positions = np.arange(len(metrics))
    for k, system in enumerate(evaluation.systems):
        heights = [system.scores[m] for m in metrics]
        errors = [system.bootstrap[m].ci for m in metrics] if system.bootstrap else None
        bars = axes.bar(positions + k * width, heights, width, yerr=errors, capsize=3)
        bars.set_label(_label(system.name))
        axes.bar_label(bars, fmt="%.1f", fontsize="x-small", padding=2)
    axes.set_xticks(positions + width * (len(evaluation.systems) - 1) / 2)
    axes.set_xticklabels(
        [METRIC_LABELS[m] + " (lower better)" * (m in LOWER_IS_BETTER) for m in metrics]
    )
    bootstrapped = evaluation.systems[0].bootstrap is not None
    title = "Corpus scores" + (" (error bars: bootstrap 95% CI)" if bootstrapped else "")
    axes.set(title=title, ylabel="score")
    axes.legend(fontsize="small")


def _label(name: str) -> str:
    """File name or model name without its directories: legends stay readable."""
    return Path(name).name or name
