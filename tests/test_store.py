"""The SQL store: atomic ingest, de-duplication, reuse of stored work, durability across reopen.

Each test runs on SQLite and, with BITEXT_TEST_DATABASE_URL set, on PostgreSQL (the
`database_url` fixture in conftest.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Executable, insert, text

from service.jobs import AlignMode
from service.store import FoundPair, RankedDocument, Store, content_hash, resolve_url
from service.store.tables import Document, Translation
from text.errors import InputError

T = TypeVar("T")


def test_ingest_is_atomic(database_url: str) -> None:
    store = Store(database_url)

    def crashing_sentences():
        yield (0, "第一句。")
        raise RuntimeError("crash in the middle of an ingest")

    with pytest.raises(RuntimeError):
        store.documents.add(
            title="t", language="zh", text="第一句。第二句。", sentences=crashing_sentences()
        )
    assert store.documents.summaries() == []
    with store.engine.connect() as connection:
        assert connection.execute(text("select count(*) from sentences")).scalar() == 0


def test_same_text_is_one_document_and_survives_reopen(database_url: str) -> None:
    store = Store(database_url)
    first, created = store.documents.add(
        title="t", language="en", text="A. B.", sentences=[(0, "A."), (0, "B.")]
    )
    again, created_again = store.documents.add(
        title="other", language="en", text="A. B.", sentences=[(0, "A.")]
    )
    assert created and not created_again and again.id == first.id
    store.close()

    reopened = Store(database_url)
    [summary] = reopened.documents.summaries()
    assert (summary.id, summary.sentences) == (first.id, 2)
    stored = reopened.documents.get(first.id)
    assert [s.text for s in stored.sentences] == ["A.", "B."]
    # An instant in UTC, whatever the database session's time zone (naive on SQLite: UTC).
    created = stored.created_at.replace(tzinfo=stored.created_at.tzinfo or UTC)
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)


def test_sqlite_journal_is_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bitext.db'}"
    Store(url).close()
    with Store(url).engine.connect() as connection:
        assert connection.execute(text("pragma journal_mode")).scalar() == "wal"


def test_urls_name_a_supported_database() -> None:
    assert resolve_url("postgresql://u:p@db/bitext").drivername == "postgresql+psycopg"
    assert resolve_url("postgres://u:p@db/bitext").drivername == "postgresql+psycopg"
    with pytest.raises(InputError, match="only sqlite"):
        Store("mysql://u:p@db/bitext")


def test_translations_are_kept_once_per_model(database_url: str) -> None:
    store = Store(database_url)
    document, _ = store.documents.add(
        title="t", language="zh", text="甲。乙。", sentences=[(0, "甲。"), (0, "乙。")]
    )
    first, second = document.sentences
    store.translations.save("m", [(first.id, "A.", -0.5)])
    store.translations.save("m", [(first.id, "changed", -0.1), (second.id, "B.", -0.2)])
    stored = store.translations.of_document(document.id, "m")
    assert {i: t.text for i, t in stored.items()} == {0: "A.", 1: "B."}
    assert store.translations.of_document(document.id, "other-model") == {}


def test_alignment_lifecycle(database_url: str) -> None:
    store = Store(database_url)
    zh, _ = store.documents.add(title="zh", language="zh", text="甲。", sentences=[(0, "甲。")])
    en, _ = store.documents.add(title="en", language="en", text="A.", sentences=[(0, "A.")])
    alignment, queued = store.jobs.request(zh.id, None, AlignMode.COMPARABLE)
    assert alignment.status == "pending" and queued
    again, queued = store.jobs.request(zh.id, None, AlignMode.COMPARABLE)
    assert again.id == alignment.id and not queued
    assert store.jobs.claim("me", lease=60, max_attempts=3) == alignment.id
    assert store.jobs.claim("other", lease=60, max_attempts=3) is None
    store.alignments.finish(
        alignment.id,
        encoder="enc",
        model=None,
        ranking=[
            RankedDocument(document_id=en.id, topic_score=0.9, shares_topics=True, aligned=True)
        ],
        pairs=[FoundPair(target_document_id=en.id, source=[0], target=[0], score=0.8)],
    )
    done = store.alignments.get(alignment.id)
    assert done.status == "done" and done.attempts == 1
    assert store.jobs.claim("other", lease=0, max_attempts=3) is None
    assert [(p.source, p.target, p.score) for p in done.pairs] == [([0], [0], 0.8)]
    assert done.candidates[0].shares_topics


def while_uncommitted(store: Store, other_writer: Executable, call: Callable[[], T]) -> T:
    """Run `call` in a thread while another connection holds `other_writer` uncommitted (as a
    second service instance would), commit that, and return what `call` returned."""
    results: list[T] = []
    with store.engine.connect() as connection:
        connection.execute(other_writer)
        thread = threading.Thread(target=lambda: results.append(call()))
        thread.start()
        time.sleep(0.5)  # let `call` reach its insert and wait there on the other writer
        connection.commit()
    thread.join(timeout=60)
    assert results, "the call failed (see the thread's exception above)"
    return results[0]


def test_concurrent_ingest_of_the_same_text_is_one_document(database_url: str) -> None:
    store = Store(database_url)
    other = insert(Document).values(
        title="other", language="en", text="A.", content_hash=content_hash("A.", "en")
    )
    document, created = while_uncommitted(
        store,
        other,
        lambda: store.documents.add(title="t", language="en", text="A.", sentences=[(0, "A.")]),
    )
    assert not created and document.title == "other"
    assert [d.title for d in store.documents.summaries()] == ["other"]


def test_concurrent_translation_of_a_sentence_keeps_one(database_url: str) -> None:
    store = Store(database_url)
    document, _ = store.documents.add(
        title="t", language="zh", text="甲。", sentences=[(0, "甲。")]
    )
    [sentence] = document.sentences
    other = insert(Translation).values(
        sentence_id=sentence.id, model="m", text="first", confidence=-0.1
    )
    while_uncommitted(store, other, lambda: store.translations.save("m", [(sentence.id, "B", 0)]))
    assert store.translations.of_document(document.id, "m")[0].text == "first"
