"""HTML translation (text/html.py) with a stand-in translator, so that where each tag lands can
be checked exactly: markup copied, untouched elements, white space, escaping, and the inline-tag
rule of the module's docstring."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from text.html import HtmlDocument
from text.segment import join_sentences, split_sentences


@dataclass(frozen=True)
class Sentence:
    source: str
    text: str


@dataclass(frozen=True)
class Run:
    text: str
    sentences: list[Sentence]


def word_per_character(sentence: str) -> str:
    """One English word per source character: the proportional rule is then exact."""
    return " ".join(f"w{ord(c) % 1000}" for c in sentence)


def translate(markup: str, words: Callable[[str], str] = word_per_character) -> str:
    """What LiveTranslation does with HTML, with `words` as the engine: runs split into
    sentences, each translated, joined the way English writes them."""
    document = HtmlDocument.parse(markup)
    runs = []
    for text in document.texts:
        sentences = [Sentence(s, words(s)) for s in split_sentences(text, "zh")]
        runs.append(Run(join_sentences([s.text for s in sentences], "en"), sentences))
    return document.render(runs)


def tags(markup: str) -> list[str]:
    return re.findall(r"<[^>]*>", markup)


def test_markup_and_attributes_are_copied_byte_for_byte() -> None:
    page = (
        '<!DOCTYPE html>\n<HTML lang="zh">\n<head><meta charset="utf-8"><title>标题</title>'
        "</head>\n<body class=main>\n  <h1 id='t' data-x=\"a&amp;b\">你好</h1>\n"
        '  <p>第一句。<a href="/x?a=1&amp;b=2" title="链接">第二句</a>。</P>\n'
        "  <!-- 注释 --><img src=a.png alt='图'><br/>\n</body></HTML>\n"
    )
    out = translate(page)
    assert tags(out) == tags(page)
    assert "你好" not in out and "标题" not in out
    assert out.startswith('<!DOCTYPE html>\n<HTML lang="zh">\n<head><meta charset="utf-8">')
    assert "<!-- 注释 -->" in out and "alt='图'" in out  # comments and attributes as written


@pytest.mark.parametrize(
    "untouched",
    [
        "<code>代码 &amp; x</code>",
        "<pre>  不要\n  翻译 &lt;b&gt;</pre>",
        '<script>var s = "<p>中文</p>";</script>',
        "<style>p::after { content: '中文'; }</style>",
        "<textarea>中文</textarea>",
        '<div translate="no">不<b>译</b>。</div>',
        '<span class="x notranslate">不译</span>',
        "<pre><pre>套</pre>中</pre>",
    ],
)
def test_code_pre_script_style_and_translate_no_stay_untouched(untouched: str) -> None:
    out = translate(f"<div>前面。{untouched}后面。</div>")
    assert untouched in out
    assert "前面" not in out and "后面" not in out


def test_an_untouched_element_ends_the_run_before_it() -> None:
    document = HtmlDocument.parse("<p>运行<code>ls</code>命令。</p>")
    assert document.texts == ["运行", "命令。"]


def test_white_space_is_read_as_html_renders_it_and_kept_around_runs() -> None:
    document = HtmlDocument.parse("<p>\n    第一句。\n    第二句。  </p>")
    assert document.texts == ["第一句。 第二句。"]
    out = translate("<p>\n    第一句。\n    第二句。  </p>")
    assert out.startswith("<p>\n    w") and out.endswith("  </p>")


def test_text_is_escaped_and_entities_decoded() -> None:
    document = HtmlDocument.parse("<p>AT&amp;T 说 &lt;b&gt; 不是标签。</p>")
    assert document.texts == ["AT&T 说 <b> 不是标签。"]
    out = translate("<p>甲&lt;乙</p>", words=lambda s: "a < b & c")
    assert out == "<p>a &lt; b &amp; c</p>"


def test_runs_without_letters_and_blank_runs_are_copied() -> None:
    page = "<table><tr><td>2024</td><td> — </td><td>名字</td></tr></table>"
    assert HtmlDocument.parse(page).texts == ["名字"]
    assert translate(page).startswith("<table><tr><td>2024</td><td> — </td><td>w")


@pytest.mark.parametrize("markup", ["", "   ", "\n"])
def test_empty_and_blank_documents_come_back_as_they_were(markup: str) -> None:
    assert HtmlDocument.parse(markup).texts == []
    assert translate(markup) == markup


def test_br_and_block_elements_end_runs() -> None:
    document = HtmlDocument.parse("<div>一<br>二<p>三</p><li>四</li></div>")
    assert document.texts == ["一", "二", "三", "四"]


def test_an_element_around_the_whole_run_wraps_the_whole_translation() -> None:
    assert translate("<p><b>你好。</b></p>") == f"<p><b>{word_per_character('你好。')}</b></p>"
    longer = translate("<p><a href=x>你好。再见。</a></p>", words=lambda s: "one two three")
    assert longer == "<p><a href=x>one two three one two three</a></p>"


def test_an_element_around_whole_sentences_wraps_their_translations() -> None:
    out = translate("<p><b>你好。</b>我们来了。<i>再见。</i></p>", words=lambda s: f"[{len(s)}]")
    assert out == "<p><b>[3]</b> [5] <i>[3]</i></p>"


def test_inside_a_sentence_an_element_wraps_the_words_at_its_place() -> None:
    # one word per character: exactly the words that translate the wrapped characters
    words = word_per_character
    expected = f"<p>{words('你好')} <b>{words('世界')}</b> {words('。')}</p>"
    assert translate("<p>你好<b>世界</b>。</p>") == expected
    # three words per character: the same share of the translation
    three = translate("<p>甲<em>乙</em>丙</p>", words=lambda s: " ".join(["x"] * 3 * len(s)))
    assert three == "<p>x x x <em>x x x</em> x x x</p>"


def test_shares_round_outwards_to_whole_words() -> None:
    # 1 of 4 characters over a two-word translation: the element takes the word it touches
    out = translate("<p>一二三<b>四</b></p>", words=lambda s: "alpha beta")
    assert out == "<p>alpha <b>beta</b></p>"


def test_an_element_squeezed_out_by_the_one_before_stays_empty() -> None:
    out = translate("<p><b>一</b><i>二</i>三四</p>", words=lambda s: "alpha beta")
    assert out == "<p><b>alpha</b><i></i> beta</p>"


def test_nesting_and_order_survive_any_mapping() -> None:
    page = "<p>一<i>二<b>三</b>四</i>五六七八九十。<u>甲</u><s>乙</s></p>"
    for words in (word_per_character, lambda s: "a", lambda s: "a b", lambda s: ""):
        out = translate(page, words=words)
        assert tags(out) == tags(page)


def test_broken_markup_is_copied_as_broken() -> None:
    page = "<p><b>粗体<p>新段</b>尾巴。</i></p><a>链接<div>块</div>尾</a>"
    out = translate(page)
    assert tags(out) == tags(page)
    assert not re.search(r"[\u4e00-\u9fff]", out)


def test_render_wants_one_translation_per_run() -> None:
    with pytest.raises(ValueError, match="1 runs"):
        HtmlDocument.parse("<p>一</p>").render([])
