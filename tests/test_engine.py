"""The engine on the tiny model, loaded through the public path: parity, cache, order, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.batching import token_batches
from models.decoding import DecodingOptions
from models.registry import ModelRegistry
from models.translator import load_translator
from text.errors import InputError, ModelUnavailable
from text.segment import split_sentences

FAST = {"max_decoding_length": 12}  # random weights rarely stop: cap the output length


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    from tiny_model import seed_lines

    return [s for line in seed_lines("zh") for s in split_sentences(line, "zh")][:24]


def engine_paths(data: Path) -> dict[str, Path]:
    """Where the engine keeps conversions and its translation cache (the service's layout)."""
    return {"converted_dir": data / "ct2", "cache_path": data / "translations.sqlite3"}


@pytest.fixture(scope="module")
def ct2_float32(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("data")
    return load_translator(str(tiny_model_dir), compute_type="float32", **engine_paths(data))


@pytest.fixture(scope="module")
def torch_float32(tiny_model_dir: Path):
    return load_translator(str(tiny_model_dir), backend="transformers")


def test_loads_through_public_path(ct2_float32, torch_float32, tiny_model_dir: Path) -> None:
    for translator in (ct2_float32, torch_float32):
        assert translator.model == str(tiny_model_dir)
        assert (translator.source_lang, translator.target_lang) == ("zh", "en")
        assert translator.device == "cpu"
        assert translator.max_input_tokens == 128
    assert (ct2_float32.backend, torch_float32.backend) == ("ct2", "transformers")


def test_ct2_conversion_is_stored_once(tiny_model_dir: Path, tmp_path: Path):
    load_translator(str(tiny_model_dir), **engine_paths(tmp_path))
    converted = list((tmp_path / "ct2").glob("*-int8/model.bin"))
    assert len(converted) == 1
    stamp = converted[0].stat().st_mtime_ns
    translator = load_translator(str(tiny_model_dir), **engine_paths(tmp_path))
    assert converted[0].stat().st_mtime_ns == stamp
    assert translator.compute_type == "int8"


@pytest.mark.parametrize(
    "options",
    [
        DecodingOptions(beam_size=1, max_decoding_length=16),  # greedy, defaults otherwise
        DecodingOptions(beam_size=4, max_decoding_length=16, no_repeat_ngram_size=0),
    ],
    ids=["greedy", "beam4"],
)
def test_backends_agree_token_for_token(ct2_float32, torch_float32, sentences, options) -> None:
    """Float32: CTranslate2 and transformers pick the same ids and score them the same."""
    batch = [ids for s in sentences for ids in ct2_float32._fit(s)]
    ct2 = ct2_float32.backend_impl.generate(batch, options)
    hf = torch_float32.backend_impl.generate(batch, options)
    assert [h.ids for h in ct2] == [h.ids for h in hf]
    assert any(h.ids for h in ct2)
    for a, b in zip(ct2, hf, strict=True):
        assert a.length == b.length
        assert a.log_prob == pytest.approx(b.log_prob, rel=1e-3, abs=1e-3)


def test_confidence_is_mean_token_log_prob(ct2_float32, sentences) -> None:
    results = ct2_float32.translate_batch(sentences[:4], use_cache=False, **FAST)
    assert all(r.confidence < 0 for r in results)
    assert ct2_float32.translate_batch(["", "  "]) == [
        type(results[0])("", "", 0.0),
        type(results[0])("  ", "", 0.0),
    ]


def test_order_is_restored_after_length_sorting(torch_float32, sentences) -> None:
    mixed = sorted(sentences, key=len)[::3] + sentences[:2]  # lengths out of order, duplicates
    together = torch_float32.translate_batch(mixed, beam_size=1, use_cache=False, **FAST)
    assert [t.source for t in together] == mixed
    alone = [
        torch_float32.translate_batch([s], beam_size=1, use_cache=False, **FAST)[0] for s in mixed
    ]
    assert [t.text for t in together] == [t.text for t in alone]


def test_second_call_is_served_by_the_cache(tiny_model_dir: Path, tmp_path: Path, sentences):
    translator = load_translator(str(tiny_model_dir), **engine_paths(tmp_path))
    first = translator.translate_batch(sentences, **FAST)
    calls = []
    generate = translator.backend_impl.generate
    translator.backend_impl.generate = lambda *a: calls.append(a) or generate(*a)
    assert translator.translate_batch(sentences, **FAST) == first
    assert calls == []
    # A fresh process (new Translator, same data dir) hits the same SQLite cache...
    again = load_translator(str(tiny_model_dir), backend="transformers", **engine_paths(tmp_path))
    again.backend_impl.generate = lambda *a: calls.append(a) or []
    assert again.translate_batch(sentences, **FAST) == first
    assert calls == []
    # ...but other decoding options are other translations.
    translator.translate_batch(sentences[:1], beam_size=2, **FAST)
    assert len(calls) == 1


def test_long_sentence_is_cut_at_clauses_never_truncated(ct2_float32) -> None:
    clause = "加快推进政法领域全面深化改革,"
    sentence = clause * (2000 // len(clause))  # ~2,000 characters, no full stop
    seen: list[list[int]] = []
    generate = ct2_float32.backend_impl.generate
    ct2_float32.backend_impl.generate = lambda batch, opts: (
        seen.extend(batch) or generate(batch, opts)
    )
    try:
        [result] = ct2_float32.translate_batch([sentence], use_cache=False, max_decoding_length=2)
    finally:
        ct2_float32.backend_impl.generate = generate
    assert len(seen) > 1
    assert all(len(ids) <= ct2_float32.max_input_tokens for ids in seen)
    tokenizer = ct2_float32.tokenizer
    pieces = ["".join(tokenizer.convert_ids_to_tokens(ids[:-1])) for ids in seen]
    assert "".join(pieces).replace("▁", "") == sentence  # every character was translated
    assert result.text


def test_long_text_without_any_mark_is_split_too(ct2_float32) -> None:
    sentence = "政法工作" * 300
    pieces = ct2_float32._fit(sentence)
    assert len(pieces) > 1
    assert all(len(ids) <= ct2_float32.max_input_tokens for ids in pieces)


def test_translate_text_keeps_lines(ct2_float32) -> None:
    text = "省委政法工作会议在太原召开。省委书记出席会议。\n\n他强调,要深入贯彻。\n"
    result = ct2_float32.translate_text(text, **FAST)
    lines = result.text.split("\n")
    assert len(lines) == 4 and lines[1] == "" and lines[3] == ""
    assert all(lines[i] for i in (0, 2))
    assert [t.source for t in result.sentences] == [
        "省委政法工作会议在太原召开。",
        "省委书记出席会议。",
        "他强调,要深入贯彻。",
    ]


def test_reverse_model(tiny_model_en_zh_dir: Path) -> None:
    translator = load_translator(str(tiny_model_en_zh_dir), compute_type="float32")
    assert (translator.source_lang, translator.target_lang) == ("en", "zh")
    result = translator.translate_text("The meeting was held. It ended.", **FAST)
    assert [s.source for s in result.sentences] == ["The meeting was held.", "It ended."]
    assert result.text == "".join(s.text for s in result.sentences)  # Chinese: no spaces


def test_bad_options_are_input_errors(ct2_float32) -> None:
    with pytest.raises(InputError, match="beam size"):
        ct2_float32.translate_batch(["你好。"], beam_size=0)
    with pytest.raises(TypeError):
        ct2_float32.translate_batch(["你好。"], beams=2)
    with pytest.raises(InputError, match="unknown backend"):
        load_translator("whatever", backend="onnx")


def test_missing_model_is_one_actionable_line(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable) as missing:
        load_translator("bitext-test/no-such-model", **engine_paths(tmp_path))
    message = str(missing.value)
    assert "\n" not in message
    assert "bitext-test/no-such-model" in message
    assert "bitext models pull bitext-test/no-such-model" in message
    assert "--model" in message and "BITEXT_MODEL_ZH_EN" in message
    with pytest.raises(ModelUnavailable, match="not a model directory"):
        load_translator(str(tmp_path))
    with pytest.raises(ModelUnavailable, match="no model directory at /no/such/dir"):
        load_translator("/no/such/dir")


def test_registry_is_lazy_and_loads_once(tiny_model_dir: Path, tmp_path: Path) -> None:
    registry = ModelRegistry(
        {("zh", "en"): str(tiny_model_dir), ("en", "zh"): "bitext-test/no-such-model"},
        **engine_paths(tmp_path),
    )
    states = {(s.source, s.target): s for s in registry.status()}
    assert states["zh", "en"].state == "available"
    assert states["en", "zh"].state == "unavailable"
    assert "bitext models pull" in states["en", "zh"].error
    registry.check("zh", "en")
    with pytest.raises(ModelUnavailable):
        registry.check("en", "zh")
    with pytest.raises(ModelUnavailable):
        registry.get("en", "zh")
    with pytest.raises(InputError, match="no model for fr-en"):
        registry.get("fr", "en")

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        loaded = list(pool.map(lambda _: registry.get("zh", "en"), range(4)))
    assert all(t is loaded[0] for t in loaded)
    assert {(s.source, s.state) for s in registry.status()} >= {("zh", "loaded")}


def test_token_batches_respect_budget_and_cover_everything() -> None:
    lengths = [5, 40, 7, 40, 3, 100, 8]
    batches = token_batches(lengths, max_tokens=80)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        longest = max(lengths[i] for i in batch)
        assert len(batch) == 1 or longest * len(batch) <= 80
    assert batches[0] == [5]  # longer than the budget: alone
