"""Translation speed: naive transformers vs bitext's engine, same model, same fixed work.

    python bench/translate.py [--model DIR] [--output-length 32]

Without --model, a random-weight model of the exact opus-mt-zh-en architecture is built from
../shared/models/opus-mt-zh-en-tokenizer (bench/random_opus.py). Every run forces the output
length (min = max), so both sides generate exactly the same number of target tokens.

- naive:  transformers fp32, all sentences in ONE padded batch through model.generate
- engine: bitext's load_translator, CTranslate2 int8, length-sorted token-budget batches

Each configuration runs in its own process, so its peak RSS is its own. Prints a table and,
last, `speedup_beam4=<engine tokens/s / naive tokens/s>`.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.random_opus import DEFAULT_TOKENIZER_DIR, build_random_opus  # noqa: E402
from service.cli.engine import quiet_transformers  # noqa: E402
from text.segment import split_lines  # noqa: E402

DEFAULT_SEED = next((REPO / "seeds").glob("001_*.txt"), None)


def seed_sentences(path: Path) -> list[str]:
    return [s for line in split_lines(path.read_text("utf-8"), "zh") for s in line]


def run_naive(model_dir: Path, sentences: list[str], beam: int, length: int) -> int:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir).eval()
    batch = tokenizer(sentences, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = model.generate(
            **batch,
            num_beams=beam,
            do_sample=False,
            min_new_tokens=length,
            max_new_tokens=length,
            no_repeat_ngram_size=0,
        )
    return (out[:, 1:] != tokenizer.pad_token_id).sum().item()  # generated, '</s>' included


def load_engine(model_dir: Path, data_dir: Path):
    """CTranslate2 on the CPU, the conversion kept under data_dir; no translation cache."""
    from models.translator import load_translator

    return load_translator(str(model_dir), backend="ct2", device="cpu", converted_dir=data_dir)


def run_engine(translator, sentences: list[str], beam: int, length: int) -> int:
    translator.translate_batch(
        sentences,
        use_cache=False,
        beam_size=beam,
        min_decoding_length=length,
        max_decoding_length=length,
        no_repeat_ngram_size=0,  # the same search as the naive side
    )
    return length * len(sentences)


def worker(args: argparse.Namespace) -> None:
    """One configuration, timed after loading and a short warm-up; prints one JSON line."""
    quiet_transformers()
    sentences = seed_sentences(args.seed)
    if args.worker == "naive":
        run_naive(args.model, sentences[:2], args.beam, 4)
        start = time.perf_counter()
        tokens = run_naive(args.model, sentences, args.beam, args.output_length)
    else:
        translator = load_engine(args.model, args.data_dir)
        run_engine(translator, sentences[:2], args.beam, 4)
        start = time.perf_counter()
        tokens = run_engine(translator, sentences, args.beam, args.output_length)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"tokens": tokens, "seconds": seconds, "peak_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="a MarianMT model directory")
    parser.add_argument("--tokenizer-dir", type=Path, default=DEFAULT_TOKENIZER_DIR)
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="Chinese input text")
    parser.add_argument("--output-length", type=int, default=32)
    parser.add_argument("--worker", choices=["naive", "engine"], help=argparse.SUPPRESS)
    parser.add_argument("--beam", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    quiet_transformers()
    model = args.model or build_random_opus(args.tokenizer_dir)
    sentences = seed_sentences(args.seed)
    print(f"model {model}, {len(sentences)} sentences from {args.seed.name}, ", end="")
    print(f"output length {args.output_length} tokens each")
    with tempfile.TemporaryDirectory() as data_dir:
        # Convert once up front, so no timed run includes the one-off CTranslate2 conversion.
        load_engine(model, Path(data_dir))
        results = {}
        for beam in (1, 4):
            for side in ("naive", "engine"):
                command = [sys.executable, __file__, "--worker", side, "--beam", str(beam)]
                command += ["--model", str(model), "--seed", str(args.seed)]
                command += ["--output-length", str(args.output_length), "--data-dir", data_dir]
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                results[side, beam] = json.loads(done.stdout.strip().splitlines()[-1])

    print(
        f"{'backend':<34} {'beam':>4} {'tokens':>7} {'seconds':>8} {'tokens/s':>9} {'peak MB':>8}"
    )
    names = {"naive": "transformers fp32, one batch", "engine": "bitext ct2 int8, bucketed"}
    for (side, beam), r in results.items():
        rate = r["tokens"] / r["seconds"]
        print(
            f"{names[side]:<34} {beam:>4} {r['tokens']:>7} {r['seconds']:>8.2f} "
            f"{rate:>9.1f} {r['peak_mb']:>8.0f}"
        )
    speed = {k: r["tokens"] / r["seconds"] for k, r in results.items()}
    print(f"speedup_beam1={speed['engine', 1] / speed['naive', 1]:.2f}")
    print(f"speedup_beam4={speed['engine', 4] / speed['naive', 4]:.2f}")


if __name__ == "__main__":
    main()
