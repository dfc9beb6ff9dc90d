"""The README's commands stay true: CI runs its test command, and its examples run as written."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def code_blocks(section: str, language: str = "sh") -> list[str]:
    """Lines of the ```sh (or other `language`) blocks under one `## ` heading."""
    body = README.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(rf"```{language}\n(.*?)```", body, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def example_env(tmp_path: Path, model_dir: Path) -> dict[str, str]:
    env = dict(os.environ, BITEXT_DATA_DIR=str(tmp_path / "data"), HF_HUB_OFFLINE="1")
    env["BITEXT_MODEL_ZH_EN"] = str(model_dir)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_ci_runs_the_readme_test_command() -> None:
    setup, test_command = code_blocks("Quick start")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
    install = setup.split(" && ")
    assert install[-1].endswith("bitext serve")
    assert all(step in ci for step in install[:-1])


def test_cli_examples_run(tmp_path: Path, tiny_model_dir: Path) -> None:
    env = example_env(tmp_path, tiny_model_dir)
    commands = code_blocks("Command line")
    assert len(commands) >= 5
    for command in commands:
        done = subprocess.run(
            shlex.split(command), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
        assert done.stdout.strip(), command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_api_examples_run(tmp_path: Path, tiny_model_dir: Path) -> None:
    env = example_env(tmp_path, tiny_model_dir)
    env["BITEXT_BACKEND"] = "transformers"  # skips the CTranslate2 conversion of the tiny model
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "bitext"), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        status = None
        while status != "done":
            assert time.monotonic() < deadline, f"the seeds' alignment did not finish: {status}"
            assert server.poll() is None, "bitext serve exited"
            with contextlib.suppress(OSError):
                status = get_json(f"{base}/v1/alignments/1")["status"]
            time.sleep(1)
        for command in code_blocks("HTTP API") + code_blocks("Use it from LibreTranslate clients"):
            args = shlex.split(command.replace("localhost:8000", f"127.0.0.1:{port}"))
            assert args[:2] == ["curl", "-s"], command
            done = subprocess.run(
                ["curl", "-sf", *args[2:]], capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, f"{command}: curl exit {done.returncode}"
            assert done.stdout.strip(), command
        client = "\n".join(code_blocks("Use it from LibreTranslate clients", "python"))
        client = client.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        done = subprocess.run([sys.executable, "-c", client], capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout.strip(), done.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)
