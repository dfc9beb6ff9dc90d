"""The alignment views in a real browser (Playwright + Debian's Chromium).

Runs a live uvicorn on 127.0.0.1 with the seeds and the tiny model, opens the seeds' comparable
alignment (pairs first, spans marked, the rest folded) and a parallel alignment of a report with
a partial English translation, checks what a reader sees and saves screenshots (and the seeds'
page height) under test-artifacts/.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import serving
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


@pytest.fixture
def live_server(tmp_path: Path, tiny_model_dir: Path) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path / "data", model_zh_en=str(tiny_model_dir))
    with serving(create_app(settings, seeds_dir=REPO_SEEDS)) as base:
        yield base


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
    body = {"source_document": zh["id"], "target_documents": [en["id"]], "mode": "parallel"}
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

        # The seeds, comparable: the paired Chinese sentences first, spans marked on both
        # sides, the four English seeds ranked, the sentences without a counterpart folded.
        page.goto(f"{live_server}/alignments/{seeds['id']}")
        chinese = httpx.get(f"{live_server}/v1/documents/{seeds['source_document']}").json()
        paired = {p["source"][0] for p in seeds["pairs"]}
        assert seeds["pairs"] and page.locator("tr.row.aligned").count() == len(paired)
        assert page.locator("section.topics tbody tr").count() == 4
        assert page.locator("td.zh mark").first.is_visible()
        assert page.locator("td.en mark").first.is_visible()
        assert page.locator(".grade").count() == len(seeds["pairs"])
        boilerplate = [s for s in chinese["sentences"] if s["boilerplate"]]
        unpaired = len(chinese["sentences"]) - len(paired) - len(boilerplate)
        fold = page.locator("details.unpaired")
        assert fold.locator("summary").inner_text() == f"{unpaired} sentences without a counterpart"
        assert not fold.locator("li").first.is_visible()
        assert page.locator("text=no match").count() == 0
        for fmt in ("TMX", "TSV", "JSONL"):
            link = page.get_by_role("link", name=fmt, exact=True)
            assert link.get_attribute("href") == f"/v1/alignments/{seeds['id']}.{fmt.lower()}"
        height = page.evaluate("document.documentElement.scrollHeight")
        pairs_height = page.evaluate(
            "document.querySelector('table.pairs').getBoundingClientRect().height"
        )
        assert pairs_height > 0.6 * height  # the page is its pairs, not rows of "no match"
        (ARTIFACTS / "comparable-view.json").write_text(
            json.dumps(
                {
                    "page_px": height,
                    "pairs_px": round(pairs_height),
                    "pair_rows": len(paired),
                    "pairs": len(seeds["pairs"]),
                    "without_counterpart": unpaired,
                    "boilerplate": len(boilerplate),
                }
            )
        )
        page.screenshot(path=str(ARTIFACTS / "side-by-side-full.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / "side-by-side.png"))
        fold.locator("summary").click()
        assert fold.locator("li").first.is_visible()

        # A report and its partial translation, parallel: every sentence has its row, matches
        # shown, scored, filtered.
        page.goto(f"{live_server}/alignments/{report['id']}")
        aligned, unaligned = page.locator("tr.row.aligned"), page.locator("tr.row.unaligned")
        covered = {i for p in report["pairs"] for i in p["source"]}
        assert aligned.count() == len(covered)
        first = page.locator(".match").first
        assert first.locator(".score").inner_text() == f"{report['pairs'][0]['score']:.2f}"
        assert "chrF" in first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "side-by-side-report.png"), full_page=True)

        # A slider step (0.05) that keeps some pairs and hides others.
        scores = [p["score"] for p in report["pairs"]]
        bar = next(
            step / 20
            for step in range(1, 21)
            if 0 < sum(s >= step / 20 for s in scores) < len(scores)
        )
        strong = [p for p in report["pairs"] if p["score"] >= bar]
        page.locator("#min-score").fill(f"{bar:.2f}")
        page.locator("#min-score").dispatch_event("input")
        assert page.locator(".match:not(.hidden)").count() == len(strong)
        shown = {p["source"][0] for p in strong}
        assert page.locator("tr.row:has(.match:not(.hidden))").count() == len(shown)
        kept = page.locator("tr.row.aligned").count()  # with the rows of multi-sentence pairs
        assert page.locator("#summary").inner_text().startswith(f"{kept} of ")
        background = "el => getComputedStyle(el.querySelector('td.zh')).backgroundColor"
        assert aligned.first.evaluate(background) != unaligned.first.evaluate(background)
        page.locator("#show-unaligned").uncheck()
        assert page.locator("tr.row:visible").count() == kept
        browser.close()


def test_api_docs_render_offline(tmp_path: Path, tiny_model_dir: Path) -> None:
    """/docs and /redoc with every request off this server refused, as on a machine without
    internet: their assets come from the app (ReDoc's own logo aside, which it links to)."""
    settings = Settings(data_dir=tmp_path / "data", model_zh_en=str(tiny_model_dir))
    app = create_app(settings, seeds_dir=None)
    with serving(app) as base, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        outside: list[str] = []

        def local_only(route) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", local_only)
        page.goto(f"{base}/docs")
        operations = page.locator(".opblock-summary-path")
        operations.first.wait_for(timeout=30_000)
        paths = {path.replace("\u200b", "") for path in operations.all_inner_texts()}
        assert {"/v1/translate", "/translate", "/languages", "/detect"} <= paths
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "docs.png"))
        assert outside == []
        page.goto(f"{base}/redoc")
        page.get_by_text("/v1/translate").first.wait_for(state="attached", timeout=30_000)
        assert {url.rsplit("/", 1)[-1] for url in outside} <= {"logo-mini.svg"}
        browser.close()
