"""The running service's parts: built once at start-up, hung on `app.state`, and injected into
routes one by one (`StoreDep`, `AlignmentsDep`, ...), so a route names exactly what it uses."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import State

from models.registry import ModelRegistry
from service.aligner import Aligner
from service.alignments import Alignments
from service.api_keys import ApiKeys
from service.ingest import Ingest
from service.jobs import AlignMode
from service.live_translation import LiveTranslation
from service.metrics import Metrics
from service.settings import Settings
from service.store import Store
from service.translations import SOURCE_LANGUAGE, DocumentTranslations
from service.worker import Worker

log = logging.getLogger("bitext.service")


def start(
    state: State,
    settings: Settings,
    metrics: Metrics,
    registry: ModelRegistry,
    seeds_dir: Path | None,
    encoder: object | None = None,
) -> None:
    """Build the parts onto `state`, flag documents an earlier version stored unflagged, ingest
    new seeds, and queue the work a previous run left unfinished."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    state.settings, state.registry = settings, registry
    state.store = store = Store(settings.db_url)
    state.worker = worker = Worker()
    translations = DocumentTranslations(store, registry.get, worker, metrics)
    state.translations = translations
    state.ingest = ingest = Ingest(store, translations, settings.align.boilerplate)
    aligner = Aligner(
        translations,
        settings.encoder,
        settings.embedding_cache_dir,
        encoder,
        settings.align,
        memory_items=settings.embedding_cache_items,
    )
    state.alignments = alignments = Alignments(store, translations, aligner, worker, settings)
    state.live_translation = LiveTranslation(
        registry.get,
        metrics,
        max_batch=settings.batch_max_sentences,
        max_per_request=settings.batch_max_per_request,
        max_wait=settings.batch_max_wait_ms / 1000,
    )
    if flagged := ingest.flag_unflagged():
        log.info("flagged the boilerplate of %d documents stored before flagging existed", flagged)
    if seeds_dir is not None and seeds_dir.is_dir():
        for document in ingest.seeds(seeds_dir):
            log.info("ingested seed %s (%s)", document.title, document.language)
            if document.language == SOURCE_LANGUAGE:  # queued with the unfinished ones below
                store.jobs.request(document.id, None, AlignMode.COMPARABLE)
    translations.resume()
    alignments.resume()


# How long a stop waits for the running batch, then for the running job, before leaving their
# threads behind: the HTTP server already waited (settings.shutdown_timeout) for its requests.
STOP_WAIT = 1.0


def stop(state: State) -> None:
    """Answer queued translations with 503, give the running job STOP_WAIT to finish, and put it
    back to pending if it did not (the next start, or another server, runs it)."""
    state.live_translation.close(STOP_WAIT)
    state.worker.close(STOP_WAIT)
    state.alignments.close()
    state.store.close()


def _part(name: str):
    async def part(request: Request):
        return getattr(request.app.state, name)

    return Depends(part)


SettingsDep = Annotated[Settings, _part("settings")]
ApiKeysDep = Annotated[ApiKeys, _part("api_keys")]
MetricsDep = Annotated[Metrics, _part("metrics")]
RegistryDep = Annotated[ModelRegistry, _part("registry")]
StoreDep = Annotated[Store, _part("store")]
IngestDep = Annotated[Ingest, _part("ingest")]
TranslationsDep = Annotated[DocumentTranslations, _part("translations")]
AlignmentsDep = Annotated[Alignments, _part("alignments")]
LiveTranslationDep = Annotated[LiveTranslation, _part("live_translation")]
