"""A stand-in for the Hugging Face hub on 127.0.0.1: serves local model directories as
repositories, through the endpoints `huggingface_hub.snapshot_download` calls (repository info,
file tree, and each file's HEAD and GET with the headers the client checks). Point HF_ENDPOINT at
`url`."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"  # one revision for every repository


class HubStandIn:
    def __init__(self, repos: dict[str, Path]) -> None:
        self.repos = repos
        self.requests: list[str] = []  # "METHOD path", in order
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                stand_in.answer(self, body=False)

            def do_GET(self) -> None:
                stand_in.answer(self, body=True)

            def log_message(self, *args: object) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[HubStandIn]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()

    def answer(self, handler: BaseHTTPRequestHandler, *, body: bool) -> None:
        path = unquote(urlsplit(handler.path).path)
        self.requests.append(f"{handler.command} {path}")
        if path.startswith("/api/models/"):
            repo, rest = _split_repo(path.removeprefix("/api/models/"))
            listing = rest.startswith("tree/")
            self._json(handler, repo, self._tree if listing else self._info, body)
        elif "/resolve/" in path:
            repo, rest = _split_repo(path.lstrip("/"))
            self._file(handler, repo, rest.removeprefix("resolve/").split("/", 1)[1], body)
        else:
            _send(handler, 404, b"{}", body, {"X-Error-Code": "EntryNotFound"})

    def _files(self, repo: str) -> list[Path]:
        root = self.repos[repo]
        return sorted(p for p in root.rglob("*") if p.is_file())

    def _info(self, repo: str) -> dict:
        root = self.repos[repo]
        siblings = [{"rfilename": str(p.relative_to(root))} for p in self._files(repo)]
        return {"id": repo, "modelId": repo, "sha": COMMIT, "private": False, "siblings": siblings}

    def _tree(self, repo: str) -> list[dict]:
        root = self.repos[repo]
        return [
            {"type": "file", "path": str(p.relative_to(root)), "size": p.stat().st_size,
             "oid": _oid(p)}
            for p in self._files(repo)
        ]  # fmt: skip

    def _json(self, handler, repo: str, make: Callable[[str], object], body: bool) -> None:
        if repo not in self.repos:
            _send(handler, 404, b'{"error": "Repository not found"}', body, _NOT_FOUND)
            return
        data = json.dumps(make(repo)).encode()
        _send(handler, 200, data, body, {"Content-Type": "application/json"})

    def _file(self, handler, repo: str, name: str, body: bool) -> None:
        path = self.repos.get(repo, Path("/nonexistent")) / name
        if repo not in self.repos:
            _send(handler, 404, b"{}", body, _NOT_FOUND)
        elif not path.is_file():
            _send(handler, 404, b"{}", body, {"X-Error-Code": "EntryNotFound"})
        else:
            headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{_oid(path)}"'}
            _send(handler, 200, path.read_bytes(), body, headers)


_NOT_FOUND = {"X-Error-Code": "RepoNotFound", "Content-Type": "application/json"}


def _split_repo(path: str) -> tuple[str, str]:
    """'owner/name/rest...' -> ('owner/name', 'rest...')."""
    owner, _, rest = path.partition("/")
    name, _, rest = rest.partition("/")
    return f"{owner}/{name}", rest


def _oid(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def _send(handler, status: int, data: bytes, body: bool, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    if body:
        handler.wfile.write(data)
