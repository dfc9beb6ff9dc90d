"""The service's business logic, outside the web layer: ingest, segment, translate, align, score.

Every step reads and writes through the `Store`, so what is done once (a document's translation,
an alignment and its scores) is kept and reused after a restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from service.errors import NotStored
from service.jobs import AlignMode, JobStatus
from service.metrics import Metrics
from service.store import FoundPair, RankedDocument, Store
from service.store.tables import Document, Translation
from text.errors import InputError, ModelUnavailable
from text.language import detect_language, other_language
from text.segment import split_lines

log = logging.getLogger("bitext.pipeline")

# (source language, target language) -> a loaded translator; raises ModelUnavailable.
TranslatorFor = Callable[[str, str], object]


def default_title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= 120 else first[:119] + "…"


@dataclass(frozen=True)
class StoredTranslations:
    model: str | None  # None: no model for this direction
    by_index: dict[int, Translation]
    status: str | None  # None when complete; "translating"; or the missing model's one-line fix

    @property
    def complete(self) -> bool:
        return self.status is None


class Pipeline:
    """Ingests documents and computes alignments; thread-safe (web threads and the worker)."""

    def __init__(
        self,
        store: Store,
        translator_for: TranslatorFor,
        encoder_name: str,
        cache_dir: Path | None = None,
        encoder: object | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """`encoder`: an already loaded alignment.Encoder to share; else loaded on first use."""
        self.metrics = metrics
        self.store = store
        self.translator_for = translator_for
        self.encoder_name = encoder_name
        self.cache_dir = cache_dir
        self._encoder = encoder
        self._encoder_lock = threading.Lock()

    # -- ingest ------------------------------------------------------------------------------

    def ingest(
        self, text: str, language: str | None = None, title: str | None = None
    ) -> tuple[Document, bool]:
        """Segment and store a document in one transaction; (document, newly created)."""
        if not text.strip():
            raise InputError("the document is empty")
        language = language or detect_language(text)
        sentences = [
            (line, sentence)
            for line, line_sentences in enumerate(split_lines(text, language))
            for sentence in line_sentences
        ]
        return self.store.documents.add(
            title=(title or "").strip() or default_title(text),
            language=language,
            text=text,
            sentences=sentences,
        )

    def ingest_directory(self, directory: Path) -> list[Document]:
        """Ingest every *.txt file (seeds); files already stored are skipped. Returns new ones."""
        created = []
        for path in sorted(directory.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if not text.strip():
                continue
            document, new = self.ingest(text, title=default_title(text))
            if new:
                created.append(document)
        return created

    # -- translation -------------------------------------------------------------------------

    def _translator_or_none(self, source: str, target: str):
        try:
            return self.translator_for(source, target)
        except ModelUnavailable:
            return None

    def translations_of(self, document: Document) -> StoredTranslations:
        """What is stored for the document by the current model, or why nothing can be."""
        try:
            translator = self.translator_for(document.language, other_language(document.language))
        except ModelUnavailable as error:
            return StoredTranslations(None, {}, str(error))
        done = self.store.translations.of_document(document.id, translator.model)
        pending = len(done) < len(document.sentences)
        return StoredTranslations(translator.model, done, "translating" if pending else None)

    def translate_document(self, document_id: int) -> StoredTranslations:
        """Translate the sentences the current model has not translated yet, and store them."""
        document = self.store.documents.get(document_id)
        stored = self.translations_of(document)
        missing = [s for s in document.sentences if s.index not in stored.by_index]
        direction = f"{document.language}-{other_language(document.language)}"
        if self.metrics and stored.model:
            self.metrics.cache_hits.labels(direction).inc(len(stored.by_index))
        if stored.model is None or not missing:
            return stored
        translator = self.translator_for(document.language, other_language(document.language))
        results = translator.translate_batch([s.text for s in missing])
        if self.metrics:
            self.metrics.count_translated(document.language, translator.target_lang, results)
        self.store.translations.save(
            translator.model,
            [(s.id, r.text, r.confidence) for s, r in zip(missing, results, strict=True)],
        )
        return self.translations_of(document)

    # -- alignment ---------------------------------------------------------------------------

    def encoder(self):
        with self._encoder_lock:
            if self._encoder is None:
                from alignment import load_encoder

                self._encoder = load_encoder(self.encoder_name, cache_dir=self.cache_dir)
            return self._encoder

    def check_alignment_request(self, source_id: int, targets: Sequence[int] | None) -> None:
        """Raise NotStored (unknown id) or InputError (wrong language) before queueing."""
        documents = self.store.documents.get_many([source_id, *(targets or [])])
        missing = [i for i in [source_id, *(targets or [])] if i not in documents]
        if missing:
            raise NotStored(f"no document with id {missing[0]}")
        source = documents[source_id]
        for target in targets or []:
            if target == source_id or documents[target].language == source.language:
                raise InputError(
                    f"target document {target} must be in {other_language(source.language)!r}, "
                    f"the other language of source document {source_id}"
                )

    def run_alignment(self, alignment_id: int) -> None:
        """Worker job: rank, align, translate and score; the outcome is recorded in the store."""
        self.store.alignments.set_status(alignment_id, JobStatus.RUNNING)
        try:
            self._align(alignment_id)
        except Exception as error:  # recorded for the user, who sees status "failed"
            log.exception("alignment %s failed", alignment_id)
            self.store.alignments.set_status(
                alignment_id, JobStatus.FAILED, f"{type(error).__name__}: {error}"
            )

    def _align(self, alignment_id: int) -> None:
        from alignment import rank_documents

        alignment = self.store.alignments.get(alignment_id)
        source = self.store.documents.get(alignment.source_document_id)
        candidate_ids = alignment.requested_targets or [
            d.id for d in self.store.documents.summaries(other_language(source.language))
        ]
        candidates = self.store.documents.get_many(candidate_ids)
        source_text = [s.text for s in source.sentences]
        target_text = {i: [s.text for s in d.sentences] for i, d in candidates.items()}
        encoder = self.encoder()
        ranking = (
            rank_documents(
                source_text,
                target_text,
                encoder=encoder,
                source_lang=source.language,
                target_lang=other_language(source.language),
            )
            if target_text
            else []
        )
        chosen = alignment.requested_targets or [m.document for m in ranking if m.shares_topics]
        translated = self.translate_document(source.id)

        pairs: list[FoundPair] = []
        document_scores: dict[int, dict] = {}
        for target_id in chosen:
            target_pairs, document_scores[target_id] = self._align_document(
                source_text,
                target_text[target_id],
                target_id,
                candidates[target_id].language,
                encoder,
                alignment.mode,
                translated,
            )
            pairs += target_pairs
        ranked = [
            RankedDocument(
                document_id=match.document,
                topic_score=float(match.score),
                shares_topics=bool(match.shares_topics),
                aligned=match.document in chosen,
                scores=document_scores.get(match.document),
            )
            for match in ranking
        ]
        self.store.alignments.finish(
            alignment_id,
            encoder=encoder.name,
            model=translated.model,
            ranking=ranked,
            pairs=pairs,
        )

    def _align_document(
        self,
        source: list[str],
        target: list[str],
        target_id: int,
        target_lang: str,
        encoder: object,
        mode: AlignMode,
        translated: StoredTranslations,
    ) -> tuple[list[FoundPair], dict]:
        """Pairs (beads with both sides) with their scores, and the document pair's scores.

        Translation quality needs every source sentence translated; without the model only the
        coverage is known. With the reverse model too, pairs get a round-trip chrF.
        """
        from alignment import align_comparable, align_parallel
        from quality import coverage, score_alignment

        if mode == AlignMode.PARALLEL:
            source_lang = other_language(target_lang)
            beads = align_parallel(
                source, target, encoder=encoder, src_lang=source_lang, tgt_lang=target_lang
            )
        else:
            beads = align_comparable(source, target, encoder=encoder)
        beads = [b for b in beads if b.source and b.target]
        if translated.complete:
            scored = score_alignment(
                source,
                target,
                beads,
                [translated.by_index[i] for i in range(len(source))],
                back_translator=self._translator_or_none(target_lang, other_language(target_lang)),
                lang=target_lang,
                reference="human" if mode == AlignMode.PARALLEL else "pseudo",
            )
            pair_scores = [p.to_dict() if p else None for p in scored.pairs]
            document = {k: v for k, v in scored.to_dict().items() if k != "pairs"}
        else:
            pair_scores = [None] * len(beads)
            document = {"coverage": coverage(beads, len(source), len(target)).to_dict()}
        pairs = [
            FoundPair(
                target_document_id=target_id,
                source=list(bead.source),
                target=list(bead.target),
                score=float(bead.score),
                scores=scores,
            )
            for bead, scores in zip(beads, pair_scores, strict=True)
        ]
        return pairs, document
