"""Prometheus metrics, one registry per app: no process-global state, so tests build many apps."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


class Metrics:
    content_type = CONTENT_TYPE_LATEST  # what `exposition` writes

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # CPU, memory, open files (Linux)
        self.requests = Counter(
            "bitext_http_requests",
            "HTTP requests by route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "bitext_http_request_seconds",
            "HTTP request latency by route template.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "bitext_batch_sentences",
            "Sentences per engine batch run by the micro-batcher.",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.sentences = Counter(
            "bitext_sentences_translated",
            "Sentences translated, by direction.",
            ["direction"],
            registry=self.registry,
        )
        self.tokens = Counter(
            "bitext_tokens_translated",
            "Target tokens produced by the translation model, by direction.",
            ["direction"],
            registry=self.registry,
        )
        self.cache_hits = Counter(
            "bitext_translation_cache_hits",
            "Sentences whose stored translation was reused instead of translated again.",
            ["direction"],
            registry=self.registry,
        )

        self.in_flight = Gauge(
            "bitext_http_requests_in_flight",
            "HTTP requests being answered.",
            registry=self.registry,
        )
        self.queued = Gauge(
            "bitext_translation_queue_sentences",
            "Sentences of live translation requests waiting for the engine or in its batch.",
            registry=self.registry,
        )
        self.models_loaded = Gauge(
            "bitext_models_loaded",
            "Translation models loaded in memory.",
            registry=self.registry,
        )

    def watch_models(self, registry) -> None:
        """Read the loaded-model count from a models.ModelRegistry at each scrape."""
        self.models_loaded.set_function(
            lambda: sum(status.state == "loaded" for status in registry.status())
        )

    def count_translated(self, source: str, target: str, results: Sequence) -> None:
        """Count sentences and target tokens of a batch of models.Translation results."""
        direction = f"{source}-{target}"
        self.sentences.labels(direction).inc(len(results))
        self.tokens.labels(direction).inc(sum(count_tokens(r.text, target) for r in results))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def count_tokens(text: str, language: str) -> int:
    """Words for English, characters for Chinese: a count that needs no model tokenizer."""
    return len(text.replace(" ", "")) if language == "zh" else len(text.split())
