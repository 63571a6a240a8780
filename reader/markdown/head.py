"""A long Markdown file's first blocks without markdown-it, when they are plain prose.

`news FILE.md` paints its first screen from the file's head (`markdown_head`).
Parsing the head takes markdown-it 2-3 ms, but importing it about 20 ms, a
tenth of that first screen: the import can wait for the rest, parsed on a
worker once the screen is up, if the head can be read without it.

`plain_head` reads only Markdown whose blocks it is sure of, and declines
(None) anything else, which `markdown_head` then parses: paragraphs and ATX
headings (`## Title`) separated by blank lines, whose lines start with a
letter or a digit, or emphasis or a link around one (so no list, quote,
code, table, HTML or reference definition starts there), with no tab and no
space at either end (no indentation, no hard break); in them plain text,
`*emphasis*`, `**strong**` and `[links](https://example.com/a)` in their
plainest forms: a `*` run opens after a space and before a letter or digit,
and closes after one, before a space or a stop; a link's text is plain, its
address ASCII with nothing markdown-it would decode or escape. No other
Markdown punctuation (backslash, backtick, underscore, brackets, `<`, `~`,
`|`, an entity) may appear. The blocks are then those markdown-it gives,
which tests/unit/test_markdown_plain_head.py holds it to with Hypothesis.
"""

from __future__ import annotations

import re

from reader.model import Block, BlockKind, Inline, Mark
from reader.sanitize import UNSAFE, clean

__all__ = ["HEAD_CHARS", "plain_head"]

# About a first screen and two more below it, with room to spare: what the
# reading pane lays out before its first paint. Parsing this much takes 1-2 ms
# (markdown-it; here under 1); a 32,000-word story (218 KB) takes 20-25 ms more.
HEAD_CHARS = 16_384

# Characters with a meaning in CommonMark's inlines (with the reader's tables
# and strikethrough) that plain text here may not hold. `!` is one only before
# `[`, which is never plain; `*`, `[`, `]`, `(`, `)` are read below.
_NOT_PLAIN = re.compile(r"[\\`_<~|\[\]*]|&(?:#|[A-Za-z0-9]+;)")
_HEADING = re.compile(r"(#{1,6}) +([^\s#](?:.*[^\s#])?)")
_ORDERED = re.compile(r"[0-9]{1,9}[.)]")
# A paragraph's line starts with a letter or a digit, or with emphasis or a
# link around one: then no other block (list, quote, code, heading, table,
# HTML, reference definition) starts there.
_LINE_START = re.compile(r"\*{0,2}[^\W_]|\[[^\W_]")
_TEXT = r"[^\s\\`_<~|\[\]*&](?:[^\n\\`_<~|\[\]*&]*[^\s\\`_<~|\[\]*&])?"
# An address markdown-it leaves as it is (normalizeLink changes none of these
# characters) and does not refuse (javascript:, vbscript:, file:, data:).
_URL = r"(?!(?i:[a-z]*script:|file:|data:))(?:[A-Za-z0-9\-.~:/?#@!$'*+,;=]|&(?!#|[A-Za-z0-9]+;))+"
_INLINE = re.compile(
    rf"(?<!\S)(?P<stars>\*\*?)(?P<em>{_TEXT})(?<=[^\W_])(?P=stars)(?=[\s.,;:!?)'\"]|\Z)"
    rf"|(?<!!)\[(?P<label>{_TEXT})\]\((?P<url>{_URL})\)"
)


def plain_head(md: str, chars: int = HEAD_CHARS) -> tuple[list[Block], str] | None:
    """The first blocks of `md` and the Markdown after them, as
    `markdown_head(md, chars)` gives them, without markdown-it; None when `md`
    is not much longer than `chars`, or when its head holds anything but
    plain prose (see above). The last block that starts in the head may run
    past it, so the blocks up to the blank line before it are read."""
    if len(md) <= 2 * chars:
        return None
    head = md[: md.rfind("\n", 0, chars) + 1]
    if UNSAFE.search(head) or "\u2028" in head or "\u2029" in head:
        # Not cleaned (every body comes here through `clean`); or line and
        # paragraph separators, which Python counts as ends of lines and as
        # spaces, markdown-it as neither.
        return None
    blocks: list[Block] = []
    lines: list[str] = []  # the paragraph being read
    pending: list[Block] = []  # the blocks of the blank-line-separated part being read
    start = 0  # where that part starts
    at = 0
    for text in head.split("\n")[:-1]:
        at += len(text) + 1
        if not text.strip(" "):
            if pending or lines:
                if not _end_paragraph(lines, pending):
                    return None
                blocks += pending
                pending = []
            start = at
            continue
        if "\t" in text or text[0].isspace() or text[-1].isspace():
            return None
        if heading := _HEADING.fullmatch(text):
            if not _end_paragraph(lines, pending):
                return None
            found = _inline(heading[2])
            if found is None:
                return None
            level = len(heading[1])
            pending.append(Block(BlockKind.HEADING, found[0], inlines=found[1], level=level))
        elif _LINE_START.match(text) and not _ORDERED.match(text):
            lines.append(text)
        else:
            return None
    return (blocks, md[start:]) if blocks else None


def _end_paragraph(lines: list[str], blocks: list[Block]) -> bool:
    """The paragraph in `lines` (if any) onto `blocks`; False if its text is not plain."""
    if not lines:
        return True
    found = _inline(" ".join(lines))  # a soft break is a space
    lines.clear()
    if found is None:
        return False
    blocks.append(Block(BlockKind.PARAGRAPH, found[0], inlines=found[1]))
    return True


def _inline(text: str) -> tuple[str, tuple[Inline, ...]] | None:
    """Plain text and spans, as markdown-it and `read._inline` make them; None
    when `text` holds any Markdown but the plainest emphasis and links."""
    if not _NOT_PLAIN.search(text):
        return text, ()
    parts: list[str] = []
    spans: list[Inline] = []
    pos = end = 0
    for match in _INLINE.finditer(text):
        before = text[end : match.start()]
        if _NOT_PLAIN.search(before):
            return None
        parts.append(before)
        pos += len(before)
        if stars := match["stars"]:
            inner = match["em"]
            mark = Mark.STRONG if len(stars) == 2 else Mark.EMPHASIS
            spans.append(Inline(pos, pos + len(inner), mark))
        else:
            inner = match["label"]
            spans.append(Inline(pos, pos + len(inner), Mark.LINK, clean(match["url"])))
        parts.append(inner)
        pos += len(inner)
        end = match.end()
    if _NOT_PLAIN.search(text, end):
        return None
    parts.append(text[end:])
    return "".join(parts), tuple(sorted(spans, key=lambda i: (i.start, -i.end)))
