"""Aligning a stored document: rank the candidates by topic, align the chosen ones, score pairs.

The encoder is loaded once, on first use, and shared by every job (and may be passed in loaded).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alignment.config import DEFAULT_CONFIG, AlignConfig
from service.jobs import AlignMode
from service.store import FoundPair, RankedDocument
from service.store.tables import Document, Translation
from service.translations import DocumentTranslations, StoredTranslations
from text.language import other_language

if TYPE_CHECKING:  # imported where used: loading them takes seconds
    from alignment import Bead, TopicMatch
    from quality import AlignmentScores


@dataclass(frozen=True)
class AlignmentResult:
    encoder: str
    ranking: list[RankedDocument]  # best first
    pairs: list[FoundPair]


class Aligner:
    def __init__(
        self,
        translations: DocumentTranslations,
        encoder_name: str,
        cache_dir: Path | None = None,
        encoder: object | None = None,
        config: AlignConfig = DEFAULT_CONFIG,
        memory_items: int = 50_000,
    ) -> None:
        """`encoder`: an already loaded alignment.Encoder to share; else loaded on first use,
        keeping `memory_items` embeddings in memory. `config`: every alignment knob (the
        settings' `align`)."""
        self._translations = translations
        self._config = config
        self._encoder_name = encoder_name
        self._cache_dir = cache_dir
        self._encoder = encoder
        self._encoder_lock = threading.Lock()
        self._memory_items = memory_items

    def encoder(self):
        with self._encoder_lock:
            if self._encoder is None:
                from alignment import load_encoder

                self._encoder = load_encoder(
                    self._encoder_name, cache_dir=self._cache_dir, memory_items=self._memory_items
                )
            return self._encoder

    def align(
        self,
        source: Document,
        candidates: dict[int, Document],
        requested: list[int] | None,
        mode: AlignMode,
        translated: StoredTranslations,
    ) -> AlignmentResult:
        """Align the source with the `requested` candidates, else with those sharing its topics.

        Every call into `alignment` and `quality` is here, so that one configuration reaches all.
        """
        from alignment import align_documents

        encoder = self.encoder()
        source_text = [s.text for s in source.sentences]
        target_text = {i: [s.text for s in d.sentences] for i, d in candidates.items()}
        target_lang = other_language(source.language)
        # The source's machine translation, when the model made one: both modes' chrF signal.
        rows = None  # the source's stored translation, one per sentence, when complete
        if translated.complete:
            rows = [translated.by_index[i] for i in range(len(source_text))]
        mt = [row.text for row in rows] if rows is not None else None
        ranking = self._rank(source, candidates, source_text, target_text, mt) if candidates else []
        chosen = requested or [m.document for m in ranking if m.shares_topics]
        # The ranking aligned every candidate in comparable mode already: its pairs are the
        # alignment, not to compute a second time.
        found = {m.document: m.beads for m in ranking} if mode == AlignMode.COMPARABLE else {}
        pairs: list[FoundPair] = []
        document_scores: dict[int, dict] = {}
        for target_id in chosen:
            target = target_text[target_id]
            beads = found.get(target_id)
            if beads is None:
                beads = align_documents(
                    source_text,
                    target,
                    mode=mode,
                    encoder=encoder,
                    src_lang=source.language,
                    tgt_lang=target_lang,
                    src_flags=flags(source),
                    tgt_flags=flags(candidates[target_id]),
                    translations=mt,
                    config=self._config,
                )
            beads = [b for b in beads if b.source and b.target]
            scored = self._scored(source_text, target, beads, target_lang, mode, rows)
            pairs += _found_pairs(target_id, beads, scored)
            document_scores[target_id] = _document_scores(beads, scored, source_text, target)
        return AlignmentResult(encoder.name, _ranked(ranking, chosen, document_scores), pairs)

    def _rank(
        self,
        source: Document,
        candidates: dict[int, Document],
        source_text: list[str],
        target_text: dict[int, list[str]],
        mt: list[str] | None,
    ) -> list[TopicMatch]:
        from alignment import rank_documents

        return rank_documents(
            source_text,
            target_text,
            encoder=self.encoder(),
            source_lang=source.language,
            target_lang=other_language(source.language),
            source_flags=flags(source),
            candidate_flags={i: flags(d) for i, d in candidates.items()},
            translations=mt,
            config=self._config,
        )

    def _scored(
        self,
        source: list[str],
        target: list[str],
        beads: list[Bead],
        target_lang: str,
        mode: AlignMode,
        translated: list[Translation] | None,
    ) -> AlignmentScores | None:
        """The pairs' quality scores against `translated` (the source's stored translation, one
        per sentence); None without it."""
        if translated is None:
            return None
        from quality import score_alignment

        return score_alignment(
            source,
            target,
            beads,
            translated,
            back_translator=self._translations.translator_or_none(
                target_lang, other_language(target_lang)
            ),
            lang=target_lang,
            reference="human" if mode == AlignMode.PARALLEL else "pseudo",
        )


def _found_pairs(
    target_id: int, beads: Sequence[Bead], scored: AlignmentScores | None
) -> list[FoundPair]:
    """Each bead with its scores: none without translations, a round-trip chrF among them when
    the reverse model is there too."""
    if scored is None:
        scores = [None] * len(beads)
    else:
        scores = [p.to_dict() if p else None for p in scored.pairs]
    return [
        FoundPair(
            target_id,
            list(bead.source),
            list(bead.target),
            float(bead.score),
            pair_scores,
            bead.grade,
            _spans(bead.source_spans, bead.grade),
            _spans(bead.target_spans, bead.grade),
        )
        for bead, pair_scores in zip(beads, scores, strict=True)
    ]


def _spans(spans: Sequence[tuple[int, int]], grade: str | None) -> list[list[int]] | None:
    """As stored: JSON lists; None where the mode finds no spans (parallel beads have no grade)."""
    return None if grade is None else [[int(start), int(end)] for start, end in spans]


def flags(document: Document) -> list[str | None]:
    """The boilerplate kinds flagged at ingest, one a sentence."""
    return [s.boilerplate for s in document.sentences]


def _document_scores(
    beads: Sequence[Bead], scored: AlignmentScores | None, source: list[str], target: list[str]
) -> dict:
    """The document pair's scores. Translation quality needs every source sentence translated;
    without the model only the coverage is known."""
    if scored is not None:
        return {k: v for k, v in scored.to_dict().items() if k != "pairs"}
    from quality import coverage

    return {"coverage": coverage(beads, len(source), len(target)).to_dict()}


def _ranked(
    ranking: Sequence[TopicMatch], chosen: list[int], scores: dict[int, dict]
) -> list[RankedDocument]:
    """The topic ranking, best first, as stored."""
    return [
        RankedDocument(
            document_id=match.document,
            topic_score=float(match.score),
            shares_topics=bool(match.shares_topics),
            aligned=match.document in chosen,
            scores=scores.get(match.document),
        )
        for match in ranking
    ]
