"""Background worker: one thread that runs slow jobs (document translation, alignment) in order.

Jobs record their own outcome in the store (an alignment's status), so the web layer only enqueues
and reads; a job that raises is logged and the worker goes on with the next one.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger("bitext.worker")

_STOP = object()


class Worker:
    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="bitext-worker", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[..., object], *args: object) -> None:
        self._jobs.put((job, args))

    def join(self) -> None:
        """Block until every job submitted so far has run (tests, shutdown)."""
        self._jobs.join()

    def close(self, timeout: float = 30.0) -> None:
        """Stop after the running job, waiting for it up to `timeout` (then its daemon thread is
        left behind); queued jobs are dropped (the store says what to redo)."""
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
            self._jobs.task_done()
        self._jobs.put((_STOP, ()))
        self._thread.join(timeout=timeout)

    def _loop(self) -> None:
        while True:
            job, args = self._jobs.get()
            try:
                if job is _STOP:
                    return
                job(*args)
            except Exception:
                log.exception("background job %s failed", getattr(job, "__name__", job))
            finally:
                self._jobs.task_done()
