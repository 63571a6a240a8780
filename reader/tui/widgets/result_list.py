"""Search results, drawn only where they are on screen.

Each hit takes three lines (section and title, the snippet, a gap), so the
list's height is fixed by the number of hits and a page of 9,000 results costs
no more to draw than a page of ten. Match spans arrive as offsets and are
styled, never parsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

ROWS_PER_HIT = 3


@dataclass(frozen=True, slots=True)
class ResultItem:
    """What the list shows of one hit; offsets are into `title` and `snippet`."""

    article_id: str
    section: str
    title: str
    snippet: str
    title_spans: tuple[tuple[int, int], ...] = ()
    snippet_spans: tuple[tuple[int, int], ...] = ()


class ResultList(ScrollView, can_focus=True):
    """Search hits; the cursor picks one, Enter (or a click) opens it.

    Component classes: `result-list--cursor`, `result-list--match`,
    `result-list--section`, `result-list--snippet`.
    """

    BINDINGS = [
        Binding("down,j", "cursor_down", "Next result", id="results.down"),
        Binding("up,k", "cursor_up", "Previous result", id="results.up"),
        Binding("enter,l,right", "select", "Open result", id="results.open"),
        Binding("pagedown", "page_down", "Page down", show=False, id="results.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="results.page_up"),
    ]

    COMPONENT_CLASSES = {
        "result-list--cursor",
        "result-list--match",
        "result-list--section",
        "result-list--snippet",
    }

    cursor: reactive[int] = reactive(0, init=False)

    class Selected(Message):
        def __init__(self, result_list: ResultList, item: ResultItem) -> None:
            super().__init__()
            self.result_list = result_list
            self.item = item

        @property
        def control(self) -> ResultList:
            return self.result_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: list[ResultItem] = []
        self._cache: LRUCache[tuple[int, int, bool], Strip] = LRUCache(512)

    @property
    def items(self) -> list[ResultItem]:
        return self._items

    @property
    def highlighted(self) -> ResultItem | None:
        return self._items[self.cursor] if 0 <= self.cursor < len(self._items) else None

    def set_items(self, items: Sequence[ResultItem]) -> None:
        self._items = list(items)
        self._cache.clear()
        self.virtual_size = Size(0, len(self._items) * ROWS_PER_HIT)
        self.set_reactive(ResultList.cursor, 0)
        self.scroll_to(y=0, animate=False)
        self.refresh()

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

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self._cache.clear()

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height // ROWS_PER_HIT)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height // ROWS_PER_HIT)

    def action_select(self) -> None:
        if (item := self.highlighted) is not None:
            self.post_message(self.Selected(self, item))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + round(self.scroll_y)) // ROWS_PER_HIT
        if 0 <= index < len(self._items):
            self.cursor = index
            self.action_select()

    def render_line(self, y: int) -> Strip:
        line = y + round(self.scroll_y)
        index, part = divmod(line, ROWS_PER_HIT)
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < len(self._items) or width <= 0 or part == 2:
            return Strip.blank(width, base)
        key = (line, width, index == self.cursor)
        if (strip := self._cache.get(key)) is None:
            strip = self._render_part(self._items[index], part, width, index == self.cursor)
            self._cache[key] = strip
        return strip

    def _render_part(self, item: ResultItem, part: int, width: int, is_cursor: bool) -> Strip:
        match = self.get_component_rich_style("result-list--match")
        if part == 0:
            text = Text(" ")
            text.append(item.section, style=self.get_component_rich_style("result-list--section"))
            text.append("  ")
            offset = len(text.plain)
            text.append(item.title, style=Style(bold=True))
            for start, end in item.title_spans:
                text.stylize(match, start + offset, end + offset)
        else:
            text = Text("   ", style=self.get_component_rich_style("result-list--snippet"))
            text.append(item.snippet, style=self.get_component_rich_style("result-list--snippet"))
            for start, end in item.snippet_spans:
                text.stylize(match, start + 3, end + 3)
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis", pad=True)
        if is_cursor:
            text.stylize(self.get_component_rich_style("result-list--cursor"))
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        return (
            Strip(segments, width)
            .apply_style(self.rich_style)
            .crop_extend(0, width, self.rich_style)
        )
