"""GET /v1/models: each configured translation model and whether it is loaded or can be."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from service.dependencies import RegistryDep
from service.schemas import ModelsOut

router = APIRouter(prefix="/v1", tags=["models"])


@router.get("/models", response_model=ModelsOut)
def list_models(registry: RegistryDep) -> ModelsOut:
    """Configured models: 'loaded', 'available' (local, not loaded) or 'unavailable' + the fix."""
    return ModelsOut(models=[asdict(status) for status in registry.status()])
