"""Search results, drawn only where they are on screen.

Each hit takes three lines (section and title, the snippet, a gap), so the
list's height is fixed by the number of hits and a page of 9,000 results costs
no more to draw than a page of ten. Hits arrive a page at a time: the list asks
for the next (`NeedMore`) as the cursor or the scroll nears the last one it
has, so a search that finds 9,000 stories fetches and cuts snippets for the
first few dozen only. Match spans arrive as offsets and are styled, never parsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive, reactive
from textual.strip import Strip

from reader.tui.widgets import search_messages
from reader.tui.widgets.line_view import LineView, cursor_bindings

if TYPE_CHECKING:  # the search itself is imported only when a search runs
    from reader.library.search import Hit

ROWS_PER_HIT = 3
ELLIPSIS = "…"
BOLD = Style(bold=True)  # a result's title
AHEAD = 10  # hits left below the cursor (or the bottom of the view) when more are asked for
# Characters Rich counts one cell wide in any terminal: printable ASCII, and the
# ellipsis every snippet starts or ends with, which sent Rich's measuring and
# cutting of a snippet down its slow path (a third of a result line's time).
_ONE_CELL = frozenset(map(chr, range(0x20, 0x7F))) | {ELLIPSIS}


class ResultList(LineView, can_focus=True):
    """Search hits; the cursor picks one, Enter (or a click) opens it.

    Component classes: `result-list--cursor`, `result-list--match`,
    `result-list--section`, `result-list--snippet`.
    """

    BINDINGS = [
        *cursor_bindings("results", "result", "Open result", shown=True),
        # A here as A marks a section read in the sidebar: here, everything found.
        Binding("A", "mark_read", "Mark results read", show=False, id="results.mark_read"),
    ]

    COMPONENT_CLASSES = {
        "result-list--cursor",
        "result-list--match",
        "result-list--section",
        "result-list--snippet",
    }

    cursor: reactive[int] = reactive(0, init=False)
    # Textual lays out the whole screen when a widget's virtual size changes;
    # this list's own size is fixed (100% of the reading pane, app.tcss), so a
    # new number of hits needs only the scrollbar told (`_set_rows`) and a repaint.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    # Defined apart (see search_messages), named here as the list's own.
    Selected = search_messages.Selected
    NeedMore = search_messages.NeedMore
    MarkResultsRead = search_messages.MarkResultsRead

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cache_size=512)
        self._items: list[Hit] = []
        self.total = 0  # hits the search found, fetched or not
        self._asked_at = -1  # the offset already asked for, until it arrives
        self._to_end = False  # End was pressed: follow each page that arrives to its end
        self._room = 0  # hits the list scrolls through before more arrive (see set_items)

    @staticmethod
    def hits_fitting(height: int) -> int:
        """How many hits a list `height` rows tall shows, the last perhaps in part."""
        return -(-height // ROWS_PER_HIT)

    @property
    def items(self) -> list[Hit]:
        return self._items

    @property
    def highlighted(self) -> Hit | None:
        return self._items[self.cursor] if 0 <= self.cursor < len(self._items) else None

    def set_items(
        self, items: Sequence[Hit], total: int | None = None, room: int | None = None
    ) -> None:
        """The first hits of a new search, of `total` found (default: these).
        The list scrolls through `room` hits (at most `total`) however few
        came first, so its scrollbar stays as it is while the rest of that
        page arrives; a row whose hit has not come yet is blank."""
        self._items = list(items)
        self.total = len(self._items) if total is None else total
        self._room = len(self._items) if room is None else room
        self._asked_at = -1
        self._to_end = False
        self._cache.clear()
        self._set_rows()
        self.set_reactive(ResultList.cursor, 0)
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def add_items(self, items: Sequence[Hit]) -> None:
        """The next hits, as asked for by `NeedMore`."""
        self._items.extend(items)
        self._asked_at = -1
        self._set_rows()
        self.refresh()
        if self._to_end and items:
            self._go_last()
        else:
            self._want_more()

    def _set_rows(self) -> None:
        """The height of the list for the hits it has, and its scrollbar's
        thumb to match (what a layout would have done, for this widget only;
        the scrollbar appearing or going still lays the screen out)."""
        size = Size(0, self.line_count)
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)

    def _bottom_hit(self) -> int:
        """The hit at the bottom of the view (or just past it)."""
        return (round(self.scroll_y) + self.scrollable_content_region.height) // ROWS_PER_HIT

    def on_resize(self) -> None:
        super().on_resize()
        # Taller than the first page was cut for (the terminal grew): fill it.
        if self._bottom_hit() >= len(self._items):
            self._want_more()

    def _want_more(self) -> None:
        loaded = len(self._items)
        if loaded >= self.total or self._asked_at == loaded:
            return
        if max(self.cursor, self._bottom_hit()) + AHEAD >= loaded:
            self._asked_at = loaded
            self.post_message(self.NeedMore(self, loaded))

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._items) - 1))

    def watch_cursor(self) -> None:
        self._cache.clear()
        top = self.cursor * ROWS_PER_HIT
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif top + ROWS_PER_HIT > self.scroll_y + height:
            self.scroll_to(y=top + ROWS_PER_HIT - height, animate=False)
        self.refresh()
        self._want_more()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._want_more()  # the wheel or the scrollbar may get there before the cursor

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_first(self) -> None:
        self._to_end = False
        self.cursor = 0

    def action_last(self) -> None:
        """The last result, fetching the pages before it on the way."""
        self._to_end = len(self._items) < self.total
        self._go_last()

    def _go_last(self) -> None:
        to_end = self._to_end
        self.cursor = len(self._items) - 1
        self._to_end = to_end and len(self._items) < self.total
        self._want_more()

    def action_cursor_up(self) -> None:
        self._to_end = False
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height // ROWS_PER_HIT)

    def action_page_up(self) -> None:
        self._to_end = False
        self.cursor -= max(1, self.scrollable_content_region.height // ROWS_PER_HIT)

    def action_select(self) -> None:
        if (item := self.highlighted) is not None:
            self.post_message(self.Selected(self, item))

    def action_mark_read(self) -> None:
        self.post_message(self.MarkResultsRead(self))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + round(self.scroll_y)) // ROWS_PER_HIT
        if 0 <= index < len(self._items):
            self.cursor = index
            self.action_select()

    @property
    def line_count(self) -> int:
        return min(self.total, max(len(self._items), self._room)) * ROWS_PER_HIT

    def render_row(self, line: int, width: int) -> Strip:
        index, part = divmod(line, ROWS_PER_HIT)
        if part == 2 or index >= len(self._items):  # the gap, or a hit still on its way
            return Strip.blank(width, self._base)
        key = (line, width, index == self.cursor)
        if (strip := self._cache.get(key)) is None:
            strip = self._render_part(self._items[index], part, width, index == self.cursor)
            self._cache[key] = strip
        return strip

    def _render_part(self, item: Hit, part: int, width: int, is_cursor: bool) -> Strip:
        match = self.get_component_rich_style("result-list--match")
        if part == 0:
            line = _Line(" ")
            line.append(item.section, self.get_component_rich_style("result-list--section"))
            line.append("  ")
            offset = line.length
            line.append(item.title, BOLD)
            for start, end in item.title_spans:
                line.stylize(match, start + offset, end + offset)
        else:
            snippet, spans = _bring_match_into_view(item.snippet, item.snippet_spans, width - 3)
            muted = self.get_component_rich_style("result-list--snippet")
            line = _Line("   ", muted)
            line.append(snippet, muted)
            for start, end in spans:
                line.stylize(match, start + 3, end + 3)
        cursor = self.get_component_rich_style("result-list--cursor") if is_cursor else None
        segments = Segment.apply_style(line.segments(width, cursor), self._base)
        return Strip(segments, width).crop_extend(0, width, self._base)


class _Line:
    """One line of a result, drawn as Rich's `Text` draws it (no wrap, cut to
    the width with an ellipsis or padded, the cursor's style over it all): the
    same segments, so the same screen, without the machinery `Text` carries for
    wrapping, justifying and joining. Drawn with `Text`, the 26 lines of a
    screen of results were most of the frame that showed a search's answer."""

    def __init__(self, text: str, style: Style | None = None) -> None:
        self.plain = strip_control_codes(text)
        self.style = style
        self.spans: list[tuple[int, int, Style]] = []  # in the order added, as Text's

    @property
    def length(self) -> int:
        return len(self.plain)

    def append(self, text: str, style: Style | None = None) -> None:
        clean = strip_control_codes(text)
        if text and style:  # as Text: a span even when nothing is left of the text
            self.spans.append((len(self.plain), len(self.plain) + len(clean), style))
        self.plain += clean

    def stylize(self, style: Style, start: int, end: int) -> None:
        length = len(self.plain)
        if style and start < length and end > start:
            self.spans.append((start, min(length, end), style))

    def segments(self, width: int, cursor: Style | None) -> list[Segment]:
        plain, spans = self.plain, self.spans
        one_cell = _ONE_CELL.issuperset(plain)
        cells = len(plain) if one_cell else cell_len(plain)
        if cells > width:  # as Text.truncate(width, overflow="ellipsis")
            cut = plain[: width - 1] if one_cell else set_cell_size(plain, width - 1)
            plain = strip_control_codes(cut + ELLIPSIS)
            end = len(plain)
            spans = [(a, min(b, end), style) for a, b, style in spans if a < end]
        elif cells < width:  # and pad=True
            plain += " " * (width - cells)
        if cursor:
            spans = [*spans, (0, len(plain), cursor)]
        if not spans:
            return [Segment(plain)]  # as Text.render: not even its own style
        # As Text.render: a segment between each two edges of spans, in the
        # line's style and then each span's over it, in the order they came.
        edges = sorted({0, len(plain), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
        base = self.style or Style.null()
        return [
            Segment(plain[a:b], Style.combine([base, *(s for x, y, s in spans if x <= a < y)]))
            for a, b in pairwise(edges)
            if b > a
        ]


def _bring_match_into_view(
    snippet: str, spans: Sequence[tuple[int, int]], width: int
) -> tuple[str, Sequence[tuple[int, int]]]:
    """The snippet cut from the left (after an ellipsis) when its first match
    would end past `width` cells, keeping up to a third of the width before
    it, from the start of a word ("…rted, and" read as a typo)."""
    if not spans or _cells(snippet[: spans[0][1]]) <= width - 1:
        return snippet, spans
    first = spans[0][0]
    start = first
    while start > 0 and _cells(snippet[start - 1 : first]) <= width // 3:
        start -= 1
    if start > 0 and not snippet[start - 1].isspace():
        space = snippet.find(" ", start, first)
        start = space + 1 if space != -1 else start
    shift = start - 1  # the ellipsis takes the place of what is cut
    return ELLIPSIS + snippet[start:], [(a - shift, b - shift) for a, b in spans if a >= start]


def _cells(text: str) -> int:
    """`rich.cells.cell_len`, at once for text of one-cell characters."""
    return len(text) if _ONE_CELL.issuperset(text) else cell_len(text)
