"""`bitext translate-corpus` and `bitext align-corpus` on a local 2-CPU Ray: every record back
exactly once, the same translations and beads as the single-document commands, bad records
reported, finished work skipped on a rerun, bad input refused in one line."""

from __future__ import annotations

import json
import logging
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ray = pytest.importorskip(
    "ray",
    reason="the corpus commands run on Ray: pip install -e '.[ray]' to test them",
    exc_type=ImportError,  # not importable for any reason, not only when it is missing
)
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from test_readme import ROOT, code_blocks, example_env  # noqa: E402
from tiny_model import seed_lines  # noqa: E402

from service.cli import main  # noqa: E402

MAC_DEV = ROOT.parent / "shared" / "eval" / "align" / "mac-dev"
README_OUT = "/tmp/bitext-corpus"  # where the README's examples write
LINES = seed_lines("zh")  # 15 lines


@pytest.fixture(scope="module")
def local_ray() -> Iterator[str]:
    """One local Ray with 2 CPUs for the module (the commands join it); its address."""
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir for the module: the tiny model is converted for CTranslate2 once."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(autouse=True)
def environment(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BITEXT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BITEXT_MODEL_ZH_EN", "bitext-test/no-such-model")


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """The seed's lines as records, then a line that is not JSON and a record without text."""
    path = tmp_path / "in.jsonl"
    rows = [
        json.dumps({"id": f"r{i}", "text": line, "n": i}, ensure_ascii=False)
        for i, line in enumerate(LINES)
    ]
    rows += ["{not json", json.dumps({"id": "bad", "text": 5})]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def reference(tiny_model_dir: Path, tmp_path: Path, capsys) -> list[str]:
    """`bitext translate` of the same lines with the same model and beam."""
    lines = tmp_path / "lines.txt"
    lines.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    assert main(["translate", str(lines), "--model", str(tiny_model_dir), "--beam", "2"]) == 0
    return capsys.readouterr().out.splitlines()


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_id(rows: list[dict]) -> dict:
    ids = [row.get("id") for row in rows]
    assert len(ids) == len(set(ids)), "an id came back twice"
    return {row.get("id"): row for row in rows}


def test_translate_corpus_equals_bitext_translate(
    local_ray, records, tiny_model_dir, tmp_path, capsys
) -> None:
    expected = reference(tiny_model_dir, tmp_path, capsys)
    out = tmp_path / "out.jsonl"
    args = [str(records), str(out), "--model", str(tiny_model_dir), "--beam", "2"]
    assert main(["translate-corpus", *args, "--actors", "2", "--batch-size", "5"]) == 0
    assert f"{len(LINES) + 2} records written" in capsys.readouterr().err
    done = by_id(read_jsonl(out))
    assert set(done) == {f"r{i}" for i in range(len(LINES))} | {"bad", None}
    for i, translation in enumerate(expected):
        record = done[f"r{i}"]
        assert record["translation"] == translation and record["n"] == i
        assert record["confidence"] <= 0 and "error" not in record
    assert done["bad"]["error"] == "'text' is not text: int"
    assert done[None] == {"line": "{not json", "error": done[None]["error"]}
    assert done[None]["error"].startswith("not JSON")


def test_parquet_parts_in_and_out_in_process_and_on_ray_agree(
    local_ray, tiny_model_dir, tmp_path, capsys
) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    rows = [{"id": i, "text": line} for i, line in enumerate(LINES)]
    pq.write_table(pa.Table.from_pylist(rows[:10]), parts / "a.parquet")
    pq.write_table(pa.Table.from_pylist(rows[10:]), parts / "b.parquet")
    model = ["--model", str(tiny_model_dir), "--beam", "2", "--batch-size", "8"]
    assert main(["translate-corpus", str(parts), f"{tmp_path}/ray.parquet/", *model]) == 0
    local = str(tmp_path / "local.parquet")
    assert main(["translate-corpus", str(parts), local, *model, "--actors", "0"]) == 0
    on_ray = pq.read_table(tmp_path / "ray.parquet").to_pylist()
    local = pq.read_table(tmp_path / "local.parquet").to_pylist()
    assert by_id(on_ray) == by_id(local)
    assert sorted(by_id(local)) == list(range(len(LINES)))  # ids keep their type
    assert not (tmp_path / ".local.parquet.parts").exists()
    capsys.readouterr()
    again = ["translate-corpus", str(parts), f"{tmp_path}/ray.parquet/", *model, "--actors", "0"]
    assert main(again) == 0
    assert f"0 records written to {tmp_path}/ray.parquet/" in capsys.readouterr().err
    assert len(list((tmp_path / "ray.parquet").iterdir())) == 1


def test_resume_skips_what_is_written(records, tiny_model_dir, tmp_path, capsys) -> None:
    out = tmp_path / "out.jsonl"
    model = ["--model", str(tiny_model_dir), "--beam", "1", "--actors", "0"]
    first = tmp_path / "first.jsonl"
    first.write_text("".join(records.read_text("utf-8").splitlines(True)[:10]), "utf-8")
    assert main(["translate-corpus", str(first), str(out), *model]) == 0
    with out.open("a", encoding="utf-8") as torn:  # an interrupted run's half-written line
        torn.write('{"id": "r10", "text": "')
    capsys.readouterr()
    assert main(["translate-corpus", str(records), str(out), *model]) == 0
    summary = capsys.readouterr().err
    assert f"{len(LINES) - 10 + 2} records written" in summary  # the rest, and the 2 bad
    assert "10 already there" in summary
    done = by_id(read_jsonl(out))  # the torn line is gone, and no id came back twice
    assert set(done) == {f"r{i}" for i in range(len(LINES))} | {"bad", None}


def test_missing_model_on_ray_is_one_line(local_ray, records, tmp_path, capsys) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["translate-corpus", str(records), str(out), "--offline"]) == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("bitext: error: model 'bitext-test/no-such-model' is not available")
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jsonl", "out.jsonl"], "missing.jsonl: no such file or directory"),
        (["in.txt", "out.jsonl"], "in.txt: unknown suffix '.txt'; use .jsonl or .parquet"),
        (["in.jsonl", "out.csv"], "out.csv: unknown suffix '.csv'"),
        (
            ["empty", "out.jsonl"],
            "empty: expected .jsonl or .parquet parts of one kind, found none",
        ),
    ],
)
def test_translate_corpus_bad_input_is_one_line(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.txt").write_text("x\n")
    (tmp_path / "in.jsonl").write_text('{"id": 1, "text": "x"}\n')
    (tmp_path / "empty").mkdir()
    assert main(["translate-corpus", *args, "--actors", "0"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("bitext: error: ") and message in line


MANIFEST_ERRORS = [
    ('{"id": "a", "src": "zh", "tgt": "en", "src_lang": "zh"}', "line 1: no 'tgt_lang' field"),
    ("[1]", "line 1: expected a JSON object"),
    (
        '{"id": "a/b", "src": "zh", "tgt": "en", "src_lang": "zh", "tgt_lang": "en"}',
        "cannot name a file",
    ),
    ('{"id": "a", "src": "zh", "tgt": "nope", "src_lang": "zh", "tgt_lang": "en"}', "tgt"),
    (
        '{"id": "a", "src": "zh", "tgt": "en", "src_lang": "zh", "tgt_lang": "fr"}',
        "unsupported language 'fr'",
    ),
]


@pytest.mark.parametrize(("line", "message"), MANIFEST_ERRORS)
def test_align_corpus_bad_manifest_is_one_line(line, message, tmp_path, capsys) -> None:
    (tmp_path / "zh").write_text("你好。\n", encoding="utf-8")
    (tmp_path / "en").write_text("Hello.\n", encoding="utf-8")
    manifest = tmp_path / "pairs.jsonl"
    manifest.write_text(line + "\n", encoding="utf-8")
    assert main(["align-corpus", str(manifest), str(tmp_path / "out"), "--actors", "0"]) == 2
    [error] = capsys.readouterr().err.strip().splitlines()
    assert error.startswith(f"bitext: error: {manifest}") and message in error


@pytest.fixture
def mac_dev_pairs(tmp_path: Path) -> Path:
    """The opening lines of two MAC dev chapters: p1 and p2 in zh/ and en/, and a manifest
    (paths relative to it) with a third pair whose source is not Chinese."""
    if not MAC_DEV.is_dir():
        pytest.skip(f"no MAC dev set at {MAC_DEV}")
    lines = []
    for side, count in (("zh", 24), ("en", 30)):
        (tmp_path / side).mkdir()
        for number in (1, 2):
            text = (MAC_DEV / side / f"00{number}").read_text("utf-8").splitlines()[:count]
            (tmp_path / side / f"p{number}").write_text("\n".join(text) + "\n", "utf-8")
    for number in (1, 2):
        pair = {"id": f"p{number}", "src": f"zh/p{number}", "tgt": f"en/p{number}"}
        lines.append({**pair, "src_lang": "zh", "tgt_lang": "en", "presplit": True})
    lines.append(
        {"id": "wrong", "src": "en/p1", "tgt": "en/p2", "src_lang": "zh", "tgt_lang": "en"}
    )
    manifest = tmp_path / "pairs.jsonl"
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return manifest


def test_align_corpus_gives_bitext_align_s_beads(local_ray, mac_dev_pairs, tmp_path, capsys):
    folder = mac_dev_pairs.parent
    reference = tmp_path / "reference"
    single = ["--src-dir", str(folder / "zh"), "--tgt-dir", str(folder / "en"), "--presplit"]
    assert (
        main(
            ["align", *single, "--src-lang", "zh", "--tgt-lang", "en", "--out-dir", str(reference)]
        )
        == 0
    )
    out = tmp_path / "out"
    args = ["align-corpus", str(mac_dev_pairs), str(out), "--format", "tmx"]
    assert main([*args, "--actors", "2"]) == 0
    assert "2 pairs aligned" in capsys.readouterr().err
    for number in (1, 2):
        name = f"p{number}.align"
        assert (out / name).read_bytes() == (reference / name).read_bytes()
        assert (out / f"p{number}.tmx").read_text("utf-8").startswith("<?xml")
    [error] = read_jsonl(out / "errors.jsonl")
    assert error["id"] == "wrong" and "does not look like Chinese" in error["error"]
    assert not (out / "wrong.align").exists()

    (out / "p2.align").unlink()  # as if the job had stopped before p2 was written
    assert main([*args, "--actors", "1"]) == 0
    assert "1 pairs aligned" in capsys.readouterr().err
    assert (out / "p2.align").read_bytes() == (reference / "p2.align").read_bytes()


def test_readme_examples_run(local_ray, tiny_model_dir, tmp_path) -> None:
    env = example_env(tmp_path, tiny_model_dir) | {"RAY_ADDRESS": local_ray}
    commands = code_blocks("Whole corpora on Ray")
    assert len(commands) == 2
    for command in commands:
        args = shlex.split(command.replace(README_OUT, str(tmp_path / "out")))
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
    assert len(read_jsonl(tmp_path / "out" / "translated.jsonl")) == 4
    assert (tmp_path / "out" / "aligned" / "example.tmx").is_file()


@pytest.fixture
def seed_pairs(tmp_path: Path) -> Path:
    """A manifest of the project's own seeds: 001 against 000 in comparable mode and against
    004 in parallel mode (absolute paths to the files in seeds/)."""
    seeds = {path.name[:3]: path for path in (ROOT / "seeds").glob("*.txt")}
    rows = [
        {"id": "c", "src": str(seeds["001"]), "tgt": str(seeds["000"]), "mode": "comparable"},
        {"id": "p", "src": str(seeds["001"]), "tgt": str(seeds["004"]), "mode": "parallel"},
    ]
    manifest = tmp_path / "pairs.jsonl"
    manifest.write_text(
        "".join(json.dumps({**row, "src_lang": "zh", "tgt_lang": "en"}) + "\n" for row in rows),
        encoding="utf-8",
    )
    return manifest


def test_align_corpus_mt_gives_bitext_align_mt_s_beads(
    local_ray, seed_pairs, tiny_model_dir, tmp_path, monkeypatch, capsys
):
    """--mt in this process and on Ray: each source translated by the configured model (the
    tiny one: word salad, so the chrF signal moves the scores) as `bitext align --mt` does."""
    monkeypatch.setenv("BITEXT_MODEL_ZH_EN", str(tiny_model_dir))
    reference = {}
    for row in map(json.loads, seed_pairs.read_text("utf-8").splitlines()):
        args = ["align", row["src"], row["tgt"], "--src-lang", "zh", "--tgt-lang", "en"]
        args += ["--mode", row["mode"], "--out"]
        assert main([*args, str(tmp_path / f"{row['id']}.plain")]) == 0
        assert main([*args, str(tmp_path / f"{row['id']}.mt"), "--mt"]) == 0
        reference[row["id"]] = (tmp_path / f"{row['id']}.mt").read_bytes()
        assert reference[row["id"]] != (tmp_path / f"{row['id']}.plain").read_bytes()
    for actors in ("0", "1"):
        out = tmp_path / f"out-{actors}"
        args = ["align-corpus", str(seed_pairs), str(out), "--mt", "--actors", actors]
        assert main(args) == 0
        assert "2 pairs aligned" in capsys.readouterr().err
        for pair_id, beads in reference.items():
            assert (out / f"{pair_id}.align").read_bytes() == beads


@pytest.mark.parametrize("actors", ["0", "1"])
def test_align_corpus_mt_without_the_model_is_one_line(
    local_ray, seed_pairs, tmp_path, monkeypatch, capsys, actors
):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = tmp_path / "out"
    args = ["align-corpus", str(seed_pairs), str(out), "--mt", "--actors", actors]
    assert main(args) == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("bitext: error: model 'bitext-test/no-such-model' is not available")
    assert not (out / "c.align").exists()
