"""The translation engine: segment, split what is too long, batch, decode, cache, reassemble."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from models.backends import Backend, CTranslate2Backend, TransformersBackend, convert_to_ct2
from models.batching import token_batches
from models.cache import TranslationCache
from models.decoding import BACKENDS, DecodingOptions, Hypothesis
from models.device import resolve_device
from models.hub import locate_model, safe_name
from text.errors import InputError, ModelUnavailable
from text.segment import join_sentences, split_clauses, split_sentences

# Fast defaults per (backend, device); any type the backend supports can be asked for.
DEFAULT_COMPUTE_TYPES = {
    ("ct2", "cpu"): "int8",
    ("ct2", "cuda"): "int8_float16",
    ("transformers", "cpu"): "float32",
    ("transformers", "cuda"): "float16",
}
_LANGUAGE_CODES = {"zho": "zh", "cmn": "zh", "chi": "zh", "eng": "en"}


@dataclass(frozen=True)
class Translation:
    source: str
    text: str
    confidence: float  # mean log-probability of the output tokens (<= 0); 0.0 for empty input


@dataclass(frozen=True)
class TranslatedText:
    text: str  # one output line per input line
    sentences: list[Translation]  # every source sentence, in document order


def assemble_lines(
    segmented: Sequence[Sequence[str]], translations: Iterable[Translation], target_lang: str
) -> list[TranslatedText]:
    """One result per line from the translations of its sentences, taken in document order.

    Takes exactly as many translations as the lines hold, so callers can pass one iterator
    over the translations of several documents.
    """
    results = iter(translations)
    lines = []
    for line in segmented:
        chunk = [next(results) for _ in line]
        lines.append(TranslatedText(join_sentences([t.text for t in chunk], target_lang), chunk))
    return lines


def join_lines(lines: Sequence[TranslatedText], *, ending: str = "") -> TranslatedText:
    """A document from its translated lines: one output line per input line."""
    return TranslatedText(
        "\n".join(line.text for line in lines) + ending,
        [sentence for line in lines for sentence in line.sentences],
    )


class Translator:
    """One loaded model. Thread-safe: backends and cache guard their own state."""

    def __init__(
        self,
        model: str,
        *,
        backend: Backend,
        tokenizer,
        source_lang: str,
        target_lang: str,
        max_input_tokens: int,
        cache: TranslationCache | None = None,
        cache_model_key: str = "",
        max_batch_tokens: int = 2048,
    ) -> None:
        self.model, self.source_lang, self.target_lang = model, source_lang, target_lang
        self.backend_impl, self.tokenizer, self.cache = backend, tokenizer, cache
        self.max_input_tokens, self.max_batch_tokens = max_input_tokens, max_batch_tokens
        self._cache_model_key = cache_model_key or model

    @property
    def backend(self) -> str:
        return self.backend_impl.name

    @property
    def device(self) -> str:
        return self.backend_impl.device

    @property
    def compute_type(self) -> str:
        return self.backend_impl.compute_type

    def translate_batch(
        self, sentences: Sequence[str], *, use_cache: bool = True, **options
    ) -> list[Translation]:
        """Translate independent sentences; equal inputs are translated once."""
        opts = DecodingOptions(**options)
        opts = replace(
            opts,
            max_decoding_length=min(opts.max_decoding_length, self.max_input_tokens),
            min_decoding_length=min(opts.min_decoding_length, self.max_input_tokens),
        )
        unique = [s for s in dict.fromkeys(sentences) if s.strip()]
        cache = self.cache if use_cache else None
        done = (
            cache.get_many(self._cache_model_key, opts.key(), unique) if cache is not None else {}
        )
        missing = [s for s in unique if s not in done]
        if missing:
            fresh = self._translate_uncached(missing, opts)
            if cache is not None:
                cache.put_many(self._cache_model_key, opts.key(), [(s, *fresh[s]) for s in missing])
            done.update(fresh)
        return [Translation(s, *done.get(s, ("", 0.0))) for s in sentences]

    def translate_text(self, text: str, *, use_cache: bool = True, **options) -> TranslatedText:
        """Translate a document sentence by sentence, keeping its lines and blank lines."""
        lines = self.translate_lines(text.splitlines(), use_cache=use_cache, **options)
        return join_lines(lines, ending="\n" if text.endswith(("\n", "\r")) else "")

    def translate_lines(
        self, lines: Sequence[str], *, use_cache: bool = True, **options
    ) -> list[TranslatedText]:
        """One result per line (a line may hold several sentences), all decoded in one batch."""
        segmented = [split_sentences(line, self.source_lang) for line in lines]
        flat = self.translate_batch(
            [s for line in segmented for s in line], use_cache=use_cache, **options
        )
        return assemble_lines(segmented, flat, self.target_lang)

    def _translate_uncached(
        self, sentences: list[str], opts: DecodingOptions
    ) -> dict[str, tuple[str, float]]:
        pieces = [self._fit(sentence) for sentence in sentences]
        flat = [ids for sentence_pieces in pieces for ids in sentence_pieces]
        hypotheses: list[Hypothesis | None] = [None] * len(flat)
        for batch in token_batches([len(ids) for ids in flat], self.max_batch_tokens):
            for index, hypothesis in zip(
                batch, self.backend_impl.generate([flat[i] for i in batch], opts), strict=True
            ):
                hypotheses[index] = hypothesis
        results, position = {}, 0
        for sentence, sentence_pieces in zip(sentences, pieces, strict=True):
            parts = hypotheses[position : position + len(sentence_pieces)]
            position += len(sentence_pieces)
            texts = [self.tokenizer.decode(h.ids, skip_special_tokens=True) for h in parts]
            length = sum(h.length for h in parts)
            confidence = sum(h.log_prob for h in parts) / length if length else 0.0
            results[sentence] = (join_sentences(texts, self.target_lang), confidence)
        return results

    def _encode(self, text: str) -> list[int]:
        return self.tokenizer(text).input_ids

    def _fit(self, text: str) -> list[list[int]]:
        """Source ids for `text`, cut into pieces that fit the model's input limit.

        Cuts at clause marks first, then spaces, then in the middle: never truncates.
        """
        ids = self._encode(text)
        if len(ids) <= self.max_input_tokens:
            return [ids]
        parts = split_clauses(text)
        if len(parts) == 1:
            parts = text.split()
        if len(parts) <= 1:
            parts = [text[: len(text) // 2], text[len(text) // 2 :]]
        pieces, current = [], ""
        for part in parts:
            candidate = join_sentences([current, part], self.source_lang) if current else part
            if current and len(self._encode(candidate)) > self.max_input_tokens:
                pieces.extend(self._fit(current))
                candidate = part
            current = candidate
        pieces.extend(self._fit(current))
        return pieces


def load_translator(
    model: str,
    *,
    backend: str = "ct2",
    device: str = "auto",
    compute_type: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    max_batch_tokens: int = 2048,
    converted_dir: Path | None = None,
    cache_path: Path | None = None,
    download: bool = True,
) -> Translator:
    """Load a MarianMT model by hub id or local directory, the way from_pretrained finds it
    (downloading a hub model missing from the HF cache unless `download` is False).

    converted_dir: where CTranslate2 conversions are kept (one subdirectory per model and
    compute type); without it, the conversion goes to a temporary directory and is thrown away
    once loaded. cache_path: the SQLite translation cache; without it nothing is cached.
    """
    if backend not in BACKENDS:
        raise InputError(f"unknown backend {backend!r}: use {' or '.join(BACKENDS)}")
    device = resolve_device(device)
    compute_type = compute_type or DEFAULT_COMPUTE_TYPES[backend, device]
    model_dir = locate_model(model, download=download)

    from transformers import AutoConfig, MarianTokenizer

    config = AutoConfig.from_pretrained(model_dir)
    if config.model_type != "marian":
        raise ModelUnavailable(f"{model} is not a MarianMT model (model_type={config.model_type})")
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    if backend == "transformers":
        impl: Backend = TransformersBackend(
            model_dir, device=device, compute_type=compute_type, pad_id=tokenizer.pad_token_id
        )
    else:
        with tempfile.TemporaryDirectory(prefix="bitext-ct2-") as scratch:
            root = converted_dir or Path(scratch)
            ct2_dir = convert_to_ct2(
                model_dir, root / f"{safe_name(model)}-{compute_type}", compute_type
            )
            impl = CTranslate2Backend(
                ct2_dir, device=device, compute_type=compute_type, tokenizer=tokenizer
            )
    guess_source, guess_target = _languages(model, tokenizer)
    return Translator(
        model,
        backend=impl,
        tokenizer=tokenizer,
        source_lang=source_lang or guess_source,
        target_lang=target_lang or guess_target,
        max_input_tokens=config.max_position_embeddings,
        cache=TranslationCache(cache_path) if cache_path else None,
        cache_model_key=f"{model}@{_fingerprint(model_dir)}",
        max_batch_tokens=max_batch_tokens,
    )


def _languages(model: str, tokenizer) -> tuple[str, str]:
    """Language pair from tokenizer_config, else from an opus-mt style name, else zh→en."""
    source, target = (
        getattr(tokenizer, "source_lang", None),
        getattr(tokenizer, "target_lang", None),
    )
    if not (source and target):
        match = re.search(r"([a-z]{2,3})-([a-z]{2,3})/?$", model)
        source, target = match.groups() if match else ("zh", "en")
    return _LANGUAGE_CODES.get(source, source[:2]), _LANGUAGE_CODES.get(target, target[:2])


def _fingerprint(model_dir: Path) -> str:
    """Changes when the weights change, so a retrained model never reads stale cache entries."""
    digest = hashlib.sha1(str(model_dir).encode())
    for path in sorted(model_dir.glob("*")):
        if path.suffix in (".safetensors", ".bin", ".json"):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]
