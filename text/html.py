"""HTML translation: the text of a page or fragment is translated, its markup written back.

`HtmlDocument.parse` cuts a document into markup, copied as it was, and *runs*: the text between
two block boundaries with the inline elements inside it (`a`, `b`, `em`, `span`, `img`, ...). The
caller translates each run's text (`texts`) as one line, sentence by sentence, and `render` puts
the translations back:

- Markup is copied byte for byte: tags with their attributes, comments, entities in untouched
  text. So is everything inside `code`, `kbd`, `pre`, `samp`, `script`, `style`, `textarea` and
  any element with `translate="no"` or the class `notranslate`; such an element, any other
  non-inline element and `<br>` split the text into runs. A run without a letter (numbers,
  punctuation, white space) is copied too.
- White space inside a run is read as HTML renders it (any run of it is one space); the run's
  leading and trailing white space stays outside the translation.
- Inline elements stay around the words they wrap as far as the alignment allows. The engine
  aligns sentences, not words, so: sentence boundaries map exactly (an element around whole
  sentences, or around the whole run, wraps exactly their translation); inside a sentence, an
  element covers the same share of the sentence's translation as of the sentence, rounded
  outwards to whole words (its start down to the start of a word, its end up to the end of
  one; in Chinese each character is a word). It therefore wraps the words at the same relative
  place, which need not be the words that translate it, and at least one word, unless the
  element before it in the sentence took that word: then it stays, empty, in its place. Nesting
  and order are kept whatever the mapping.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal, Protocol

TextFormat = Literal["text", "html"]

# fmt: off
INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "data", "del", "dfn", "em", "font", "i", "img",
    "ins", "label", "mark", "q", "rp", "rt", "ruby", "s", "small", "span", "strike", "strong",
    "sub", "sup", "time", "tt", "u", "wbr",
})
VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
})
# fmt: on
UNTOUCHED = frozenset({"code", "kbd", "pre", "samp", "script", "style", "textarea"})

_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space (not U+00A0 or U+3000)
# The words an inline element can wrap: a Han character alone, or a run of anything but space.
_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+")


class Sentence(Protocol):
    source: str
    text: str


class TranslatedRun(Protocol):
    """A run's translation: `models.translator.TranslatedText` has this shape."""

    text: str
    sentences: Sequence[Sentence]


@dataclass
class _Span:
    """An inline element (or a comment) inside a run, at offsets of the run's raw text."""

    start_tag: str
    start: int
    end_tag: str = ""  # empty for void elements, comments, and elements closed after the run
    end: int = -1
    children: list[_Span] = field(default_factory=list)


@dataclass
class _Run:
    raw: list[str] = field(default_factory=list)  # the markup as written, kept for copying
    text: str = ""  # the decoded text
    spans: list[_Span] = field(default_factory=list)

    @property
    def translatable(self) -> bool:
        return any(c.isalpha() for c in self.text)

    def core(self) -> tuple[str, Callable[[int], int]]:
        """The text to translate (white space collapsed, stripped), and a map from offsets of
        the raw text to offsets in it."""
        collapsed = _SPACE.sub(" ", self.text)
        lead = len(collapsed) - len(collapsed.lstrip(" "))
        core = collapsed.strip(" ")

        def to_core(offset: int) -> int:
            kept = len(_SPACE.sub(" ", self.text[:offset]))
            return min(max(kept - lead, 0), len(core))

        return core, to_core


class HtmlDocument:
    """A parsed document: `texts` to translate, then `render` with their translations."""

    def __init__(self, pieces: list[str | _Run]) -> None:
        self._pieces = pieces
        self._runs = [p for p in pieces if isinstance(p, _Run) and p.translatable]

    @classmethod
    def parse(cls, markup: str) -> HtmlDocument:
        parser = _Parser()
        parser.feed(markup)
        parser.close()
        return cls(parser.finish(markup))

    @property
    def texts(self) -> list[str]:
        """One text a run, in document order."""
        return [run.core()[0] for run in self._runs]

    def render(self, translations: Sequence[TranslatedRun]) -> str:
        """The document with each run replaced by its translation (one per `texts` entry)."""
        if len(translations) != len(self._runs):
            raise ValueError(f"{len(translations)} translations for {len(self._runs)} runs")
        done = dict(zip(map(id, self._runs), translations, strict=True))
        out = []
        for piece in self._pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif id(piece) in done:
                out.append(_render_run(piece, done[id(piece)]))
            else:
                out.append("".join(piece.raw))
        return "".join(out)


def _untouched(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    values = dict(attrs)
    return (
        tag in UNTOUCHED
        or (values.get("translate") or "").lower() == "no"
        or "notranslate" in (values.get("class") or "").split()
    )


class _Parser(HTMLParser):
    """Records each token with its offset; `finish` then cuts the input at those offsets, so
    every piece of markup is copied exactly as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._events: list[tuple[tuple[int, int], str, str, object]] = []

    def _event(self, kind: str, tag: str = "", value: object = None) -> None:
        self._events.append((self.getpos(), kind, tag, value))

    def handle_starttag(self, tag, attrs):
        self._event("start", tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._event("startend", tag, attrs)

    def handle_endtag(self, tag):
        self._event("end", tag)

    def handle_data(self, data):
        self._event("data", value=data)

    def handle_comment(self, data):
        self._event("comment")

    def handle_decl(self, decl):
        self._event("other")

    def handle_pi(self, data):
        self._event("other")

    def unknown_decl(self, data):
        self._event("other")

    def finish(self, markup: str) -> list[str | _Run]:
        if not self._events:
            return [markup] if markup else []
        lines = [0, *(i + 1 for i, c in enumerate(markup) if c == "\n")]
        offsets = [lines[line - 1] + column for (line, column), *_ in self._events]
        builder = _Builder()
        if offsets and offsets[0] > 0:
            builder.copy(markup[: offsets[0]])
        for (_, kind, tag, value), start, end in zip(
            self._events, offsets, [*offsets[1:], len(markup)], strict=True
        ):
            builder.add(kind, tag, value, markup[start:end])
        return builder.finish()


class _Builder:
    """Groups tokens into copied markup and runs (see the module's docstring)."""

    def __init__(self) -> None:
        self.pieces: list[str | _Run] = []
        self.run: _Run | None = None
        self.open: list[tuple[str, _Span]] = []  # inline elements open in the run
        self.skipping: tuple[str, int] | None = None  # untouched element: tag, depth

    def copy(self, raw: str) -> None:
        self.pieces.append(raw)

    def add(self, kind: str, tag: str, value: object, raw: str) -> None:
        if self.skipping:
            name, depth = self.skipping
            depth += (kind == "start" and tag == name) - (kind == "end" and tag == name)
            self.skipping = (name, depth) if depth else None
            self.copy(raw)
        elif kind == "data":
            run = self._run()
            run.raw.append(raw)
            run.text += str(value)
        elif kind == "start" and tag not in VOID and _untouched(tag, value):
            self._end_run()
            self.skipping = (tag, 1)
            self.copy(raw)
        elif kind in ("start", "startend") and tag in INLINE:
            self._inline(tag, raw, void=kind == "startend" or tag in VOID)
        elif kind == "end" and self.open and self.open[-1][0] == tag:
            _, span = self.open.pop()
            span.end_tag, span.end = raw, len(self._run().text)
            self._run().raw.append(raw)
        elif kind == "comment" and self.run is not None:
            self._inline("", raw, void=True)
        else:  # a block boundary, or an end tag that does not close the last inline element
            self._end_run()
            self.copy(raw)

    def finish(self) -> list[str | _Run]:
        self._end_run()
        return self.pieces

    def _run(self) -> _Run:
        if self.run is None:
            self.run = _Run()
        return self.run

    def _inline(self, tag: str, raw: str, *, void: bool) -> None:
        run = self._run()
        span = _Span(raw, len(run.text))
        (self.open[-1][1].children if self.open else run.spans).append(span)
        run.raw.append(raw)
        if void:
            span.end = span.start
        else:
            self.open.append((tag, span))

    def _end_run(self) -> None:
        if self.run is None:
            return
        for _, span in self.open:  # closed after the run: the end tag is copied where it is
            span.end = len(self.run.text)
        self.pieces.append(self.run)
        self.run, self.open = None, []


def _render_run(run: _Run, translation: TranslatedRun) -> str:
    core, to_core = run.core()
    lead = run.text[: len(run.text) - len(run.text.lstrip(" \t\n\r\f"))]
    trail = run.text[len(run.text.rstrip(" \t\n\r\f")) :]
    alignment = _Alignment(core, translation)
    text = lead + translation.text + trail

    def place(offset: int, side: str) -> int:
        return len(lead) + alignment.place(to_core(offset), side)

    return _write(text, run.spans, 0, len(text), place)


def _write(
    text: str, spans: Sequence[_Span], start: int, end: int, place: Callable[[int, str], int]
) -> str:
    """text[start:end], escaped, with the spans' tags at their places, kept inside the parent
    and after the previous sibling so that the markup stays well nested."""
    out, position = [], start
    for span in spans:
        first = min(max(place(span.start, "start"), position), end)
        last = min(max(place(span.end, "end"), first), end)
        out += [html.escape(text[position:first], quote=False), span.start_tag]
        out += [_write(text, span.children, first, last, place), span.end_tag]
        position = last
    out.append(html.escape(text[position:end], quote=False))
    return "".join(out)


class _Alignment:
    """Where an offset of the source text falls in its translation: sentence boundaries map
    exactly; inside a sentence, its share of the sentence is rounded outwards to whole words
    of the translation (a start down to the start of a word, an end up to the end of one)."""

    def __init__(self, core: str, translation: TranslatedRun) -> None:
        self.length = len(translation.text)
        self.sentences: list[tuple[int, int, int, list[tuple[int, int]]]] = []
        source_at = target_at = 0
        for sentence in translation.sentences:
            source_start = max(core.find(sentence.source, source_at), source_at)
            target_start = max(translation.text.find(sentence.text, target_at), target_at)
            source_at = source_start + len(sentence.source)
            target_at = target_start + len(sentence.text)
            words = [
                (target_start + m.start(), target_start + m.end())
                for m in _WORD.finditer(sentence.text)
            ] or [(target_start, target_at)]
            self.sentences.append((source_start, source_at, target_start, words))

    def place(self, offset: int, side: str) -> int:
        """The offset in the translation where an element that starts (side "start") or ends
        ("end") at `offset` of the source starts or ends. Never decreasing in `offset`."""
        if side == "start":
            for source_start, source_end, target_start, words in self.sentences:
                if offset < source_end:
                    share = max(offset - source_start, 0) / (source_end - source_start)
                    index = math.floor(share * len(words))
                    return words[index][0] if offset > source_start else target_start
            return self.length
        for source_start, source_end, _, words in reversed(self.sentences):
            if offset > source_start:
                share = min(offset - source_start, source_end - source_start)
                index = math.ceil(share / (source_end - source_start) * len(words))
                return words[index - 1][1]
        return 0
