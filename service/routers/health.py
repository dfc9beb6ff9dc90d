"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from service.dependencies import ServicesDep
from text.errors import ModelUnavailable

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    """Alive: the process answers."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> JSONResponse:
    """Ready when the zh→en model can serve; else 503 with the one-line fix."""
    try:
        services.registry.check("zh", "en")
    except ModelUnavailable as error:
        return JSONResponse({"status": "unavailable", "detail": str(error)}, status_code=503)
    return JSONResponse({"status": "ready", "model": services.settings.model_zh_en})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.exposition(), media_type="text/plain; version=0.0.4")
