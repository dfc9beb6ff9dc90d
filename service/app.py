"""The FastAPI application factory: routers per resource, errors mapped to statuses, metrics.

The API docs (/docs, /redoc) load Swagger UI and ReDoc from the fastapi-offline package, served by
the app itself, so they work without internet."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from models.registry import ModelRegistry
from service import __version__
from service.dependencies import start, stop
from service.errors import LimitExceeded, NotStored
from service.metrics import Metrics
from service.routers import (
    alignments,
    documents,
    health,
    libretranslate,
    models,
    pages,
    translate,
)
from service.settings import REPO_SEEDS, Settings
from text.errors import InputError, ModelUnavailable

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
        start(app.state, settings, metrics, model_registry, seeds_dir, encoder)
        metrics.watch_models(model_registry)
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
    for router in (translate, documents, alignments, models, health, pages, libretranslate):
        app.include_router(router.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _add_error_handlers(app)
    _add_guards(app, settings, metrics)
    if settings.cors_origins:  # added last: outermost, so refusals carry the headers too
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization", "X-API-Key"],
        )
    return app


def _error(status: int) -> Callable[[Request, Exception], JSONResponse]:
    def handler(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=status)

    return handler


def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 without echoing the input back: it may be huge, or not even encodable."""
    detail = [{k: v for k, v in problem.items() if k != "input"} for problem in error.errors()]
    return JSONResponse({"detail": jsonable_encoder(detail)}, status_code=422)


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    # Most specific first: LimitExceeded is an InputError.
    app.add_exception_handler(LimitExceeded, _error(413))
    app.add_exception_handler(InputError, _error(422))
    app.add_exception_handler(NotStored, _error(404))
    app.add_exception_handler(ModelUnavailable, _error(503))


def _add_guards(app: FastAPI, settings: Settings, metrics: Metrics) -> None:
    # A valid body holds at most this many bytes (4 UTF-8 bytes a character, plus JSON overhead);
    # anything bigger is refused before it is read.
    max_body = 4 * max(settings.max_request_chars, settings.max_document_chars) + 65536

    @app.middleware("http")
    async def guard_and_measure(request: Request, call_next) -> Response:
        start = time.perf_counter()
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_body:
            response: Response = JSONResponse(
                {"detail": f"request body is {length} bytes; the limit is {max_body}"},
                status_code=413,
            )
        else:
            with metrics.in_flight.track_inprogress():
                response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        metrics.requests.labels(request.method, template, str(response.status_code)).inc()
        metrics.latency.labels(template).observe(time.perf_counter() - start)
        return response
