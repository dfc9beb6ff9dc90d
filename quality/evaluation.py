"""Offline evaluation of one or more systems on a test set: the library behind `bitext eval`.

Scores equal sacrebleu's CLI on the same files; with several systems, paired bootstrap resampling
against the first one says which differences are real.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quality.bootstrap import DEFAULT_SAMPLES, DEFAULT_SEED, Resampled, paired_bootstrap
from quality.metrics import offline_metrics
from text.errors import InputError

METRIC_LABELS = {"bleu": "BLEU", "chrf": "chrF", "chrf++": "chrF++", "ter": "TER"}
LOWER_IS_BETTER = frozenset({"ter"})
SEGMENT_METRICS = ("chrf", "ter")
"""Metrics whose per-segment scores mean something alone (corpus BLEU per segment is mostly 0)."""


@dataclass(frozen=True)
class SystemScores:
    name: str
    scores: dict[str, float]
    bootstrap: dict[str, Resampled] | None
    segments: dict[str, list[float]]
    """Per-segment scores for SEGMENT_METRICS, for distribution plots (not serialised)."""

    def to_dict(self, width: int | None = None) -> dict:
        out: dict = {"name": self.name}
        out.update({name: _round(score, width) for name, score in self.scores.items()})
        if self.bootstrap is not None:
            out["bootstrap"] = {
                name: {
                    "mean": _round(r.mean, width),
                    "ci": _round(r.ci, width),
                    "p_value": r.p_value,
                }
                for name, r in self.bootstrap.items()
            }
        return out


@dataclass(frozen=True)
class Evaluation:
    systems: list[SystemScores]
    signatures: dict[str, str]

    def to_dict(self, width: int | None = None) -> dict:
        return {
            "systems": [system.to_dict(width) for system in self.systems],
            "signatures": self.signatures,
        }


def _round(value: float, width: int | None) -> float:
    return value if width is None else round(value, width)


def evaluate(
    references: Sequence[Sequence[str]],
    systems: Sequence[tuple[str, Sequence[str]]],
    *,
    tokenize: str = "13a",
    n_bootstrap: int = DEFAULT_SAMPLES,
    seed: int | None = DEFAULT_SEED,
) -> Evaluation:
    """Corpus BLEU, chrF, chrF++ and TER of each (name, hypotheses) system against the references.

    `n_bootstrap` > 0 adds resampled means and 95% CIs (and, after the first system, p-values);
    the signatures then record the sample count and seed, as sacrebleu's do.
    """
    if not systems or not references:
        raise InputError("evaluation needs at least one reference and one system")
    n_segments = len(references[0])
    if any(len(stream) != n_segments for stream in references):
        raise InputError("the references differ in line count")
    for name, hypotheses in systems:
        if len(hypotheses) != n_segments:
            raise InputError(
                f"{name} has {len(hypotheses)} lines but the reference has {n_segments}"
            )

    scores: list[dict[str, float]] = [{} for _ in systems]
    segments: list[dict[str, list[float]]] = [{} for _ in systems]
    bootstrap: list[dict[str, Resampled]] = [{} for _ in systems]
    signatures: dict[str, str] = {}
    for metric in offline_metrics(tokenize):
        statistics = [metric.statistics(hypotheses, references) for _, hypotheses in systems]
        corpus = [metric.from_statistics(stats) for stats in statistics]
        for k, stats in enumerate(statistics):
            scores[k][metric.name] = corpus[k]
            if metric.name in SEGMENT_METRICS:
                segments[k][metric.name] = metric.segment_scores(stats)
        if n_bootstrap > 0:
            resampled = paired_bootstrap(
                metric, statistics, corpus, n_samples=n_bootstrap, seed=seed
            )
            for k, result in enumerate(resampled):
                bootstrap[k][metric.name] = result
            signatures[metric.name] = metric.signature(bs=n_bootstrap, seed=str(seed).lower())
        else:
            signatures[metric.name] = metric.signature()
    return Evaluation(
        systems=[
            SystemScores(name, scores[k], bootstrap[k] if n_bootstrap > 0 else None, segments[k])
            for k, (name, _) in enumerate(systems)
        ],
        signatures=signatures,
    )


def format_table(evaluation: Evaluation, width: int = 1) -> str:
    """Aligned text table: score, then (bootstrap mean ± 95% CI, p-value) with * where p < 0.05."""

    def cell(system: SystemScores, metric: str) -> str:
        text = f"{system.scores[metric]:.{width}f}"
        if system.bootstrap is None:
            return text
        r = system.bootstrap[metric]
        text += f" ({r.mean:.{width}f} ± {r.ci:.{width}f}"
        if r.p_value is None:
            return text + ")"
        return text + f", p = {r.p_value:.4f})" + ("*" if r.p_value < 0.05 else "")

    metrics = list(evaluation.signatures)
    header = ["System", *(METRIC_LABELS[m] for m in metrics)]
    rows = [[system.name, *(cell(system, m) for m in metrics)] for system in evaluation.systems]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(value.ljust(w) for value, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.extend(
        f"{METRIC_LABELS[m]}: {signature}" for m, signature in evaluation.signatures.items()
    )
    if len(evaluation.systems) > 1 and evaluation.systems[0].bootstrap is not None:
        lines.append(
            f"p-values: paired bootstrap against {evaluation.systems[0].name};"
            " * marks a difference significant at p < 0.05"
        )
    return "\n".join(lines)
