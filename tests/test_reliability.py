"""Regression tests for issue #13's reliability findings: every bad input a 4xx in words, one
error shape, identical alignment requests one job, each job run once by two servers on one
database, older databases upgraded, bodies over the limit answered readably, a bounded stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    inspect,
)
from test_api import serve, settle

from alignment.cache import EmbeddingCache
from alignment.embed import CachedEncoder
from service.jobs import AlignMode
from service.settings import Settings
from service.store import Store, resolve_url
from text.errors import InputError

TOO_BIG = str(2**63)


def test_ids_outside_64_bits_are_422(client: TestClient) -> None:
    for path in (
        f"/v1/documents/{TOO_BIG}",
        f"/v1/alignments/{TOO_BIG}",
        f"/v1/alignments/{TOO_BIG}.tmx",
        f"/documents/{TOO_BIG}",
        f"/alignments/{TOO_BIG}",
        f"/v1/documents/-{TOO_BIG}1",
    ):
        response = client.get(path)
        assert response.status_code == 422, path
        assert "less than or equal" in response.text or "greater than" in response.text, path
    for body in (
        {"source_document": int(TOO_BIG)},
        {"source_document": 2, "target_documents": [1, int(TOO_BIG)]},
    ):
        response = client.post("/v1/alignments", json=body)
        assert response.status_code == 422, body
    # Within 64 bits but not stored: 404, on both databases.
    assert client.get(f"/v1/documents/{2**63 - 1}").status_code == 404
    assert client.get(f"/v1/alignments/{2**40}").status_code == 404


def test_lone_surrogates_are_422_everywhere(client: TestClient) -> None:
    for path, body in (
        ("/v1/translate", b'{"text": "\\ud800"}'),
        ("/v1/translate", b'{"text": ["ok", "a\\udfffb"]}'),
        ("/v1/documents", b'{"text": "\\u597d\\u3002", "title": "\\udfff"}'),
        ("/v1/documents", b'{"text": "\\ud800 text"}'),
    ):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, (path, body)
        problems = response.json()["problems"]
        assert any("unicode" in problem["message"] for problem in problems), problems
        assert all(problem["field"].startswith("body.") for problem in problems)


def test_one_error_shape_in_plain_words(client: TestClient) -> None:
    union = client.post("/v1/translate", json={"text": 5}).json()
    assert set(union) == {"detail", "problems"}
    assert union["problems"][0] == {
        "field": "body.text",
        "message": "Input should be a valid string",
    }
    assert "function-after" not in json.dumps(union) and "[" not in union["detail"]
    missing = client.post("/v1/translate", json={"txt": "好。"}).json()
    assert "body.text: required, but missing" in missing["detail"]
    assert "body.txt: not a field of this request" in missing["detail"]
    broken = client.post(
        "/v1/translate", content=b'{"text": "a', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422 and "not valid JSON" in broken.json()["detail"]
    for response in (
        client.get("/v1/documents/999"),
        client.get("/v1/nothing-here"),
        client.post("/v1/documents", json={"text": "好。", "language": "de"}),
    ):
        assert isinstance(response.json()["detail"], str), response.text


def test_options_and_wrong_methods_name_every_allowed_method(client: TestClient) -> None:
    for method in ("options", "put", "delete"):
        response = client.request(method, "/v1/documents")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST", method
        assert response.json()["detail"] == "Method Not Allowed"
    assert client.options("/v1/translate").headers["allow"] == "POST"


def test_a_decimal_is_a_malformed_id_not_an_export_format(client: TestClient) -> None:
    assert client.get("/v1/alignments/0.5").status_code == 422
    assert client.get("/v1/alignments/1.xml").status_code == 404
    assert client.get("/v1/alignments/1.tsv").status_code == 200


def test_identical_concurrent_alignment_requests_make_one_job(client: TestClient) -> None:
    zh = client.post("/v1/documents", json={"text": "会议在太原召开。"}).json()["id"]
    en = client.post("/v1/documents", json={"text": "The meeting was held."}).json()["id"]
    client.app.state.alignments.close()  # the jobs stay pending: only requests race
    body = {"source_document": zh, "target_documents": [en]}
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: client.post("/v1/alignments", json=body), range(20)))
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert sorted(answer.status_code for answer in answers) == [200] * 19 + [202]


def test_each_job_runs_once_with_two_servers_on_one_database(
    settings: Settings, encoder, tmp_path: Path
) -> None:
    """Two apps (two servers) on one database, each with its own worker, drain the same jobs."""
    with serve(settings, encoder) as first:
        settle(first)
        ids = [
            first.post("/v1/documents", json={"text": f"第{n}次会议在太原召开。"}).json()["id"]
            for n in range(6)
        ]
        store = first.app.state.store
        # Queued without waking either server: both find them at once below.
        jobs = [store.jobs.request(i, [3], AlignMode.PARALLEL)[0].id for i in ids]
        second_settings = replace(settings, data_dir=tmp_path / "second")
        with serve(second_settings, encoder, seeds=None) as second:
            first.app.state.alignments.wake()
            second.app.state.alignments.wake()
            settle(first)
            settle(second)
        done = [store.alignments.get(job) for job in jobs]
    assert [(job.status, job.attempts) for job in done] == [("done", 1)] * len(jobs)
    assert all(job.claimed_by for job in done)


def test_failing_jobs_are_retried_then_failed_with_their_error(client: TestClient) -> None:
    state = client.app.state
    calls = []

    def broken(alignment_id: int) -> None:
        calls.append(alignment_id)
        raise RuntimeError("encoder exploded")

    state.alignments._align = broken
    job, queued = state.alignments.request(2, [3], AlignMode.PARALLEL)
    settle(client)
    failed = client.get(f"/v1/alignments/{job.id}").json()
    assert queued and failed["status"] == "failed" and "encoder exploded" in failed["error"]
    assert len(calls) == Settings().job_max_attempts
    again, requeued = state.alignments.request(2, [3], AlignMode.PARALLEL)
    assert requeued and again.id == job.id and again.status == "pending"


def old_alignments_table() -> Table:
    """The alignments table as the previous version created it: no fingerprint, no claim."""
    return Table(
        "alignments",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("source_document_id", Integer, nullable=False),
        Column("requested_targets", JSON),
        Column("mode", String(16), nullable=False),
        Column("status", String(16), nullable=False),
        Column("error", Text),
        Column("encoder", String(100)),
        Column("model", String(500)),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("finished_at", DateTime(timezone=True)),
    )


def test_a_database_of_the_previous_schema_is_upgraded(database_url: str) -> None:
    engine = create_engine(resolve_url(database_url))
    old = old_alignments_table()
    old.create(engine)
    with engine.begin() as connection:
        cut_off = {"mode": "comparable", "status": "running", "created_at": datetime.now(UTC)}
        connection.execute(old.insert().values(source_document_id=1, **cut_off))
    engine.dispose()
    for _ in range(2):  # idempotent: a second start changes nothing
        store = Store(database_url)
        columns = {c["name"] for c in inspect(store.engine).get_columns("alignments")}
        assert {"fingerprint", "claimed_by", "claimed_at", "attempts"} <= columns
        indexes = inspect(store.engine).get_indexes("alignments")
        assert any(i["name"] == "uq_alignments_fingerprint" and i["unique"] for i in indexes)
        store.close()
    store = Store(database_url)
    zh, _ = store.documents.add(title="zh", language="zh", text="甲。", sentences=[(0, "甲。")])
    # The old running job, cut off by the old server, is taken over like any stale claim.
    assert store.jobs.claim("new", lease=60, max_attempts=3) == 1
    first, queued = store.jobs.request(zh.id, None, AlignMode.COMPARABLE)
    assert queued and store.jobs.request(zh.id, None, AlignMode.COMPARABLE)[0].id == first.id


def test_embedding_cache_keeps_the_most_recently_used(tmp_path: Path) -> None:
    computed: list[str] = []

    def compute(texts: list[str]) -> np.ndarray:
        computed.extend(texts)
        return np.ones((len(texts), 4))

    cache = EmbeddingCache("fake", max_items=3)
    cache.get(["a", "b", "c"], compute)
    cache.get(["a"], compute)  # "a" used last: "b" goes first
    cache.get(["d"], compute)
    assert len(cache) == 3
    cache.get(["a", "c", "d"], compute)
    assert computed == ["a", "b", "c", "d"]
    cache.get(["b"], compute)
    assert computed[-1] == "b"


def test_the_server_s_embedding_memory_is_a_setting() -> None:
    settings = Settings.from_env({"BITEXT_EMBEDDING_CACHE_ITEMS": "2"})
    computed: list[str] = []

    def compute(texts: list[str]) -> np.ndarray:
        computed.extend(texts)
        return np.ones((len(texts), 4))

    encoder = CachedEncoder("fake", 4, compute, memory_items=settings.embedding_cache_items)
    encoder.encode(["a", "b", "c"])
    encoder.encode(["a"])  # dropped from memory, and no disk cache: embedded again
    assert computed == ["a", "b", "c", "a"]
    with pytest.raises(InputError, match="BITEXT_EMBEDDING_CACHE_ITEMS"):
        Settings.from_env({"BITEXT_EMBEDDING_CACHE_ITEMS": "0"})


# -- a real server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_bitext(tmp_path: Path, model: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    bitext = str(Path(sys.executable).parent / "bitext")
    command = [bitext, "serve", "--port", str(port), "--model", str(model), "--no-seeds"]
    command += ["--backend", "transformers", "--log-level", "warning"]
    environment = os.environ | {"BITEXT_DATA_DIR": str(tmp_path / "data"), **env}
    server = subprocess.Popen(command, env=environment)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise AssertionError("the server did not start")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, tiny_model_dir: Path) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("live")
    limits = {"BITEXT_MAX_REQUEST_CHARS": "1000", "BITEXT_MAX_DOCUMENT_CHARS": "1000"}
    server, base = start_bitext(tmp, tiny_model_dir, limits)
    yield base
    server.terminate()
    server.wait(30)


def test_plain_clients_read_the_413_of_a_body_over_the_limit(live_server: str) -> None:
    huge = json.dumps({"text": "字" * 3_000_000}).encode()  # 9 MB, over the 69 kB limit
    request = urllib.request.Request(
        f"{live_server}/v1/documents", data=huge, headers={"content-type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 413 and "limit" in json.loads(refused.value.read())["detail"]
    answer = httpx.post(f"{live_server}/v1/translate", content=huge, timeout=60)
    assert answer.status_code == 413
    # Streamed (chunked, no Content-Length): counted as it comes, the same answer.
    chunks = (b"x" * 65536 for _ in range(100))
    streamed = httpx.post(f"{live_server}/v1/documents", content=chunks, timeout=60)
    assert streamed.status_code == 413 and "limit" in streamed.json()["detail"]
    assert httpx.get(f"{live_server}/healthz", timeout=10).status_code == 200


def test_sigterm_stops_within_the_timeout_during_a_long_batch(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    server, base = start_bitext(tmp_path, tiny_model_dir, {"BITEXT_SHUTDOWN_TIMEOUT": "5"})
    long_text = "。".join(f"第{n}次省委会议在太原召开" for n in range(400))
    body = json.dumps({"text": long_text, "beam": 4}).encode()
    answers: list[int] = []

    def send() -> None:
        request = urllib.request.Request(f"{base}/v1/translate", data=body)
        request.add_header("content-type", "application/json")
        try:
            answers.append(urllib.request.urlopen(request, timeout=120).status)
        except urllib.error.HTTPError as error:
            answers.append(error.code)
        except OSError:
            answers.append(0)  # the connection closed by the stop

    client = threading.Thread(target=send)
    client.start()
    time.sleep(3)  # the batches are running
    assert not answers, "the long request finished too soon to test the stop"
    stopped = time.monotonic()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    assert time.monotonic() - stopped < 5 + 3, "the stop took longer than its timeout"
    client.join(30)
    assert answers and answers[0] != 200
