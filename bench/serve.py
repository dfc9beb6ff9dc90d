"""Serving throughput: `bitext`'s HTTP service against the engine's offline batch throughput.

The model is the exact opus-mt-zh-en architecture with random weights (bench/random_opus.py),
decoding a fixed number of tokens per sentence so both sides do the same work. In one run:

1. offline: `Translator.translate_batch` on batches of `--batch` sentences, cache off;
2. served: the app (micro-batcher included) in a separate uvicorn process on 127.0.0.1, hit by
   1, 8 and 32 concurrent clients, each sending one sentence per POST /v1/translate, for a bounded
   time per level.

Every sentence is made unique (a numbered prefix) so no cache can answer. Prints target tokens/s,
p50/p95 latency and the ratio served/offline per level; the last line is `serve_ratio_32=<ratio>`.

    python bench/serve.py [--seconds 20] [--clients 1,8,32] [--length 32] [--beam 1]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

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


def load(model_dir: Path, backend: str, data_dir: Path | None):
    from models import load_translator

    return load_translator(str(model_dir), backend=backend, data_dir=data_dir)


def serve_only(args: argparse.Namespace) -> None:
    """Child process: the real app and uvicorn, with the fixed-length model."""
    import uvicorn

    from service.app import create_app
    from service.settings import Settings

    settings = Settings.from_env(data_dir=args.data_dir)
    translator = FixedLength(load(args.model_dir, args.backend, args.data_dir), args.length)
    registry = FixedLengthRegistry(translator)
    app = create_app(settings, seeds_dir=None, registry=registry)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


def unique_sentences(source: Path) -> Iterator[str]:
    """An endless stream of distinct single sentences: numbered copies of the test set's.

    Split beforehand, so that a request is exactly one sentence for the server as for the engine.
    """
    from models.segment import split_lines

    text = source.read_text("utf-8")
    pool = [sentence for line in split_lines(text, "zh") for sentence in line]
    return (f"{n}、{pool[n % len(pool)]}" for n in itertools.count())


def offline(translator: FixedLength, sentences, batch: int, beam: int, seconds: float) -> float:
    """Target tokens per second of back-to-back engine batches."""
    translator.translate_batch([next(sentences) for _ in range(batch)], beam_size=beam)  # warm-up
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        chunk = [next(sentences) for _ in range(batch)]
        translator.translate_batch(chunk, beam_size=beam, use_cache=False)
        done += len(chunk)
    return done * translator.length / (time.perf_counter() - start)


async def load_test(url: str, clients: int, sentences, beam: int, seconds: float, length: int):
    """(tokens/s, p50 s, p95 s) with `clients` concurrent one-sentence requests."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            response = await http.post(url, json={"text": next(sentences), "beam": beam})
            response.raise_for_status()
            latencies.append(time.perf_counter() - sent)

    async with httpx.AsyncClient(limits=limits, timeout=300) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - start
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else latencies[0]
    return len(latencies) * length / elapsed, statistics.median(latencies), p95


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args: argparse.Namespace, model_dir: Path, data_dir: Path) -> tuple:
    port = free_port()
    command = [
        sys.executable, __file__, "--serve-only", "--model-dir", str(model_dir),
        "--data-dir", str(data_dir), "--port", str(port), "--length", str(args.length),
        "--backend", args.backend,
    ]  # fmt: skip
    server = subprocess.Popen(command, env=os.environ | {"HF_HUB_OFFLINE": "1"})
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokenizer", type=Path, default=DEFAULT_TOKENIZER)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="zh lines to send")
    parser.add_argument("--seconds", type=float, default=20, help="per measurement")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--length", type=int, default=32, help="target tokens per sentence")
    parser.add_argument("--beam", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32, help="offline batch size")
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

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = build_random_opus(args.tokenizer)
        sentences = unique_sentences(args.source)
        translator = FixedLength(load(model_dir, args.backend, None), args.length)
        before = offline(translator, sentences, args.batch, args.beam, args.seconds)
        print(f"offline batch={args.batch} beam={args.beam}: {before:.0f} target tokens/s")

        server, base = start_server(args, model_dir, Path(tmp) / "data")
        try:
            url = f"{base}/v1/translate"
            asyncio.run(load_test(url, 4, sentences, args.beam, 2, args.length))  # warm-up
            served = {}
            for clients in [int(c) for c in args.clients.split(",")]:
                counted = batch_totals(base)
                rate, p50, p95 = asyncio.run(
                    load_test(url, clients, sentences, args.beam, args.seconds, args.length)
                )
                sentences_run, batches_run = (
                    a - b for a, b in zip(batch_totals(base), counted, strict=True)
                )
                served[clients] = rate
                print(
                    f"served clients={clients}: {rate:.0f} target tokens/s, "
                    f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                    f"mean batch {sentences_run / max(batches_run, 1):.1f}"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        # Measured again after serving: the machine is shared, and its load drifts.
        after = offline(translator, sentences, args.batch, args.beam, args.seconds)
        reference = (before + after) / 2
        print(f"offline again: {after:.0f} target tokens/s; reference {reference:.0f}")
    for clients, rate in served.items():
        print(f"ratio served/offline, {clients} clients: {rate / reference:.2f}")
    if 32 in served:  # the headline figure, last
        print(f"serve_ratio_32={served[32] / reference:.2f}")
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
