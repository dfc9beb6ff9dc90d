"""One language detector for ingest, topic ranking and the align CLI."""

from __future__ import annotations

import pytest

from text.errors import InputError, ModelUnavailable
from text.language import detect_language, han_share


def test_plain_texts() -> None:
    assert detect_language("省委政法工作会议在太原召开。") == "zh"
    assert detect_language("The provincial conference was held in Taiyuan.") == "en"


def test_mixed_script_text_is_decided_once_for_every_caller() -> None:
    # 30% Han letters: as much Chinese as English by content, so Chinese everywhere. Before
    # there was one detector, ingest called this Chinese and topic ranking called it English.
    mixed = "平安山西建设 safe shanxi work"
    assert han_share(mixed) == pytest.approx(0.3, abs=0.05)
    assert detect_language(mixed) == "zh"
    # An English sentence quoting a Chinese slogan stays English.
    assert detect_language("The slogan 平安山西 means a safe Shanxi for everyone.") == "en"


def test_a_text_without_letters_is_an_input_error() -> None:
    with pytest.raises(InputError, match="cannot detect the language"):
        detect_language("2019 — 123 …")


def test_ingest_and_topic_ranking_agree(tmp_path) -> None:
    """The service stores the detected language and hands it to ranking instead of guessing."""
    from service.ingest import Ingest
    from service.metrics import Metrics
    from service.store import Store
    from service.translations import DocumentTranslations
    from service.worker import Worker

    def no_model(source: str, target: str):
        raise ModelUnavailable(f"no {source}-{target} model here")

    store, worker = Store(f"sqlite:///{tmp_path / 'db.sqlite'}"), Worker()
    ingest = Ingest(store, DocumentTranslations(store, no_model, worker, Metrics()))
    document, _ = ingest.add("平安山西建设 safe shanxi work")
    assert document.language == detect_language(document.text) == "zh"
    worker.close()
    store.close()
