"""The LibreTranslate API: the real libretranslatepy client unchanged, the request shapes of the
JavaScript clients, SearXNG and Weblate, API keys, CORS, errors in LibreTranslate's shape."""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from libretranslatepy import LibreTranslateAPI
from live_server import serving

from service.app import create_app
from service.settings import Settings

ZH = "省委政法工作会议在太原召开。省委书记出席会议并讲话。"
EN = "The provincial political and legal work conference was held in Taiyuan."


@pytest.fixture
def settings(tmp_path: Path, tiny_model_dir: Path, tiny_model_en_zh_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        model_zh_en=str(tiny_model_dir),
        model_en_zh=str(tiny_model_en_zh_dir),
        backend="transformers",  # skips the CTranslate2 conversion of the tiny models
        max_list_items=8,
        max_request_chars=500,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, seeds_dir=None), base_url="http://localhost") as client:
        yield client


def v1(client: TestClient, text: str | list[str], **fields: str) -> list[str]:
    """/v1/translate's answer for the same texts."""
    body = client.post("/v1/translate", json={"text": text, **fields}).json()
    return [t["text"] for t in body["translations"]]


def test_the_libretranslate_client_works_unchanged(settings: Settings) -> None:
    with serving(create_app(settings, seeds_dir=None)) as base:
        client = LibreTranslateAPI(base)
        languages = client.languages()
        assert languages == [
            {"code": "zh", "name": "Chinese", "targets": ["en"]},
            {"code": "en", "name": "English", "targets": ["zh"]},
        ]
        translated = client.translate(ZH, "zh", "en")
        assert isinstance(translated, str) and translated
        assert client.translate(ZH, "auto", "en") == translated
        assert client.translate(EN, "en", "zh")
        detected = client.detect(ZH)
        assert detected[0] == {"confidence": 100.0, "language": "zh"}
        assert client.detect(EN)[0]["language"] == "en"


def test_the_client_with_an_api_key(settings: Settings) -> None:
    keyed = replace(settings, api_keys=("k1", "k2"))
    with serving(create_app(keyed, seeds_dir=None)) as base:
        assert LibreTranslateAPI(base, api_key="k2").translate(ZH, "zh", "en")
        assert LibreTranslateAPI(base, api_key="k2").detect(ZH)[0]["language"] == "zh"
        assert len(LibreTranslateAPI(base).languages()) == 2  # the list asks no key
        for client in (LibreTranslateAPI(base), LibreTranslateAPI(base, api_key="nope")):
            with pytest.raises(urllib.error.HTTPError) as refused:
                client.translate(ZH, "zh", "en")
            assert refused.value.code == 403
            assert refused.value.read() == b'{"error":"Invalid API key"}'


def test_json_urlencoded_and_multipart_bodies_answer_alike(client: TestClient) -> None:
    fields = {"q": ZH, "source": "zh", "target": "en"}
    expected = v1(client, ZH)[0]
    as_json = client.post("/translate", json=fields)
    as_form = client.post("/translate", data=fields)  # libretranslatepy, Weblate
    as_multipart = client.post("/translate", files={k: (None, v) for k, v in fields.items()})
    for response in (as_json, as_form, as_multipart):
        assert response.status_code == 200, response.text
        assert response.json() == {"translatedText": expected}


def test_the_same_batcher_and_cache_as_v1(client: TestClient) -> None:
    def batches() -> float:
        metrics = client.get("/metrics").text
        return float(metrics.split("bitext_batch_sentences_count ")[1].split()[0])

    before = batches()
    client.post("/translate", json={"q": ZH, "source": "zh", "target": "en"})
    assert batches() == before + 1  # went through the micro-batcher
    cache = client.app.state.registry.get("zh", "en").cache
    assert cache is not None and cache.path == client.app.state.settings.translation_cache


def test_lists_auto_detection_alternatives_and_codes(client: TestClient) -> None:
    texts = [ZH, "第二句。"]
    listed = client.post("/translate", json={"q": texts, "source": "zh", "target": "en"}).json()
    assert listed == {"translatedText": v1(client, texts)}
    auto = client.post("/translate", json={"q": [ZH, EN], "source": "auto", "target": "en"}).json()
    assert auto["translatedText"] == [v1(client, ZH)[0], EN]  # already English: as it was
    assert [d["language"] for d in auto["detectedLanguage"]] == ["zh", "en"]
    one = client.post("/translate", json={"q": ZH, "source": "auto", "target": "en"}).json()
    assert one["detectedLanguage"] == {"confidence": 100.0, "language": "zh"}
    for code in ("zh", "zh-Hans", "zh-CN", "ZH-hans"):
        body = {"q": EN, "source": "en", "target": code, "alternatives": 3}
        answer = client.post("/translate", json=body).json()
        assert answer == {"translatedText": v1(client, EN, source="en", target="zh")[0],
                          "alternatives": []}  # fmt: skip


def test_html_keeps_the_markup(client: TestClient) -> None:
    page = '<p class="x"><b>省委书记出席会议。</b><code>不译</code></p>'
    body = {"q": page, "source": "zh", "target": "en", "format": "html"}
    translated = client.post("/translate", json=body).json()["translatedText"]
    assert translated.startswith('<p class="x"><b>') and translated.endswith(
        "</b><code>不译</code></p>"
    )
    assert translated == v1(client, page, format="html")[0]


def test_request_shapes_of_javascript_clients_and_searxng(client: TestClient) -> None:
    # LibreTranslate's documented fetch() call: JSON, format, alternatives, an empty api_key
    js = {"q": ZH, "source": "auto", "target": "en", "format": "text", "alternatives": 3}
    answer = client.post("/translate", json={**js, "api_key": ""}).json()
    assert set(answer) == {"translatedText", "detectedLanguage", "alternatives"}
    # its web page and the browser extensions: FormData (multipart), with a `secret` field too
    form = {k: (None, str(v)) for k, v in {**js, "api_key": "", "secret": "x"}.items()}
    assert client.post("/translate", files=form).json() == answer
    # SearXNG: JSON with alternatives, the answer read with .get('alternatives', [])
    searxng = {"q": "太原", "source": "zh", "target": "en", "alternatives": 3}
    answer = client.post("/translate", json=searxng).json()
    assert answer["translatedText"] and answer["alternatives"] == []
    # Weblate: a form with api_key, q, source, target; /languages read for the codes
    weblate = {"api_key": "", "q": "太原", "source": "zh", "target": "en"}
    assert client.post("/translate", data=weblate).json()["translatedText"]
    assert [entry["code"] for entry in client.get("/languages").json()] == ["zh", "en"]


def test_detect(client: TestClient) -> None:
    def detect(text: str) -> list[dict]:
        response = client.post("/detect", json={"q": text})
        assert response.status_code == 200, response.text
        return response.json()

    assert detect(ZH) == [{"confidence": 100.0, "language": "zh"},
                          {"confidence": 0.0, "language": "en"}]  # fmt: skip
    assert detect(EN)[0] == {"confidence": 100.0, "language": "en"}
    mixed = detect("太原 in Shanxi")  # 2 Han characters weigh as much as 8 letters
    assert [d["language"] for d in mixed] == ["zh", "en"]
    assert mixed[0]["confidence"] == 50.0 and mixed[1]["confidence"] == 50.0
    assert detect("2024 — 12") == [{"confidence": 0.0, "language": "en"}]


def test_languages_list_only_the_directions_whose_model_is_here(settings: Settings) -> None:
    without = replace(settings, model_en_zh=str(settings.data_dir / "missing"))
    with TestClient(create_app(without, seeds_dir=None), base_url="http://localhost") as client:
        assert client.post("/languages").json() == [
            {"code": "zh", "name": "Chinese", "targets": ["en"]},
            {"code": "en", "name": "English", "targets": []},
        ]
        body = {"q": EN, "source": "en", "target": "zh"}
        refused = client.post("/translate", json=body)
        assert refused.status_code == 400
        assert refused.json()["error"].startswith(
            "Chinese (zh) is not available as a target language from English (en): no model "
        )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"source": "zh", "target": "en"}, "Invalid request: missing q parameter"),
        ({"q": "", "source": "zh", "target": "en"}, "Invalid request: missing q parameter"),
        ({"q": "好", "target": "en"}, "Invalid request: missing source parameter"),
        ({"q": "好", "source": "zh"}, "Invalid request: missing target parameter"),
        ({"q": "好", "source": "fr", "target": "en"}, "fr is not supported"),
        ({"q": "好", "source": "zh", "target": "zh-TW"}, "zh-TW is not supported"),
        ({"q": "好", "source": "zh", "target": "zh-CN"}, "Chinese (zh) is not available as a"),
        ({"q": "好", "source": "zh", "target": "en", "format": "xml"}, "xml format is not"),
        ({"q": "好", "source": "zh", "target": "en", "alternatives": "x"}, "not a number"),
        ({"q": 5, "source": "zh", "target": "en"}, "q must be a text or a list of texts"),
        ({"q": "a\x00", "source": "zh", "target": "en"}, "NUL character"),
        ({"q": ["好"] * 9, "source": "zh", "target": "en"}, "limit is 8 (setting max_list_items)"),
        ({"q": "好" * 501, "source": "zh", "target": "en"}, "(setting max_request_chars)"),
    ],
)
def test_bad_requests_are_400_in_libretranslates_shape(client, body, message) -> None:
    response = client.post("/translate", json=body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message) or message in response.json()["error"]


def test_malformed_bodies_are_400_too(client: TestClient) -> None:
    for content, kind in (
        (b'{"q": "a', "application/json"),
        (b"[1, 2]", "application/json"),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        (b"\xff\xfe", "application/x-www-form-urlencoded"),
    ):
        response = client.post("/translate", content=content, headers={"content-type": kind})
        assert response.status_code == 400, (content, response.text)
        assert set(response.json()) == {"error"}
    missing = client.post("/detect", json={})
    assert missing.json() == {"error": "Invalid request: missing q parameter"}


def test_cors_is_off_by_default_and_configurable(settings: Settings) -> None:
    preflight = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(settings, seeds_dir=None), base_url="http://localhost") as client:
        answer = client.get("/languages", headers={"Origin": "https://example.org"})
        assert "access-control-allow-origin" not in answer.headers
    opened = replace(settings, cors_origins=("https://example.org",))
    with TestClient(create_app(opened, seeds_dir=None), base_url="http://localhost") as client:
        answer = client.get("/languages", headers={"Origin": "https://example.org"})
        assert answer.headers["access-control-allow-origin"] == "https://example.org"
        assert client.options("/translate", headers=preflight).status_code == 200
        other = client.get("/languages", headers={"Origin": "https://elsewhere.org"})
        assert "access-control-allow-origin" not in other.headers


def test_keys_and_origins_come_from_the_environment() -> None:
    env = {"BITEXT_API_KEYS": "a, b,,", "BITEXT_CORS_ORIGINS": "*"}
    settings = Settings.from_env(env)
    assert set(settings.api_keys) == {"a", "b"} and settings.cors_origins == ("*",)


def test_keys_and_rate_limits_answer_in_libretranslate_s_shape(settings: Settings) -> None:
    """The guard leaves the key to the route (clients send it in the body), and a request over
    the rate limit gets 429 as {"error"}, as LibreTranslate answers it."""
    limited = replace(settings, api_keys=("k1",), rate_limit="2/minute")
    app = create_app(limited, seeds_dir=None)
    with TestClient(app, base_url="http://localhost") as client:
        fields = {"q": ZH, "source": "zh", "target": "en"}
        assert client.post("/translate", json=fields).status_code == 403  # no key: 403, not 401
        assert client.post("/translate", json=fields | {"api_key": "k1"}).status_code == 200
        over = client.post("/translate", json=fields | {"api_key": "k1"})
        assert over.status_code == 429 and over.headers["retry-after"]
        assert set(over.json()) == {"error"}
