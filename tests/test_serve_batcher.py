"""The micro-batcher merges concurrent requests and hands each caller its own results."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.batcher import MicroBatcher


class Recorder:
    def __init__(self, delay: float = 0.0) -> None:
        self.batches: list[tuple[object, list[str]]] = []
        self.delay = delay

    def __call__(self, key, items: list[str]) -> list[str]:
        self.batches.append((key, list(items)))
        time.sleep(self.delay)
        return [f"{key}:{item}" for item in items]


def test_concurrent_requests_share_batches_and_keep_their_results() -> None:
    recorder = Recorder(delay=0.05)
    batcher = MicroBatcher(recorder, max_batch=64, max_wait=0.02)
    futures = {}

    def client(n: int) -> None:
        futures[n] = batcher.submit("zh-en", [f"s{n}a", f"s{n}b"])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, future in futures.items():
        assert future.result(timeout=5) == [f"zh-en:s{n}a", f"zh-en:s{n}b"]
    batcher.close()
    assert sum(len(items) for _, items in recorder.batches) == 32
    assert len(recorder.batches) < 16  # merged, not one engine call per request


def test_batches_respect_keys_and_size() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_batch=3, max_wait=0.05)
    a = batcher.submit("a", ["1", "2"])
    b = batcher.submit("b", ["3"])
    c = batcher.submit("a", ["4", "5"])
    assert a.result(5) == ["a:1", "a:2"]
    assert b.result(5) == ["b:3"]
    assert c.result(5) == ["a:4", "a:5"]
    batcher.close()
    for key, items in recorder.batches:
        assert len(items) <= 3 and all(isinstance(i, str) for i in items)
        assert key in ("a", "b")


def test_a_failing_item_fails_alone_and_the_batcher_goes_on() -> None:
    """Issue #13.3: 31 valid requests and one poisoned one in the same batch: 31 answers."""
    calls = []

    def engine(key, items):
        calls.append(len(items))
        if "bad" in items:
            raise ValueError("engine failed")
        return [f"ok:{item}" for item in items]

    started, release = threading.Event(), threading.Event()

    def held(key, items):  # the first batch holds while the 32 requests queue behind it
        if items == ["first"]:
            started.set()
            release.wait(5)
        return engine(key, items)

    batcher = MicroBatcher(held, max_batch=64, max_wait=0.01)
    batcher.submit("k", ["first"])
    assert started.wait(5)
    futures = [batcher.submit("k", [f"s{n}", f"t{n}"]) for n in range(15)]
    poisoned = batcher.submit("k", ["fine", "bad"])
    futures += [batcher.submit("k", [f"s{n}", f"t{n}"]) for n in range(15, 31)]
    release.set()
    for n, future in enumerate(futures):
        assert future.result(5) == [f"ok:s{n}", f"ok:t{n}"]
    with pytest.raises(ValueError, match="engine failed"):
        poisoned.result(5)
    assert calls[1] == 64  # they were one batch, then split down to the bad item
    assert batcher.submit("k", ["good"]).result(5) == ["ok:good"]
    assert batcher.submit("k", []).result(5) == []
    batcher.close()
    with pytest.raises(RuntimeError):
        batcher.submit("k", ["late"])


def test_a_long_request_shares_batches_with_short_ones() -> None:
    """Issue #13.4: sentences are taken round-robin across requests, so a one-sentence request
    sent while a 150-sentence one runs is answered by the next batch, not after all 150."""
    recorder = Recorder(delay=0.02)
    batcher = MicroBatcher(recorder, max_batch=8, max_per_request=4, max_wait=0.001)
    long = batcher.submit("k", [f"long{n}" for n in range(150)])
    while not recorder.batches:
        time.sleep(0.001)
    short = batcher.submit("k", ["short"])
    assert short.result(5) == ["k:short"]
    assert not long.done()
    batches_before_short = next(
        i for i, (_, items) in enumerate(recorder.batches) if "short" in items
    )
    assert batches_before_short <= 2
    assert long.result(10) == [f"k:long{n}" for n in range(150)]
    # At most 4 sentences of the long request in any batch: a short request waits behind little.
    assert all(sum("long" in item for item in items) <= 4 for _, items in recorder.batches)
    batcher.close()


def test_round_robin_takes_one_item_of_each_request_in_turn() -> None:
    from service.batcher import _Request, round_robin

    a, b, c = (
        _Request("k", ["a1", "a2", "a3", "a4"]),
        _Request("k", ["b1"]),
        _Request("k", ["c1", "c2"]),
    )
    taken = [request.items[index] for request, index in round_robin([a, b, c], 5, 8)]
    assert taken == ["a1", "b1", "c1", "a2", "c2"]
    assert [request.items[index] for request, index in round_robin([a, b, c], 5, 1)] == ["a3"]
    assert [request.items[index] for request, index in round_robin([a, b, c], 5, 8)] == ["a4"]


def test_close_answers_waiting_callers_within_its_timeout() -> None:
    release = threading.Event()
    batcher = MicroBatcher(lambda key, items: release.wait(10) and items, max_batch=1)
    running = batcher.submit("k", ["a"])
    queued = batcher.submit("k", ["b"])
    start = time.monotonic()
    batcher.close(timeout=0.2, error=RuntimeError("stopping"))
    assert time.monotonic() - start < 5
    for future in (running, queued):
        with pytest.raises(RuntimeError, match="stopping"):
            future.result(1)
    release.set()


def test_clients_split_over_two_batches_merge_into_the_next_one() -> None:
    """Requests queued while a batch runs wait for its clients; then the batch starts at once."""
    started, release = threading.Event(), threading.Event()
    recorder = Recorder()

    def engine(key, items: list[str]) -> list[str]:
        started.set()
        release.wait(5)  # hold the first batch while more requests queue up
        return recorder(key, items)

    batcher = MicroBatcher(engine, max_batch=64, max_wait=0.01, patience=1000)
    first = batcher.submit("k", ["a"])
    assert started.wait(5)
    batcher.max_wait = 60  # a quiet gap would now outlast the result timeouts below
    queued = [batcher.submit("k", [item]) for item in ("b", "c", "d")]
    release.set()
    assert first.result(5) == ["k:a"]
    queued.append(batcher.submit("k", ["e"]))  # the first batch's client comes back
    assert [future.result(5) for future in queued] == [["k:b"], ["k:c"], ["k:d"], ["k:e"]]
    assert [items for _, items in recorder.batches] == [["a"], ["b", "c", "d", "e"]]
    batcher.close()


def test_bench_client_reads_each_answer_on_its_keep_alive_connection() -> None:
    """bench/serve.py's lean HTTP client: every request answered, in order, on one connection."""
    path = Path(__file__).resolve().parent.parent / "bench" / "serve.py"
    spec = importlib.util.spec_from_file_location("bench_serve", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    requests: list[dict] = []
    connections = 0

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        with contextlib.suppress(asyncio.IncompleteReadError):  # the client hung up
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode().lower()
                length = int(head.split("content-length: ")[1].split("\r\n")[0])
                requests.append(json.loads(await reader.readexactly(length)))
                status = "500 Oops" if requests[-1]["text"] == "bad" else "200 OK"
                body = b'{"ok": true}'
                writer.write(f"HTTP/1.1 {status}\r\nContent-Length: 12\r\n\r\n".encode() + body)

    async def run(texts: Iterator[str]) -> tuple[float, list[float]]:
        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1/translate"
        async with server:
            return await bench.load_test(url, 2, texts, 1, 0.2, 32)

    rate, latencies = asyncio.run(run(f"s{n}" for n in itertools.count()))
    assert connections == 2 and len(latencies) == len(requests) > 2 and rate > 0
    assert all(request["beam"] == 1 for request in requests)
    with pytest.raises(RuntimeError, match="500"):
        asyncio.run(run(itertools.repeat("bad")))
