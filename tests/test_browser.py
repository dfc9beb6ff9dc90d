"""The side-by-side view of the seeds in a real browser (Playwright + Debian's Chromium).

Runs a live uvicorn on 127.0.0.1 with the seeds and the tiny model, opens the seeds' alignment
page and that of a report with a partial English translation, checks what a reader sees and
saves screenshots under test-artifacts/.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_api import EN_REPORT, ZH_REPORT

from service.app import create_app
from service.settings import REPO_SEEDS, Settings

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
)
if not CHROMIUM.exists() and not shutil.which("chromium"):
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(tmp_path: Path, tiny_model_dir: Path) -> Iterator[str]:
    import uvicorn

    settings = Settings(data_dir=tmp_path / "data", model_zh_en=str(tiny_model_dir))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, seeds_dir=REPO_SEEDS),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.1)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def wait_for(base: str, alignment_id: int, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alignment = httpx.get(f"{base}/v1/alignments/{alignment_id}").json()
        if alignment["status"] not in ("pending", "running"):
            assert alignment["status"] == "done", alignment["error"]
            return alignment
        time.sleep(0.5)
    raise AssertionError(f"alignment {alignment_id} did not finish")


def align_reports(base: str) -> dict:
    zh = httpx.post(f"{base}/v1/documents", json={"text": ZH_REPORT, "title": "报告"}).json()
    en = httpx.post(f"{base}/v1/documents", json={"text": EN_REPORT, "title": "Report"}).json()
    body = {"source_document": zh["id"], "target_documents": [en["id"]]}
    return wait_for(base, httpx.post(f"{base}/v1/alignments", json=body).json()["id"])


def test_side_by_side_views(live_server: str) -> None:
    seeds = wait_for(live_server, 1)
    report = align_reports(live_server)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{live_server}/")
        page.get_by_role("link", name="骆惠宁", exact=False).first.click()
        assert page.locator("table.sentences tbody tr").count() > 10  # the Chinese seed

        # The seeds: every Chinese sentence has its row, the four English seeds are ranked.
        page.goto(f"{live_server}/alignments/{seeds['id']}")
        chinese = httpx.get(f"{live_server}/v1/documents/{seeds['source_document']}").json()
        assert page.locator("table.side-by-side tr.row").count() == len(chinese["sentences"])
        assert page.locator("section.topics tbody tr").count() == 4
        assert page.locator("tr.row.aligned").count() == len(
            {p["source"][0] for p in seeds["pairs"]}
        )
        for fmt in ("TMX", "TSV", "JSONL"):
            link = page.get_by_role("link", name=fmt, exact=True)
            assert link.get_attribute("href") == f"/v1/alignments/{seeds['id']}.{fmt.lower()}"
        page.screenshot(path=str(ARTIFACTS / "side-by-side-full.png"), full_page=True)
        if seeds["pairs"]:  # show where the alignment found something
            page.locator("tr.row.aligned").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "side-by-side.png"))

        # A report and its partial translation: matches shown, scored, filtered.
        page.goto(f"{live_server}/alignments/{report['id']}")
        aligned, unaligned = page.locator("tr.row.aligned"), page.locator("tr.row.unaligned")
        assert aligned.count() == len(report["pairs"]) and unaligned.count() > 0
        first = page.locator(".match").first
        assert first.locator(".score").inner_text() == f"{report['pairs'][0]['score']:.2f}"
        assert "chrF" in first.inner_text() and "pseudo-ref" in first.inner_text()
        background = "el => getComputedStyle(el.querySelector('td.zh')).backgroundColor"
        assert aligned.first.evaluate(background) != unaligned.first.evaluate(background)
        page.screenshot(path=str(ARTIFACTS / "side-by-side-report.png"), full_page=True)

        strong = sum(p["score"] >= 0.9 for p in report["pairs"])
        page.locator("#min-score").fill("0.9")
        page.locator("#min-score").dispatch_event("input")
        assert page.locator(".match:not(.hidden)").count() == strong < len(report["pairs"])
        assert page.locator("tr.row.aligned").count() == strong
        assert page.locator("#summary").inner_text().startswith(f"{strong} of ")
        page.locator("#show-unaligned").uncheck()
        assert page.locator("tr.row:visible").count() == strong
        browser.close()
