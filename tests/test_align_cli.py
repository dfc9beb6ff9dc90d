"""`bitext align` and `bitext eval-align`: formats, modes, and clear errors on bad input."""

from __future__ import annotations

import json
import re

import pytest

from service.cli import main

ZH = [
    "今天早上下了一场大雨。",
    "火车晚点了两个小时。",
    "她每天晚上都弹钢琴。",
    "那只黑猫在花园里睡觉。",
]
EN = [
    "It rained heavily this morning.",
    "The train was two hours late.",
    "She plays the piano every evening.",
    "The black cat is sleeping in the garden.",
]


@pytest.fixture
def docs(tmp_path):
    src, tgt = tmp_path / "doc.zh", tmp_path / "doc.en"
    src.write_text("\n".join(ZH) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(EN) + "\n", encoding="utf-8")
    return src, tgt


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_vecalign_format_covers_every_sentence(docs, capsys):
    code, out, _ = run(
        capsys, "align", *map(str, docs), "--src-lang", "zh", "--tgt-lang", "en", "--presplit"
    )
    assert code == 0
    lines = out.splitlines()
    assert all(re.fullmatch(r"\[[\d,]*\]:\[[\d,]*\]:[01]\.\d{4}", line) for line in lines)
    assert [line.rsplit(":", 1)[0] for line in lines] == [f"[{i}]:[{i}]" for i in range(4)]


def test_tsv_and_jsonl_formats(docs, capsys):
    args = ["align", *map(str, docs), "--src-lang", "zh", "--tgt-lang", "en", "--presplit"]
    _, out, _ = run(capsys, *args, "--format", "tsv")
    zh, en, score = out.splitlines()[1].split("\t")  # hunalign's column order
    assert (zh, en) == (ZH[1], EN[1]) and 0 <= float(score) <= 1
    _, out, _ = run(capsys, *args, "--format", "jsonl", "--mode", "comparable")
    records = [json.loads(line) for line in out.splitlines()]
    assert {(tuple(r["source"]), tuple(r["target"])) for r in records} <= {
        ((i,), (i,)) for i in range(4)
    }
    assert records and all(r["source_text"] and r["target_text"] for r in records)


def test_tsv_joins_a_side_s_sentences_as_hunalign_does():
    from alignment.beads import tsv_row

    assert tsv_row(["A  b.", "C."], ["x"], 0.5) == "A b. ~~~ C.\tx\t0.5000"


def test_moses_writes_two_line_aligned_files(docs, tmp_path, capsys):
    prefix = tmp_path / "out" / "corpus"
    args = ["align", *map(str, docs), "--src-lang", "zh", "--tgt-lang", "en", "--presplit"]
    code, out, _ = run(capsys, *args, "--format", "moses", "--out", str(prefix))
    assert code == 0 and out == ""
    zh = (tmp_path / "out" / "corpus.zh").read_text(encoding="utf-8").splitlines()
    en = (tmp_path / "out" / "corpus.en").read_text(encoding="utf-8").splitlines()
    assert (zh, en) == (ZH, EN)


def test_many_pairs_from_directories_scored_against_gold(tmp_path, capsys):
    for side, sentences in (("zh", ZH), ("en", EN)):
        (tmp_path / side).mkdir()
        for name, cut in (("a", slice(0, 2)), ("b", slice(2, 4))):
            (tmp_path / side / name).write_text("\n".join(sentences[cut]) + "\n", "utf-8")
    (tmp_path / "gold").mkdir()
    for name in ("a", "b"):
        (tmp_path / "gold" / f"{name}.align").write_text("[0]:[0]\n[1]:[1]\n")
    code, out, _ = run(
        capsys,
        "align",
        "--src-dir", str(tmp_path / "zh"),
        "--tgt-dir", str(tmp_path / "en"),
        "--src-lang", "zh", "--tgt-lang", "en", "--presplit",
        "--out-dir", str(tmp_path / "pred"),
        "--gold", str(tmp_path / "gold"),
    )  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "pred").iterdir()) == ["a.align", "b.align"]
    assert "files: 2" in out and re.search(r"F1\s+1\.000\s+1\.000", out)
    # the same pairs from a list file, relative to its folder; eval-align agrees
    (tmp_path / "pairs.txt").write_text("zh/a\ten/a\nzh/b en/b\n")
    code, out, _ = run(
        capsys, "align", "--list", str(tmp_path / "pairs.txt"), "--src-lang", "zh",
        "--tgt-lang", "en", "--presplit", "--out-dir", str(tmp_path / "listed"),
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "eval-align", str(tmp_path / "listed"), str(tmp_path / "pred"))
    assert code == 0 and re.search(r"F1\s+1\.000\s+1\.000", out)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--src-dir", "."], "one way"),
        (["--format", "moses"], "--out PREFIX"),
        (["--out-dir", "x"], "--out-dir is for many pairs"),
    ],
)
def test_inconsistent_pair_arguments_are_one_line(docs, capsys, extra, message):
    args = ["align", *map(str, docs), "--src-lang", "zh", "--tgt-lang", "en", *extra]
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_unsplit_text_is_split_into_sentences(tmp_path, capsys):
    src, tgt = tmp_path / "a.zh", tmp_path / "a.en"
    src.write_text("".join(ZH) + "\n", encoding="utf-8")
    tgt.write_text(" ".join(EN) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "align", str(src), str(tgt), "--src-lang", "zh", "--tgt-lang", "en")
    assert code == 0 and len(out.splitlines()) == 4


def test_eval_align_files_and_directories(tmp_path, capsys):
    for name in ("pred", "gold"):
        (tmp_path / name).mkdir()
    (tmp_path / "gold" / "1.align").write_text("[0]:[0]\n[1]:[1,2]\n")
    (tmp_path / "pred" / "1.align").write_text("[0]:[0]:0.9\n[1]:[1]:0.5\n[]:[2]:0\n")
    code, out, _ = run(capsys, "eval-align", str(tmp_path / "pred"), str(tmp_path / "gold"))
    assert code == 0 and "F1" in out
    code, out, _ = run(
        capsys,
        "eval-align",
        str(tmp_path / "pred" / "1.align"),
        str(tmp_path / "gold" / "1.align"),
        "--json",
    )
    scores = json.loads(out)
    assert scores["strict_precision"] == pytest.approx(1 / 3)
    assert scores["strict_recall"] == pytest.approx(1 / 2)
    assert scores["lax_recall"] == pytest.approx(1.0)


def test_languages_are_detected_in_each_file_when_the_flags_are_left_out(tmp_path, capsys):
    """Without --src-lang/--tgt-lang each file's language is its own, so one list may hold
    pairs of either direction; each pair's beads are those its flags would give."""
    for name, sentences in (("a.zh", ZH), ("a.en", EN)):
        (tmp_path / name).write_text("\n".join(sentences) + "\n", "utf-8")
    flagged = {}
    for src, tgt, langs in (("a.zh", "a.en", ("zh", "en")), ("a.en", "a.zh", ("en", "zh"))):
        code, out, _ = run(
            capsys, "align", str(tmp_path / src), str(tmp_path / tgt), "--presplit",
            "--src-lang", langs[0], "--tgt-lang", langs[1], "--format", "jsonl",
        )  # fmt: skip
        assert code == 0
        flagged[src] = out
    (tmp_path / "pairs.txt").write_text("a.zh\ta.en\na.en\ta.zh\n")
    code, _, _ = run(
        capsys, "align", "--list", str(tmp_path / "pairs.txt"), "--presplit",
        "--format", "jsonl", "--out-dir", str(tmp_path / "out"),
    )  # fmt: skip
    assert code == 0
    for src in ("a.zh", "a.en"):
        assert (tmp_path / "out" / f"{src}.jsonl").read_text("utf-8") == flagged[src]
    records = [json.loads(line) for line in flagged["a.en"].splitlines()]
    assert records[0]["source_text"] == EN[0] and records[0]["target_text"] == ZH[0]
    code, _, _ = run(
        capsys, "align", str(tmp_path / "a.zh"), str(tmp_path / "a.en"), "--presplit",
        "--format", "moses", "--out", str(tmp_path / "moses" / "a"),
    )  # fmt: skip
    assert code == 0
    assert (tmp_path / "moses" / "a.zh").read_text("utf-8").splitlines() == ZH


@pytest.mark.parametrize(
    "case",
    [
        "empty",
        "binary",
        "unknown-language",
        "same-language",
        "swapped-languages",
        "missing",
        "both-detected-english",
        "no-letters-to-detect",
    ],
)
def test_bad_input_is_one_line_and_exit_2(docs, tmp_path, capsys, case):
    src, tgt = docs
    langs = ["--src-lang", "zh", "--tgt-lang", "en"]
    if case == "empty":
        src.write_text("\n \n")
    elif case == "binary":
        src.write_bytes(b"\x00\x01\x02PNG\x00")
    elif case == "unknown-language":
        langs = ["--src-lang", "fr", "--tgt-lang", "en"]
    elif case == "same-language":
        langs = ["--src-lang", "en", "--tgt-lang", "en"]
    elif case == "swapped-languages":
        langs = ["--src-lang", "en", "--tgt-lang", "zh"]
    elif case == "missing":
        src = tmp_path / "nope.txt"
    elif case == "both-detected-english":
        src.write_text("\n".join(EN) + "\n", encoding="utf-8")
        langs = []
    elif case == "no-letters-to-detect":
        src.write_text("2024-03-14 12:00\n", encoding="utf-8")
        langs = ["--tgt-lang", "en"]
    code, out, err = run(capsys, "align", str(src), str(tgt), *langs, "--presplit")
    assert code == 2 and out == ""
    assert err.startswith("bitext: error: ") and err.count("\n") == 1


def test_mt_translates_the_source_with_the_configured_model(
    docs, tiny_model_dir, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("BITEXT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BITEXT_MODEL_ZH_EN", str(tiny_model_dir))  # random weights: word salad
    args = ["align", *map(str, docs), "--src-lang", "zh", "--tgt-lang", "en", "--presplit"]
    code, out, _ = run(capsys, *args, "--mt")
    assert code == 0
    beads = [line.rsplit(":", 1)[0] for line in out.splitlines()]
    covered = [re.findall(r"\d+", b.split(":")[0]) for b in beads]
    assert [int(i) for ids in covered for i in ids] == list(range(4))
    code, out, err = run(capsys, *args, "--mt", "--mode", "comparable")
    assert code == 0 and "error" not in err
    assert all(re.fullmatch(r"\[\d+\]:\[\d+\]:[\d.]+", line) for line in out.splitlines())
    # without the flags, the model of the direction the files are written in
    code, detected, _ = run(capsys, "align", *map(str, docs), "--presplit", "--mt")
    assert code == 0 and detected == run(capsys, *args, "--mt")[1]


@pytest.mark.parametrize("mode", ["parallel", "comparable"])
def test_mt_without_the_model_is_a_one_line_error(docs, tmp_path, monkeypatch, capsys, mode):
    monkeypatch.setenv("BITEXT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BITEXT_MODEL_ZH_EN", "bitext-test/no-such-model")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    args = ["align", *map(str, docs), "--src-lang", "zh", "--tgt-lang", "en", "--mt"]
    code, out, err = run(capsys, *args, "--mode", mode)
    assert code == 2 and out == ""
    assert err.startswith("bitext: error: ") and err.count("\n") == 1
    assert "no-such-model" in err


def test_eval_align_rejects_malformed_gold(tmp_path, capsys):
    (tmp_path / "p").write_text("[0]:[0]\n")
    (tmp_path / "g").write_text("0 0\n")
    code, _, err = run(capsys, "eval-align", str(tmp_path / "p"), str(tmp_path / "g"))
    assert code == 2 and "line 1" in err


def test_eval_align_two_level_gold(tmp_path, capsys):
    (tmp_path / "pred").write_text("[0]:[0]:0.9\n[1]:[2]:0.5\n[3]:[3]:0.4\n")
    (tmp_path / "sure").write_text("[0]:[0]\n[2]:[2]\n")
    (tmp_path / "possible").write_text("[1]:[2]\n")
    args = ["eval-align", str(tmp_path / "pred")]
    code, out, _ = run(
        capsys, *args, "--sure", str(tmp_path / "sure"), "--possible", str(tmp_path / "possible")
    )
    assert code == 0 and "sure-possible" in out and "pairs: 3" in out
    code, out, _ = run(
        capsys,
        *args,
        "--sure", str(tmp_path / "sure"),
        "--possible", str(tmp_path / "possible"),
        "--json",
    )  # fmt: skip
    scores = json.loads(out)
    # precision against possible (sure included): [0]:[0] and [1]:[2] of 3; recall: 1 of 2 sure
    assert scores["lax_precision"] == pytest.approx(2 / 3)
    assert scores["lax_recall"] == pytest.approx(1 / 2)
    code, _, err = run(capsys, *args, "--sure", str(tmp_path / "sure"))
    assert code == 2 and "--possible" in err


UNRELATED = [
    "The football team won the championship on Sunday.",
    "Prices of vegetables rose sharply in the spring.",
    "A new bridge across the river opened to traffic.",
    "The museum shows paintings from the eighteenth century.",
]


def test_parallel_mode_says_when_documents_are_not_translations(tmp_path, capsys):
    src, tgt = tmp_path / "zh.txt", tmp_path / "en.txt"
    src.write_text("\n".join(ZH * 2) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(UNRELATED * 2) + "\n", encoding="utf-8")
    langs = ["--src-lang", "zh", "--tgt-lang", "en", "--presplit"]
    code, out, err = run(capsys, "align", str(src), str(tgt), *langs)
    assert code == 0 and out  # the beads still come
    assert err.count("\n") == 1 and "--mode comparable" in err
    tgt.write_text("\n".join(EN * 2) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "align", str(src), str(tgt), *langs)
    assert code == 0 and err == ""
