"""API keys, the sign-in page, rate limits, trusted hosts, security headers, and the refused public
bind (issue #13, items 7 and 9)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_api import serve, settle

from service.api_keys import SESSION_COOKIE
from service.settings import Settings

KEY = "s3cret-key"


@pytest.fixture
def keyed(settings: Settings, encoder, tmp_path: Path) -> Iterator[TestClient]:
    keys_file = tmp_path / "keys"
    keys_file.write_text("# one a line\nfile-key\n")
    with serve(
        replace(settings, api_keys=(KEY,), api_keys_file=keys_file), encoder, seeds=None
    ) as client:
        yield client


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_v1_route_needs_a_key_and_probes_stay_open(keyed: TestClient) -> None:
    for method, path in [
        ("get", "/v1/documents"),
        ("get", "/v1/documents/1"),
        ("get", "/v1/models"),
        ("get", "/v1/alignments/1"),
        ("get", "/v1/alignments/1.tmx"),
        ("post", "/v1/translate"),
        ("post", "/v1/alignments"),
    ]:
        response = getattr(keyed, method)(path)
        assert response.status_code == 401, path
        assert "API key" in response.json()["detail"]
        assert response.headers["www-authenticate"] == "Bearer"
    assert keyed.options("/v1/documents").status_code == 405  # a CORS preflight has no key
    wrong = keyed.get("/v1/documents", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    for headers in (
        {"Authorization": f"Bearer {KEY}"},
        {"X-API-Key": KEY},
        {"X-API-Key": "file-key"},
    ):
        assert keyed.get("/v1/documents", headers=headers).status_code == 200, headers
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/static/bitext.css"):
        assert keyed.get(path).status_code == 200, path


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_pages_sign_in_once_with_a_session_cookie(keyed: TestClient) -> None:
    page = keyed.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/signin?next=/"
    signin = keyed.get("/signin?next=/documents/1")
    assert signin.status_code == 200 and 'name="next" value="/documents/1"' in signin.text
    refused = keyed.post("/signin", data={"key": "nope", "next": "/"}, follow_redirects=False)
    assert refused.status_code == 401 and "not a valid key" in refused.text
    # Only paths on this server: never a redirect to another site.
    elsewhere = {"key": KEY, "next": "//evil.example/"}
    answer = keyed.post("/signin", data=elsewhere, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert KEY not in cookie
    assert keyed.get("/").status_code == 200  # the client keeps the cookie
    # The cookie opens pages and reads, not writes: those need the key itself.
    assert keyed.get("/v1/documents").status_code == 200
    assert keyed.post("/v1/documents", json={"text": "好。"}).status_code == 401
    keyed.cookies.clear()
    keyed.cookies.set(SESSION_COOKIE, "9999999999.forged")
    assert keyed.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_rate_limit_answers_429_with_retry_after(settings: Settings, encoder) -> None:
    limited = replace(settings, rate_limit="3/minute", api_keys=("a", "b"))
    with serve(limited, encoder, seeds=None) as client:
        first = {"X-API-Key": "a"}
        assert [client.get("/v1/models", headers=first).status_code for _ in range(3)] == [200] * 3
        over = client.get("/v1/models", headers=first)
        assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
        assert "3/minute" in over.json()["detail"]
        # Per key: another key has its own allowance; probes are never limited.
        assert client.get("/v1/models", headers={"X-API-Key": "b"}).status_code == 200
        assert client.get("/healthz").status_code == 200
    with serve(replace(settings, rate_limit="1/hour"), encoder, seeds=None) as client:
        assert client.get("/v1/models").status_code == 200
        assert client.get("/v1/models").status_code == 429  # per address without keys


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_untrusted_hosts_links_and_security_headers(settings: Settings, encoder) -> None:
    with serve(settings, encoder) as client:
        settle(client)
        evil = client.get("/", headers={"Host": "evil.example"})
        assert evil.status_code == 400 and "evil.example" in evil.json()["detail"]
        assert client.get("/healthz", headers={"Host": "10.0.0.7:8000"}).status_code == 200
        for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
            assert client.get("/", headers={"Host": host}).status_code == 200, host
        page = client.get("/")
        assert 'href="/static/bitext.css"' in page.text and "http://" not in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "no-referrer"
        alignment = client.app.state.store.alignments.all()[0].id
        export = client.get(f"/v1/alignments/{alignment}.tsv")
        assert export.status_code == 200 and export.headers["x-content-type-options"] == "nosniff"
    anywhere = replace(settings, trusted_hosts=("*.example.org",))
    with serve(anywhere, encoder, seeds=None) as client:
        assert client.get("/healthz", headers={"Host": "bitext.example.org"}).status_code == 200
        assert client.get("/v1/models", headers={"Host": "bitext.example.org"}).status_code == 200
        assert client.get("/v1/models").status_code == 400  # localhost is not listed now


def test_public_bind_without_keys_is_refused(tmp_path: Path) -> None:
    bitext = str(Path(sys.executable).parent / "bitext")
    command = [bitext, "serve", "--host", "0.0.0.0", "--no-seeds"]
    env = {"PATH": "/usr/bin:/bin", "BITEXT_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    refused = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "BITEXT_API_KEYS" in refused.stderr
    assert "--no-auth" in refused.stderr
