"""The sidebar: sections and their stories, drawn only where they are on screen.

Built on Textual's Line API (`LineView`), so a library of 100,000 stories
costs no more to draw than four: each call renders one visible row, and
rendered rows are cached by what they show. This module is the widget: the
cursor, its keys and messages, and which rows to draw when. What stands on
each row is worked out in `sidebar_rows`, and how a row looks in
`sidebar_paint`; their names are imported here too, where callers find them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from reader.highlight import Highlighter
from reader.model import Entry
from reader.tui.widgets.line_view import LineView
from reader.tui.widgets.sidebar_paint import RowPainter, RowStyles, short_date
from reader.tui.widgets.sidebar_rows import BOOKMARKS, Locate, Row, RowIndex, memory_locate

__all__ = [
    "BOOKMARKS",
    "ArticleList",
    "Locate",
    "Row",
    "RowIndex",
    "memory_locate",
    "short_date",
]


class ArticleList(LineView, can_focus=True):
    """Sections with their stories; the cursor moves over stories only.

    Read stories are dimmed, bookmarked ones carry a star, and each section
    header counts its unread stories. The screen tells the list what is read
    and bookmarked (`set_marks`); the list never touches the stores itself.

    Component classes: `article-list--section`, `article-list--cursor`,
    `article-list--open` (the story shown in the reading pane),
    `article-list--read`, `article-list--missing`, `article-list--hits`.
    """

    BINDINGS = [
        Binding("down,j", "cursor_down", "Next story", show=False, id="sidebar.down"),
        Binding("up,k", "cursor_up", "Previous story", show=False, id="sidebar.up"),
        Binding("enter,l,right", "select", "Open", show=False, id="sidebar.open"),
        Binding("pagedown", "page_down", "Page down", show=False, id="sidebar.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="sidebar.page_up"),
        Binding("home,g", "first", "First story", show=False, id="sidebar.first"),
        Binding("end,G", "last", "Last story", show=False, id="sidebar.last"),
        Binding(
            "right_curly_bracket",
            "next_section",
            "Next section",
            show=False,
            key_display="}",
            id="sidebar.next_section",
        ),
        Binding(
            "left_curly_bracket",
            "previous_section",
            "Previous section",
            show=False,
            key_display="{",
            id="sidebar.previous_section",
        ),
        Binding("Z", "fold", "Fold/unfold section", show=False, id="sidebar.fold"),
        Binding("O", "toggle_order", "Newest first/feed order", show=False, id="sidebar.order"),
    ]

    COMPONENT_CLASSES = {
        "article-list--section",
        "article-list--cursor",
        "article-list--open",
        "article-list--read",
        "article-list--missing",
        "article-list--hits",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    open_id: reactive[str] = reactive("", init=False)
    # Stories in each section newest first, or in the order their feed gave.
    newest_first: reactive[bool] = reactive(True, init=False)

    class Highlighted(Message):
        """The cursor moved to another story."""

        def __init__(self, article_list: ArticleList, article: Entry) -> None:
            super().__init__()
            self.article_list = article_list
            self.article = article

        @property
        def control(self) -> ArticleList:
            return self.article_list

    class Selected(Highlighted):
        """The person chose a story to read (Enter, l, →, or a click)."""

    class OrderChanged(Message):
        """O: list each section newest first, or in feed order (the screen asks
        the catalog for the sections in that order and calls `set_sections`)."""

        def __init__(self, article_list: ArticleList, newest_first: bool) -> None:
            super().__init__()
            self.article_list = article_list
            self.newest_first = newest_first

        @property
        def control(self) -> ArticleList:
            return self.article_list

    def __init__(
        self,
        sections: Sequence[tuple[str, Sequence[Entry]]] = (),
        *,
        locate: Locate | None = None,
        totals: Mapping[str, int] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._sections = sections
        self._locate = locate or memory_locate(sections)
        self._totals = totals
        self._rows = RowIndex(())
        self._read: set[str] = set()
        self._bookmarked: set[str] = set()
        self._read_counts: dict[str, int] = {}
        self._painter: RowPainter | None = None  # made at the start of each paint
        self._year = date.today().year
        self._highlighter: Highlighter | None = None
        self._hits: dict[str, int] = {}
        self._folded: set[tuple[str, bool]] = set()
        # Saved searches (below the bookmarks), their unread counts, and a note
        # above the list ("3 hidden"); see `set_saved`.
        self._saved: Sequence[tuple[str, Sequence[Entry]]] = ()
        self._saved_unread: Mapping[str, int] = {}
        self._saved_seen: set[str] = set()
        self._note = ""
        self.set_pinned(())

    # -- data -------------------------------------------------------------------

    def set_sections(
        self,
        sections: Sequence[tuple[str, Sequence[Entry]]],
        locate: Locate | None = None,
        totals: Mapping[str, int] | None = None,
    ) -> None:
        """New stories arrived (a refresh), or only some are to be listed (the
        unread-only view): show the sections afresh, keeping the bookmarks above
        them and the cursor on its story. `totals` is each section's number of
        stories when `sections` lists only some of them, for its header."""
        self._sections = sections
        self._locate = locate or memory_locate(sections)
        self._totals = totals
        self.set_pinned(self._rows.pinned, self._rows.missing)

    def set_pinned(self, pinned: Sequence[Entry], missing: frozenset[str] = frozenset()) -> None:
        """Show these bookmarks above the sections, keeping the cursor on the
        same story when it is still there."""
        current = self.highlighted
        here = self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None
        # Where the cursor's row stands on the screen: it stays there when
        # stories arrive above it (a refresh), so nothing under the eye moves.
        height = round(self.cursor - self.scroll_y)
        self._rows = self._make_rows(pinned, missing)
        self.virtual_size = Size(0, len(self._rows))
        index = None
        if current is not None and here is not None and here.saved:  # stay in the saved search
            index = self._rows.find_in_group(current.id, (here.section, True))
        if index is None and current is not None:
            index = self._rows.find(current.id, pinned=False)
        kept = index is not None  # the cursor's story is still there
        if index is None and here is not None and here.article is None:  # a folded header
            index = self._rows.header_of((here.section, here.pinned))
        if index is None:  # its story is no longer listed: the row nearest where it was
            near = min(self.cursor, len(self._rows))
            index = self._rows.next_story(near - 1, 1)
            if index is None:
                index = self._rows.next_story(near, -1)
        self.set_reactive(ArticleList.cursor, index if index is not None else 0)
        if kept and index is not None and index - height != round(self.scroll_y):
            self.scroll_to(y=max(0, index - height), animate=False)
        self._cache.clear()
        self.refresh()

    def _make_rows(self, pinned: Sequence[Entry], missing: frozenset[str]) -> RowIndex:
        return RowIndex(
            self._sections,
            pinned,
            missing,
            self._locate,
            frozenset(self._folded),
            saved=self._saved,
            note=self._note,
        )

    def set_saved(
        self,
        saved: Sequence[tuple[str, Sequence[Entry]]],
        unread: Mapping[str, int],
        note: str = "",
    ) -> None:
        """Saved searches to list below the bookmarks, each with its unread
        count, and a note for the top row ("" for none). A saved search first
        seen is folded to its header: Enter (or Z) opens it."""
        for name, _ in saved:
            if name not in self._saved_seen:
                self._saved_seen.add(name)
                self._folded.add((name, True))
        self._saved = saved
        self._saved_unread = unread
        self._note = note
        self.set_pinned(self._rows.pinned, self._rows.missing)

    def set_saved_unread(self, unread: Mapping[str, int]) -> None:
        """The saved searches' unread counts changed (stories read): redraw."""
        self._saved_unread = unread
        self.refresh()

    def set_marks(self, read: set[str], bookmarked: set[str], read_counts: dict[str, int]) -> None:
        """What is read and bookmarked changed, with how many stories each
        section has read, by casefolded name (for its unread count): redraw."""
        self._read = read
        self._bookmarked = bookmarked
        self._read_counts = read_counts
        self.refresh()  # rows are cached by what they show of these: only changed ones redraw

    def set_keywords(self, highlighter: Highlighter | None) -> None:
        """Followed keywords: coloured in titles; hit counts follow with `set_hits`."""
        self._highlighter = highlighter
        self._hits = {}
        self._cache.clear()
        self.refresh()

    def set_hits(self, hits: dict[str, int]) -> None:
        """How many keyword matches each story has, shown beside its title."""
        self._hits = hits
        self.refresh()

    def _counts(self, section: str, pinned: bool) -> tuple[int, int]:
        """(unread, total) for a section header."""
        if pinned and section in self._rows.saved:
            total = self._rows.totals().get((section, pinned), 0)
            return self._saved_unread.get(section, 0), total
        if self._totals is not None and not pinned:
            total = self._totals.get(section, 0)
        else:
            total = self._rows.totals().get((section, pinned), 0)
        return max(0, total - self._read_counts.get(section.casefold(), 0)), total

    @property
    def rows(self) -> RowIndex:
        return self._rows

    @property
    def highlighted(self) -> Entry | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor].article
        return None

    def step_from(self, article_id: str | None, step: int) -> Entry | None:
        """The story `step` rows after `article_id` in sidebar order (from the
        cursor's copy of it when it stands in two places), for ] and [."""
        here = self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None
        if here is not None and here.article is not None and here.article.id == article_id:
            start = self.cursor
        elif article_id is not None and (found := self._rows.index_of(article_id)) is not None:
            start = found
        else:
            start = -1 if step > 0 else len(self._rows)
        index = self._rows.next_story(start, step)
        if index is None:
            return None
        self.cursor = index
        return self._rows[index].article

    def highlight(self, article_id: str) -> None:
        """Put the cursor on the story, staying in the Bookmarks section when the
        cursor is already there and the story is one of them."""
        here = self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None
        if here is not None and here.article is not None and here.article.id == article_id:
            return  # there already (in a saved search, say): the cursor stays
        index = None
        if here is not None and here.saved:
            index = self._rows.find_in_group(article_id, (here.section, True))
        if index is None and here is not None and here.pinned and not here.saved:
            index = self._rows.find(article_id, pinned=True)
        if index is None:
            index = self._rows.index_of(article_id)
        if index is not None:
            self.cursor = index

    def next_unread(self) -> Entry | None:
        """The first unread story after the cursor, wrapping round once."""
        count = len(self._rows)
        for step in range(1, count + 1):
            row = self._rows[(self.cursor + step) % count]
            if row.article is not None and not row.pinned and row.article.id not in self._read:
                return row.article
        return None

    def jump_to_bookmarks(self) -> bool:
        if self._rows.pinned:
            self.cursor = self._rows.starts[0] + 1
            self.scroll_to(y=0, animate=False)
            return True
        return False

    # -- cursor -----------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        if not self._rows:
            return 0
        value = max(0, min(value, len(self._rows) - 1))
        row = self._rows[value]
        if row.article is None and not row.folded:  # a header: step onto its first story
            found = self._rows.next_story(value, 1)
            if found is None:
                found = self._rows.next_story(value, -1)
            value = found if found is not None else value
        return value

    def watch_cursor(self, old: int, new: int) -> None:
        # Rows are cached by whether they hold the cursor: no need to forget them.
        self._scroll_cursor_visible()
        self.refresh()
        if (article := self.highlighted) is not None and old != new:
            self.post_message(self.Highlighted(self, article))

    def watch_open_id(self) -> None:
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
        self._scroll_cursor_visible()

    def on_focus(self) -> None:
        self.refresh()

    on_blur = on_focus

    # -- actions ----------------------------------------------------------------

    def action_cursor_down(self) -> None:
        found = self._rows.next_story(self.cursor, 1)
        if found is not None:
            self.cursor = found

    def action_cursor_up(self) -> None:
        found = self._rows.next_story(self.cursor, -1)
        if found is not None:
            self.cursor = found

    def action_page_down(self) -> None:
        self.cursor = self.cursor + max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        target = self.cursor - max(1, self.scrollable_content_region.height - 1)
        self.cursor = self._rows.next_story(max(-1, target - 1), 1) or 0

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        found = self._rows.next_story(len(self._rows), -1)
        if found is not None:
            self.cursor = found

    def action_select(self) -> None:
        if (article := self.highlighted) is not None:
            self.post_message(self.Selected(self, article))
        elif 0 <= self.cursor < len(self._rows) and self._rows[self.cursor].folded:
            self.action_fold()  # Enter on a folded section opens it

    def action_next_section(self) -> None:
        groups = self._rows.starts
        group = self._rows.group_of(self.cursor) + 1
        if group < len(groups):
            self.cursor = groups[group]  # onto its first story (or its folded header)

    def action_previous_section(self) -> None:
        starts = self._rows.starts
        group = self._rows.group_of(self.cursor)
        first = self._rows.next_story(starts[group] - 1, 1) if starts else None
        if first is not None and self.cursor > first:
            self.cursor = starts[group]  # back to the top of this section
        elif group > 0:
            self.cursor = starts[group - 1]

    def action_fold(self) -> None:
        """Fold the cursor's section to its header, or unfold a folded one."""
        if not 0 <= self.cursor < len(self._rows):
            return
        row = self._rows[self.cursor]
        if row.note:
            return
        key = (row.section, row.pinned)
        (self._folded.discard if key in self._folded else self._folded.add)(key)
        start = self._rows.starts[self._rows.group_of(self.cursor)]
        self._rows = self._make_rows(self._rows.pinned, self._rows.missing)
        self.virtual_size = Size(0, len(self._rows))
        self._cache.clear()
        self.cursor = start  # the header when folded, else its first story
        self.refresh()

    def action_toggle_order(self) -> None:
        self.newest_first = not self.newest_first

    def watch_newest_first(self, newest_first: bool) -> None:
        self.post_message(self.OrderChanged(self, newest_first))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_y)
        if 0 <= index < len(self._rows) and self._rows[index].article is not None:
            self.cursor = index
            self.action_select()

    # -- drawing ----------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self._rows)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._painter = RowPainter(RowStyles.of(self), self._highlighter, self._year)
        return super().render_lines(crop)

    def render_row(self, index: int, width: int) -> Strip:
        row = self._rows[index]
        is_cursor = index == self.cursor
        is_open = row.article is not None and row.article.id == self.open_id
        # Everything the row shows is in its key, so marking a story read or
        # moving the cursor redraws those rows only, not the whole list.
        if row.note:
            shown: tuple[object, ...] = (row.section,)
        elif row.article is None:
            shown = self._counts(row.section, row.pinned)
        else:
            article_id = row.article.id
            shown = (
                article_id in self._read,
                article_id in self._bookmarked,
                self._hits.get(article_id, 0),
            )
        key = (index, width, is_cursor, is_open, self.has_focus, shown)
        if (strip := self._cache.get(key)) is None:
            strip = self.text_strip(self._row_text(row, width, is_cursor, is_open), width)
            self._cache[key] = strip
        return strip

    def _row_text(self, row: Row, width: int, is_cursor: bool, is_open: bool) -> Text:
        painter = self._painter or RowPainter(RowStyles.of(self), self._highlighter, self._year)
        if row.note:
            return painter.note(row, width)
        if row.article is None:
            unread, total = self._counts(row.section, row.pinned)
            return painter.header(row, width, unread, total, is_cursor)
        article_id = row.article.id
        return painter.story(
            row,
            width,
            is_cursor=is_cursor,
            is_open=is_open,
            read=article_id in self._read,
            bookmarked=article_id in self._bookmarked,
            hits=self._hits.get(article_id, 0),
        )
