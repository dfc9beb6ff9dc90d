"""Translation quality scores: per aligned pair, per document pair, offline per test set and system.

Plain functions returning frozen dataclasses with `to_dict()`; sacrebleu stays an implementation
detail.
"""

from quality.aligned import AlignmentScores, score_alignment
from quality.bootstrap import Resampled, paired_bootstrap
from quality.document import (
    Coverage,
    Distribution,
    DocumentScores,
    coverage,
    score_document,
    summarize,
)
from quality.evaluation import Evaluation, SystemScores, evaluate, format_table
from quality.pairs import PairScorer, PairScores, roundtrip_chrf, score_pair
from quality.textfile import read_lines, read_parallel

__all__ = [
    "AlignmentScores",
    "Coverage",
    "Distribution",
    "DocumentScores",
    "Evaluation",
    "PairScorer",
    "PairScores",
    "Resampled",
    "SystemScores",
    "coverage",
    "evaluate",
    "format_table",
    "paired_bootstrap",
    "read_lines",
    "read_parallel",
    "roundtrip_chrf",
    "score_alignment",
    "score_document",
    "score_pair",
    "summarize",
]
