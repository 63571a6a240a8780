"""Blocks to the Markdown the library stores.

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
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from reader.markdown.read import link_ok, parser
from reader.model import Block, BlockKind, Inline, Mark

__all__ = ["blocks_to_markdown"]

MAX_HEADING_LEVEL = 6
LIST_INDENT = 2
# Kinds Markdown has no construct for: a marker comment says what they are.
_MARKED_KINDS = frozenset(
    {BlockKind.LABEL, BlockKind.RELATED, BlockKind.FOOTER, BlockKind.POST, BlockKind.IMAGE}
)
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
        and parser().normalizeLink(block.url) == block.url  # comes back as it is
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
    return link_ok(parser().normalizeLink(url))
