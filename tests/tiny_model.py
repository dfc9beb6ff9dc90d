"""Build a tiny random-weight MarianMT model directory, as `save_pretrained` would write it.

The tests load it through the same public path as a real opus-mt model. The layout follows the
real models, which CTranslate2's converter relies on: one shared vocab.json with '</s>' = 0,
'<unk>' = 1 and '<pad>' as the LAST entry (pad = decoder start), SentencePiece models trained
here without a pad piece.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

import sentencepiece as spm
import torch
from transformers import MarianConfig, MarianMTModel, MarianTokenizer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed_lines(lang: str) -> list[str]:
    """Non-blank lines of the Chinese (001) or English (the others) seed documents."""
    files = sorted(SEEDS.glob("*.txt"))
    chosen = [f for f in files if f.name.startswith("001") == (lang == "zh")]
    return [
        line.strip() for f in chosen for line in f.read_text("utf-8").splitlines() if line.strip()
    ]


def _train_spm(lines: Iterable[str], vocab_size: int) -> bytes:
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        unk_id=0,
        bos_id=-1,
        eos_id=1,
        pad_id=-1,
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(model: bytes) -> list[str]:
    processor = spm.SentencePieceProcessor(model_proto=model)
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]


def build_tiny_marian(out_dir: Path, source_lang: str = "zh", target_lang: str = "en") -> Path:
    """Write a small (~0.5 MB) Marian model translating source_lang → target_lang into out_dir."""
    source_spm = _train_spm(seed_lines(source_lang), 800)
    target_spm = _train_spm(seed_lines(target_lang), 800)
    pieces = dict.fromkeys(_pieces(source_spm) + _pieces(target_spm))
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    pad = vocab["<pad>"]

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "source.spm").write_bytes(source_spm)
        (Path(tmp) / "target.spm").write_bytes(target_spm)
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
        tokenizer = MarianTokenizer(
            str(Path(tmp) / "source.spm"),
            str(Path(tmp) / "target.spm"),
            str(Path(tmp) / "vocab.json"),
            source_lang=source_lang,
            target_lang=target_lang,
        )
        tokenizer.save_pretrained(out_dir)

    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=128,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        bos_token_id=0,
        forced_eos_token_id=0,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        init_std=0.3,  # wide enough that outputs depend on the input, so parity means something
    )
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    model.save_pretrained(out_dir)
    return out_dir
