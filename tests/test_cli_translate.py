"""`bitext translate` and `bitext models` end to end on the tiny model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.cli import main

RUN_CLI = "import sys; from service.cli import main; sys.exit(main())"
TEXT = "省委政法工作会议在太原召开。省委书记出席会议。\n\n他强调,要深入贯彻。\n"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BITEXT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BITEXT_MODEL_ZH_EN", "bitext-test/no-such-model")
    return tmp_path / "data"


@pytest.fixture
def source_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.txt"
    path.write_text(TEXT, "utf-8")
    return path


def test_text_output_keeps_one_line_per_input_line(tiny_model_dir, source_file, capsys) -> None:
    assert main(["translate", str(source_file), "--model", str(tiny_model_dir), "--beam", "1"]) == 0
    lines = capsys.readouterr().out.split("\n")
    assert len(lines) == 4  # three input lines, then the final newline
    assert lines[0] and lines[1] == "" and lines[2] and lines[3] == ""


def test_jsonl_output(tiny_model_dir, source_file, capsys) -> None:
    args = ["translate", str(source_file), "--model", str(tiny_model_dir), "--format", "jsonl"]
    assert main([*args, "--backend", "transformers"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]
    assert [r["source"] for r in records] == TEXT.splitlines()
    assert [len(r["sentences"]) for r in records] == [2, 0, 1]
    assert records[1]["translation"] == ""
    assert all(s["confidence"] <= 0 for r in records for s in r["sentences"])


def test_stdin_and_model_from_environment(tiny_model_dir, monkeypatch, capsys) -> None:
    import io

    monkeypatch.setenv("BITEXT_MODEL_ZH_EN", str(tiny_model_dir))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("你好。\n".encode())))
    assert main(["translate", "-", "--beam", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["translate", str(tmp_path / "missing.txt")]) == 2
    assert capsys.readouterr().err.strip() == f"bitext: error: {tmp_path}/missing.txt: no such file"
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café\n".encode("latin-1"))
    assert main(["translate", str(latin1)]) == 2
    assert "latin1.txt: not UTF-8 text (byte 0xe9 at offset 3)" in capsys.readouterr().err


def test_missing_model_exits_2_with_one_line_and_no_traceback(source_file: Path) -> None:
    """A real process: exit code 2, exactly one line on stderr naming the model and fixes."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "translate", str(source_file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("bitext: error: model 'bitext-test/no-such-model' is not available")
    assert "bitext models pull bitext-test/no-such-model" in line
    assert "--model" in line and "BITEXT_MODEL_ZH_EN" in line


def test_models_list_and_pull(tiny_model_dir, data_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("BITEXT_MODEL_ZH_EN", str(tiny_model_dir))
    assert main(["models", "pull", str(tiny_model_dir)]) == 0
    assert "ready:" in capsys.readouterr().out
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert f"zh-en  {tiny_model_dir}  available" in out
    assert "en-zh  Helsinki-NLP/opus-mt-en-zh  unavailable" in out
    assert f"{tiny_model_dir.name}-" in out  # its CTranslate2 conversion
    assert main(["models", "pull", "bitext-test/no-such-model"]) == 2
