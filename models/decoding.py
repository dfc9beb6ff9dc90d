"""Decoding options and hypotheses: the vocabulary shared by both backends, and their names."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from text.errors import InputError

BACKENDS = ("ct2", "transformers")


@dataclass(frozen=True)
class DecodingOptions:
    """How to search for a translation. The defaults are bitext's documented defaults.

    no_repeat_ngram_size=8 is the repetition guard: MarianMT can loop on noisy input ("the the
    the ..."); banning any repeated 8-token span ends every loop within a few tokens while
    leaving the legitimate repeats of real sentences (short phrases) alone.
    """

    beam_size: int = 4
    max_decoding_length: int = 512
    min_decoding_length: int = 0
    no_repeat_ngram_size: int = 8
    repetition_penalty: float = 1.0
    length_penalty: float = 1.0

    def __post_init__(self) -> None:
        if self.beam_size < 1:
            raise InputError(f"beam size must be at least 1, got {self.beam_size}")
        if not 0 <= self.min_decoding_length <= self.max_decoding_length:
            raise InputError(
                "decoding lengths must satisfy 0 <= min <= max, got "
                f"min={self.min_decoding_length} max={self.max_decoding_length}"
            )
        if self.no_repeat_ngram_size < 0 or self.repetition_penalty <= 0:
            raise InputError("no_repeat_ngram_size must be >= 0 and repetition_penalty > 0")

    def key(self) -> str:
        """Stable text form, used in the translation cache key."""
        return json.dumps(asdict(self), sort_keys=True)


@dataclass(frozen=True)
class Hypothesis:
    """One decoded sentence: target ids without special tokens and its log-probability."""

    ids: list[int]
    log_prob: float  # sum over the scored tokens
    length: int  # tokens scored: the ids, plus '</s>' when the model produced it
