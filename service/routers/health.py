"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from service.dependencies import MetricsDep, RegistryDep, SettingsDep
from text.errors import ModelUnavailable

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    """Alive: the process answers."""
    return {"status": "ok"}


class Readiness(BaseModel):
    status: str = Field(description='"ready" or "unavailable"')
    model: str | None = None
    detail: str | None = Field(default=None, description="Why not ready, with the fix.")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "The zh→en model cannot serve."}},
)
def readyz(registry: RegistryDep, settings: SettingsDep) -> JSONResponse:
    """Ready when the zh→en model can serve; else 503 with the one-line fix."""
    try:
        registry.check("zh", "en")
    except ModelUnavailable as error:
        return JSONResponse({"status": "unavailable", "detail": str(error)}, status_code=503)
    return JSONResponse({"status": "ready", "model": settings.model_zh_en})


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(metrics: MetricsDep) -> Response:
    return Response(metrics.exposition(), media_type=metrics.content_type)
