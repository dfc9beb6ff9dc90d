"""The quality library: pair, document and alignment scores, bootstrap, file reading."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import sacrebleu
from sacrebleu.significance import PairedTest

from quality import (
    coverage,
    evaluate,
    paired_bootstrap,
    read_lines,
    read_parallel,
    roundtrip_chrf,
    score_alignment,
    score_document,
    score_pair,
    summarize,
)
from quality.metrics import ChrF
from text.errors import InputError

SENTENCE = "The provincial conference reviewed the work of the past year."
UNRELATED = "Heavy rain is expected across the north coast tonight."


@dataclass(frozen=True)
class Bead:
    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float


@dataclass(frozen=True)
class Translation:
    text: str
    confidence: float


class Lookup:
    """A back-translator with known outputs, so round-trip chrF has a known value."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.calls: list[list[str]] = []

    def translate_batch(self, sentences):
        self.calls.append(list(sentences))
        return [Translation(self.table[s], -0.1) for s in sentences]


class ShortOutputs:
    """The engine's translator with decoding options fixed, as a service would configure it."""

    def __init__(self, translator, options: dict) -> None:
        self.translator, self.options = translator, options

    def translate_batch(self, sentences):
        return self.translator.translate_batch(sentences, **self.options)


def test_identical_pair_scores_perfectly():
    scores = score_pair(SENTENCE, [SENTENCE])
    assert (scores.chrf, scores.bleu, scores.ter) == pytest.approx((100.0, 100.0, 0.0))
    assert scores.reference == "pseudo"


def test_empty_hypothesis_scores_worst():
    scores = score_pair("", SENTENCE)
    assert (scores.chrf, scores.bleu, scores.ter) == (0.0, 0.0, 100.0)


def test_unrelated_pair_scores_low_and_partial_in_between():
    unrelated = score_pair(UNRELATED, SENTENCE)
    partial = score_pair("The conference reviewed last year's work.", SENTENCE)
    assert unrelated.bleu < 5 and unrelated.chrf < 25 and unrelated.ter > 80
    assert unrelated.chrf < partial.chrf < 100
    assert unrelated.bleu < partial.bleu < 100
    assert 0 < partial.ter < unrelated.ter


def test_sentence_bleu_is_sacrebleus_smoothed_sentence_bleu():
    hypothesis = "The conference reviewed last year's work."
    assert (
        score_pair(hypothesis, SENTENCE).bleu
        == sacrebleu.sentence_bleu(hypothesis, [SENTENCE]).score
    )


def test_several_aligned_sentences_form_one_reference():
    two = ["The conference met.", "It reviewed the year."]
    joined = score_pair("The conference met and reviewed the year.", " ".join(two))
    assert score_pair("The conference met and reviewed the year.", two) == joined


def test_chinese_targets_are_tokenized_and_joined_as_chinese():
    hypothesis, reference = "会议在太原召开了。", "会议在太原召开。"
    as_chinese = score_pair(hypothesis, reference, lang="zh")
    assert score_pair(hypothesis, reference).bleu < 5 < as_chinese.bleu < 100
    assert score_pair("会议。召开。", ["会议。", "召开。"], lang="zh").bleu == pytest.approx(100.0)
    result = score_alignment(
        ["The meeting.", "It opened."],
        ["会议。", "召开。"],
        [Bead((0, 1), (0, 1), 0.8)],
        [Translation("会议。", -0.1), Translation("召开。", -0.1)],
        back_translator=Lookup({"会议。召开。": "The meeting. It opened."}),
        lang="zh",
    )
    assert result.pairs[0].bleu == pytest.approx(100.0)
    assert result.pairs[0].roundtrip_chrf == pytest.approx(100.0)
    assert "tok:zh" in result.document.signatures["bleu"]
    assert "eff:yes|tok:zh" in result.signatures["bleu"]


def test_pair_carries_reference_free_signals_and_serialises():
    scores = score_pair(
        SENTENCE, SENTENCE, reference="human", confidence=-0.4, similarity=0.8, roundtrip_chrf=55.0
    )
    data = json.loads(json.dumps(scores.to_dict()))
    assert data == {
        "chrf": 100.0,
        "bleu": pytest.approx(100.0),
        "ter": 0.0,
        "reference": "human",
        "confidence": -0.4,
        "similarity": 0.8,
        "roundtrip_chrf": 55.0,
    }


def test_roundtrip_chrf_compares_chinese_characters():
    original = "政法工作会议在太原召开。"
    identical, close, unrelated = roundtrip_chrf(
        [original] * 3, [original, "政法工作会议在太原举行。", "今天下雨。"]
    )
    assert identical == 100.0
    assert 40 < close < 100
    assert unrelated < 10
    with pytest.raises(ValueError):
        roundtrip_chrf([original], [])


def test_document_scores_equal_sacrebleu_corpus_scores():
    hypotheses = ["The conference reviewed the work.", UNRELATED, SENTENCE]
    references = [SENTENCE, ["Rain is expected.", "It will be heavy."], SENTENCE]
    flat = [SENTENCE, "Rain is expected. It will be heavy.", SENTENCE]
    scores = score_document(hypotheses, references)
    assert scores.bleu == sacrebleu.corpus_bleu(hypotheses, [flat]).score
    assert scores.chrf == sacrebleu.corpus_chrf(hypotheses, [flat]).score
    assert scores.ter == sacrebleu.corpus_ter(hypotheses, [flat]).score
    assert scores.pairs == 3
    assert "tok:13a" in scores.signatures["bleu"] and "nrefs:1" in scores.signatures["bleu"]
    assert set(scores.signatures) == {"bleu", "chrf", "ter"}


def test_document_without_pairs_has_no_scores():
    scores = score_document([], [])
    assert (scores.bleu, scores.chrf, scores.ter, scores.pairs) == (None, None, None, 0)
    with pytest.raises(ValueError):
        score_document(["a"], [])


def test_coverage_counts_sentences_in_two_sided_beads():
    beads = [
        Bead((0,), (0, 1), 0.9),
        Bead((1,), (), 0.0),
        Bead((), (2,), 0.0),
        Bead((2, 3), (3,), 0.6),
    ]
    result = coverage(beads, n_source=5, n_target=4)
    assert (result.aligned_source, result.aligned_target) == (3, 3)
    assert (result.source, result.target) == (0.6, 0.75)
    assert coverage([], 0, 0).source == 0.0


def test_summarize_skips_missing_values():
    summary = summarize([10.0, None, 20.0, 30.0, 40.0])
    assert summary.count == 4
    assert (summary.min, summary.median, summary.max, summary.mean) == (10.0, 25.0, 40.0, 25.0)
    assert (summary.q1, summary.q3) == (17.5, 32.5)
    assert summarize([None]).to_dict()["mean"] is None


def test_score_alignment_scores_each_bead_and_the_document():
    source = ["会议回顾了过去一年的工作。", "会议在太原召开。", "今天下雨。"]
    target = ["The provincial conference reviewed the work", "of the past year.", "Unrelated."]
    translations = [
        Translation(SENTENCE, -0.2),
        Translation("The meeting was held in Taiyuan.", -0.6),
        Translation("It rains today.", -1.0),
    ]
    beads = [Bead((0,), (0, 1), 0.9), Bead((1, 2), (), 0.0), Bead((), (2,), 0.0)]
    back = Lookup({" ".join(target[:2]): source[0]})
    result = score_alignment(source, target, beads, translations, back_translator=back)

    first = result.pairs[0]
    assert result.pairs[1:] == [None, None]
    assert (first.chrf, first.bleu, first.ter) == pytest.approx((100.0, 100.0, 0.0))
    assert (first.confidence, first.similarity, first.roundtrip_chrf) == (-0.2, 0.9, 100.0)
    assert back.calls == [[" ".join(target[:2])]]
    assert result.document.pairs == 1 and result.document.bleu == pytest.approx(100.0)
    assert result.signatures["bleu"] == (
        f"nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:{sacrebleu.__version__}"
    )
    assert (result.coverage.source, result.coverage.target) == (1 / 3, 2 / 3)
    assert result.distribution["chrf"].count == 1
    json.dumps(result.to_dict())


def test_score_alignment_means_confidence_and_skips_roundtrip_without_model():
    translations = [Translation("A b.", -0.2), Translation("C d.", -0.6)]
    result = score_alignment(
        ["甲。", "乙。"], ["A b c d."], [Bead((0, 1), (0,), 0.5)], translations
    )
    (pair,) = result.pairs
    assert pair.confidence == pytest.approx(-0.4)
    assert pair.roundtrip_chrf is None
    assert result.distribution["roundtrip_chrf"].count == 0


def test_score_alignment_with_the_engines_translators(tiny_model_dir, tiny_model_en_zh_dir):
    from models.translator import load_translator

    forward = load_translator(str(tiny_model_dir), backend="transformers")
    back = load_translator(str(tiny_model_en_zh_dir), backend="transformers")
    source = ["会议在太原召开。", "政法工作取得新成效。", "今天下雨。"]
    target = ["The conference was held in Taiyuan.", "Political-legal work made progress."]
    beads = [Bead((0,), (0,), np.float32(0.8)), Bead((1,), (1,), 0.7), Bead((2,), (), 0.0)]
    short = {"max_decoding_length": 12}  # random weights rarely stop on their own
    result = score_alignment(
        source,
        target,
        beads,
        forward.translate_batch(source, **short),
        back_translator=ShortOutputs(back, short),
    )
    assert result.pairs[2] is None
    for pair in result.pairs[:2]:
        assert pair.confidence <= 0 and 0 <= pair.chrf <= 100 and 0 <= pair.roundtrip_chrf <= 100
    assert result.distribution["roundtrip_chrf"].count == 2
    json.dumps(result.to_dict())


def test_bootstrap_is_deterministic_for_a_seed_and_varies_without():
    refs = [[f"sentence number {i} about the provincial conference" for i in range(40)]]
    hyps = [f"sentence {i} about a conference" if i % 3 else "nothing" for i in range(40)]
    metric = ChrF()
    stats = [metric.statistics(hyps, refs), metric.statistics(refs[0], refs)]
    scores = [metric.from_statistics(s) for s in stats]
    first = paired_bootstrap(metric, stats, scores, n_samples=200, seed=3)
    assert first == paired_bootstrap(metric, stats, scores, n_samples=200, seed=3)
    assert first != paired_bootstrap(metric, stats, scores, n_samples=200, seed=4)
    assert first[0].p_value is None and first[1].p_value == pytest.approx(1 / 201)


def test_bootstrap_equals_sacrebleu_paired_bs(monkeypatch):
    refs = [f"the council met on day {i} to review public security work" for i in range(60)]
    baseline = [r.replace("review", "discuss") if i % 2 else r for i, r in enumerate(refs)]
    system = [r.replace("public security", "") if i % 3 else r for i, r in enumerate(refs)]
    monkeypatch.setenv("SACREBLEU_SEED", "7")
    metrics = {"BLEU": sacrebleu.BLEU(), "chrF2": sacrebleu.CHRF(), "TER": sacrebleu.TER()}
    _, expected = PairedTest(
        [("base", baseline), ("sys", system)], metrics, [refs], test_type="bs", n_samples=300
    )()
    result = evaluate([refs], [("base", baseline), ("sys", system)], n_bootstrap=300, seed=7)
    for ours, theirs in (("bleu", "BLEU"), ("chrf", "chrF2"), ("ter", "TER")):
        for k, system_scores in enumerate(result.systems):
            got, want = system_scores.bootstrap[ours], expected[theirs][k]
            assert system_scores.scores[ours] == want.score
            assert (got.mean, got.ci, got.p_value) == pytest.approx(
                (want.mean, want.ci, want.p_value)
            )


def test_evaluate_rejects_mismatched_systems():
    with pytest.raises(InputError, match="2 lines but the reference has 1"):
        evaluate([["a"]], [("sys", ["a", "b"])])


def test_read_lines_matches_sacrebleu_segmentation(tmp_path: Path):
    path = tmp_path / "f.txt"
    path.write_bytes("one  \r\ntwo\u2028still two\n\nfour".encode())
    assert read_lines(path) == ["one", "two\u2028still two", "", "four"]
    path.write_bytes("\ufeffone\n".encode())
    assert read_lines(path) == ["one"]  # a byte-order mark is not part of the first segment


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\n \n", "empty file"),
        (b"ok\n\xff\xfe\n", "not UTF-8 text (byte 0xff"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a binary file, expected text"),
    ],
)
def test_read_lines_rejects_unusable_files(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        read_lines(path)


def test_read_parallel_names_the_mismatched_file(tmp_path: Path):
    (tmp_path / "a").write_text("1\n2\n")
    (tmp_path / "b").write_text("1\n")
    with pytest.raises(InputError, match="b has 1 lines but .*a has 2"):
        read_parallel([tmp_path / "a", tmp_path / "b"])
    with pytest.raises(InputError, match="no such file"):
        read_lines(tmp_path / "missing")
    with pytest.raises(InputError, match="is a directory"):
        read_lines(tmp_path)
