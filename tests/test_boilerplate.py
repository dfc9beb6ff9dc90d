"""Boilerplate flags of scraped news pages: flagged, never removed, ids unchanged; clean titles."""

from __future__ import annotations

from text.boilerplate import KINDS, document_title, flag_boilerplate, reports_attendance
from text.segment import split_lines

ZH_PAGE = """[导读] 3月5日上午，全市安全生产工作会议在西安召开。
图为会议现场。
本报记者王小明摄
本报讯(记者 张华)3月5日上午，全市安全生产工作会议在西安召开。
会议要求，各级部门要压实安全生产责任，坚决遏制重特大事故发生。
2024年3月5日
• 移动平台
扫描二维码 手机浏览
版权所有 西安日报社 陕ICP备12345678号"""

EN_PAGE = """Home » Local News » City holds safety meeting_Society.
By John Smith
Published: 2024-03-06 09:12
The city held a work safety meeting on Tuesday.
Officials must hold every department responsible for work safety and prevent major accidents.
See also  Ten tips for a safer kitchen
(Reporter Li Ming)
Photo: Wang Fang
You may also like
All rights reserved © 2024 City Daily"""


def sentences(text: str, lang: str) -> list[str]:
    return [s for line in split_lines(text, lang) for s in line]


def test_chinese_page_flags_credits_navigation_and_footer_but_keeps_reports():
    zh = sentences(ZH_PAGE, "zh")
    flags = flag_boilerplate(zh, "zh")
    assert len(flags) == len(zh)  # one flag per sentence: nothing removed or renumbered
    kinds = dict(zip(zh, flags, strict=True))
    assert kinds["图为会议现场。"] == "credit"
    assert kinds["本报记者王小明摄"] == "credit"
    assert kinds["2024年3月5日"] == "date"
    assert kinds["• 移动平台"] == "navigation"
    assert kinds["扫描二维码 手机浏览"] == "navigation"
    assert kinds["版权所有 西安日报社 陕ICP备12345678号"] == "footer"
    # a byline or date prefix followed by a report is content
    assert kinds["本报讯(记者 张华)3月5日上午，全市安全生产工作会议在西安召开。"] is None
    assert kinds["会议要求，各级部门要压实安全生产责任，坚决遏制重特大事故发生。"] is None
    assert set(flags) <= {*KINDS, None}


def test_english_page_flags_bylines_dates_navigation_and_footer():
    en = sentences(EN_PAGE, "en")
    flags = flag_boilerplate(en, "en")
    assert len(flags) == len(en)
    kinds = dict(zip(en, flags, strict=True))
    assert kinds["By John Smith"] == "byline"
    assert kinds["(Reporter Li Ming)"] == "byline"
    assert kinds["Published: 2024-03-06 09:12"] in ("byline", "date")
    assert kinds["Photo: Wang Fang"] == "credit"
    assert kinds["See also  Ten tips for a safer kitchen"] == "navigation"
    assert kinds["You may also like"] == "navigation"
    assert kinds["All rights reserved © 2024 City Daily"] == "footer"
    assert kinds["The city held a work safety meeting on Tuesday."] is None


def test_repeated_blocks_are_flagged_and_prose_refrains_are_not():
    block = ["The council met on Monday to plan the budget.", "It approved three new schools."]
    text = [*block, "Members then discussed the roads.", *block, "Yes.", "No.", "Yes."]
    flags = flag_boilerplate(text, "en")
    assert flags == [None, None, None, "repeated", "repeated", None, None, None]


def test_clean_titles_from_scraped_first_lines():
    assert (
        document_title("Home » Fighting the waves – a summary of Hunan's work in 2021_Society.")
        == "Fighting the waves – a summary of Hunan's work in 2021"
    )
    long_line = "date 2023-02-10 Recently, the committee issued a notice, " + "word " * 40
    title = document_title(long_line)
    assert title.startswith("Recently, the committee") and len(title) <= 101
    assert document_title("[导读] 省委政法工作会议在太原召开") == "省委政法工作会议在太原召开"


def test_attendance_is_meeting_logistics_only_in_the_last_clause():
    assert reports_attendance("省委书记骆惠宁出席会议并讲话。", "zh")
    assert reports_attendance("各市有关单位主要负责同志参加会议。", "zh")
    assert reports_attendance("Qian Sanxiong, the director, presided over the meeting.", "en")
    assert reports_attendance("Heads of all units directly under it attended the meeting.", "en")
    # a speech reported after "presided": content, not logistics
    assert not reports_attendance("商黎光主持会议时强调，全省政法战线要迅速抓好传达学习。", "zh")
    assert not reports_attendance("The meeting stressed that work safety comes first.", "en")
