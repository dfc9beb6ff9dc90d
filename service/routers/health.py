"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from service.dependencies import MetricsDep, RegistryDep, SettingsDep
from text.errors import ModelUnavailable

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    """Alive: the process answers."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(registry: RegistryDep, settings: SettingsDep) -> JSONResponse:
    """Ready when the zh→en model can serve; else 503 with the one-line fix."""
    try:
        registry.check("zh", "en")
    except ModelUnavailable as error:
        return JSONResponse({"status": "unavailable", "detail": str(error)}, status_code=503)
    return JSONResponse({"status": "ready", "model": settings.model_zh_en})


@router.get("/metrics")
def metrics(metrics: MetricsDep) -> Response:
    return Response(metrics.exposition(), media_type=metrics.content_type)
