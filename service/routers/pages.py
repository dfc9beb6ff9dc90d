"""Server-rendered HTML: the corpus, one document, and the side-by-side view of an alignment."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context

from service.dependencies import AlignmentsDep, StoreDep, TranslationsDep
from service.jobs import AlignMode, JobStatus
from service.schemas import IdInPath, MinScore
from service.views import BANDS, GRADES, comparable_view, side_by_side


def number(value: float | None, digits: int = 2) -> str:
    """A score for display; a dash where there is none (no model, nothing aligned)."""
    return "–" if value is None else f"{value:.{digits}f}"


@pass_context
def url_for(context: dict, name: str, /, **path_params: object) -> str:
    """A link as a path on this server: never built from the Host header, which the client
    chooses (Starlette's url_for would write `Host: evil.example` into every link)."""
    return str(context["request"].app.url_path_for(name, **path_params))


ENVIRONMENT = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=True,  # every piece of text is escaped, whatever the template's name
)
ENVIRONMENT.filters["number"] = number
ENVIRONMENT.globals.update(JobStatus=JobStatus, AlignMode=AlignMode, GRADES=GRADES, url_for=url_for)
TEMPLATES = Jinja2Templates(env=ENVIRONMENT)

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def corpus(request: Request, store: StoreDep) -> HTMLResponse:
    documents = store.documents.summaries()
    return TEMPLATES.TemplateResponse(
        request,
        "corpus.html",
        {
            "documents": documents,
            "alignments": store.alignments.all(),
            "titles": {d.id: d.title for d in documents},
        },
    )


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(
    request: Request, document_id: IdInPath, store: StoreDep, translations: TranslationsDep
) -> HTMLResponse:
    document = store.documents.get(document_id)
    return TEMPLATES.TemplateResponse(
        request,
        "document.html",
        {
            "document": document,
            "translations": translations.shown(document),
            "topic_links": store.alignments.topic_links(document_id),
        },
    )


@router.get("/alignments/{alignment_id}", response_class=HTMLResponse)
def alignment_page(
    request: Request,
    alignment_id: IdInPath,
    alignments: AlignmentsDep,
    min_score: MinScore = 0.0,
) -> HTMLResponse:
    """Comparable alignments show their pairs first (views.comparable_view), parallel ones
    every sentence in order (views.side_by_side)."""
    report = alignments.report(alignment_id).at_least(min_score)
    comparable = report.alignment.mode == AlignMode.COMPARABLE
    rows = side_by_side(report) if report.done and not comparable else []
    return TEMPLATES.TemplateResponse(
        request,
        "alignment.html",
        {
            "report": report,
            "rows": rows,
            "view": comparable_view(report) if report.done and comparable else None,
            "min_score": min_score,
            "aligned_rows": sum(row.aligned for row in rows),
            "bands": BANDS[report.alignment.mode],
        },
    )
