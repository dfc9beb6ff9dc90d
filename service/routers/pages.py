"""Server-rendered HTML: the corpus, one document, and the side-by-side view of an alignment."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from service.dependencies import ServicesDep
from service.jobs import AlignMode, JobStatus
from service.report import load_report
from service.views import HIGH, MEDIUM, side_by_side


def number(value: float | None, digits: int = 2) -> str:
    """A score for display; a dash where there is none (no model, nothing aligned)."""
    return "–" if value is None else f"{value:.{digits}f}"


ENVIRONMENT = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=True,  # every piece of text is escaped, whatever the template's name
)
ENVIRONMENT.filters["number"] = number
ENVIRONMENT.globals.update(JobStatus=JobStatus, AlignMode=AlignMode)
TEMPLATES = Jinja2Templates(env=ENVIRONMENT)

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def corpus(request: Request, services: ServicesDep) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        "corpus.html",
        {
            "documents": services.store.documents.summaries(),
            "alignments": services.store.alignments.all(),
            "titles": {d.id: d.title for d in services.store.documents.summaries()},
        },
    )


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: int, services: ServicesDep) -> HTMLResponse:
    document = services.store.documents.get(document_id)
    stored = services.pipeline.translations_of(document) if document.language == "zh" else None
    return TEMPLATES.TemplateResponse(
        request, "document.html", {"document": document, "translations": stored}
    )


@router.get("/alignments/{alignment_id}", response_class=HTMLResponse)
def alignment_page(
    request: Request,
    alignment_id: int,
    services: ServicesDep,
    min_score: float = Query(0.0, ge=0.0, le=1.0),
) -> HTMLResponse:
    report = load_report(services.pipeline, alignment_id)
    rows = side_by_side(report, min_score) if report.done else []
    return TEMPLATES.TemplateResponse(
        request,
        "alignment.html",
        {
            "report": report,
            "rows": rows,
            "min_score": min_score,
            "aligned_rows": sum(row.aligned for row in rows),
            "bands": {"high": HIGH, "medium": MEDIUM},
        },
    )
