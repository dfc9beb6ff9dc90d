"""The SQL store: atomic ingest, de-duplication, reuse of stored work, durability across reopen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from service.store import Store
from service.tables import AlignmentCandidate, AlignmentPair


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bitext.db'}"


def test_ingest_is_atomic(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path))

    def crashing_sentences():
        yield (0, "第一句。")
        raise RuntimeError("crash in the middle of an ingest")

    with pytest.raises(RuntimeError):
        store.add_document(
            title="t", language="zh", text="第一句。第二句。", sentences=crashing_sentences()
        )
    assert store.list_documents() == []
    with store.engine.connect() as connection:
        assert connection.execute(text("select count(*) from sentences")).scalar() == 0


def test_same_text_is_one_document_and_survives_reopen(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path))
    first, created = store.add_document(
        title="t", language="en", text="A. B.", sentences=[(0, "A."), (0, "B.")]
    )
    again, created_again = store.add_document(
        title="other", language="en", text="A. B.", sentences=[(0, "A.")]
    )
    assert created and not created_again and again.id == first.id
    store.close()

    reopened = Store(sqlite_url(tmp_path))
    [summary] = reopened.list_documents()
    assert (summary.id, summary.sentences) == (first.id, 2)
    assert [s.text for s in reopened.get_document(first.id).sentences] == ["A.", "B."]
    with reopened.engine.connect() as connection:
        assert connection.execute(text("pragma journal_mode")).scalar() == "wal"


def test_translations_are_kept_once_per_model(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path))
    document, _ = store.add_document(
        title="t", language="zh", text="甲。乙。", sentences=[(0, "甲。"), (0, "乙。")]
    )
    first, second = document.sentences
    store.save_translations("m", [(first.id, "A.", -0.5)])
    store.save_translations("m", [(first.id, "changed", -0.1), (second.id, "B.", -0.2)])
    stored = store.translations(document.id, "m")
    assert {i: t.text for i, t in stored.items()} == {0: "A.", 1: "B."}
    assert store.translations(document.id, "other-model") == {}


def test_alignment_lifecycle(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path))
    zh, _ = store.add_document(title="zh", language="zh", text="甲。", sentences=[(0, "甲。")])
    en, _ = store.add_document(title="en", language="en", text="A.", sentences=[(0, "A.")])
    alignment = store.create_alignment(zh.id, None, "comparable")
    assert alignment.status == "pending" and store.alignments_to_run() == [alignment.id]
    store.finish_alignment(
        alignment.id,
        encoder="enc",
        model=None,
        candidates=[
            AlignmentCandidate(
                document_id=en.id, rank=0, topic_score=0.9, shares_topics=True, aligned=True
            )
        ],
        pairs=[AlignmentPair(target_document_id=en.id, source=[0], target=[0], score=0.8)],
    )
    done = store.get_alignment(alignment.id)
    assert done.status == "done" and store.alignments_to_run() == []
    assert [(p.source, p.target, p.score) for p in done.pairs] == [([0], [0], 0.8)]
    assert done.candidates[0].shares_topics
