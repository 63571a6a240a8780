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

from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip

from reader.highlight import Highlighter
from reader.model import Entry
from reader.tui.widgets.from_widget import FromWidget
from reader.tui.widgets.line_view import LineView, cursor_bindings
from reader.tui.widgets.sidebar_paint import RowPainter, RowStyles, short_date
from reader.tui.widgets.sidebar_rows import (
    BOOKMARKS,
    Locate,
    Look,
    Marks,
    Row,
    RowIndex,
    memory_locate,
)

__all__ = [
    "BOOKMARKS",
    "ArticleList",
    "Locate",
    "Row",
    "RowIndex",
    "memory_locate",
    "short_date",
]

DRAWN_KEPT = 1024  # rows whose drawn key is remembered, for `_refresh_changed`
FOLLOW_ROWS = 500  # rows looked through for the story after one that left the list


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
        *cursor_bindings("sidebar", "story", "Open"),
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

    CACHE_KEYED_BY_STYLE = True  # see `render_row`

    # Not `repaint`: a reactive's own repaint draws every row on screen; the
    # watchers draw the rows that change (`refresh_line`, `_refresh_changed`).
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)
    open_id: reactive[str] = reactive("", init=False, repaint=False)
    # Stories in each section newest first, or in the order their feed gave.
    newest_first: reactive[bool] = reactive(True, init=False)

    class Highlighted(FromWidget["ArticleList"]):
        """The cursor moved to another story."""

        def __init__(self, article_list: ArticleList, article: Entry) -> None:
            super().__init__(article_list)
            self.article = article

    class Selected(Highlighted):
        """The person chose a story to read (Enter, l, →, or a click)."""

    class OrderChanged(FromWidget["ArticleList"]):
        """O: list each section newest first, or in feed order (the screen asks
        the catalog for the sections in that order and calls `set_sections`)."""

        def __init__(self, article_list: ArticleList, newest_first: bool) -> None:
            super().__init__(article_list)
            self.newest_first = newest_first

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
        self._marks = Marks(totals=totals)
        self._rows = RowIndex(())
        self._painter: RowPainter | None = None  # made at the start of each paint
        self._drawn: dict[int, Look] = {}  # row -> how it looked when last drawn
        self._year = date.today().year
        self._highlighter: Highlighter | None = None
        self._folded: set[tuple[str, bool]] = set()
        # Saved searches (below the bookmarks), their unread counts, and a note
        # above the list ("3 hidden"); see `set_saved`.
        self._saved: Sequence[tuple[str, Sequence[Entry]]] = ()
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
        self._marks.totals = totals
        self.set_pinned(self._rows.pinned, self._rows.missing)

    def set_pinned(self, pinned: Sequence[Entry], missing: frozenset[str] = frozenset()) -> None:
        """Show these bookmarks above the sections, keeping the cursor on the
        same story when it is still there."""
        current = self.highlighted
        here = self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None
        # Where the cursor's row stands on the screen: it stays there when
        # stories arrive above it (a refresh), so nothing under the eye moves.
        height = round(self.cursor - self.scroll_y)
        before = self._rows
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
        if index is None and here is not None and here.pinned and here.article is not None:
            index = self._rows.find(here.article.id, pinned=True)  # a missing story's bookmark
        if index is None and here is not None and here.article is not None:
            index = self._after(before, self.cursor)
        if index is None:  # nothing after it is listed: the row nearest where it was
            near = min(self.cursor, len(self._rows))
            index = self._rows.next_story(near - 1, 1)
            if index is None:
                index = self._rows.next_story(near, -1)
        self.set_reactive(ArticleList.cursor, index if index is not None else 0)
        if kept and index is not None and index - height != round(self.scroll_y):
            self.scroll_to(y=max(0, index - height), animate=False)
        self._cache.clear()
        self.refresh()

    def _after(self, before: RowIndex, start: int) -> int | None:
        """Where the first story listed after row `start` of the rows `before`
        stands now, if it is still listed. When the cursor's story leaves the
        list (marked read in the unread-only view, hidden by a rule), the cursor
        goes on to the story that followed it, in reading order: the same line
        of the screen held a story further down, or one in the next section,
        and the next `A` marked that section read. Looks `FOLLOW_ROWS` ahead."""
        for index in range(start + 1, min(start + 1 + FOLLOW_ROWS, len(before))):
            row = before[index]
            if row.article is None:
                continue
            if row.saved:
                found = self._rows.find_in_group(row.article.id, (row.section, True))
            else:
                found = self._rows.find(row.article.id, pinned=row.pinned)
            if found is not None:
                return found
        return None

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
        totals: Mapping[str, int] | None = None,
    ) -> None:
        """Saved searches to list below the bookmarks, each with its unread
        count, and a note for the top row ("" for none). `totals` is each one's
        number of stories when `saved` lists only some (unread only). A saved
        search first seen is folded to its header: Enter (or Z) opens it."""
        for name, _ in saved:
            if name not in self._saved_seen:
                self._saved_seen.add(name)
                self._folded.add((name, True))
        self._saved = saved
        self._marks.saved_unread = unread
        self._marks.saved_totals = totals or {}
        self._note = note
        self.set_pinned(self._rows.pinned, self._rows.missing)

    def set_saved_unread(self, unread: Mapping[str, int]) -> None:
        """The saved searches' unread counts changed (stories read): redraw."""
        self._marks.saved_unread = unread
        self._refresh_changed()

    def set_marks(self, read: set[str], bookmarked: set[str], read_counts: dict[str, int]) -> None:
        """What is read and bookmarked changed, with how many stories each
        section has read, by casefolded name (for its unread count): redraw."""
        self._marks.read = read
        self._marks.bookmarked = bookmarked
        self._marks.read_counts = read_counts
        self._refresh_changed()

    def set_keywords(self, highlighter: Highlighter | None) -> None:
        """Followed keywords: coloured in titles; hit counts follow with `set_hits`."""
        self._highlighter = highlighter
        self._marks.hits = {}
        self._cache.clear()
        self.refresh()

    def set_hidden(self, hidden: frozenset[str]) -> None:
        """The hidden stories listed (`H` shows them): marked ⊘; none when hidden."""
        self._marks.hidden = hidden
        self._refresh_changed()

    def set_hits(self, hits: dict[str, int]) -> None:
        """How many keyword matches each story has, shown beside its title."""
        self._marks.hits = hits
        self._refresh_changed()

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
        count, read = len(self._rows), self._marks.read
        for step in range(1, count + 1):
            row = self._rows[(self.cursor + step) % count]
            if row.article is not None and not row.pinned and row.article.id not in read:
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
        self._scroll_cursor_visible()  # a scroll draws every row; else these two
        self.refresh_line(old)
        self.refresh_line(new)
        if (article := self.highlighted) is not None and old != new:
            self.post_message(self.Highlighted(self, article))

    def watch_open_id(self) -> None:
        self._refresh_changed()

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
        self._painter = self._new_painter()
        return super().render_lines(crop)

    def _new_painter(self) -> RowPainter:
        return RowPainter(RowStyles.of(self), self._highlighter, self._year)

    def render_row(self, index: int, width: int) -> Strip:
        look = self._look(index, width)
        if len(self._drawn) > DRAWN_KEPT:
            self._drawn.clear()  # rows long scrolled away; those on screen are drawn again
        self._drawn[index] = look
        if (strip := self._cache.get(look)) is None:
            painter = self._painter or self._new_painter()
            strip = self.text_strip(painter.row(self._rows[index], look), width)
            self._cache[look] = strip
        return strip

    def _look(self, index: int, width: int) -> Look:
        styles = (self._painter or self._new_painter()).styles.key
        return self._marks.look(
            self._rows, index, width, cursor=self.cursor, open_id=self.open_id, styles=styles
        )

    def _refresh_changed(self) -> None:
        """Draw again only the rows on screen that would look different now
        (see `Look`), as Textual's own lists do with `refresh_line`: marking a
        story read redraws its row and its section's header, not 39 rows."""
        height = self.scrollable_content_region.height
        if self._painter is None or height <= 0:
            self.refresh()
            return
        width = self.scrollable_content_region.width
        top = round(self.scroll_y)
        for index in range(top, min(top + height, len(self._rows))):
            if self._drawn.get(index) != self._look(index, width):
                self.refresh_line(index)
