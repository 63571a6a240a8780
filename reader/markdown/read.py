"""Any Markdown back into blocks: the library's own bodies, a feed's, a folder's.

Reading (`markdown_to_blocks`) maps any Markdown, from feeds or folders:
headings keep their level; paragraphs in a blockquote are quotes; a list item's
paragraphs become one list item (level 1 at the top, deeper when nested; an
ordered item's text starts with its number, "2. "); fenced and indented code
are code; a table row is a paragraph with its cells joined by " | "; rules
and raw HTML are dropped. A picture becomes an image block (its alt text, its
address as the url) when it stands alone in its paragraph or its alt text says
something (two words or more, not a file name); the paragraph's text stays one
paragraph, with such pictures before it when they lead it and after it
otherwise. One inside a sentence with a placeholder alt (an emoji drawn as a
picture) is dropped, and in headings, list items and posts a picture's alt text
is kept inline when it says something. Soft breaks are spaces
and hard breaks (and `<br>`) newlines. It never raises on any text. Every
string it puts in a block (text, alt text, code, link and marker fields) is
passed through `sanitize.clean` after markdown-it has decoded its character
references, so `&#x202E;` in a file is removed like the character itself.

markdown-it is imported on first use: it costs about 17 ms on top of Textual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from reader.markdown.head import HEAD_CHARS
from reader.markdown.plain import says_something
from reader.model import Block, BlockKind, Inline, Mark
from reader.sanitize import clean

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["HEAD_CHARS", "link_ok", "markdown_head", "markdown_to_blocks", "parser"]

_MARKER = re.compile(r"<!-- news:(?P<kind>[a-z_]+)(?: (?P<attrs>\{.*\}))? -->\s*\Z", re.DOTALL)
_BREAK_TAG = re.compile(r"<br\s*/?>\s*\Z", re.IGNORECASE)


@cache
def parser() -> MarkdownIt:
    """markdown-it as the reader reads. Every link is parsed as a link, so
    `[text](javascript:x)` reads as its text (`_inline` keeps as links only
    the addresses `link_ok` allows) rather than as its own source. A reference
    to a control character (`&#x1b;`), which markdown-it decodes to U+FFFD, is
    decoded to the character, which `clean` then drops with the sequence it
    starts, as it drops the character written raw."""
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.rules_inline.entity import entity

    class Reading(MarkdownIt):
        def validateLink(self, url: str) -> bool:
            return True

    def control_entity(state: StateInline, silent: bool) -> bool:
        if not entity(state, silent):
            return False
        token = state.tokens[-1] if state.tokens and not silent else None
        if token is not None and token.info == "entity" and token.content == "\ufffd":
            digits = token.markup[2:-1]
            code = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
            if code < 0x20 or 0x7F <= code <= 0x9F:
                token.content = chr(code)
        return True

    md = Reading("commonmark").enable(["table", "strikethrough"])
    md.inline.ruler.at("entity", control_entity)
    return md


def link_ok(url: str) -> bool:
    """Whether markdown-it would take `url` (normalized) as a link's address:
    not javascript:, vbscript:, file: or data: (but a data: picture)."""
    from markdown_it.common.normalize_url import validateLink

    return validateLink(url)


def markdown_to_blocks(md: str) -> list[Block]:
    """Blocks from any Markdown: the reader's own bodies, or a feed's or a folder's."""
    return _Walker().run(parser().parse(md))


def markdown_head(md: str, chars: int = HEAD_CHARS) -> tuple[list[Block], str] | None:
    """The first blocks of `md`, exactly as `markdown_to_blocks(md)` begins,
    from its first `chars` characters (every top-level block that ends there),
    and the Markdown after them. None when `md` is not much longer than that
    (parse it whole), or when the rest may define a link reference (a link in
    the head could name it).

    Why it is exact: CommonMark decides a document's blocks line by line, so
    once a top-level block starts at line L, the ones before it are closed and
    nothing after L can change them, except a reference definition, which is
    looked for. The last block that starts in the head may go on past it, so
    it is left out."""
    if len(md) <= 2 * chars:
        return None
    end = md.rfind("\n", 0, chars) + 1
    tokens = parser().parse(md[:end])
    starts = [i for i, token in enumerate(tokens) if token.level == 0 and token.nesting >= 0]
    if len(starts) < 2:
        return None  # one block runs past the head (a long list, a code block)
    cut = starts[-1]
    line = (tokens[cut].map or (0, 0))[0]
    rest_at = 0
    for _ in range(line):
        rest_at = md.index("\n", rest_at) + 1
    rest = md[rest_at:]
    if "]:" in rest:
        return None  # maybe a reference definition (`[label]: /url`; no space before the colon)
    blocks = _Walker().run(tokens[:cut])
    return (blocks, rest) if blocks else None  # nothing to show (raw HTML): parse it whole


@dataclass(slots=True)
class _Pending:
    """A block under construction: its kind, and the paragraphs gathered so far."""

    kind: BlockKind
    level: int = 0
    prefix: str = ""  # an ordered list item's number
    parts: list[tuple[str, tuple[Inline, ...]]] = field(default_factory=list)
    attribution: str = ""
    url: str = ""
    signed: bool = False  # a post whose last paragraph repeats the attribution


@dataclass(slots=True)
class _Walker:
    blocks: list[Block] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)
    marker: tuple[BlockKind, dict[str, str]] | None = None
    post: _Pending | None = None
    post_depth: int = 0
    items: list[_Pending | None] = field(default_factory=list)
    row: list[tuple[str, tuple[Inline, ...]]] | None = None

    def run(self, tokens: list[Token]) -> list[Block]:
        heading = 0
        for token in tokens:
            kind = token.type
            if kind == "inline":
                children = token.children or []
                if not heading and self.row is None and self._images_apart(children):
                    continue
                text, inlines = _inline(children)
                if self.row is not None:
                    self.row.append((text, inlines))
                elif heading:
                    self._emit(_Pending(BlockKind.HEADING, heading, parts=[(text, inlines)]))
                else:
                    self._paragraph(text, inlines)
            elif kind == "heading_open":
                heading = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
            elif kind == "heading_close":
                heading = 0
            elif kind == "blockquote_open":
                self._blockquote_open()
            elif kind == "blockquote_close":
                self._blockquote_close()
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self._flush_item()
                self.containers.append("list")
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self._pop("list")
            elif kind == "list_item_open":
                number = f"{token.info}{token.markup} " if token.info else ""
                level = self.containers.count("list")
                self.containers.append("item")
                self.items.append(_Pending(BlockKind.LIST_ITEM, level, number))
            elif kind == "list_item_close":
                self._flush_item()
                self._pop("item")
                if self.items:
                    self.items.pop()
            elif kind in ("fence", "code_block"):
                code = token.content[:-1] if token.content.endswith("\n") else token.content
                code = clean(code)
                self._flush_item()
                self._emit(_Pending(BlockKind.CODE, parts=[(code, ())]))
            elif kind == "html_block":
                self._html(token.content)
            elif kind == "tr_open":
                self.row = []
            elif kind == "tr_close":
                row, self.row = self.row or [], None
                if any(text for text, _ in row):
                    self._paragraph(*_join(row, " | "))
        self._flush_item()
        if self.post is not None:
            self._finish_post()
        return self.blocks

    # Containers -----------------------------------------------------------------

    def _pop(self, name: str) -> None:
        if self.containers and self.containers[-1] == name:
            self.containers.pop()

    def _blockquote_open(self) -> None:
        self._flush_item()
        self.containers.append("quote")
        if self.post is None and self.marker and self.marker[0] is BlockKind.POST:
            _, attrs = self.marker
            self.marker = None
            attribution = attrs.get("attribution", "")
            self.post = _Pending(
                BlockKind.POST,
                attribution=attribution,
                url=attrs.get("url", ""),
                signed=bool(attribution),
            )
            self.post_depth = len(self.containers)

    def _blockquote_close(self) -> None:
        if self.post is not None and len(self.containers) == self.post_depth:
            self._finish_post()
        self._pop("quote")

    def _finish_post(self) -> None:
        post, self.post = self.post, None
        assert post is not None
        if post.signed and post.parts:
            post.parts.pop()  # the "— attribution" line written for people
        self._emit(post)

    def _flush_item(self) -> None:
        """Write out the open list item's paragraphs before anything else comes."""
        if self.items and self.items[-1] is not None and self.items[-1].parts:
            item = self.items[-1]
            self.items[-1] = None  # later paragraphs of this item stand on their own
            self._emit(item)

    # Blocks -----------------------------------------------------------------------

    def _paragraph(self, text: str, inlines: tuple[Inline, ...]) -> None:
        if self.post is not None:
            self.post.parts.append((text, inlines))
            return
        inner = next((c for c in reversed(self.containers) if c != "list"), "")
        if inner == "item" and self.items:
            item = self.items[-1]
            if item is None:
                item = self.items[-1] = _Pending(BlockKind.LIST_ITEM, self._level())
            if not item.parts and item.prefix:
                text, inlines = item.prefix + text, _shift(inlines, len(item.prefix))
            item.parts.append((text, inlines))
            return
        kind = BlockKind.QUOTE if "quote" in self.containers else BlockKind.PARAGRAPH
        self._emit(_Pending(kind, parts=[(text, inlines)]))

    def _images_apart(self, children: list[Token]) -> bool:
        """A paragraph's pictures become image blocks of their own: each one that
        stands alone in its paragraph, and each one whose alt text says something.
        The paragraph's text stays one paragraph: the pictures before its first
        word go before it, the others after it, in their order (a picture inside
        a sentence would cut the sentence in two). Others (an emoji drawn as an
        image, inside a sentence) are left to `_inline`, which drops them.
        False, having done nothing, when the paragraph has no such picture or
        sits in a post or a list item."""
        images = [c for c in children if c.type == "image"]
        if not images or self.post is not None or self._in_item():
            return False
        words = [i for i, c in enumerate(children) if c.type in _WORDS and c.content.strip()]
        if words and not any(_alt_text(c) for c in images):
            return False
        first_word = words[0] if words else len(children)
        apart = [
            (i, c)
            for i, c in enumerate(children)
            if c.type == "image" and (not words or _alt_text(c))
        ]
        for _, image in (p for p in apart if p[0] < first_word):
            self._image(image)
        self._text_run(children)
        for _, image in (p for p in apart if p[0] > first_word):
            self._image(image)
        return True

    def _image(self, token: Token) -> None:
        alt = " ".join(clean("".join(_texts(token.children or []))).split())
        url = str(token.attrGet("src") or "")
        url = url if link_ok(url) else ""
        self._emit(_Pending(BlockKind.IMAGE, parts=[(alt, ())], url=url))

    def _text_run(self, children: list[Token]) -> None:
        """The paragraph's text without its pictures (none if blank)."""
        text, inlines = _inline(children, pictures=False)
        body = text.strip()
        if not body:
            return
        start = len(text) - len(text.lstrip())
        spans = tuple(
            Inline(max(i.start - start, 0), min(i.end - start, len(body)), i.mark, i.url)
            for i in inlines
            if i.end - start > 0 and i.start - start < len(body)
        )
        self._paragraph(body, spans)

    def _in_item(self) -> bool:
        inner = next((c for c in reversed(self.containers) if c != "list"), "")
        return inner == "item"

    def _level(self) -> int:
        return self.containers.count("list")

    def _html(self, content: str) -> None:
        match = _MARKER.match(content.strip())
        if not match:
            return  # raw HTML is not shown
        try:
            kind = BlockKind(match["kind"])
        except ValueError:
            return
        attrs: dict[str, str] = {}
        if match["attrs"]:
            try:
                data: Any = json.loads(match["attrs"])
            except ValueError:
                data = {}
            if isinstance(data, dict):
                attrs = {
                    key: clean(value)
                    for key in ("attribution", "url")
                    if isinstance(value := data.get(key), str)
                }
        self._flush_item()
        self.marker = (kind, attrs)

    def _emit(self, pending: _Pending) -> None:
        kind, attribution, url = pending.kind, pending.attribution, pending.url
        if self.marker is not None and pending.kind is not BlockKind.POST:
            marked, attrs = self.marker
            self.marker = None
            kind = marked
            attribution = attrs.get("attribution", attribution)
            url = attrs.get("url", url)
        text, inlines = _join(pending.parts, "\n")
        if kind is BlockKind.LIST_ITEM and pending.kind is not BlockKind.LIST_ITEM:
            level = 1
        else:
            level = pending.level if kind in (BlockKind.HEADING, BlockKind.LIST_ITEM) else 0
        self.blocks.append(Block(kind, text, attribution, url, inlines, level))


def _shift(inlines: tuple[Inline, ...], by: int) -> tuple[Inline, ...]:
    return tuple(Inline(i.start + by, i.end + by, i.mark, i.url) for i in inlines)


def _join(
    parts: list[tuple[str, tuple[Inline, ...]]], separator: str
) -> tuple[str, tuple[Inline, ...]]:
    if len(parts) == 1:
        return parts[0]
    texts: list[str] = []
    inlines: list[Inline] = []
    offset = 0
    for text, spans in parts:
        if texts:
            texts.append(separator)
            offset += len(separator)
        texts.append(text)
        inlines.extend(_shift(spans, offset))
        offset += len(text)
    return "".join(texts), tuple(inlines)


def _inline(children: list[Token], *, pictures: bool = True) -> tuple[str, tuple[Inline, ...]]:
    """Plain text and spans from an inline token's children, each piece cleaned
    (markdown-it has decoded its character references) before it is measured.
    A picture's alt text is kept when it says something, unless `pictures` is
    False (the pictures are blocks of their own)."""
    parts: list[str] = []
    spans: list[Inline] = []
    open_: list[tuple[Mark, int, str]] = []
    pos = 0
    squeeze = False  # after a dropped image: no second space where it stood
    for token in children:
        kind = token.type
        piece = ""
        if kind in ("text", "text_special"):
            piece = clean(token.content)
        elif kind == "softbreak":
            piece = " "
        elif kind == "hardbreak":
            piece = "\n"
        elif kind == "code_inline":
            piece = clean(token.content)
            if piece:
                spans.append(Inline(pos, pos + len(piece), Mark.CODE))
        elif kind in _OPENINGS:
            href = str(token.attrGet("href") or "") if kind == "link_open" else ""
            open_.append((_OPENINGS[kind], pos, clean(href) if link_ok(href) else ""))
        elif kind in _CLOSINGS:
            mark = _CLOSINGS[kind]
            for k in range(len(open_) - 1, -1, -1):
                if open_[k][0] is mark:
                    _, start, url = open_.pop(k)
                    if pos > start and (url or mark is not Mark.LINK):  # no address: its text
                        spans.append(Inline(start, pos, mark, url))
                    break
        elif kind == "image":
            piece = _alt_text(token) if pictures else ""
            if not piece:
                squeeze = not parts or parts[-1].endswith(" ")
                continue
        elif kind == "html_inline" and _BREAK_TAG.match(token.content):
            piece = "\n"
        if squeeze and kind != "code_inline":
            piece = piece.lstrip(" ")
            if piece[:1] in _CLOSING_MARKS and parts and parts[-1].endswith(" "):
                # "at dawn ![a view](v.jpg), seen": no space before the comma either.
                parts[-1] = parts[-1][:-1]
                pos -= 1
                spans = [Inline(i.start, min(i.end, pos), i.mark, i.url) for i in spans]
                open_ = [(mark, min(start, pos), url) for mark, start, url in open_]
        squeeze = squeeze and not piece
        if piece:
            parts.append(piece)
            pos += len(piece)
    text = "".join(parts)
    if squeeze and text.endswith(" "):
        text = text.rstrip(" ")
        spans = [i for i in spans if i.start < len(text)]
        spans = [Inline(i.start, min(i.end, len(text)), i.mark, i.url) for i in spans]
    spans.sort(key=lambda i: (i.start, -i.end))
    return text, tuple(spans)


# What goes straight after a word, with no space before it.
_CLOSING_MARKS = tuple(",.;:!?)]…”’")
# The inline tokens that hold a paragraph's words.
_WORDS = ("text", "text_special", "code_inline")
_OPENINGS = {"strong_open": Mark.STRONG, "em_open": Mark.EMPHASIS, "link_open": Mark.LINK}
_CLOSINGS = {"strong_close": Mark.STRONG, "em_close": Mark.EMPHASIS, "link_close": Mark.LINK}


def _alt_text(token: Token) -> str:
    """An image's alt text when it describes something; placeholders are dropped."""
    alt = clean("".join(_texts(token.children or []))).strip()
    return alt if says_something(alt) else ""


def _texts(tokens: list[Token]) -> Iterator[str]:
    for token in tokens:
        if token.type in ("text", "text_special", "code_inline"):
            yield token.content
        elif token.type in ("softbreak", "hardbreak"):
            yield " "
        elif token.children:
            yield from _texts(token.children)
