"""Alignments: queue one (POST), read it with its topic ranking and pairs, export its pairs."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from service.dependencies import AlignmentsDep
from service.exports import MEDIA_TYPES, WRITERS
from service.limits import AlignmentBody
from service.report import AlignmentReport
from service.schemas import AlignmentCreated, AlignmentOut, TopicRank

router = APIRouter(prefix="/v1/alignments", tags=["alignments"])


@router.post("", response_model=AlignmentCreated, status_code=status.HTTP_202_ACCEPTED)
def create_alignment(
    request: AlignmentBody, alignments: AlignmentsDep, response: Response
) -> AlignmentCreated:
    """Queue the alignment (202; poll GET /v1/alignments/{id}). The same request as an earlier,
    not failed alignment returns that one (200): its work is reused, not redone."""
    alignment, queued = alignments.request(
        request.source_document, request.target_documents, request.mode
    )
    if not queued:
        response.status_code = status.HTTP_200_OK
    return AlignmentCreated.model_validate(alignment)


# Declared before /{alignment_id} so that "3.tmx" is an export, not a malformed id.
@router.get(
    "/{alignment_id}.{fmt}",
    responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}}},
    summary="Export aligned pairs as TMX 1.4b (.tmx), hunalign TSV (.tsv) or JSON lines (.jsonl)",
)
def export_alignment(alignment_id: int, fmt: str, alignments: AlignmentsDep) -> Response:
    if fmt not in WRITERS:
        raise HTTPException(404, f"no export format {fmt!r}; use one of {', '.join(WRITERS)}")
    report = alignments.report(alignment_id)
    if not report.done:
        raise HTTPException(409, f"alignment {alignment_id} is {report.alignment.status}")
    filename = f"alignment-{alignment_id}.{fmt}"
    return Response(
        WRITERS[fmt](report),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/{alignment_id}", response_model=AlignmentOut)
def get_alignment(alignment_id: int, alignments: AlignmentsDep) -> AlignmentOut:
    return alignment_out(alignments.report(alignment_id))


def alignment_out(report: AlignmentReport) -> AlignmentOut:
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
            TopicRank(
                document=c.document_id,
                title=report.title(c.document_id),
                score=c.topic_score,
                shares_topics=c.shares_topics,
                aligned=c.aligned,
                scores=c.scores,
            )
            for c in alignment.candidates
        ],
        pairs=[p.record() for p in report.pairs],
    )
