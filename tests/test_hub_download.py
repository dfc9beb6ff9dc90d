"""First run with internet, against a local stand-in for the Hugging Face hub (HF_ENDPOINT) that
serves the tiny model: `bitext translate` and `bitext serve` download the configured model with
a progress bar and convert it once; `--offline` and HF_HUB_OFFLINE=1 stop that; `bitext models
pull` says why a download failed."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_stand_in import HubStandIn
from live_server import free_port

BIN = Path(sys.executable).parent
REPO = "bitext-test/tiny-zh-en"


@pytest.fixture
def hub(tiny_model_dir: Path) -> Iterator[HubStandIn]:
    with HubStandIn({REPO: tiny_model_dir}).running() as hub:
        yield hub


@pytest.fixture
def env(tmp_path: Path, hub: HubStandIn) -> dict[str, str]:
    """A first run: empty HF cache and data dir, the hub at the stand-in, the default model."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "BITEXT_"))}
    return environment | {
        "HF_ENDPOINT": hub.url,
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "BITEXT_DATA_DIR": str(tmp_path / "data"),
        "BITEXT_MODEL_ZH_EN": REPO,
        "BITEXT_MODEL_EN_ZH": "bitext-test/not-on-the-hub",
    }


def bitext(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "bitext"), *args], input=stdin, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def test_translate_downloads_and_converts_once(env: dict[str, str], hub: HubStandIn) -> None:
    first = bitext(env, "translate", "-", stdin="省委书记出席会议。\n")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip()
    assert "Fetching" in first.stderr and "100%" in first.stderr  # the progress bar
    snapshot = Path(env["HF_HOME"]) / "hub" / "models--bitext-test--tiny-zh-en" / "snapshots"
    assert (next(snapshot.iterdir()) / "model.safetensors").is_file()
    [converted] = (Path(env["BITEXT_DATA_DIR"]) / "ct2").glob("bitext-test--tiny-zh-en-*")
    made = (converted / "model.bin").stat().st_mtime_ns

    fetched = len(hub.requests)
    again = bitext(env | {"HF_HUB_OFFLINE": "1"}, "translate", "-", stdin="省委书记出席会议。\n")
    assert again.returncode == 0 and again.stdout == first.stdout, again.stderr
    assert len(hub.requests) == fetched and "Fetching" not in again.stderr
    assert (converted / "model.bin").stat().st_mtime_ns == made  # converted once


def test_offline_flag_and_variable_stop_the_download(env: dict[str, str], hub: HubStandIn) -> None:
    for args, extra in ((["--offline"], {}), ([], {"HF_HUB_OFFLINE": "1"})):
        done = bitext(env | extra, "translate", "-", *args, stdin="你好。\n")
        assert done.returncode == 2
        [line] = done.stderr.strip().splitlines()
        assert line.startswith(f"bitext: error: model '{REPO}' is not available")
    assert not any("/resolve/" in request for request in hub.requests)


def test_pull_says_why_a_download_failed(env: dict[str, str], hub: HubStandIn) -> None:
    cases = [
        (env, "bitext-test/unknown", f"no repository of that name on {hub.url}"),
        (env | {"HF_HUB_OFFLINE": "1"}, REPO, "downloads are off (HF_HUB_OFFLINE=1)"),
        (env | {"HF_ENDPOINT": f"http://127.0.0.1:{free_port()}"}, REPO, "no network: "),
    ]
    for environment, model, why in cases:
        done = bitext(environment, "models", "pull", model)
        assert done.returncode == 2
        [line] = done.stderr.strip().splitlines()
        assert line.startswith(f"bitext: error: cannot download '{model}': ") and why in line
        assert "bitext models pull" not in line
    pulled = bitext(env, "models", "pull", REPO)
    assert pulled.returncode == 0, pulled.stderr
    assert pulled.stdout.startswith(f"ready: {REPO} (ct2, cpu, int8)")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_serve_downloads_the_configured_models_at_first_start(env: dict[str, str]) -> None:
    port = free_port()
    log = Path(env["BITEXT_DATA_DIR"]).parent / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(BIN / "bitext"), "serve", "--port", str(port), "--no-seeds"],
            env=env | {"BITEXT_BACKEND": "transformers"}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline, ready = time.monotonic() + 300, None
        while ready is None:
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            with contextlib.suppress(OSError):
                ready = get_json(f"http://127.0.0.1:{port}/readyz")
            time.sleep(0.5)
        assert ready == {"status": "ready", "model": REPO}
        models = get_json(f"http://127.0.0.1:{port}/v1/models")["models"]
        assert [m["state"] for m in models] == ["available", "unavailable"]
        text = log.read_text()
        assert "Fetching" in text  # the progress bar
        assert "en-zh: model 'bitext-test/not-on-the-hub' is not available (cannot download" in text
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_second_serve_on_a_busy_port_says_so(env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = bitext(env, "serve", "--port", str(port))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"bitext: error: port {port} on 127.0.0.1 is in use (another bitext serve?): "
        "choose another with --port"
    )
