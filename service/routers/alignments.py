"""Alignments: queue one (POST), read it with its topic ranking and pairs, export its pairs."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from service.dependencies import ServicesDep
from service.errors import over_limit
from service.exports import MEDIA_TYPES, WRITERS
from service.report import load_report
from service.schemas import AlignmentCreated, AlignmentOut, AlignmentRequest

router = APIRouter(prefix="/v1/alignments", tags=["alignments"])


@router.post("", response_model=AlignmentCreated, status_code=status.HTTP_202_ACCEPTED)
def create_alignment(
    request: AlignmentRequest, services: ServicesDep, response: Response
) -> AlignmentCreated:
    """Queue the alignment (202; poll GET /v1/alignments/{id}). The same request as an earlier,
    not failed alignment returns that one (200): its work is reused, not redone."""
    targets = request.target_documents
    if targets is not None:
        limit = services.settings.max_list_items
        if len(targets) > limit:
            raise over_limit(
                "the number of target documents", len(targets), limit, "max_list_items"
            )
        if not targets:
            raise HTTPException(422, "target_documents is empty: give ids, or null for all")
        targets = list(dict.fromkeys(targets))
    services.pipeline.check_alignment_request(request.source_document, targets)
    alignment = services.store.alignments.find(request.source_document, targets, request.mode)
    if alignment is not None:
        response.status_code = status.HTTP_200_OK
    else:
        alignment = services.store.alignments.create(request.source_document, targets, request.mode)
        services.worker.submit(services.pipeline.run_alignment, alignment.id)
    return AlignmentCreated(id=alignment.id, status=alignment.status)


# Declared before /{alignment_id} so that "3.tmx" is an export, not a malformed id.
@router.get(
    "/{alignment_id}.{fmt}",
    responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}}},
    summary="Export aligned pairs as TMX 1.4b (.tmx), Moses TSV (.tsv) or JSON lines (.jsonl)",
)
def export_alignment(alignment_id: int, fmt: str, services: ServicesDep) -> Response:
    if fmt not in WRITERS:
        raise HTTPException(404, f"no export format {fmt!r}; use one of {', '.join(WRITERS)}")
    report = load_report(services.pipeline, alignment_id)
    if not report.done:
        raise HTTPException(409, f"alignment {alignment_id} is {report.alignment.status}")
    filename = f"alignment-{alignment_id}.{fmt}"
    return Response(
        WRITERS[fmt](report),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/{alignment_id}", response_model=AlignmentOut)
def get_alignment(alignment_id: int, services: ServicesDep) -> AlignmentOut:
    report = load_report(services.pipeline, alignment_id)
    alignment = report.alignment
    return AlignmentOut(
        id=alignment.id,
        status=alignment.status,
        error=alignment.error,
        mode=alignment.mode,
        source_document=alignment.source_document_id,
        target_documents=alignment.requested_targets,
        encoder=alignment.encoder,
        model=alignment.model,
        topics=[
            {
                "document": c.document_id,
                "title": report.title(c.document_id),
                "score": c.topic_score,
                "shares_topics": c.shares_topics,
                "aligned": c.aligned,
                "scores": c.scores,
            }
            for c in alignment.candidates
        ],
        pairs=[p.record() for p in report.pairs],
    )
