"""Requests per client over time (`BITEXT_RATE_LIMIT`, e.g. "60/minute"): a token bucket each,
refilled continuously, so a client may burst up to the limit and then goes at the limit's pace."""

from __future__ import annotations

import math
import threading
import time

from text.errors import InputError

PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
MAX_CLIENTS = 100_000  # buckets kept; full ones (idle clients) are dropped past this


def parse_rate(text: str) -> tuple[int, float]:
    """ "60/minute" as (60, 60.0): requests, per so many seconds."""
    count, _, period = text.partition("/")
    seconds = PERIODS.get(period.strip().lower().removesuffix("s"))
    if not count.strip().isdigit() or int(count) <= 0 or seconds is None:
        raise InputError(
            f"BITEXT_RATE_LIMIT={text!r}: give requests per period, such as 60/minute "
            f"(periods: {', '.join(PERIODS)})"
        )
    return int(count), seconds


class RateLimiter:
    def __init__(self, requests: int, seconds: float) -> None:
        self.capacity = float(requests)
        self.per_second = requests / seconds
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, text: str) -> RateLimiter:
        return cls(*parse_rate(text))

    def wait(self, client: str) -> float:
        """0 if the client may go now (and counts the request), else seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.per_second)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._forget_idle(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.per_second

    def retry_after(self, client: str) -> int | None:
        """Whole seconds to send in Retry-After, or None when the request may go."""
        wait = self.wait(client)
        return max(1, math.ceil(wait)) if wait else None

    def _forget_idle(self, now: float) -> None:
        for client, (tokens, at) in list(self._buckets.items()):
            if tokens + (now - at) * self.per_second >= self.capacity:
                del self._buckets[client]
