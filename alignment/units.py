"""A document's units for comparable mode: its content clauses, and its whole sentences.

Boilerplate sentences (text.boilerplate: bylines, photo credits, navigation, footers, repeated
blocks, and sentences that report who attended a meeting) and boilerplate clauses (a date
lead-in) have no units, so they are never paired; everything else is cut into clauses
(alignment.clauses, enumerations kept whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alignment.clauses import Clause, clauses
from alignment.config import DEFAULT_CONFIG, ClauseConfig
from text.boilerplate import (
    BoilerplateConfig,
    flag_boilerplate,
    reports_attendance,
    sentence_kind,
)


@dataclass(frozen=True)
class Side:
    """One document's alignable clauses (boilerplate left out) and their texts."""

    sentences: Sequence[str]
    clauses: list[Clause]
    texts: list[str]

    @classmethod
    def of(
        cls,
        sentences: Sequence[str],
        lang: str,
        flags: Sequence[str | None] | None,
        config: ClauseConfig,
        boilerplate: BoilerplateConfig = DEFAULT_CONFIG.boilerplate,
    ) -> Side:
        """The clauses of the unflagged sentences, less those that are boilerplate themselves
        (a date or byline lead-in: "[导读] 2月19日下午,", "date 2023-02-10 Recently,") and the
        sentences that report who attended a meeting."""
        flags = flag_boilerplate(sentences, lang, boilerplate) if flags is None else flags
        content = [
            f is None and not reports_attendance(s, lang)
            for s, f in zip(sentences, flags, strict=True)
        ]
        kept = [
            c
            for c in clauses(sentences, lang, config)
            if content[c.sentence]
            and sentence_kind(sentences[c.sentence][c.start : c.end], lang, boilerplate) is None
        ]
        return cls(sentences, kept, [sentences[c.sentence][c.start : c.end] for c in kept])

    def whole(self) -> Side:
        """The same sentences as units, each from its first kept clause to its last."""
        first: dict[int, Clause] = {}
        for c in self.clauses:
            start = first.setdefault(c.sentence, c).start
            first[c.sentence] = Clause(c.sentence, start, c.end)
        units = list(first.values())
        return Side(
            self.sentences, units, [self.sentences[c.sentence][c.start : c.end] for c in units]
        )

    @property
    def owner(self) -> np.ndarray:
        return np.array([c.sentence for c in self.clauses], dtype=np.int64)
