"""An article as Rich renderables, for the reading pane and `news show`.

Everything is built from `rich.text.Text` objects made from plain strings, so
no article text is ever parsed as markup. Highlights (followed keywords, search
matches) arrive as spans over each piece of plain text and are applied with
`Text.stylize`: they change colours only, never the characters, so wrapping and
the blocks' own styles are untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import NamedTuple, TypedDict, Unpack

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from reader.model import Article, Block, BlockKind, Inline, Mark
from reader.urls import clickable
from reader.wording import counted

MEASURE = 88  # the widest a line of prose gets, in columns
IMAGE_MARK = "▣"  # starts the line that stands for a picture
NOTE_SHOWN = 300  # characters of a bookmark's note shown above the story

# A highlighter gives (start, end, style) spans over a piece of plain text.
Highlighter = Callable[[str], Iterable[tuple[int, int, Style | str]]]


class Palette(NamedTuple):
    """The few colours a story uses; the TUI builds one from its theme so light
    and dark themes both read well. A NamedTuple, not a dataclass: Python 3.11
    compiles a dataclass's methods from source at every start (about 1 ms each
    on the way to the first screen)."""

    accent: str = "cyan"
    muted: str = "bright_black"
    link: str = "blue"


class Bar:
    """A renderable with a bar down its left side: quotes, posts, the standfirst."""

    def __init__(self, renderable: RenderableType, style: Style | str, char: str = "▌") -> None:
        self.renderable = renderable
        self.style = style
        self.char = char

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width - 2)
        lines = console.render_lines(self.renderable, options.update(width=width, height=None))
        bar = Segment(self.char + " ", console.get_style(self.style))
        for line in lines:
            yield bar
            yield from line
            yield Segment.line()


class Meta:
    """The story's particulars on as few lines as fit, never breaking one
    (`2 min read` is not split across lines as plain wrapping would)."""

    def __init__(self, items: list[Text], separator: Text) -> None:
        self.items = items
        self.separator = separator

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        line = Text()
        for item in self.items:
            if line and line.cell_len + self.separator.cell_len + item.cell_len > width:
                yield line
                line = Text()
            if line:
                line.append_text(self.separator)
            line.append_text(item)
        yield line


def _text(
    text: str,
    style: Style | str,
    highlighters: Iterable[Highlighter],
    inlines: Iterable[Inline] = (),
    palette: Palette | None = None,
    numbers: Mapping[str, int] | None = None,
) -> Text:
    p = palette or Palette()
    out = Text(text, style=style)
    inlines = tuple(inlines)
    for inline in inlines:
        out.stylize(_inline_style(inline, p), inline.start, inline.end)
    for highlight in highlighters:
        for start, end, span_style in highlight(text):
            out.stylize(span_style, start, end)
    if numbers:
        marks = [
            (inline.end, numbers[inline.url])
            for inline in inlines
            if inline.mark is Mark.LINK and inline.url in numbers
        ]
        out = _with_markers(out, marks, p)
    return out


def _marker(number: int, p: Palette) -> Text:
    """`[n]`: the link's number in the list under the story (keys 1-9 open it)."""
    return Text(f"[{number}]", style=p.muted)


def _with_markers(text: Text, marks: list[tuple[int, int]], p: Palette) -> Text:
    """`text` with a link number after each link, put in after it is styled and
    highlighted, so every span still lands on the characters it was given for."""
    if not marks:
        return text
    out = Text(style=text.style, end=text.end)
    position = 0
    for offset, number in sorted(marks):
        out.append_text(text[position:offset])
        out.append_text(_marker(number, p))
        position = offset
    out.append_text(text[position:])
    return out


def _link_style(url: str, p: Palette) -> Style:
    """A link's look, for an address that opens (`clickable`); one that does
    not (javascript:, mailto:) reads as plain text, as it is not numbered."""
    target = clickable(url)
    return Style(color=p.link, underline=True, link=target) if target else Style()


def _inline_style(inline: Inline, p: Palette) -> Style:
    if inline.mark is Mark.LINK:
        return _link_style(inline.url, p)
    if inline.mark is Mark.STRONG:
        return Style(bold=True)
    if inline.mark is Mark.EMPHASIS:
        return Style(italic=True)
    return Style(reverse=True)  # inline code


HEAD = -1  # the part of a story above its first block: meta line, title, standfirst


def article_parts(
    article: Article,
    palette: Palette | None = None,
    highlighters: Iterable[Highlighter] = (),
    note: str | None = None,
    source: str = "",
    full_text: bool = False,
) -> Iterator[tuple[int, RenderableType]]:
    """The story, top to bottom, each renderable with the part it belongs to:
    `HEAD`, the index of a block, or `len(article.blocks)` for the links. The
    reading pane keeps a place in the story as a part and an offset into it,
    which survives re-wrapping at another width, where a line number does not.

    Highlighters are called in reading order, once per piece of text, so a
    stateful one can number the matches it sees. `note` is the reader's own
    bookmark note ("" for a bookmark without one). `source` names the feed or
    file the story came from (unless the section says it already); `full_text`
    says its body is the whole article, fetched from its web page in place of
    what the feed gave."""
    p = palette or Palette()
    hl = list(highlighters)
    items = [Text(article.section.upper(), style=f"bold {p.accent}")]
    if source and source.casefold() != article.section.casefold():
        items.append(Text(f"from {source}", style=p.muted))
    if article.words:
        items.append(Text(f"{article.reading_minutes} min read", style=p.muted))
        items.append(Text(counted(article.words, "word"), style=p.muted))
    else:  # nothing under the title: an empty file, a feed entry of a title alone
        bodiless = not (article.blocks or article.markdown.strip() or article.rest)
        items.append(Text("empty" if bodiless else counted(0, "word"), style=p.muted))
    if article.author:
        items.append(Text(article.author, style=p.muted))
    if article.published:
        items.append(Text(article.published[:10], style=p.muted))
    if full_text:
        items.append(Text("full text", style=p.muted))
    if article.updated:  # the feed edited it after it was first stored
        items.append(Text("updated", style=f"bold {p.accent}"))
    meta = Meta(items, Text("  ·  ", style=p.muted))
    yield HEAD, meta
    if note is not None:
        mark = Text("★ Bookmarked", style=f"bold {p.accent}")
        if note:
            mark.append(" · ", style=p.muted)
            # A note is a line or two; a pasted page (or one in a bookmarks file
            # from elsewhere) would push the story off the screen. It is kept
            # whole, and the note dialog shows it all.
            if len(note) > NOTE_SHOWN:
                note = note[: NOTE_SHOWN - 1].rstrip() + "…"
            mark.append(note, style="italic")
        yield HEAD, mark
    yield HEAD, Text()
    yield HEAD, _text(article.title, "bold", hl)
    if article.standfirst:
        yield HEAD, Text()
        yield HEAD, Bar(_text(article.standfirst, "italic", hl), p.accent)
    yield HEAD, Text()
    links = story_links(article)
    numbers = {url: number for number, (_, url) in enumerate(links, start=1)}
    for index, block in enumerate(article.blocks):
        for renderable in _block(block, p, hl, numbers):
            yield index, renderable
        yield index, Text()
    if article.rest:
        return  # read in part: the story goes on, its links come once it is whole
    links_part = len(article.blocks)
    if links:
        yield links_part, Text("Links", style=f"bold {p.muted}")
        for number, (label, url) in enumerate(links, start=1):
            line = Text(f"{number:>2}. ", style=p.muted)
            target = clickable(url)
            if label and label != url:
                line.append(label)
                line.append("  ")
            line.append(url, style=Style(color=p.link, underline=bool(target), link=target or None))
            yield links_part, line


def line_estimates(article: Article, width: int) -> list[int]:
    """About how many lines each block takes at `width`, with the blank after
    it, and last the links under the story: a story's height before it is laid
    out (the reading pane lays out a long one lazily). A story read in part
    (`Article.rest`) has its rest as one more part before the links."""
    per_line = max(1, width - 4)  # wrapping leaves ends short; bars and bullets take columns
    estimates = [
        len(block.text) // per_line + block.text.count("\n") + 2 for block in article.blocks
    ]
    if article.rest:  # a story read in part: its rest, still Markdown, as one part
        estimates.append(len(article.rest) // per_line + 2 * article.rest.count("\n\n") + 2)
    estimates.append(len(story_links(article)) + 1)
    return estimates


def story_links(article: Article) -> list[tuple[str, str]]:
    """Every link in the story that opens (`clickable`) once, in reading order:
    (text, url). The story's own address comes first; a picture's is listed as
    `▣ alt text`. One that does not open (javascript:, mailto:) is not listed,
    so it takes no number: a number a person sees is one they can open."""
    seen: set[str] = set()
    links: list[tuple[str, str]] = []

    def add(label: str, url: str) -> None:
        if url and url not in seen and clickable(url):
            seen.add(url)
            links.append((label, url))

    add("This story", article.url)
    for block in article.blocks:
        for inline in block.inlines:
            if inline.mark is Mark.LINK:
                add(block.text[inline.start : inline.end], inline.url)
        if block.kind is BlockKind.IMAGE:
            add(f"{IMAGE_MARK} {block.text or 'image'}", block.url)
        elif block.url and block.kind is not BlockKind.POST:
            add(block.text, block.url)
    return links


def _block(
    block: Block, p: Palette, hl: list[Highlighter], numbers: Mapping[str, int]
) -> Iterator[RenderableType]:
    kind = block.kind
    marker = [_marker(numbers[block.url], p)] if block.url in numbers else []
    if kind is BlockKind.POST:
        body = _text(block.text, "", hl)
        offset = 0
        for line in block.text.split("\n"):  # a post's own lead-ins ("Summary:") stand out
            if line.endswith(":") and len(line.split()) <= 4:
                body.stylize("bold", offset, offset + len(line))
            offset += len(line) + 1
        if (link := clickable(block.url)) and (at := block.text.find(block.url)) >= 0:
            body.stylize(Style(color=p.link, underline=True, link=link), at, at + len(block.url))
        # A post with no text (an attribution alone) draws no empty line above it.
        parts: list[RenderableType] = [body] if block.text.strip() else []
        if block.attribution:
            parts.append(_text("— " + block.attribution, f"italic {p.muted}", hl))
        if parts:
            yield Bar(Group(*parts), p.muted, "┃")
    elif kind is BlockKind.QUOTE:
        quote = _text(block.text, "italic", hl, block.inlines, p, numbers)
        yield Bar(Text.assemble(quote, *marker), p.muted, "┃")
    elif kind is BlockKind.RELATED:
        # The bundled news' related lines lost their addresses in the dump, and
        # still read as the links they were; one whose address does not open, not.
        link_style = _link_style(block.url, p) if block.url else Style(color=p.link, underline=True)
        # Assembled, not added: `a + b` keeps a's style over b, which dimmed the link.
        related = _text(block.text, link_style, hl)
        yield Text.assemble(("Related: ", f"bold {p.muted}"), related, *marker)
    elif kind is BlockKind.IMAGE:
        # A line for the picture, which a terminal cannot show: what it is, and
        # its number in the links, where its address is.
        link_style = _link_style(block.url, p)
        if block.text:
            alt = _text(block.text, link_style, hl)
        else:
            alt = Text("image", f"italic {p.muted}")
        yield Text.assemble((f"{IMAGE_MARK} ", p.accent), alt, *marker)
    elif kind is BlockKind.LABEL or kind is BlockKind.HEADING:
        label = _text(block.text, f"bold {p.accent}", hl, block.inlines, p, numbers)
        yield Text.assemble(label, *marker)
    elif kind is BlockKind.FOOTER:
        yield Text.assemble(_text(block.text, f"italic {p.muted}", hl), *marker)
    elif kind is BlockKind.LIST_ITEM:
        indent = "  " * max(0, block.level - 1)
        item = _text(block.text, "", hl, block.inlines, p, numbers)
        yield Text.assemble((indent + "• ", p.accent), item, *marker)
    elif kind is BlockKind.CODE:
        yield _text(block.text, "reverse", hl)
    else:
        yield Text.assemble(_text(block.text, "", hl, block.inlines, p, numbers), *marker)


class Dressing(TypedDict, total=False):
    """What `article_parts` takes beside the story, named, as `render_article` passes it on."""

    palette: Palette | None
    highlighters: Iterable[Highlighter]
    note: str | None
    source: str
    full_text: bool


def render_article(article: Article, **dressing: Unpack[Dressing]) -> Group:
    """The story whole, as `article_parts` gives it (and with what it takes):
    its header as the reading pane's."""
    return Group(*(renderable for _, renderable in article_parts(article, **dressing)))
