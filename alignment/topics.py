"""Which documents share topics: documents that share specific propositions, as a reader judges.

A mean-similarity topic vector was measured and replaced: e5's document centroids put every
pair of news articles (and most chapters of novels) close together, and on the seeds it called
only one of the four English articles on 001's subject related. Here a candidate shares topics
with the source when comparable alignment (alignment.comparable: clause embeddings, CC-CEDICT
terms, names and numbers, hub-corrected) finds pairs in it: the topic mass is the sum of the
reported pairs' scores, i.e. the expected number of right pairs, since a score is the share of
right pairs measured at that score.

Unrelated documents still yield a few chance pairs, more the longer they are: between chapters
of different mac-dev novels the mass measured a median 0.006 per sentence of the shorter
document (0-0.016, 30 pairs of chapters). A candidate shares topics when its mass reaches
`margin` times that chance mass (3: above every unrelated pair measured), and at least
`min_mass` (`AlignConfig.topics`): bar = max(min_mass, margin x chance x min(n, m));
score = mass / (mass + bar) in [0, 1), so shares topics <=> score >= 0.5.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from alignment.beads import Bead
from alignment.comparable import align_comparable
from alignment.config import DEFAULT_CONFIG, AlignConfig
from alignment.embed import Encoder
from text.language import detect_language

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class TopicMatch(Generic[K]):
    document: K
    score: float
    shares_topics: bool
    mass: float = 0.0  # expected number of right pairs (sum of the pairs' scores)
    beads: tuple[Bead, ...] = ()  # the comparable pairs found: the alignment, not to redo

    @property
    def pairs(self) -> int:
        return len(self.beads)


def rank_documents(
    source: Sequence[str],
    candidates: Mapping[K, Sequence[str]],
    *,
    encoder: Encoder,
    source_lang: str | None = None,
    target_lang: str | None = None,
    source_flags: Sequence[str | None] | None = None,
    candidate_flags: Mapping[K, Sequence[str | None]] | None = None,
    translations: Sequence[str] | None = None,
    config: AlignConfig = DEFAULT_CONFIG,
) -> list[TopicMatch[K]]:
    """Candidates best first, each with a score in [0, 1), whether it shares topics, and the
    comparable pairs that decided it.

    source_lang, target_lang: the languages of the source and of every candidate (detected from
    the text when None). source_flags, candidate_flags: boilerplate kinds per sentence, as
    flagged at ingest (text.boilerplate; flagged here when None). translations: the source's
    sentences machine-translated into the candidates' language (adds the chrF signal).
    """
    if not source:
        return [TopicMatch(key, 0.0, False) for key in candidates]
    source_lang = source_lang or detect_language(" ".join(source))
    matches = []
    for key, sentences in candidates.items():
        if not sentences:
            matches.append(TopicMatch(key, 0.0, False))
            continue
        beads = align_comparable(
            source,
            sentences,
            encoder=encoder,
            src_lang=source_lang,
            tgt_lang=target_lang or detect_language(" ".join(sentences)),
            src_flags=source_flags,
            tgt_flags=(candidate_flags or {}).get(key),
            translations=translations,
            config=config,
        )
        mass = sum(b.score for b in beads)
        chance = config.topics.chance * min(len(source), len(sentences))
        bar = max(config.topics.min_mass, config.topics.margin * chance)
        score = mass / (mass + bar)
        matches.append(TopicMatch(key, score, score >= 0.5, mass, tuple(beads)))
    return sorted(matches, key=lambda match: -match.score)
