"""Serving throughput: `bitext`'s HTTP service against the engine's offline batch throughput.

The model is the exact opus-mt-zh-en architecture with random weights (bench/random_opus.py),
decoding a fixed number of tokens per sentence so both sides do the same work. The app (micro-
batcher included) runs in a separate uvicorn process on 127.0.0.1; for each client count, rounds
of a bounded time alternate between the two sides, offline first and last:

- offline: `Translator.translate_batch` in the server process, on the engine object that serves,
  on back-to-back batches of min(clients, BITEXT_BATCH_MAX_SENTENCES) sentences (the largest batch
  the batcher can form from that many one-sentence clients), cache off;
- served: that many concurrent closed-loop clients, each sending one sentence per
  POST /v1/translate over its own keep-alive connection, the next as soon as the answer is in.

The machine may be shared and its load drifts, so each served round is compared with the mean of
the offline rounds just before and after it, and a level's ratio is the median of those. Every
round sends the same sentences in the same order, each made unique by a number (no cache can
answer). Prints target tokens/s, p50/p95 latency and the ratio served/offline per level.

Mixed load (fair scheduling): `--mixed-clients` closed-loop clients send one-sentence requests,
alone, then beside one maximum-size request (BITEXT_MAX_REQUEST_CHARS of sentences, sent again as
soon as it is answered), then alone again; the ratio is the p95 latency beside it over the mean
p95 alone (target: at most 3). The last line is `serve_ratio_32=<ratio>`.

    python bench/serve.py [--seconds 15] [--rounds 3] [--clients 1,8,32] [--length 32] [--beam 1]
                          [--mixed-clients 4]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

SHARED = ROOT.parent / "shared"
DEFAULT_TOKENIZER = SHARED / "models" / "opus-mt-zh-en-tokenizer"
DEFAULT_SOURCE = SHARED / "eval" / "mt" / "flores200.devtest.zho_Hans"


class FixedLength:
    """A Translator that always decodes exactly `length` tokens with `beam`: comparable timings."""

    def __init__(self, translator, length: int) -> None:
        self.translator, self.length = translator, length
        self.model = translator.model
        self.target_lang = translator.target_lang

    def translate_batch(self, sentences, **options):
        return self.translator.translate_batch(
            sentences, min_decoding_length=self.length, max_decoding_length=self.length, **options
        )


class FixedLengthRegistry:
    """The app's registry for the benchmark: the one zh→en model, decoding fixed lengths."""

    def __init__(self, translator: FixedLength) -> None:
        self.translator = translator

    def get(self, source: str, target: str) -> FixedLength:
        return self.translator

    def check(self, source: str, target: str) -> None:
        pass

    def status(self) -> list:
        return []


def load(model_dir: Path, backend: str, settings):
    """The engine as the server loads it: the settings' conversion and translation cache."""
    from models.translator import load_translator

    return load_translator(
        str(model_dir),
        backend=backend,
        converted_dir=settings.converted_dir,
        cache_path=settings.translation_cache,
    )


def serve_only(args: argparse.Namespace) -> None:
    """Child process: the real app and uvicorn, with the fixed-length model."""
    import uvicorn

    from service.app import create_app
    from service.settings import Settings

    answers, sys.stdout = sys.stdout, sys.stderr  # stdout carries answer_offline's answers only
    settings = Settings.from_env(data_dir=args.data_dir)
    translator = FixedLength(load(args.model_dir, args.backend, settings), args.length)
    offline_rounds = threading.Thread(
        target=answer_offline, args=(translator, Sentences(args.source), answers), daemon=True
    )
    offline_rounds.start()
    registry = FixedLengthRegistry(translator)
    app = create_app(settings, seeds_dir=None, registry=registry)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


class Sentences:
    """The test set's sentences, each round in the same order, numbered so that none repeats.

    Split beforehand, so that a request is exactly one sentence for the server as for the engine.
    """

    def __init__(self, source: Path) -> None:
        from text.segment import split_lines

        text = source.read_text("utf-8")
        self.pool = [sentence for line in split_lines(text, "zh") for sentence in line]
        self.next_number = 0

    def round(self) -> Iterator[str]:
        for n in itertools.count():
            self.next_number += 1
            yield f"{self.next_number - 1}、{self.pool[n % len(self.pool)]}"


def offline(
    translator: FixedLength, sentences: Iterator[str], batch: int, beam: int, seconds: float
) -> float:
    """Target tokens per second of back-to-back engine batches (at least one), cache off."""
    done, start = 0, time.perf_counter()
    while not done or time.perf_counter() - start < seconds:
        chunk = [next(sentences) for _ in range(batch)]
        translator.translate_batch(chunk, beam_size=beam, use_cache=False)
        done += len(chunk)
    return done * translator.length / (time.perf_counter() - start)


def answer_offline(translator: FixedLength, sentences: Sentences, answers: TextIO) -> None:
    """Child process: offline rounds on the server's own engine, asked for on stdin.

    The same engine object serves both sides, so the ratio compares serving with the very engine
    that serves. Each request is a JSON [batch, beam, seconds, first sentence number]; each answer
    [target tokens/s, next sentence number].
    """
    for line in sys.stdin:
        batch, beam, seconds, sentences.next_number = json.loads(line)
        rate = offline(translator, sentences.round(), batch, beam, seconds)
        print(json.dumps([rate, sentences.next_number]), file=answers, flush=True)


def ask_offline(
    server: subprocess.Popen, sentences: Sentences, batch: int, beam: int, seconds: float
) -> float:
    """An offline round in the server process (answer_offline), while no client is connected."""
    server.stdin.write(json.dumps([batch, beam, seconds, sentences.next_number]) + "\n")
    server.stdin.flush()
    rate, sentences.next_number = json.loads(server.stdout.readline())
    return rate


async def load_test(
    url: str, clients: int, sentences: Iterator[str], beam: int, seconds: float, length: int
) -> tuple[float, list[float]]:
    """(target tokens/s, latencies in s) of `clients` concurrent one-sentence requests.

    Each client keeps one HTTP/1.1 connection and speaks it over asyncio streams (0.3 ms of CPU a
    request). httpx took 9 ms, a fifth of the engine's time per sentence, from the cores the
    server runs on: a cost a remote client would not put on the server.
    """
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    address = httpx.URL(url)
    head = f"POST {address.path} HTTP/1.1\r\nHost: {address.host}\r\n"
    head += "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n"

    async def client() -> None:
        reader, writer = await asyncio.open_connection(address.host, address.port)
        try:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                body = json.dumps({"text": next(sentences), "beam": beam}).encode()
                writer.write(head.format(len(body)).encode() + body)
                status, *lines = (await reader.readuntil(b"\r\n\r\n")).decode().split("\r\n")
                fields = dict(line.lower().split(": ", 1) for line in lines if line)
                answer = await reader.readexactly(int(fields["content-length"]))
                if status.split()[1] != "200":
                    raise RuntimeError(f"bench: {status}: {answer.decode()}")
                latencies.append(time.perf_counter() - sent)
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - start
    return len(latencies) * length / elapsed, latencies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args: argparse.Namespace, model_dir: Path, data_dir: Path) -> tuple:
    port = free_port()
    command = [
        sys.executable, __file__, "--serve-only", "--model-dir", str(model_dir),
        "--data-dir", str(data_dir), "--port", str(port), "--length", str(args.length),
        "--backend", args.backend, "--source", str(args.source),
    ]  # fmt: skip
    server = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=os.environ | {"HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench: the server exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("bench: the server did not start within 300 s")


def measure_level(
    args: argparse.Namespace,
    server: subprocess.Popen,
    sentences: Sentences,
    base: str,
    clients: int,
    batch: int,
) -> float:
    """Alternate offline and served rounds for one client count, print them; the median ratio."""
    url = f"{base}/v1/translate"

    def offline_round(seconds: float) -> float:
        return ask_offline(server, sentences, batch, args.beam, seconds)

    def served_round(seconds: float) -> tuple[float, list[float]]:
        test = load_test(url, clients, sentences.round(), args.beam, seconds, args.length)
        return asyncio.run(test)

    # Warm-up, untimed: the engine at this batch size, the batcher to this many clients.
    offline_round(0)
    served_round(args.seconds / 4)
    counted = batch_totals(base)
    offline_rates, served_rates, latencies = [offline_round(args.seconds)], [], []
    for _ in range(args.rounds):
        rate, times = served_round(args.seconds)
        served_rates.append(rate)
        latencies += times
        offline_rates.append(offline_round(args.seconds))
    sentences_run, batches_run = (a - b for a, b in zip(batch_totals(base), counted, strict=True))
    ratios = [
        served / ((before + after) / 2)
        for served, before, after in zip(
            served_rates, offline_rates, offline_rates[1:], strict=False
        )
    ]
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else latencies[0]
    print(
        f"clients={clients}: offline batch={batch}: {rounded(offline_rates)} target tokens/s; "
        f"served: {rounded(served_rates)} target tokens/s, "
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"mean batch {sentences_run / max(batches_run, 1):.1f}; "
        f"ratios {' '.join(f'{ratio:.2f}' for ratio in ratios)}",
        flush=True,
    )
    return statistics.median(ratios)


def long_text(sentences: Sentences, max_chars: int) -> str:
    """A maximum-size request: numbered sentences of the test set, up to `max_chars`."""
    text, pool = "", sentences.round()
    while len(text) + len(sentence := next(pool)) <= max_chars:
        text += sentence
    return text


async def send_long(url: str, text: str, beam: int, seconds: float) -> int:
    """Keep one maximum-size request in flight for `seconds`, then wait for the last one (the
    server would go on translating it): how many were sent."""
    deadline, sent = time.perf_counter() + seconds, 0
    async with httpx.AsyncClient(timeout=None) as client:
        while time.perf_counter() < deadline:
            (await client.post(url, json={"text": text, "beam": beam})).raise_for_status()
            sent += 1
    return sent


def measure_mixed(
    args: argparse.Namespace, sentences: Sentences, base: str, max_chars: int
) -> float:
    """p95 of one-sentence requests beside a maximum-size request over their p95 alone."""
    url = f"{base}/v1/translate"

    def short_p95(seconds: float, beside: str | None) -> tuple[float, int]:
        async def run() -> tuple[list[float], int]:
            clients = load_test(
                url, args.mixed_clients, sentences.round(), args.beam, seconds, args.length
            )
            if beside is None:
                return (await clients)[1], 0
            (_, latencies), answered = await asyncio.gather(
                clients, send_long(url, beside, args.beam, seconds)
            )
            return latencies, answered

        latencies, answered = asyncio.run(run())
        return statistics.quantiles(latencies, n=20)[18], answered

    short_p95(args.seconds / 4, None)  # warm-up
    before, _ = short_p95(args.seconds, None)
    text = long_text(sentences, max_chars)
    beside, answered = short_p95(args.seconds, text)
    after, _ = short_p95(args.seconds, None)
    ratio = beside / ((before + after) / 2)
    print(
        f"mixed load, {args.mixed_clients} one-sentence clients: p95 alone {before * 1000:.0f} "
        f"and {after * 1000:.0f} ms; beside a {len(text)}-character request "
        f"({answered} sent in {args.seconds:.0f} s) {beside * 1000:.0f} ms; "
        f"ratio {ratio:.2f}",
        flush=True,
    )
    return ratio


def rounded(rates: list[float]) -> str:
    return " ".join(f"{rate:.0f}" for rate in rates)


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokenizer", type=Path, default=DEFAULT_TOKENIZER)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="zh lines to send")
    parser.add_argument("--seconds", type=float, default=15, help="per round")
    parser.add_argument("--rounds", type=int, default=3, help="served rounds per client count")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--length", type=int, default=32, help="target tokens per sentence")
    parser.add_argument("--beam", type=int, default=1)
    parser.add_argument(
        "--mixed-clients", type=int, default=4, help="one-sentence clients (mixed load; 0: skip)"
    )
    parser.add_argument("--backend", default="ct2", choices=["ct2", "transformers"])
    parser.add_argument("--serve-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_only:
        serve_only(args)
        return 0
    for path in (args.tokenizer, args.source):
        if not path.exists():
            print(f"bench: {path} not found (see --tokenizer / --source)", file=sys.stderr)
            return 2

    from random_opus import build_random_opus

    from service.settings import Settings

    print(f"load average {load_average()} (1, 5, 15 min) at the start", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        model_dir = build_random_opus(args.tokenizer)
        # The largest batch the server's micro-batcher builds, from the same environment.
        served_settings = Settings.from_env(data_dir=data_dir)
        max_batch = served_settings.batch_max_sentences
        sentences = Sentences(args.source)
        server, base = start_server(args, model_dir, data_dir)
        try:
            ratios = {
                clients: measure_level(
                    args, server, sentences, base, clients, min(clients, max_batch)
                )
                for clients in [int(c) for c in args.clients.split(",") if c]
            }
            mixed = args.mixed_clients and measure_mixed(
                args, sentences, base, served_settings.max_request_chars
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"load average {load_average()} at the end")
    for clients, ratio in ratios.items():
        print(f"ratio served/offline, {clients} clients: {ratio:.2f} (median of {args.rounds})")
    if mixed:
        print(f"mixed_p95_ratio={mixed:.2f}")
    if 32 in ratios:  # the headline figure, last
        print(f"serve_ratio_32={ratios[32]:.2f}")
    return 0


def batch_totals(base: str) -> tuple[float, float]:
    """(sentences, batches) the server's micro-batcher has run so far, from /metrics."""
    values = {}
    for line in httpx.get(f"{base}/metrics").text.splitlines():
        name, _, value = line.partition(" ")
        values[name] = value
    return (
        float(values["bitext_batch_sentences_sum"]),
        float(values["bitext_batch_sentences_count"]),
    )


if __name__ == "__main__":
    sys.exit(main())
