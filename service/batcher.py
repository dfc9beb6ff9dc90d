"""Micro-batcher: merges the sentences of concurrent requests into shared engine batches.

One engine call on 32 sentences costs far less than 32 calls on one, so each request's sentences go
into a queue; a single thread takes everything waiting under the same key (model direction, beam)
up to `max_batch` items and runs one batch. Callers get a `concurrent.futures.Future`, which
asyncio code awaits with `asyncio.wrap_future`, so the event loop never blocks on model work.

How long to wait for more: clients answered by one batch send their next requests in a burst, and
cutting that burst at a fixed deadline splits it into a small batch and a large one. So the
batcher expects back the clients the last batch answered, plus those that queued while it ran,
and starts as soon as that many requests are queued, with everything queued under that key up to
`max_batch` items: the engine idles only while the answered clients come back, never for a quiet
gap on top, and clients split over two batches (a round start, a client joining late) merge into
one full batch at the next turn. When fewer come back, the batch waits out its patience
(`patience` times the last batch's run time) and the next expects fewer. Before the first batch
there is nothing to expect: it waits while requests keep arriving less than `max_wait` apart.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass
class _Request(Generic[Item, Result]):
    key: Hashable
    items: Sequence[Item]
    future: Future[list[Result]] = field(default_factory=Future)


class MicroBatcher(Generic[Item, Result]):
    def __init__(
        self,
        run_batch: Callable[[Hashable, list[Item]], list[Result]],
        *,
        max_batch: int = 64,
        max_wait: float = 0.005,
        patience: float = 0.25,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self._run_batch = run_batch
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.patience = patience
        self._last_run = 0.0
        self._last_requests = 0
        self._on_batch = on_batch
        self._queue: deque[_Request[Item, Result]] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="bitext-batcher", daemon=True)
        self._thread.start()

    def submit(self, key: Hashable, items: Sequence[Item]) -> Future[list[Result]]:
        """Queue `items` for one batch under `key`; the future holds one result per item."""
        request: _Request[Item, Result] = _Request(key, list(items))
        if not request.items:
            request.future.set_result([])
            return request.future
        with self._ready:
            if self._closed:
                raise RuntimeError("the batcher is closed")
            self._queue.append(request)
            self._ready.notify()
        return request.future

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._thread.join(timeout=10)

    def _take(self) -> list[_Request[Item, Result]]:
        """Wait for a first request, then gather requests with its key until full or timed out."""
        with self._ready:
            queued = list(self._queue)  # came while the last batch ran: not its clients
            while not self._queue and not self._closed:
                self._ready.wait()
            if not self._queue:
                return []
            key = self._queue[0].key
            # Everyone is expected: the last batch's clients and those that queued meanwhile.
            expected = self._last_requests + sum(request.key == key for request in queued)
            deadline = time.monotonic() + max(self.max_wait, self.patience * self._last_run)
            seen = 0
            while True:
                waiting = self._count(key)
                requests = sum(request.key == key for request in self._queue)
                remaining = deadline - time.monotonic()
                # All expected are in; before any batch, a quiet gap ends the burst.
                back = requests >= expected and (self._last_requests or waiting == seen)
                if waiting >= self.max_batch or back or remaining <= 0 or self._closed:
                    break  # full, burst in, out of patience, or closing
                seen = waiting
                self._ready.wait(min(self.max_wait, remaining))
            batch, size = [], 0
            for request in list(self._queue):
                if request.key == key and (
                    not batch or size + len(request.items) <= self.max_batch
                ):
                    batch.append(request)
                    size += len(request.items)
                    self._queue.remove(request)
            self._last_requests = len(batch)
            return batch

    def _count(self, key: Hashable) -> int:
        return sum(len(request.items) for request in self._queue if request.key == key)

    def _loop(self) -> None:
        while True:
            batch = self._take()
            if not batch:
                return
            items = [item for request in batch for item in request.items]
            if self._on_batch:
                self._on_batch(len(items))
            started = time.monotonic()
            try:
                results = self._run_batch(batch[0].key, items)
            except BaseException as error:  # delivered to every waiting caller
                for request in batch:
                    request.future.set_exception(error)
                continue
            finally:
                self._last_run = time.monotonic() - started
            start = 0
            for request in batch:
                request.future.set_result(results[start : start + len(request.items)])
                start += len(request.items)
