"""A randomly initialised model of the exact opus-mt-zh-en architecture, for speed benchmarks.

The real weights cannot be downloaded here; speed depends only on the architecture and the
vocabulary, which the shared tokenizer files define completely (config, SentencePiece, vocab).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TOKENIZER_DIR = REPO.parent / "shared" / "models" / "opus-mt-zh-en-tokenizer"
DEFAULT_OUT_DIR = REPO / "bench" / "results" / "random-opus-mt-zh-en"


def build_random_opus(
    tokenizer_dir: Path = DEFAULT_TOKENIZER_DIR, out_dir: Path = DEFAULT_OUT_DIR, seed: int = 0
) -> Path:
    """Save (once) a random-weight MarianMT model dir that loads like the real opus-mt-zh-en."""
    if (out_dir / "model.safetensors").is_file():
        return out_dir
    if not (tokenizer_dir / "config.json").is_file():
        raise SystemExit(f"no opus-mt tokenizer files in {tokenizer_dir}; pass --tokenizer-dir")
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    config = MarianConfig.from_pretrained(tokenizer_dir)
    torch.manual_seed(seed)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir.parent) as staging:  # no half-written model
        MarianMTModel(config).eval().save_pretrained(staging)
        MarianTokenizer.from_pretrained(tokenizer_dir).save_pretrained(staging)
        shutil.rmtree(out_dir, ignore_errors=True)
        os.replace(staging, out_dir)
        Path(staging).mkdir()  # for TemporaryDirectory's own cleanup
    return out_dir


if __name__ == "__main__":
    print(build_random_opus())
