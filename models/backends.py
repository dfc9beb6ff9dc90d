"""The two inference backends behind one interface: token ids in, hypotheses out.

Both take the same source ids and the same DecodingOptions, so the Translator above them does
not care which one runs; with greedy float32 decoding they produce identical ids.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Protocol

import torch

from models.decoding import DecodingOptions, Hypothesis


class Backend(Protocol):
    name: str
    device: str
    compute_type: str

    def generate(self, batch: list[list[int]], options: DecodingOptions) -> list[Hypothesis]: ...


class TransformersBackend:
    """PyTorch MarianMT through `model.generate`."""

    name = "transformers"

    def __init__(self, model_dir: Path, *, device: str, compute_type: str, pad_id: int) -> None:
        from transformers import MarianMTModel

        dtype = getattr(torch, compute_type)
        self.model = MarianMTModel.from_pretrained(model_dir, dtype=dtype).to(device).eval()
        self.device, self.compute_type, self.pad_id = device, compute_type, pad_id
        self.eos_id = self.model.config.eos_token_id
        self._lock = threading.Lock()  # generate() is not documented as thread-safe

    def generate(self, batch: list[list[int]], options: DecodingOptions) -> list[Hypothesis]:
        width = max(map(len, batch))
        ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        for row, source in enumerate(batch):
            ids[row, : len(source)] = torch.tensor(source)
        ids = ids.to(self.device)
        with self._lock, torch.inference_mode():
            out = self.model.generate(
                input_ids=ids,
                attention_mask=ids != self.pad_id,
                num_beams=options.beam_size,
                do_sample=False,
                max_new_tokens=options.max_decoding_length,
                min_new_tokens=options.min_decoding_length,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                repetition_penalty=options.repetition_penalty,
                length_penalty=options.length_penalty,
                forced_eos_token_id=None,  # as CTranslate2: no forced '</s>' at max length
                output_scores=True,
                return_dict_in_generate=True,
            )
            # Greedy search reports processed logits, beam search log-probs already.
            steps = self.model.compute_transition_scores(
                out.sequences,
                out.scores,
                getattr(out, "beam_indices", None) if options.beam_size > 1 else None,
                normalize_logits=options.beam_size == 1,
            )
        hypotheses = []
        for tokens, scores in zip(out.sequences[:, 1:].tolist(), steps.tolist(), strict=True):
            scored = [(t, s) for t, s in zip(tokens, scores, strict=False) if t != self.pad_id]
            hypotheses.append(
                Hypothesis(
                    ids=[t for t, _ in scored if t != self.eos_id],
                    log_prob=sum(s for _, s in scored),
                    length=len(scored),
                )
            )
        return hypotheses


class CTranslate2Backend:
    """The same model converted to CTranslate2: int8 on CPU, several times faster."""

    name = "ct2"

    def __init__(self, ct2_dir: Path, *, device: str, compute_type: str, tokenizer) -> None:
        import ctranslate2

        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
        self.translator = ctranslate2.Translator(
            str(ct2_dir), device=device, compute_type=compute_type, intra_threads=threads
        )
        self.device, self.compute_type, self.tokenizer = device, compute_type, tokenizer
        self.eos = tokenizer.eos_token

    def generate(self, batch: list[list[int]], options: DecodingOptions) -> list[Hypothesis]:
        results = self.translator.translate_batch(
            [self.tokenizer.convert_ids_to_tokens(source) for source in batch],
            beam_size=options.beam_size,
            max_decoding_length=options.max_decoding_length,
            min_decoding_length=options.min_decoding_length,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            repetition_penalty=options.repetition_penalty,
            length_penalty=options.length_penalty,
            max_input_length=0,  # the Translator splits long input; never truncate here
            return_end_token=True,
            return_scores=True,
        )
        hypotheses = []
        for result in results:
            tokens = result.hypotheses[0]
            length = max(len(tokens), 1)
            ids = self.tokenizer.convert_tokens_to_ids([t for t in tokens if t != self.eos])
            # CTranslate2 reports the sum of log-probs divided by length ** length_penalty.
            log_prob = result.scores[0] * length**options.length_penalty
            hypotheses.append(Hypothesis(ids=ids, log_prob=log_prob, length=length))
        return hypotheses


def convert_to_ct2(model_dir: Path, out_dir: Path, quantization: str) -> Path:
    """Convert once; later calls reuse out_dir. Writes to a temporary sibling, then renames."""
    if (out_dir / "model.bin").is_file():
        return out_dir
    from ctranslate2.converters import TransformersConverter

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        TransformersConverter(str(model_dir)).convert(
            str(staging / "model"), quantization=quantization, force=True
        )
        try:
            os.replace(staging / "model", out_dir)
        except OSError:  # another process finished first: use its conversion
            if not (out_dir / "model.bin").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir
