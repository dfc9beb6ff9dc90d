"""The running service's parts, built once at startup and injected into routes with `Depends`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from service.jobs import AlignMode
from service.metrics import Metrics
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Store
from service.translation import TranslationService
from service.worker import Worker

log = logging.getLogger("bitext.service")


@dataclass
class Services:
    settings: Settings
    store: Store
    registry: object  # models.ModelRegistry
    pipeline: Pipeline
    translation: TranslationService
    worker: Worker
    metrics: Metrics

    @classmethod
    def start(
        cls,
        settings: Settings,
        metrics: Metrics,
        registry: object,
        seeds_dir: Path | None,
        encoder: object | None = None,
    ) -> Services:
        """Open the store, ingest new seeds, and queue the work a previous run left unfinished."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(settings.db_url)
        pipeline = Pipeline(
            store, registry.get, settings.encoder, settings.cache_dir, encoder, metrics
        )
        translation = TranslationService(
            registry.get,
            metrics,
            max_batch=settings.batch_max_sentences,
            max_wait=settings.batch_max_wait_ms / 1000,
        )
        services = cls(settings, store, registry, pipeline, translation, Worker(), metrics)
        if seeds_dir is not None and seeds_dir.is_dir():
            for document in pipeline.ingest_directory(seeds_dir):
                log.info("ingested seed %s (%s)", document.title, document.language)
                if document.language == "zh":
                    store.alignments.create(document.id, None, AlignMode.COMPARABLE)
        for summary in store.documents.summaries("zh"):
            services.worker.submit(pipeline.translate_document, summary.id)
        for alignment_id in store.alignments.to_run():
            services.worker.submit(pipeline.run_alignment, alignment_id)
        return services

    def close(self) -> None:
        self.translation.close()
        self.worker.close()
        self.store.close()


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
