"""Micro-batcher: merges the sentences of concurrent requests into shared engine batches.

One engine call on 32 sentences costs far less than 32 calls on one, so each request's sentences go
into a queue; a single thread takes items waiting under the same key (model direction, beam), up
to `max_batch`, and runs one batch. Callers get a `concurrent.futures.Future`, which asyncio code
awaits with `asyncio.wrap_future`, so the event loop never blocks on model work.

Fair: a batch takes one item from each queued request in turn, round after round, until it is
full, and at most `max_per_request` items of any one request. A one-sentence request sent while a
500-sentence one is being translated rides in the very next batch, instead of waiting for all
500; and that batch, like the one running when it came, holds few of the long request's items, so
it waits about one small batch, not one full one. The price: a long request alone goes through in
batches of `max_per_request`, slower than in full ones.

Isolated: when a batch raises, its halves are run again, and so on down to single items; only the
requests whose own items fail get the exception, the others their results.

How long to wait for more: clients answered by one batch send their next requests in a burst, and
cutting that burst at a fixed deadline splits it into a small batch and a large one. So the
batcher expects back the clients the last batch answered, plus those that queued while it ran, and
starts as soon as that many new requests are queued (or the batch is full): the engine idles only
while the answered clients come back. When fewer come back, the batch waits out its patience
(`patience` times the last batch's run time: a batch is at most `max_batch` sentences, so this is
a quarter of one batch, however long the requests) and the next expects fewer.
Before the first batch there is nothing to expect: it waits while requests keep arriving less than
`max_wait` apart.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, InvalidStateError
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Request(Generic[Item, Result]):
    """A caller's items, the results so far, and where the next batch resumes."""

    def __init__(self, key: Hashable, items: Sequence[Item]) -> None:
        self.key = key
        self.items = list(items)
        self.results: list[Result | None] = [None] * len(self.items)
        self.unanswered = len(self.items)
        self.next = 0  # index of the first item not yet taken into a batch
        self.future: Future[list[Result]] = Future()

    @property
    def started(self) -> bool:
        return self.next > 0

    def fail(self, error: BaseException) -> None:
        with contextlib.suppress(InvalidStateError):  # answered or cancelled already
            self.future.set_exception(error)

    @property
    def waiting(self) -> bool:
        """Items left to take, for a caller still waiting (not failed, not cancelled)."""
        return self.next < len(self.items) and not self.future.done()

    def answer(self, index: int, result: Result) -> bool:
        """Record one result; True when that was the last one (the caller has them all)."""
        self.results[index] = result
        self.unanswered -= 1
        if self.unanswered:
            return False
        with contextlib.suppress(InvalidStateError):  # cancelled meanwhile by its caller
            self.future.set_result(self.results)
        return True


# A batch: which request each item came from, and its index there.
Slot = tuple[_Request, int]


def round_robin(requests: list[_Request], size: int, share: int) -> list[Slot]:
    """Up to `size` items, one from each request in turn, round after round, at most `share`
    from any one request."""
    slots: list[Slot] = []
    taken = dict.fromkeys(map(id, requests), 0)
    while len(slots) < size:
        turn = [r for r in requests if r.waiting and taken[id(r)] < share]
        if not turn:
            break
        for request in turn[: size - len(slots)]:
            slots.append((request, request.next))
            request.next += 1
            taken[id(request)] += 1
    return slots


class MicroBatcher(Generic[Item, Result]):
    def __init__(
        self,
        run_batch: Callable[[Hashable, list[Item]], list[Result]],
        *,
        max_batch: int = 64,
        max_per_request: int = 8,
        max_wait: float = 0.005,
        patience: float = 0.25,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self._run_batch = run_batch
        self.max_batch = max_batch
        self.max_per_request = max_per_request
        self.max_wait = max_wait
        self.patience = patience
        self._last_run = 0.0
        self._last_answered = 0
        self._on_batch = on_batch
        self._queue: list[_Request[Item, Result]] = []  # unanswered requests, oldest first
        self._ready = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="bitext-batcher", daemon=True)
        self._thread.start()

    def submit(self, key: Hashable, items: Sequence[Item]) -> Future[list[Result]]:
        """Queue `items` under `key`; the future holds one result per item."""
        request: _Request[Item, Result] = _Request(key, items)
        if not request.items:
            request.future.set_result([])
            return request.future
        with self._ready:
            if self._closed:
                raise RuntimeError("the batcher is closed")
            self._queue.append(request)
            self._ready.notify()
        return request.future

    def close(self, timeout: float = 10.0, error: Exception | None = None) -> None:
        """Stop taking batches; callers still waiting get `error` (or RuntimeError). Waits up
        to `timeout` for the running batch, whose thread is then left to end by itself."""
        with self._ready:
            self._closed = True
            for request in self._queue:  # queued or in the running batch
                request.fail(error or RuntimeError("the batcher is closed"))
            self._ready.notify()
        self._thread.join(timeout=timeout)

    def _take(self) -> tuple[Hashable, list[Slot]]:
        """Wait for a first request, then for the expected ones of its key; take a fair batch."""
        with self._ready:
            self._queue = [request for request in self._queue if not request.future.done()]
            # New requests that queued while the last batch ran: not its clients.
            queued = [request for request in self._queue if not request.started]
            while not any(request.waiting for request in self._queue) and not self._closed:
                self._ready.wait()
            if self._closed:
                return None, []
            key = next(request.key for request in self._queue if request.waiting)
            expected = self._last_answered + sum(request.key == key for request in queued)
            deadline = time.monotonic() + max(self.max_wait, self.patience * self._last_run)
            seen = 0
            while True:
                mine = [r for r in self._queue if r.key == key and r.waiting]
                waiting = sum(min(len(r.items) - r.next, self.max_per_request) for r in mine)
                new = sum(not request.started for request in mine)
                remaining = deadline - time.monotonic()
                # All expected are in; before any batch, a quiet gap ends the burst.
                back = new >= expected and (self._last_answered or waiting == seen)
                if waiting >= self.max_batch or back or remaining <= 0 or self._closed:
                    break  # full, burst in, out of patience, or closing
                seen = waiting
                self._ready.wait(min(self.max_wait, remaining))
            return key, round_robin(mine, self.max_batch, self.max_per_request)

    def _loop(self) -> None:
        while True:
            key, slots = self._take()
            if not slots:
                if self._closed:
                    return
                continue
            if self._on_batch:
                self._on_batch(len(slots))
            started = time.monotonic()
            self._last_answered = self._run_isolated(key, slots)
            self._last_run = time.monotonic() - started

    def _run_isolated(self, key: Hashable, slots: list[Slot]) -> int:
        """Run the batch; if it raises, its halves, down to the items that fail by themselves.
        Returns how many requests got all their results."""
        slots = [(request, index) for request, index in slots if not request.future.done()]
        if not slots:
            return 0
        try:
            results = self._run_batch(key, [request.items[index] for request, index in slots])
        except Exception as error:
            if len(slots) == 1:
                slots[0][0].fail(error)
                return 0
            half = len(slots) // 2
            return self._run_isolated(key, slots[:half]) + self._run_isolated(key, slots[half:])
        return sum(
            request.answer(index, result)
            for (request, index), result in zip(slots, results, strict=True)
        )
