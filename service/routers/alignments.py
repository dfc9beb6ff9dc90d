"""Alignments: queue one (POST), read it with its topic ranking and pairs, export its pairs."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status
from starlette.convertors import StringConvertor, register_url_convertor

from service.dependencies import AlignmentsDep
from service.exports import MEDIA_TYPES, WRITERS
from service.limits import AlignmentBody
from service.report import AlignmentReport
from service.schemas import (
    AlignmentCreated,
    AlignmentOut,
    ErrorOut,
    IdInPath,
    MinScore,
    TopicRank,
)

router = APIRouter(prefix="/v1/alignments", tags=["alignments"])
NOT_FOUND = {404: {"model": ErrorOut}}


class FormatName(StringConvertor):
    """An export format's name starts with a letter: `/v1/alignments/0.5` is a malformed id,
    not alignment 0 in format "5"."""

    regex = "[A-Za-z][A-Za-z0-9]*"


register_url_convertor("format", FormatName())


@router.post(
    "",
    response_model=AlignmentCreated,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        200: {"model": AlignmentCreated, "description": "An earlier alignment"},
        **NOT_FOUND,
    },
)
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
    "/{alignment_id}.{fmt:format}",
    responses={
        200: {"content": {m: {} for m in MEDIA_TYPES.values()}},
        **NOT_FOUND,
        409: {"model": ErrorOut},
    },
    summary="Export aligned pairs as TMX 1.4b (.tmx), hunalign TSV (.tsv) or JSON lines (.jsonl)",
)
def export_alignment(
    alignment_id: IdInPath, fmt: str, alignments: AlignmentsDep, min_score: MinScore = 0.0
) -> Response:
    if fmt not in WRITERS:
        raise HTTPException(404, f"no export format {fmt!r}; use one of {', '.join(WRITERS)}")
    report = alignments.report(alignment_id)
    if not report.done:
        raise HTTPException(409, f"alignment {alignment_id} is {report.alignment.status}")
    filename = f"alignment-{alignment_id}.{fmt}"
    return Response(
        WRITERS[fmt](report.at_least(min_score)),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/{alignment_id}", response_model=AlignmentOut, responses=NOT_FOUND)
def get_alignment(
    alignment_id: IdInPath, alignments: AlignmentsDep, min_score: MinScore = 0.0
) -> AlignmentOut:
    """The alignment; its `pairs` those scoring `min_score` or more."""
    return alignment_out(alignments.report(alignment_id).at_least(min_score))


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
