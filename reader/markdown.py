"""Article bodies as Markdown, both ways.

The library stores each body as Markdown so that it stays readable outside the
reader, and reads it back into the same blocks. Any CommonMark renderer shows a
stored body sensibly; this module adds only what Markdown has no word for.

Writing (`blocks_to_markdown`): a block's plain text comes back exactly, so
everything Markdown could take for syntax is escaped: `\\ ` * _ [ ] < ~ |`
everywhere, `&` before something that looks like an entity, and at the start of a
line `# > - + =` and the `.` or `)` after a number. Whitespace at either end of a
line is written as a numeric entity (`&#32;`), which Markdown does not trim. A
newline inside a block is a hard break (a backslash at the end of the line); a
newline at either end of a block's text is written `&#10;`.

    paragraph    a paragraph
    heading      `#` to `######` (levels outside 1 to 6 are clamped)
    quote        a blockquote, one paragraph
    list_item    `- text`, indented two spaces a level; a nested item follows its
                 parent, so a level deeper than its predecessor's plus one is lowered
    code         a fenced block of backticks, longer than any run inside it
    image        `![alt](url)` alone in a paragraph, when that says it exactly;
                 otherwise the alt text behind an image marker (below)
    label, related, footer
                 a paragraph with a marker comment on the line before it:
                 `<!-- news:label -->`, `<!-- news:related -->`, `<!-- news:footer -->`
    post         a marker with the attribution and the link as JSON, then a
                 blockquote of the post's lines (hard breaks between them) and,
                 when there is an attribution, a last paragraph "— attribution"
                 for human readers (the marker's copy is the one read back):

                 <!-- news:post {"attribution": "Robin (@r) June 19, 2026", "url": "x.com/p"} -->
                 > Tesla just trademarked MEGAPOD\\
                 > Summary:
                 >
                 > — Robin (@r) June 19, 2026

Any other block with a url or an attribution gets the same kind of marker. Markers
are HTML comments, so other renderers hide them. A block with no text (other
than a post or code) is left out: it would read back as nothing.

Inline spans become `**strong**`, `*em*`, code spans and `[links](url)`. A span
that Markdown cannot express where it stands is dropped, never written in a way
that would leave stray `*` or brackets in the text: spans that cross others,
start or end inside a word next to punctuation, a code span over a newline, or a
link whose url Markdown would refuse (`javascript:` and the like). Spans are
trimmed of whitespace at their ends. Link urls come back normalised the way
markdown-it normalises them (percent-encoded).

Reading (`markdown_to_blocks`) maps any Markdown, from feeds or folders:
headings keep their level; paragraphs in a blockquote are quotes; a list item's
paragraphs become one list item (level 1 at the top, deeper when nested; an
ordered item's text starts with its number, "2. "); fenced and indented code
are code; a table row is a paragraph with its cells joined by " | "; rules
and raw HTML are dropped. A picture becomes an image block (its alt text, its
address as the url), the text around it paragraphs of their own, when it stands
alone in its paragraph or its alt text says something (two words or more, not a
file name); one inside a sentence with a placeholder alt (an emoji drawn as a
picture) is dropped, and in headings, list items and posts a picture's alt text
is kept inline when it says something. Soft breaks are spaces
and hard breaks (and `<br>`) newlines. It never raises on any text. Every
string it puts in a block (text, alt text, code, link and marker fields) is
passed through `sanitize.clean` after markdown-it has decoded its character
references, so `&#x202E;` in a file is removed like the character itself.

markdown-it is imported on first use: it costs about 17 ms on top of Textual.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from reader.model import Block, BlockKind, Inline, Mark
from reader.sanitize import clean

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["blocks_to_markdown", "markdown_to_blocks", "markdown_to_text"]

MAX_HEADING_LEVEL = 6
LIST_INDENT = 2
# Kinds Markdown has no construct for: a marker comment says what they are.
_MARKED_KINDS = frozenset(
    {BlockKind.LABEL, BlockKind.RELATED, BlockKind.FOOTER, BlockKind.POST, BlockKind.IMAGE}
)
_MARKER = re.compile(r"<!-- news:(?P<kind>[a-z_]+)(?: (?P<attrs>\{.*\}))? -->\s*\Z", re.DOTALL)
_ATTRIBUTION_DASH = "— "

# Characters that are Markdown syntax wherever they stand (with the table and
# strikethrough extensions on), and `&` when it would start an entity.
_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<~|]|&(?=#?\w+;)")
_SPECIAL_CHARS = "\\`*_[]<~|&"
# What makes a line something other than paragraph text: ATX headings,
# blockquotes, bullets, setext underlines (the `-` and `=`), ordered items.
_LINE_START = re.compile(r"[#>+=-]|\d{1,9}(?=[.)])")
_URL_ESCAPE = re.compile(r"[\\<>]|&(?=#?\w+;)")
_BACKTICKS = re.compile(r"`+")
_FILE_NAME = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|svg|avif|bmp|tiff?)$", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_BREAK_TAG = re.compile(r"<br\s*/?>\s*\Z", re.IGNORECASE)


# --------------------------------------------------------------------------- writing


def blocks_to_markdown(blocks: Sequence[Block]) -> str:
    """The blocks as Markdown that `markdown_to_blocks` reads back as the same blocks."""
    out: list[str] = []
    list_level = 0  # the level of the list item just written, 0 after anything else
    for block in blocks:
        level = 0
        if block.kind is BlockKind.LIST_ITEM:
            level = min(max(block.level, 1), list_level + 1)
        chunk = _block(block, level)
        if chunk is None:
            continue
        if out:
            # List items stay in one tight list; everything else is its own block.
            tight = level and list_level and not chunk.lstrip().startswith("<!--")
            out.append("\n" if tight else "\n\n")
        out.append(chunk)
        list_level = level
    return "".join(out) + "\n" if out else ""


def _block(block: Block, level: int) -> str | None:
    kind = block.kind
    if kind is BlockKind.CODE:
        body = _fence(block.text)
    elif kind is BlockKind.POST:
        if not block.text and not block.attribution:
            return None
        lines = _inline_lines(block.text, block.inlines) if block.text else []
        body = _prefix(lines, "> ", "> ")
        if block.attribution:
            signed = _inline_lines(_ATTRIBUTION_DASH + block.attribution, ())
            body = (body + "\n>\n" if body else "") + _prefix(signed, "> ", "> ")
    elif kind is BlockKind.IMAGE and _plain_image(block):
        # As Markdown writes a picture, so other renderers show it; read back as one.
        return "![" + _escape(block.text, False) + "]" + _delimiter(Mark.LINK, 0, block.url)[1:]
    elif not block.text:
        return None
    elif kind is BlockKind.HEADING:
        level_marks = "#" * min(max(block.level, 1), MAX_HEADING_LEVEL)
        # Headings are one line, and a run of `#` at their end would be dropped.
        text = _single_line(_inline_lines(block.text, block.inlines, heading=True))
        body = f"{level_marks} {text}"
    elif kind is BlockKind.LIST_ITEM:
        indent = " " * (LIST_INDENT * (level - 1))
        lines = _inline_lines(block.text, block.inlines)
        body = _prefix(lines, indent + "- ", indent + " " * LIST_INDENT)
    elif kind is BlockKind.QUOTE:
        body = _prefix(_inline_lines(block.text, block.inlines), "> ", "> ")
    else:
        body = _prefix(_inline_lines(block.text, block.inlines), "", "")
    marker = _marker(block)
    if marker:
        indent = " " * (LIST_INDENT * (level - 1)) if level else ""
        return f"{indent}{marker}\n{body}"
    return body


def _plain_image(block: Block) -> bool:
    """An image block that `![alt](url)` says exactly: alt text in single spaces
    (as it is read back), an address Markdown takes, nothing else to carry."""
    return (
        bool(block.url)
        and _link_ok(block.url)
        and _parser().normalizeLink(block.url) == block.url  # comes back as it is
        and not block.attribution
        and block.text == " ".join(block.text.split())
    )


def _marker(block: Block) -> str:
    attrs = {k: v for k, v in (("attribution", block.attribution), ("url", block.url)) if v}
    if block.kind not in _MARKED_KINDS and not attrs:
        return ""
    if not attrs:
        return f"<!-- news:{block.kind.value} -->"
    # `>` escaped so that no value can close the comment early.
    data = json.dumps(attrs, ensure_ascii=False).replace(">", "\\u003e")
    return f"<!-- news:{block.kind.value} {data} -->"


def _prefix(lines: list[str], first: str, rest: str) -> str:
    """Join a block's lines with hard breaks, each line behind its container prefix."""
    return "\\\n".join((first if i == 0 else rest) + line for i, line in enumerate(lines))


def _single_line(lines: list[str]) -> str:
    return "&#10;".join(lines)


def _fence(text: str) -> str:
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}" if text else f"{fence}\n{fence}"


def _escape(text: str, line_start: bool, heading: bool = False) -> str:
    # Most text holds none of the special characters, and looking for each with
    # `in` is twenty times quicker than the substitution.
    special = any(c in text for c in _SPECIAL_CHARS)
    escaped = _INLINE_SPECIAL.sub(r"\\\g<0>", text) if special else text
    if heading:
        escaped = escaped.replace("#", "\\#")
    if line_start and (m := _LINE_START.match(escaped)):
        cut = m.end() if m.group()[0].isdigit() else m.start()
        escaped = escaped[:cut] + "\\" + escaped[cut:]
    return escaped


def _entity(char: str) -> str:
    return f"&#{ord(char)};"


@dataclass(slots=True)
class _Piece:
    text: str
    mark: Mark | None = None  # set on delimiters
    opens: bool = False
    span: int = -1  # index of the inline span a delimiter belongs to


def _inline_lines(text: str, inlines: Sequence[Inline], heading: bool = False) -> list[str]:
    """A block's text as Markdown source lines (without the hard breaks between).

    Spans that would not survive where they stand are dropped one at a time and
    the text written again, so the plain text always comes back exactly.
    """
    # Newlines at either end of the text cannot be hard breaks: a break needs
    # text after it, and leading ones would be trimmed.
    body = text.strip("\n")
    head = len(text) - len(text.lstrip("\n"))
    tail = len(text) - len(text.rstrip("\n")) if body else 0
    spans = _usable_spans(text, inlines, head, head + len(body)) if inlines else []
    if spans:
        spans = [(s - head, e - head, m, u) for s, e, m, u in spans]
        while spans:
            bad = _first_unflanked(_pieces(body, spans))
            if bad is None:
                break
            spans.pop(bad)
    if spans:
        lines = _lines(_pieces(body, spans), heading)
    else:  # the common case, kept quick: a million paragraphs go through here
        lines = [_protect_ends(_escape(part, True, heading)) for part in body.split("\n")]
    lines[0] = "&#10;" * head + lines[0]
    lines[-1] += "&#10;" * tail
    return lines


_Span = tuple[int, int, Mark, str]


def _usable_spans(text: str, inlines: Sequence[Inline], lo: int, hi: int) -> list[_Span]:
    """Spans trimmed of whitespace and properly nested, in writing order; the rest
    are dropped."""
    candidates: list[_Span] = []
    for inline in inlines:
        start, end = max(inline.start, lo), min(inline.end, hi)
        if inline.mark is not Mark.CODE:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
        if start >= end:
            continue
        if inline.mark is Mark.CODE and "\n" in text[start:end]:
            continue
        if inline.mark is Mark.LINK and not _link_ok(inline.url):
            continue
        candidates.append((start, end, inline.mark, inline.url))
    candidates.sort(key=lambda s: (s[0], -s[1]))
    kept: list[_Span] = []
    for span in candidates:
        start, end, mark, _ = span
        # Every kept span that contains this one's start must contain all of it,
        # must not be a code span, and must not carry the same mark.
        around = [k for k in kept if k[0] <= start < k[1]]
        if any(end > k[1] or k[2] is Mark.CODE or k[2] is mark for k in around):
            continue
        kept.append(span)
    return kept


def _pieces(body: str, spans: list[_Span]) -> list[_Piece]:
    """Text and delimiters in source order; newlines stay in text pieces."""
    events: list[tuple[int, int, int]] = []  # (offset, order, span index)
    for i, (start, end, _, _) in enumerate(spans):
        # Closings before openings at one offset, inner before outer.
        events.append((start, 1, i))
        events.append((end, 0, i))
    # At one offset: closings first, inner before outer; then openings, outer first.
    events.sort(
        key=lambda e: (e[0], e[1], (-spans[e[2]][1], e[2]) if e[1] else (-spans[e[2]][0], -e[2]))
    )
    pieces: list[_Piece] = []
    pos = 0
    for offset, opening, i in events:
        start, end, mark, url = spans[i]
        if offset > pos:
            pieces.append(_Piece(body[pos:offset]))
            pos = offset
        if mark is Mark.CODE:
            if opening:
                pieces.append(_Piece(_code_span(body[start:end]), mark, True, i))
                pos = end
            continue
        pieces.append(_Piece(_delimiter(mark, opening, url), mark, bool(opening), i))
    if pos < len(body) or not pieces:
        pieces.append(_Piece(body[pos:]))
    return pieces


def _delimiter(mark: Mark, opening: int, url: str) -> str:
    if mark is Mark.STRONG:
        return "**"
    if mark is Mark.EMPHASIS:
        return "*"
    if opening:
        return "["
    if any(c.isspace() or c in "()" for c in url):
        return "](<" + _URL_ESCAPE.sub(r"\\\g<0>", url) + ">)"
    return "](" + _URL_ESCAPE.sub(r"\\\g<0>", url) + ")"


def _code_span(content: str) -> str:
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(content)), default=0)
    ticks = "`" * (longest + 1)
    pad = (
        content[:1] == "`"
        or content[-1:] == "`"
        or (content[:1] == " " and content[-1:] == " " and content.strip() != "")
    )
    return f"{ticks} {content} {ticks}" if pad else f"{ticks}{content}{ticks}"


def _lines(pieces: list[_Piece], heading: bool) -> list[str]:
    """Escape text pieces and split them into source lines at newlines."""
    lines: list[str] = []
    current: list[str] = []
    at_start = True
    for i, piece in enumerate(pieces):
        if piece.mark is not None:
            current.append(piece.text)
            at_start = False
            continue
        parts = piece.text.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append("".join(current))
                current = []
                at_start = True
            if part:
                current.append(_escape(part, at_start, heading))
                at_start = False
        following = pieces[i + 1] if i + 1 < len(pieces) else None
        if current and current[-1].endswith("!") and following and following.text == "[":
            current[-1] = current[-1][:-1] + "\\!"  # not an image
    lines.append("".join(current))
    return [_protect_ends(line) for line in lines]


def _protect_ends(line: str) -> str:
    """Whitespace at either end of a line as entities, which Markdown keeps."""
    if not line:
        return line
    first, last = line[0], line[-1]
    open_ = first.isspace() or first == "\ufeff"
    close = last.isspace() or last == "\ufeff"
    if not (open_ or close):
        return line
    if len(line) == 1:
        return _entity(first)
    head = _entity(first) if open_ else first
    tail = _entity(last) if close else last
    return head + line[1:-1] + tail


def _first_unflanked(pieces: list[_Piece]) -> int | None:
    """The index (in the span list) of the first span whose delimiters Markdown
    would not read as intended where they stand, else None."""
    rendered = [
        p.text if p.mark is not None else _escape(p.text, False).replace("\n", "\\\n")
        for p in pieces
    ]
    for i, piece in enumerate(pieces):
        if piece.mark is None:
            continue
        before = next((r[-1] for r in reversed(rendered[:i]) if r), "\n")
        after = next((r[0] for r in rendered[i + 1 :] if r), "\n")
        if piece.mark is Mark.CODE:
            # A code span of three backticks at the start of a line is a fence,
            # and one right after another would merge with it.
            if before == "`" or (before == "\n" and piece.text.startswith("```")):
                return piece.span
            continue
        if piece.mark is Mark.LINK:
            continue
        # A run that could both open and close is read by rules (the "rule of
        # three") that may pair it with another span's run: only clear ones stay.
        left, right = _left_flanking(before, after), _right_flanking(before, after)
        if (left, right) != ((True, False) if piece.opens else (False, True)):
            return piece.span
        # Runs of `*` from two spans merge; only nested openings or closings
        # (`***` at both ends) are read back as meant.
        neighbour = pieces[i - 1] if i else None
        if (
            neighbour is not None
            and neighbour.mark in (Mark.STRONG, Mark.EMPHASIS)
            and neighbour.opens != piece.opens
        ):
            return piece.span
    return None


def _is_space(char: str) -> bool:
    return char in "\t\n\v\f\r" or unicodedata.category(char) == "Zs"


def _is_punct(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _left_flanking(before: str, after: str) -> bool:
    return not _is_space(after) and (not _is_punct(after) or _is_space(before) or _is_punct(before))


def _right_flanking(before: str, after: str) -> bool:
    return not _is_space(before) and (not _is_punct(before) or _is_space(after) or _is_punct(after))


def _link_ok(url: str) -> bool:
    if not url or "\n" in url or "\r" in url:
        return False
    md = _parser()
    return bool(md.validateLink(md.normalizeLink(url)))


# --------------------------------------------------------------------------- reading


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_to_blocks(md: str) -> list[Block]:
    """Blocks from any Markdown: the reader's own bodies, or a feed's or a folder's."""
    return _Walker().run(_parser().parse(md))


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
        """A paragraph's pictures become image blocks of their own, with the text
        around them as paragraphs: each one that stands alone in its paragraph,
        and each one whose alt text says something. Others (an emoji drawn as an
        image, inside a sentence) are left to `_inline`, which drops them.
        False, having done nothing, when the paragraph has no such picture or
        sits in a post or a list item."""
        images = [c for c in children if c.type == "image"]
        if not images or self.post is not None or self._in_item():
            return False
        alone = not any(
            c.content.strip() for c in children if c.type in ("text", "text_special", "code_inline")
        )
        if not alone and not any(_alt_text(c) for c in images):
            return False
        run: list[Token] = []
        for child in children:
            if child.type == "image" and (alone or _alt_text(child)):
                self._text_run(run)
                run = []
                alt = " ".join(clean("".join(_texts(child.children or []))).split())
                url = str(child.attrGet("src") or "")
                self._emit(_Pending(BlockKind.IMAGE, parts=[(alt, ())], url=url))
            else:
                run.append(child)
        self._text_run(run)
        return True

    def _text_run(self, children: list[Token]) -> None:
        """Text between pictures, as a paragraph of its own (none if blank)."""
        text, inlines = _inline(children)
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


def _inline(children: list[Token]) -> tuple[str, tuple[Inline, ...]]:
    """Plain text and spans from an inline token's children, each piece cleaned
    (markdown-it has decoded its character references) before it is measured."""
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
            url = clean(str(token.attrGet("href") or "")) if kind == "link_open" else ""
            open_.append((_OPENINGS[kind], pos, url))
        elif kind in _CLOSINGS:
            mark = _CLOSINGS[kind]
            for k in range(len(open_) - 1, -1, -1):
                if open_[k][0] is mark:
                    _, start, url = open_.pop(k)
                    if pos > start:
                        spans.append(Inline(start, pos, mark, url))
                    break
        elif kind == "image":
            piece = _alt_text(token)
            if not piece:
                squeeze = not parts or parts[-1].endswith(" ")
                continue
        elif kind == "html_inline" and _BREAK_TAG.match(token.content):
            piece = "\n"
        if squeeze and kind != "code_inline":
            piece = piece.lstrip(" ")
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


_OPENINGS = {"strong_open": Mark.STRONG, "em_open": Mark.EMPHASIS, "link_open": Mark.LINK}
_CLOSINGS = {"strong_close": Mark.STRONG, "em_close": Mark.EMPHASIS, "link_close": Mark.LINK}


def _alt_text(token: Token) -> str:
    """An image's alt text when it describes something; placeholders are dropped."""
    alt = clean("".join(_texts(token.children or []))).strip()
    if len(_WORD.findall(alt)) < 2 or _FILE_NAME.match(alt) or "://" in alt:
        return ""
    return alt


def _texts(tokens: list[Token]) -> Iterator[str]:
    for token in tokens:
        if token.type in ("text", "text_special", "code_inline"):
            yield token.content
        elif token.type in ("softbreak", "hardbreak"):
            yield " "
        elif token.children:
            yield from _texts(token.children)


# --------------------------------------------------------------------------- plain text

# The patterns run over every body of an import, so each starts with a literal
# character (a line's start is matched as "\n"), which the regex engine can skip
# to: one starting with `^`, a group or a repeat is tried at every character.
# Only code fences, which are rare, are found with `^`.
_FENCED = re.compile(
    r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<code>.*?)(?:^[ \t]{0,3}(?P=fence)[ \t]*$|\Z)",
    re.MULTILINE | re.DOTALL,
)
# A line's block syntax: blockquote marks, then a heading's hashes or a bullet
# (an ordered item keeps its number, as `markdown_to_blocks` keeps it).
_MARK = r"(?:#{1,6}[ \t]+|[-*+][ \t]+)"
_LINE_SYNTAX = re.compile(rf"\n[ \t]*(?:(?:>[ \t]?)+[ \t]*{_MARK}?|{_MARK})")
_CELL_RULE = r"[ \t]*:?-{3,}:?[ \t]*"
_TABLE_RULE = re.compile(rf"\n[ \t]*\|?{_CELL_RULE}(?:\|{_CELL_RULE})*\|?[ \t]*(?=\n)")
_TABLE_EDGE = re.compile(r"\n[ \t]*\|[ \t]*|[ \t]*\|[ \t]*(?=\n)")
_TARGET = r"\((?:<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:[ \t]+\"[^\"\n]*\")?\)"
_LABEL = r"(?:\\.|[^\\\]\n])*"
# Each alternative starts with a literal character, which is what lets the
# engine search for the set of them (the groups open after it): with a group or a
# repeat first, matching the 10,000-entry feed's bodies took 1.8 s, not 0.13.
_INLINE_SYNTAX = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|`(?P<ticks>`*+)(?P<code>.+?)(?<!`)`(?P=ticks)(?!`)"
    rf"|!\[(?P<alt>{_LABEL})\]{_TARGET}"
    rf"|\[(?P<label>{_LABEL})\]{_TARGET}"
    r"|<(?P<autolink>(?:https?|mailto):[^\s<>]+)>"
    r"|&(?P<entity>#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
    r"|<br\s*/?>|\*\**|_(?P<under>_*)|==|~~|\\(?=\n)"
)


def _inline_text(match: re.Match[str]) -> str:
    if (escaped := match["escaped"]) is not None:
        return escaped
    if match["ticks"] is not None:
        return match["code"].strip(" ") or match["code"]
    if (label := match["label"]) is not None:
        return _INLINE_SYNTAX.sub(_inline_text, label)
    if (alt := match["alt"]) is not None:
        alt = _INLINE_SYNTAX.sub(_inline_text, alt)
        if len(_WORD.findall(alt)) < 2 or _FILE_NAME.match(alt):
            return ""  # a placeholder, dropped as `markdown_to_blocks` drops it
        return alt
    if (url := match["autolink"]) is not None:
        return url
    if (entity := match["entity"]) is not None:
        return clean(html.unescape("&" + entity))
    if match["under"] is not None:
        text, start, end = match.string, match.start(), match.end()
        inside = start > 0 and end < len(text) and text[start - 1].isalnum()
        if inside and text[end].isalnum():
            return match[0]  # snake_case: a word, not emphasis
    return ""  # emphasis, highlight and strikethrough marks, a hard break's backslash


def markdown_to_text(md: str) -> str:
    """A body's plain text for the index and snippets, without parsing it.

    A few regular expressions instead of `markdown_to_blocks`, which at 10,000
    feed entries cost three seconds, most of an import. It drops the syntax
    the converter from HTML writes (headings, quotes, bullets, fences, tables,
    emphasis, links and images, escapes), keeps each line's words, and gives
    one line per non-blank line. Close to what the blocks' text would be, not
    identical: a soft line break stays a line break, and a `*` in a word that
    Markdown would keep is dropped. Good enough to find and quote a story; the
    story itself is always shown from the Markdown.
    """
    if "```" in md or "~~~" in md:
        # Code is kept as it is written; only the text around it is Markdown.
        parts, end = [], 0
        for fenced in _FENCED.finditer(md):
            parts += [markdown_to_text(md[end : fenced.start()]), fenced["code"]]
            end = fenced.end()
        if parts:
            parts.append(markdown_to_text(md[end:]))
            return _tidy("\n".join(parts))
    md = _LINE_SYNTAX.sub("\n", "\n" + md)
    if "|" in md:
        md = _TABLE_EDGE.sub("\n", _TABLE_RULE.sub("", md + "\n"))
    return _tidy(_INLINE_SYNTAX.sub(_inline_text, md))


def _tidy(text: str) -> str:
    """Lines without blanks at either end, and no blank lines."""
    # Three times quicker than two regular expressions over the same text.
    return "\n".join(line for line in map(str.strip, text.split("\n")) if line)
