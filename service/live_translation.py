"""Live translation of the texts a request sends (/v1/translate and the LibreTranslate API's
/translate; stored documents are translated by service/translations.py): segment, translate in
batches shared with concurrent requests, reassemble.

Each text is split into lines of sentences (`text.segment.split_lines`); the sentences of all
concurrent requests go through one `MicroBatcher`; each line's translations are joined back, so
paragraphs and blank lines come out where they went in. HTML is cut into runs of text first
(`text.html`), which are translated the same way and written back into the markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Sequence

from models.translator import TranslatedText, assemble_lines, join_lines
from service.batcher import MicroBatcher
from service.metrics import Metrics
from service.translations import TranslatorFor
from text.errors import ModelUnavailable
from text.html import HtmlDocument, TextFormat
from text.segment import split_lines


class LiveTranslation:
    def __init__(
        self,
        translator_for: TranslatorFor,
        metrics: Metrics,
        *,
        max_batch: int,
        max_per_request: int,
        max_wait: float,
    ) -> None:
        self.translator_for = translator_for
        self.metrics = metrics
        self._models: dict[tuple[str, str], str] = {}  # loaded directions: no thread hop needed
        self.batcher: MicroBatcher = MicroBatcher(
            self._run_batch,
            max_batch=max_batch,
            max_per_request=max_per_request,
            max_wait=max_wait,
            on_batch=metrics.batch_size.observe,
        )

    def close(self, timeout: float) -> None:
        """Requests still waiting get 503: the server is stopping."""
        self.batcher.close(
            timeout, ModelUnavailable("the server is stopping: send the request again")
        )

    def _run_batch(self, key: Hashable, sentences: list[str]) -> list:
        source, target, beam = key
        results = self.translator_for(source, target).translate_batch(sentences, beam_size=beam)
        self.metrics.count_translated(source, target, results)
        return results

    async def translate(
        self,
        texts: Sequence[str],
        *,
        source: str,
        target: str,
        beam: int,
        format: TextFormat = "text",
    ) -> tuple[str, list[TranslatedText]]:
        """Translate each text; returns (model name, one TranslatedText per input text)."""
        if format == "html":
            return await self._translate_html(texts, source=source, target=target, beam=beam)
        model = self._models.get((source, target))
        if model is None:
            # Loads the model on first use (slow) off the event loop; ModelUnavailable propagates.
            translator = await asyncio.to_thread(self.translator_for, source, target)
            model = self._models[source, target] = translator.model
        documents = [split_lines(text, source) for text in texts]
        flat = [sentence for lines in documents for line in lines for sentence in line]
        self.metrics.queued.inc(len(flat))
        try:
            future = self.batcher.submit((source, target, beam), flat)
            results = iter(await asyncio.wrap_future(future))
        finally:
            self.metrics.queued.dec(len(flat))
        return model, [join_lines(assemble_lines(lines, results, target)) for lines in documents]

    async def _translate_html(
        self, texts: Sequence[str], *, source: str, target: str, beam: int
    ) -> tuple[str, list[TranslatedText]]:
        """Each document's runs of text translated together, the markup written back around them;
        the sentences are those of the runs."""
        documents = [HtmlDocument.parse(text) for text in texts]
        runs = [run for document in documents for run in document.texts]
        model, translated = await self.translate(runs, source=source, target=target, beam=beam)
        results, done = iter(translated), []
        for document in documents:
            parts = [next(results) for _ in document.texts]
            sentences = [sentence for part in parts for sentence in part.sentences]
            done.append(TranslatedText(document.render(parts), sentences))
        return model, done
