"""Boilerplate of scraped news pages: bylines, photo credits, dates, navigation, footers, repeats.

Why: independent articles on one subject both carry a reporter's byline, a date and a site's
footer, and those look alike across languages ("本报记者李联军摄" ~ "(Reporter Chen Junqi)")
while saying nothing the reader wants paired. They are flagged, never deleted: every sentence
keeps its index, so the CLI, the store and the gold files number sentences identically, and the
views can show flagged sentences set apart.

A sentence is flagged when, after removing what the patterns below recognise (a byline prefix,
a date, a credit), less than a clause of content is left (`BoilerplateConfig`); a sentence that
starts with a byline or a date and then reports ("本报讯(记者 尚慧辉)2月19日下午,会议在太原召开。",
"date 2023-02-10 Recently, ...") keeps its content and is not flagged. A whole-line pattern
(navigation such as "Home »", "See also", "扫描二维码"; footers such as "All rights reserved",
"ICP备") flags the sentence outright. A sentence whose text already occurred earlier in the
document is a repeated block (the page's summary box, a second copy of a paragraph).
The patterns are those of news and web pages in general, not of any one site.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from text.knobs import knob

KINDS = ("byline", "credit", "date", "navigation", "footer", "repeated")


@dataclass(frozen=True)
class BoilerplateConfig:
    """What counts as boilerplate: ingest flags with the service's `boilerplate` section of its
    alignment options, comparable mode with the one it is given (alignment.config)."""

    min_zh_chars: int = knob(6, "Han characters of content left that make a sentence content")
    min_en_words: int = knob(4, "English words of content left that make a sentence content")
    long_repeat_zh_chars: int = knob(25, "a lone Chinese repeat this long is a copy")
    long_repeat_en_words: int = knob(15, "a lone English repeat this long is a copy")
    title_chars: int = knob(100, "a title longer than this is cut at a word or clause end")


DEFAULT = BoilerplateConfig()


_I = re.IGNORECASE
# Whole sentence: navigation and footers (anchored at the start, or the whole line).
_NAVIGATION = [
    re.compile(p, _I)
    for p in (
        r"^(home|首页|主页)\s*[»>›/|]",
        r"^see also\b",
        r"[A-Za-z0-9]_[A-Za-z]",  # words joined by "_": a scraped page title or channel name
        r"\b(hit rate|typeface|font size|vision protection)\s*:",
        r"^[-–•·\s]*(you may also like|related (articles|news|posts|information)"
        r"|relevant information|read more|leave a (comment|reply)"
        r"|next (article|post)|previous (article|post)"
        r"|share (this|on)|tags?\s*:|categor(y|ies)\s*:|views?\s*:|print|close)\b",
        r"^(accept|reject)\b.*\b(read more|cookies?)\b",
        r"\b(cookies?|akismet|privacy (policy|&)|opt-out|comment data)\b",
        r"\b(scan|扫描|扫一扫).{0,12}(qr ?code|二维码)",
        r"^[•·▪►|\-–—\s]*(移动平台|手机(网址|浏览|版)|客户端|返回(顶部|首页)|上一篇|下一篇|分享到|"
        r"相关(新闻|阅读|链接)|更多|打印|关闭)",
        r"点击(进入|查看|投稿|阅读)",
        r"^(welcome to (follow|the)|follow us|subscribe)\b",
        r"^\W*(导读|编者按)\W*$",
    )
]
_FOOTER = [
    re.compile(p, _I)
    for p in (
        r"all rights reserved|copyright\b|©",
        r"ICP备|ICP证|网安备|版权所有|未经授权|联系我们|新闻投递",
        r"^website\s*:",
        # a newspaper's edition line: "People's Daily" (September 07, 2021 04 edition)
        r"^[\"“]?[A-Z][\w' ]+[\"”]?\s*\(\w+ \d{1,2}, \d{4}.{0,20}edition\)",
    )
]
# Parts of a sentence: removed before measuring what content is left.
_CREDIT = [
    re.compile(p, _I)
    for p in (
        r"[（(\[]?\s*(本报|新华社|新华网)?\s*(记者|通讯员|摄影)\s*[\u4e00-\u9fff·\s、]{2,20}?(摄影?|报道|供图)"
        r"\s*[）)\]]?",
        r"(图为|图片来源|图/|摄影/)[^。]*。?$",
        r"\b(photo|image|picture)s?\s*(by|credit|:)[^.]*",
        r"\(photo\)",
    )
]
_BYLINE = [
    re.compile(p, _I)
    for p in (
        r"^[\[【]?\s*(本报讯|新华社[\u4e00-\u9fff]*电|据[\u4e00-\u9fff]+报道)?\s*[（(]\s*(记者|通讯员)"
        r"[^）)]{0,30}[）)]",
        r"^本报讯|^[\[【](导读|编者按)[\]】]",
        r"[（(]\s*(记者|通讯员|责任编辑|编辑|作者|来源)[：:\s][^）)]{0,40}[）)]",
        r"^(责任编辑|编辑|作者|来源|出处)\s*[：:].*$",
        r"[(\[]?\s*\b(reporters?|correspondents?|responsible editors?|editors?|authors?|"
        r"written by|source|origin|news source)\b\s*[:：]?\s*[^()\[\]]{0,120}[)\]]?$",
        r"^\s*by\s+[\w.' -]{1,40}$",
        r"^[-–•\s]*(author|origin|source|categor(y|ies)|time of issue|published|release time)"
        r"\s*[:：]",
    )
]
_DATE = [
    re.compile(p, _I)
    for p in (
        r"\b(date|time of issue|published|updated|release time|发布时间|时间|日期)\s*[:：]?\s*",
        r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?",
        r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日(上午|下午|晚)?",
        r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b",
        r"\b\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{4}\b",
    )
]
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{2,}")
_SPACE = re.compile(r"\s+")
_CAPS_LINE = re.compile(r"^[A-Z0-9 &'/-]{3,40}$")  # "OFFICIAL ACCOUNTS", "ONLINE MESSAGE"


def _content(text: str, lang: str) -> int:
    return len(_HAN.findall(text)) if lang == "zh" else len(_WORD.findall(text))


def _strip(text: str, patterns: list[re.Pattern[str]]) -> tuple[str, bool]:
    found = False
    for pattern in patterns:
        text, n = pattern.subn(" ", text)
        found = found or n > 0
    return text, found


def sentence_kind(sentence: str, lang: str, config: BoilerplateConfig = DEFAULT):
    """The sentence's boilerplate kind (one of KINDS but "repeated"), or None for content."""
    text = sentence.strip()
    if any(p.search(text) for p in _NAVIGATION) or _CAPS_LINE.match(text):
        return "navigation"
    if any(p.search(text) for p in _FOOTER):
        return "footer"
    least = config.min_zh_chars if lang == "zh" else config.min_en_words
    for kind, patterns in (("credit", _CREDIT), ("byline", _BYLINE), ("date", _DATE)):
        text, found = _strip(text, patterns)
        if found and _content(text, lang) < least:
            return kind
    return None


def flag_boilerplate(
    sentences: Sequence[str], lang: str, config: BoilerplateConfig = DEFAULT
) -> list[str | None]:
    """Per sentence, in order: its boilerplate kind, or None. Nothing is removed or renumbered.

    A verbatim repeat is boilerplate when it is part of a repeated block (a neighbour repeats
    too) or long (copy and paste); short lone repeats are refrains of prose ("事就这样成了。").
    """
    flags = [sentence_kind(s, lang, config) for s in sentences]
    keys = [_SPACE.sub(" ", s.strip()).lower() for s in sentences]
    seen: set[str] = set()
    repeat = []
    for key in keys:
        repeat.append(key in seen and _content(key, lang) > 0)
        seen.add(key)
    least = config.long_repeat_zh_chars if lang == "zh" else config.long_repeat_en_words
    for i, key in enumerate(keys):
        block = (i > 0 and repeat[i - 1]) or (i + 1 < len(keys) and repeat[i + 1])
        if repeat[i] and flags[i] is None and (block or _content(key, lang) >= least):
            flags[i] = "repeated"
    return flags


# Meeting logistics in a sentence's last clause: who attended or presided (骆惠宁出席会议并讲话,
# "..., presided over the meeting and delivered a speech"). Every report of every meeting says
# it, so two reports of different meetings look alike there; the seeds' readers never pair it.
_ATTENDANCE = {
    "zh": re.compile(r"(出席|参加|列席|主持)[^，,。；;：:]{0,12}(会议|大会|会|仪式|活动)"),
    "en": re.compile(
        r"\b(attended|presided over|chaired|hosted|(was|were) present at)\b[^,;:]{0,40}"
        r"\b(meeting|conference|session|ceremony|event)s?\b",
        _I,
    ),
}
_LAST_CLAUSE = re.compile(r"[^，,；;：:]*$")


def reports_attendance(sentence: str, lang: str) -> bool:
    """Whether the sentence ends by saying who attended or presided over a meeting."""
    last = _LAST_CLAUSE.search(sentence.strip().rstrip("。.!！"))
    return bool(last and _ATTENDANCE["zh" if lang == "zh" else "en"].search(last.group()))


_TITLE_PREFIX = [
    re.compile(p, _I)
    for p in (
        r"^.*?[»›]\s*",  # breadcrumbs: "Home » Society » "
        r"^[\[【](导读|编者按)[\]】]\s*",
        r"^(date|published|time of issue)?\s*[:：]?\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*",
    )
]
_TITLE_SUFFIX = re.compile(r"\s*(_[^_]*|\s[|｜]\s.*|\s[-–—]\s[^-–—]{0,30})$")


def document_title(first_line: str, config: BoilerplateConfig = DEFAULT) -> str:
    """A clean title from a scraped first line: breadcrumbs, a leading date and a site suffix
    ("_Society", " | Site") removed; a long line cut at its first sentence or clause end."""
    title = first_line.strip()
    for pattern in _TITLE_PREFIX:
        title = pattern.sub("", title, count=1)
    while True:
        shorter = _TITLE_SUFFIX.sub("", title)
        if shorter == title or len(shorter) < 8:
            break
        title = shorter
    if len(title) > config.title_chars:
        end = re.search(r"[。！？.!?；;]\s|[。！？；]", title[: config.title_chars])
        cut = end.end() if end else title.rfind(" ", 0, config.title_chars)
        title = title[: cut if cut > 0 else config.title_chars].rstrip(" ,，;；") + "…"
    return title.strip() or first_line.strip()
