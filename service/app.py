"""The FastAPI application factory: routers per resource, errors mapped to statuses, guards
(trusted hosts, keys, rate limit, body size), CORS when configured, metrics.

The API docs (/docs, /redoc) load Swagger UI and ReDoc from the fastapi-offline package, served by
the app itself, so they work without internet."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from models.registry import ModelRegistry
from service import __version__
from service.api_keys import ApiKeys
from service.body_limit import BodyLimit
from service.dependencies import start, stop
from service.error_handlers import add_error_handlers, document_errors
from service.guards import LIBRETRANSLATE, Guards, add_guards, keyed
from service.metrics import Metrics
from service.routers import (
    alignments,
    documents,
    health,
    libretranslate,
    models,
    pages,
    signin,
    translate,
)
from service.settings import REPO_SEEDS, Settings

STATIC_DIR = Path(__file__).parent / "static"


def create_app(
    settings: Settings,
    *,
    seeds_dir: Path | None = REPO_SEEDS,
    registry: ModelRegistry | None = None,
    encoder: object | None = None,
) -> FastAPI:
    """Build the app; the store, models, worker and use cases start with the app's lifespan.

    `registry` (models.ModelRegistry) and `encoder` (alignment.Encoder) may be passed in to share
    loaded models between apps; by default they come from the settings.
    """
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        model_registry = registry or ModelRegistry.from_settings(settings)
        metrics.watch_models(model_registry)
        start(app.state, settings, metrics, model_registry, seeds_dir, encoder)
        try:
            yield
        finally:
            stop(app.state)

    app = FastAPIOffline(
        title="bitext",
        description="Chinese→English translation and cross-lingual alignment.",
        version=__version__,
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.state.api_keys = keys = ApiKeys.from_settings(settings)
    for router in (translate, documents, alignments, models, health, pages, signin, libretranslate):
        app.include_router(router.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    add_error_handlers(app)
    document_errors(app, keyed=keyed, own_shape=LIBRETRANSLATE)
    add_guards(app, Guards(settings, keys), metrics)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes(settings))
    if settings.cors_origins:  # added last: outermost, so refusals carry the headers too
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization", "X-API-Key"],
        )
    return app


def max_body_bytes(settings: Settings) -> int:
    """A valid body holds at most this many bytes (4 UTF-8 bytes a character, plus JSON
    overhead); anything bigger is refused before it is parsed."""
    return 4 * max(settings.max_request_chars, settings.max_document_chars) + 65536
