"""`bitext eval`: parity with sacrebleu's own CLI, output formats, plots, errors, the --src path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.cli import main

SEED_EN = Path(__file__).resolve().parent.parent / "seeds" / "000_23d64e590de66c9f.txt"
SEED_ZH = Path(__file__).resolve().parent.parent / "seeds" / "001_5c684740fe0f7a37.txt"


def perturbed(line: str, every: int) -> str:
    """Drops every `every`-th word: a worse but related system, deterministically."""
    return " ".join(word for i, word in enumerate(line.split()) if i % every != every - 1)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A reference and two systems built from the English seed: 60 lines each."""
    root = tmp_path_factory.mktemp("eval")
    lines = [line for line in SEED_EN.read_text("utf-8").splitlines() if line.strip()][:60]
    out = {
        "ref": lines,
        "good": [perturbed(line, 7) for line in lines],
        "poor": [perturbed(line, 3) for line in lines],
    }
    paths = {}
    for name, content in out.items():
        paths[name] = root / f"{name}.txt"
        paths[name].write_text("\n".join(content) + "\n", encoding="utf-8")
    return paths


def run_eval(capsys, *args: str | Path) -> tuple[int, str, str]:
    code = main(["eval", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sacrebleu_cli(*args: str | Path) -> list | dict:
    """sacrebleu's JSON: a list with one entry per metric, a dict for one metric."""
    done = subprocess.run(
        [sys.executable, "-m", "sacrebleu", *map(str, args), "-w", "4", "-f", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_scores_and_signatures_equal_sacrebleu_cli(files, capsys):
    code, out, _ = run_eval(
        capsys, "--ref", files["ref"], "--hyp", files["good"], "--format", "json", "--width", "4",
        "--bootstrap", "0",
    )  # fmt: skip
    assert code == 0
    result = json.loads(out)
    (system,) = result["systems"]
    bleu, chrf, ter = sacrebleu_cli(files["ref"], "-i", files["good"], "-m", "bleu", "chrf", "ter")
    chrfpp = sacrebleu_cli(files["ref"], "-i", files["good"], "-m", "chrf", "-cw", "2")
    assert system["name"] == str(files["good"])
    assert [system[m] for m in ("bleu", "chrf", "chrf++", "ter")] == [
        bleu["score"],
        chrf["score"],
        chrfpp["score"],
        ter["score"],
    ]
    assert result["signatures"] == {
        "bleu": bleu["signature"],
        "chrf": chrf["signature"],
        "chrf++": chrfpp["signature"],
        "ter": ter["signature"],
    }


def test_several_references_equal_sacrebleu_cli(files, capsys):
    refs = [files["ref"], files["poor"]]
    code, out, _ = run_eval(
        capsys, "--ref", *refs, "--hyp", files["good"], "--format", "json", "--width", "4",
        "--bootstrap", "0",
    )  # fmt: skip
    system = json.loads(out)["systems"][0]
    bleu, chrf, ter = sacrebleu_cli(*refs, "-i", files["good"], "-m", "bleu", "chrf", "ter")
    assert code == 0 and "nrefs:2" in bleu["signature"]
    assert (system["bleu"], system["chrf"], system["ter"]) == (
        bleu["score"],
        chrf["score"],
        ter["score"],
    )


def test_chinese_tokenization_is_selectable_and_equals_sacrebleu(tmp_path, capsys):
    ref, hyp = tmp_path / "ref.zh", tmp_path / "hyp.zh"
    lines = [line for line in SEED_ZH.read_text("utf-8").splitlines() if line.strip()][:20]
    ref.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(line[: len(line) * 2 // 3] for line in lines) + "\n", "utf-8")
    code, out, _ = run_eval(
        capsys, "--ref", ref, "--hyp", hyp, "--tokenize", "zh", "--format", "json", "--width", "4",
        "--bootstrap", "0",
    )  # fmt: skip
    result = json.loads(out)
    bleu, ter = sacrebleu_cli(
        ref, "-i", hyp, "-m", "bleu", "ter", "-tok", "zh", "--ter-asian-support"
    )
    assert code == 0
    assert (result["systems"][0]["bleu"], result["systems"][0]["ter"]) == (
        bleu["score"],
        ter["score"],
    )
    assert "tok:zh" in result["signatures"]["bleu"] and "asian:yes" in result["signatures"]["ter"]


def test_several_systems_get_paired_bootstrap(files, capsys):
    args = ["--ref", files["ref"], "--hyp", files["good"], files["poor"], "--format", "json"]
    code, out, _ = run_eval(capsys, *args, "--bootstrap", "200", "--seed", "5")
    again = run_eval(capsys, *args, "--bootstrap", "200", "--seed", "5")[1]
    other_seed = run_eval(capsys, *args, "--bootstrap", "200", "--seed", "6")[1]
    result = json.loads(out)
    assert code == 0 and out == again and out != other_seed
    baseline, poor = result["systems"]
    assert baseline["bootstrap"]["bleu"]["p_value"] is None
    assert poor["bleu"] < baseline["bleu"] and poor["ter"] > baseline["ter"]
    assert poor["bootstrap"]["chrf"]["p_value"] < 0.05
    assert poor["bootstrap"]["chrf"]["ci"] > 0
    assert "bs:200" in result["signatures"]["bleu"] and "seed:5" in result["signatures"]["bleu"]


def test_identical_system_is_perfect_and_table_is_readable(files, capsys):
    code, out, _ = run_eval(capsys, "--ref", files["ref"], "--hyp", files["ref"], files["poor"])
    assert code == 0
    header, rule, identical, poor, *rest = out.splitlines()
    assert header.split() == ["System", "BLEU", "chrF", "chrF++", "TER"]
    assert identical.split()[1:3] == ["100.0", "(100.0"]
    assert "p = 0.0" in poor and poor.rstrip().endswith("*")
    assert any(line.startswith("BLEU: nrefs:1|bs:1000|seed:12345|") for line in rest)


def test_plot_writes_distribution_and_comparison(files, tmp_path, capsys):
    single, several = tmp_path / "single.png", tmp_path / "several.png"
    args = ["--ref", files["ref"], "--hyp", files["good"], "--bootstrap", "0"]
    code, _, err = run_eval(capsys, *args, "--plot", single)
    assert code == 0 and err.strip() == f"charts written to {single.resolve()}"
    args = ["--ref", files["ref"], "--hyp", files["good"], files["poor"], "--bootstrap", "100"]
    assert run_eval(capsys, *args, "--plot", several)[0] == 0
    for path in (single, several):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert several.stat().st_size > single.stat().st_size


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: (d / "hyp").write_text("one\n"), "has 1 lines but"),
        (lambda d: (d / "hyp").write_text(""), "empty file"),
        (lambda d: (d / "hyp").write_bytes(b"\xc3\x28\nb\n"), "not UTF-8 text"),
        (lambda d: None, "no such file"),
    ],
    ids=["line-count", "empty", "undecodable", "missing"],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, setup, message):
    (tmp_path / "ref").write_text("a\nb\n")
    setup(tmp_path)
    code, out, err = run_eval(capsys, "--ref", tmp_path / "ref", "--hyp", tmp_path / "hyp")
    assert code == 2 and out == ""
    assert err.startswith("bitext: error: ") and message in err
    assert err.count("\n") == 1


def test_unwritable_plot_is_an_input_error(files, tmp_path, capsys):
    target = tmp_path / "missing-dir" / "plot.png"
    code, _, err = run_eval(capsys, "--ref", files["ref"], "--hyp", files["good"], "--plot", target)
    assert code == 2 and "cannot write the plot" in err


def test_src_translates_writes_hypotheses_and_scores_with_other_systems(
    tiny_model_dir, tmp_path, capsys
):
    zh = [line for line in SEED_ZH.read_text("utf-8").splitlines() if line.strip()][:4]
    en = [line for line in SEED_EN.read_text("utf-8").splitlines() if line.strip()][:4]
    (tmp_path / "src.zh").write_text("\n".join(zh) + "\n", encoding="utf-8")
    (tmp_path / "ref.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    out_path = tmp_path / "hyp.en"
    code, out, err = run_eval(
        capsys, "--src", tmp_path / "src.zh", "--ref", tmp_path / "ref.en", "--hyp",
        tmp_path / "ref.en", "--model",
        tiny_model_dir, "--backend", "transformers", "--out", out_path, "--format", "json",
        "--max-length", "12", "--beam", "2",
    )  # fmt: skip
    assert code == 0, err
    hypotheses = out_path.read_text("utf-8").splitlines()
    assert len(hypotheses) == 4
    reference, system = json.loads(out)["systems"]
    assert reference["bleu"] == 100.0 and reference["bootstrap"]["bleu"]["p_value"] is None
    assert system["name"] == str(tiny_model_dir)
    assert all(0 <= system[m] < 100 for m in ("bleu", "chrf", "chrf++"))
    assert system["bootstrap"]["chrf"]["p_value"] < 0.05
    assert "translating" in err  # the progress bar


def test_nothing_to_score_is_an_input_error(files, capsys):
    code, _, err = run_eval(capsys, "--ref", files["ref"])
    assert code == 2 and "nothing to score" in err


def test_src_with_missing_model_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("BITEXT_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "src").write_text("你好。\n", encoding="utf-8")
    (tmp_path / "ref").write_text("Hello.\n", encoding="utf-8")
    code, out, err = run_eval(
        capsys, "--src", tmp_path / "src", "--ref", tmp_path / "ref", "--model", "nobody/no-model"
    )
    assert code == 2 and out == ""
    assert err.startswith("bitext: error: ") and "nobody/no-model" in err
    assert err.count("\n") == 1
