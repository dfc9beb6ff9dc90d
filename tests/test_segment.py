"""Segmentation: sentence ends, numbers and abbreviations that are not ends, layout, no loss."""

import re
from pathlib import Path

import pytest

from text.segment import join_sentences, split_clauses, split_lines, split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seeds_lose_nothing_and_keep_lines(path: Path) -> None:
    lang = "zh" if path.name.startswith("001") else "en"
    text = path.read_text("utf-8")
    lines = split_lines(text, lang)
    assert len(lines) == len(text.splitlines())
    for line, sentences in zip(text.splitlines(), lines, strict=True):
        assert _squash("".join(sentences)) == _squash(line)
        assert (sentences == []) == (line.strip() == "")


def test_chinese_seed_sentences() -> None:
    text = next(SEEDS.glob("001_*.txt")).read_text("utf-8")
    sentences = [s for line in split_lines(text, "zh") for s in line]
    assert "图为省委政法工作会议会场。" in sentences
    assert "本报记者李联军摄" in sentences
    # ASCII commas and colons inside Chinese text are clause marks, not sentence ends.
    assert "[导读] 2月19日下午,省委政法工作会议在太原召开。" in sentences
    assert all(s.endswith(("。", "”")) or "。" not in s for s in sentences)


def test_english_seed_sentences() -> None:
    text = next(SEEDS.glob("000_*.txt")).read_text("utf-8")
    sentences = [s for line in split_lines(text, "en") for s in line]
    assert len(sentences) > 10
    # The seed has "committees. , quickly": a stray comma does not start a sentence.
    assert not any(s[0] in ",;:" for s in sentences)


def test_chinese_ends_with_closing_quotes_and_brackets() -> None:
    text = "他说：“好。”然后走了！她问‘为什么？’「知道了。」『明白！』（完。）最后……真的吗？"
    assert split_sentences(text, "zh") == [
        "他说：“好。”",
        "然后走了！",
        "她问‘为什么？’",
        "「知道了。」",
        "『明白！』",
        "（完。）",
        "最后……",
        "真的吗？",
    ]


def test_chinese_numbers_and_half_width_punctuation_stay_whole() -> None:
    text = "价格上涨4.99%,达到2.77亿元;利润:1.9万元。第二句!第三句?"
    assert split_sentences(text, "zh") == [
        "价格上涨4.99%,达到2.77亿元;",
        "利润:1.9万元。",
        "第二句!",
        "第三句?",
    ]


def test_english_abbreviations_and_decimals() -> None:
    text = (
        "The U.S. economy added 1.9 million jobs. Dr. Smith met No. 5 in Washington, D.C. "
        'on Monday. He said "yes." Then he left... Was it 4.99% or 2.77%? Fine.'
    )
    assert split_sentences(text, "en") == [
        "The U.S. economy added 1.9 million jobs.",
        "Dr. Smith met No. 5 in Washington, D.C. on Monday.",
        'He said "yes."',
        "Then he left...",
        "Was it 4.99% or 2.77%?",
        "Fine.",
    ]


def test_english_no_at_sentence_end_still_splits() -> None:
    assert split_sentences("He said no. Then he went home.", "en") == [
        "He said no.",
        "Then he went home.",
    ]


def test_blank_lines_and_layout() -> None:
    text = "第一段。第二句。\n\n   \n第二段\n"
    assert split_lines(text, "zh") == [["第一段。", "第二句。"], [], [], ["第二段"]]


def test_long_sentence_without_full_stop_is_one_sentence() -> None:
    clause = "加快推进社会治理现代化,"
    text = clause * (2000 // len(clause))
    assert split_sentences(text, "zh") == [text]
    clauses = split_clauses(text)
    assert len(clauses) == 2000 // len(clause)
    assert "".join(clauses) == text


def test_clauses_keep_their_marks() -> None:
    assert split_clauses("一要严防，二要巩固；三要防范：四要推进") == [
        "一要严防，",
        "二要巩固；",
        "三要防范：",
        "四要推进",
    ]
    assert split_clauses("first, second; third: fourth") == [
        "first,",
        "second;",
        "third:",
        "fourth",
    ]


def test_join_by_language() -> None:
    assert join_sentences(["甲。", "乙。"], "zh") == "甲。乙。"
    assert join_sentences(["A.", "B."], "en") == "A. B."


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        split_sentences("text", "fr")
