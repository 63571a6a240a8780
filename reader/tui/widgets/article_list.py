"""The sidebar: sections and their stories, drawn only where they are on screen.

Built on Textual's Line API (`ScrollView` + `render_line`), so a library of
100,000 stories costs no more to draw than four: each call renders one visible
row, and rendered rows are cached until the list, the cursor or the styles
change.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
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

from reader.model import Article


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the sidebar: a section header (article is None) or a story."""

    section: str
    article: Article | None = None
    count: int = 0


def build_rows(articles: list[Article]) -> list[Row]:
    """Sections in order of first appearance, each with its stories in reading order."""
    by_section: dict[str, list[Article]] = {}
    for article in articles:
        by_section.setdefault(article.section, []).append(article)
    rows: list[Row] = []
    for section, items in by_section.items():
        rows.append(Row(section, None, len(items)))
        rows.extend(Row(section, article) for article in items)
    return rows


class ArticleList(ScrollView, can_focus=True):
    """Sections with their stories; the cursor moves over stories only.

    Component classes: `article-list--section`, `article-list--cursor`,
    `article-list--open` (the story shown in the reading pane).
    """

    BINDINGS = [
        Binding("down,j", "cursor_down", "Next story", id="list.down"),
        Binding("up,k", "cursor_up", "Previous story", id="list.up"),
        Binding("enter,l,right", "select", "Open", id="list.open"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "first", "First story", show=False, id="list.first"),
        Binding("end,G", "last", "Last story", show=False, id="list.last"),
    ]

    COMPONENT_CLASSES = {
        "article-list--section",
        "article-list--cursor",
        "article-list--open",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    open_id: reactive[str] = reactive("", init=False)

    class Highlighted(Message):
        """The cursor moved to another story."""

        def __init__(self, article_list: ArticleList, article: Article) -> None:
            super().__init__()
            self.article_list = article_list
            self.article = article

        @property
        def control(self) -> ArticleList:
            return self.article_list

    class Selected(Highlighted):
        """The person chose a story to read (Enter, l, →, or a click)."""

    def __init__(self, articles: list[Article], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Row] = []
        self._cache: LRUCache[tuple[int, int, bool, bool, bool], Strip] = LRUCache(1024)
        self.set_articles(articles)

    # -- data -------------------------------------------------------------------

    def set_articles(self, articles: list[Article]) -> None:
        self._rows = build_rows(articles)
        self._cache.clear()
        self.virtual_size = Size(0, len(self._rows))
        first = self._next_story(-1, 1)
        self.set_reactive(ArticleList.cursor, first if first is not None else 0)
        self.refresh()

    @property
    def rows(self) -> list[Row]:
        return self._rows

    @property
    def highlighted(self) -> Article | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor].article
        return None

    def articles(self) -> list[Article]:
        """Stories in sidebar order, which is the order ] and [ walk."""
        return [row.article for row in self._rows if row.article is not None]

    def index_of(self, article_id: str) -> int | None:
        for index, row in enumerate(self._rows):
            if row.article is not None and row.article.id == article_id:
                return index
        return None

    def highlight(self, article_id: str) -> None:
        if (index := self.index_of(article_id)) is not None:
            self.cursor = index

    # -- cursor -----------------------------------------------------------------

    def _next_story(self, start: int, step: int) -> int | None:
        index = start + step
        while 0 <= index < len(self._rows):
            if self._rows[index].article is not None:
                return index
            index += step
        return None

    def validate_cursor(self, value: int) -> int:
        if not self._rows:
            return 0
        value = max(0, min(value, len(self._rows) - 1))
        if self._rows[value].article is None:  # a header: step onto its first story
            found = self._next_story(value, 1)
            if found is None:
                found = self._next_story(value, -1)
            value = found if found is not None else value
        return value

    def watch_cursor(self, old: int, new: int) -> None:
        self._cache.clear()
        self._scroll_cursor_visible()
        self.refresh()
        if (article := self.highlighted) is not None and old != new:
            self.post_message(self.Highlighted(self, article))

    def watch_open_id(self) -> None:
        self._cache.clear()
        self.refresh()

    def _scroll_cursor_visible(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = (
            self.cursor - 1
            if self.cursor > 0 and self._rows[self.cursor - 1].article is None
            else self.cursor
        )
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif self.cursor >= self.scroll_y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def on_resize(self) -> None:
        self._cache.clear()
        self._scroll_cursor_visible()

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    on_blur = on_focus

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    # -- actions ----------------------------------------------------------------

    def action_cursor_down(self) -> None:
        found = self._next_story(self.cursor, 1)
        if found is not None:
            self.cursor = found

    def action_cursor_up(self) -> None:
        found = self._next_story(self.cursor, -1)
        if found is not None:
            self.cursor = found

    def action_page_down(self) -> None:
        self.cursor = self.cursor + max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        target = self.cursor - max(1, self.scrollable_content_region.height - 1)
        self.cursor = self._next_story(max(-1, target - 1), 1) or 0

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        found = self._next_story(len(self._rows), -1)
        if found is not None:
            self.cursor = found

    def action_select(self) -> None:
        if (article := self.highlighted) is not None:
            self.post_message(self.Selected(self, article))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_y)
        if 0 <= index < len(self._rows) and self._rows[index].article is not None:
            self.cursor = index
            self.action_select()

    # -- drawing ----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_y)
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < len(self._rows) or width <= 0:
            return Strip.blank(width, base)
        row = self._rows[index]
        is_cursor = index == self.cursor
        is_open = row.article is not None and row.article.id == self.open_id
        key = (index, width, is_cursor, is_open, self.has_focus)
        if (strip := self._cache.get(key)) is None:
            strip = self._render_row(row, width, base, is_cursor, is_open)
            self._cache[key] = strip
        return strip

    def _render_row(
        self, row: Row, width: int, base: Style, is_cursor: bool, is_open: bool
    ) -> Strip:
        if row.article is None:
            style = self.get_component_rich_style("article-list--section")
            count = f" {row.count}"
            text = Text(row.section, style=style, no_wrap=True, overflow="ellipsis")
            text.truncate(max(1, width - len(count) - 1), overflow="ellipsis")
            text.pad_right(width - text.cell_len - len(count))
            text.append(count, style=Style(dim=True))
        else:
            marker = "▸ " if is_open else "  "
            text = Text(marker + row.article.title, no_wrap=True, overflow="ellipsis")
            if is_open:
                text.stylize(self.get_component_rich_style("article-list--open"))
            text.truncate(width, overflow="ellipsis", pad=True)
            if is_cursor:
                text.stylize(self.get_component_rich_style("article-list--cursor"))
        segments = list(text.render(self.app.console))
        segments = [s for s in segments if s.text != "\n"]
        return Strip(Segment.apply_style(segments, base), width).crop_extend(0, width, base)
