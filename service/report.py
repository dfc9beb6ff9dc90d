"""An alignment with the texts it refers to: what the JSON API, exports and HTML view show."""

from __future__ import annotations

from dataclasses import dataclass, replace

from service.jobs import JobStatus
from service.schemas import PairOut
from service.store import Store
from service.store.tables import Alignment, AlignmentPair, Document
from service.translations import DocumentTranslations, StoredTranslations
from text.language import other_language
from text.segment import join_sentences


@dataclass(frozen=True)
class PairText:
    pair: AlignmentPair
    source_text: str
    target_text: str
    translation: str | None  # machine translation of the source side, when the model exists

    def record(self) -> PairOut:
        """The pair as the API's `pairs` items and the JSONL export's lines show it."""
        return PairOut(
            source=self.pair.source,
            target=self.pair.target,
            target_document=self.pair.target_document_id,
            score=self.pair.score,
            source_text=self.source_text,
            target_text=self.target_text,
            translation=self.translation,
            scores=self.pair.scores,
            grade=self.pair.grade,
            source_spans=self.pair.source_spans,
            target_spans=self.pair.target_spans,
        )


@dataclass(frozen=True)
class AlignmentReport:
    alignment: Alignment
    source: Document
    documents: dict[int, Document]  # the source and every ranked candidate
    translations: StoredTranslations
    pairs: list[PairText]

    @property
    def done(self) -> bool:
        return self.alignment.status == JobStatus.DONE

    def at_least(self, min_score: float) -> AlignmentReport:
        """The same report with only the pairs scoring `min_score` or more."""
        return replace(self, pairs=[p for p in self.pairs if p.pair.score >= min_score])

    def title(self, document_id: int) -> str:
        return self.documents[document_id].title

    def unaligned_target(self, document_id: int) -> list[int]:
        aligned = {
            i for p in self.pairs if p.pair.target_document_id == document_id for i in p.pair.target
        }
        return [s.index for s in self.documents[document_id].sentences if s.index not in aligned]


def joined(document: Document, indices: list[int]) -> str:
    """The sentences of a bead side as one text, written the way the document's language does."""
    return join_sentences([document.sentences[i].text for i in indices], document.language)


def load_report(
    store: Store, translations: DocumentTranslations, alignment_id: int
) -> AlignmentReport:
    alignment = store.alignments.get(alignment_id)
    ids = {alignment.source_document_id, *(c.document_id for c in alignment.candidates)}
    ids |= set(alignment.requested_targets or [])
    documents = store.documents.get_many(sorted(ids))
    source = documents[alignment.source_document_id]
    stored = translations.stored(source)
    pairs = [
        PairText(
            pair=pair,
            source_text=joined(source, pair.source),
            target_text=joined(documents[pair.target_document_id], pair.target),
            translation=(
                join_sentences(
                    [stored.by_index[i].text for i in pair.source],
                    other_language(source.language),
                )
                if all(i in stored.by_index for i in pair.source)
                else None
            ),
        )
        for pair in alignment.pairs
    ]
    return AlignmentReport(alignment, source, documents, stored, pairs)
