"""Request and response bodies at the HTTP edge (pydantic), one schema per concept: static shape
rules here, the limits that depend on Settings in service/limits.py.

Response schemas read the store's objects by attribute (`from_attributes`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from service.jobs import AlignMode, JobStatus
from text.errors import lone_surrogate
from text.html import TextFormat

Language = Literal["zh", "en"]

# Ids are 64-bit integers wherever the API takes one: anything larger is a 422, not a database
# overflow.
MAX_ID = 2**63 - 1
StoredId = Annotated[int, Field(strict=True, ge=-MAX_ID - 1, le=MAX_ID)]  # true is not 1
IdInPath = Annotated[int, Path(ge=-MAX_ID - 1, le=MAX_ID, description="A 64-bit id.")]
MinScore = Annotated[
    float,
    Query(
        ge=0.0,
        le=1.0,
        allow_inf_nan=False,
        description="Only the pairs scoring at least this, 0 to 1 (a comparable pair's score is "
        "the share of right pairs at that score).",
    ),
]
# [start, end): character offsets of a matched stretch of a sentence.
Span = tuple[int, int]


def _storable(text: str) -> str:
    """Refuse NUL characters (tokenizers and PostgreSQL text columns do not take them) and lone
    surrogates (not Unicode: no UTF-8 encoder, database or cache takes them)."""
    if "\x00" in text:
        raise ValueError("the text contains a NUL character")
    if problem := lone_surrogate(text):
        raise ValueError(f"the text is {problem}")
    return text


Text = Annotated[str, AfterValidator(_storable)]


class Problem(BaseModel):
    """One thing wrong with a request, where it is (`body.text[1]`, `path.document_id`)."""

    field: str
    message: str


class ErrorOut(BaseModel):
    """Every error the API answers, whatever its status: `detail` says what is wrong in words."""

    detail: str
    problems: list[Problem] = Field(
        default=[], description="For 422 answers: each invalid field with its message."
    )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FromAttributes(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TranslateRequest(Strict):
    text: Text | list[Text]
    source: Language = "zh"
    target: Language = "en"
    beam: int | None = Field(default=None, strict=True, ge=1)
    format: TextFormat = "text"

    def texts(self) -> list[str]:
        return [self.text] if isinstance(self.text, str) else self.text


class SentenceTranslation(FromAttributes):
    source: str
    text: str
    confidence: float


class TextTranslation(FromAttributes):
    text: str
    sentences: list[SentenceTranslation]


class TranslateResponse(BaseModel):
    translations: list[TextTranslation]
    model: str


class DocumentRequest(Strict):
    text: Text = Field(min_length=1)
    language: Language | None = None
    title: Text | None = Field(default=None, max_length=500)


class DocumentSummary(FromAttributes):
    id: int
    title: str
    language: str
    sentences: int


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class SentenceOut(BaseModel):
    index: int
    paragraph: int
    text: str
    translation: SentenceTranslation | None = None
    boilerplate: str | None = Field(
        default=None,
        description="The sentence's boilerplate kind (byline, credit, date, navigation, footer, "
        "repeated): kept and numbered, never paired in comparable mode. None: content.",
    )


class DocumentOut(BaseModel):
    id: int
    title: str
    language: str
    created: bool = False
    sentences: list[SentenceOut]
    translation_model: str | None = None
    translation_status: str | None = Field(
        default=None, description="For Chinese documents: why translations are absent, if they are."
    )


class AlignmentRequest(Strict):
    source_document: StoredId
    target_documents: list[StoredId] | None = None
    mode: AlignMode = AlignMode.COMPARABLE


class AlignmentCreated(FromAttributes):
    id: int
    status: JobStatus


class TopicRank(BaseModel):
    document: int
    title: str
    score: float
    shares_topics: bool
    aligned: bool
    scores: dict | None = None


class PairOut(BaseModel):
    source: list[int]
    target: list[int]
    target_document: int
    score: float
    source_text: str
    target_text: str
    translation: str | None = None
    scores: dict | None = None
    grade: Literal["same", "partial"] | None = Field(
        default=None,
        description="Comparable pairs: `same` when the sentences say essentially the same thing, "
        "`partial` when they share a clause-level proposition. None in parallel mode.",
    )
    source_spans: list[Span] | None = Field(
        default=None, description="Comparable pairs: the matched [start, end) of `source_text`."
    )
    target_spans: list[Span] | None = Field(
        default=None, description="Comparable pairs: the matched [start, end) of `target_text`."
    )


class AlignmentOut(BaseModel):
    id: int
    status: JobStatus
    error: str | None = None
    mode: AlignMode
    source_document: int
    target_documents: list[int] | None
    encoder: str | None = None
    model: str | None = None
    topics: list[TopicRank] = []
    pairs: list[PairOut] = []


class ModelsOut(BaseModel):
    models: list[dict]
