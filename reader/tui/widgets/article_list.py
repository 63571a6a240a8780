"""The sidebar: sections and their stories, drawn only where they are on screen.

Built on Textual's Line API (`ScrollView` + `render_line`), so a library of
100,000 stories costs no more to draw than four: each call renders one visible
row, and rendered rows are cached until the list, the cursor or the styles
change.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.highlight import Highlighter
from reader.model import Entry

BOOKMARKS = "Bookmarks"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the sidebar: a section header (article is None) or a story.

    `pinned` rows belong to the Bookmarks section at the top, or to a saved
    search below it (`saved`), which repeat stories that also stand in their
    own section. A `note` row says something about the list (how many stories
    are hidden) above everything else."""

    section: str
    article: Entry | None = None
    pinned: bool = False
    missing: bool = False  # a bookmark whose story is no longer in any source
    folded: bool = False  # a section header whose stories are hidden
    saved: bool = False  # a saved search's header or story
    note: bool = False


Locate = Callable[[str], "tuple[int, int] | None"]


class RowIndex(Sequence[Row]):
    """Bookmarks first (newest first, as given), then the saved searches, then
    the sections in order, each a header and its stories, addressed by row
    number without building them: a section's stories may be a list or a
    library listing read a page at a time, so 100,000 stories cost a handful
    of numbers here. A `note` comes first of all, on a row of its own."""

    def __init__(
        self,
        sections: Sequence[tuple[str, Sequence[Entry]]],
        pinned: Sequence[Entry] = (),
        missing: frozenset[str] = frozenset(),
        locate: Locate | None = None,
        folded: frozenset[tuple[str, bool]] = frozenset(),
        saved: Sequence[tuple[str, Sequence[Entry]]] = (),
        note: str = "",
    ) -> None:
        groups: list[tuple[str, Sequence[Entry], bool]] = []
        if pinned:
            groups.append((BOOKMARKS, pinned, True))
        groups.extend((name, items, True) for name, items in saved)
        self.saved = frozenset(name for name, _ in saved)
        groups.extend((name, items, False) for name, items in sections if len(items))
        self.groups = groups
        self.missing = missing
        self.note = note
        self.folded = folded  # (name, pinned) of sections shown by their header alone
        self.starts: list[int] = []
        total = 1 if note else 0
        for name, items, pinned_group in groups:
            self.starts.append(total)
            total += 1 + (0 if (name, pinned_group) in folded else len(items))
        self._len = total
        self._section_offset = (1 if pinned else 0) + len(saved)
        self._locate = locate

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        if self.note and index == 0:
            return Row(self.note, note=True)
        group = bisect_right(self.starts, index) - 1
        name, items, pinned = self.groups[group]
        saved = pinned and name in self.saved and (group > 0 or name != BOOKMARKS)
        offset = index - self.starts[group]
        if offset == 0:
            return Row(name, None, pinned, folded=(name, pinned) in self.folded, saved=saved)
        entry = items[offset - 1]
        missing = pinned and not saved and entry.id in self.missing
        return Row(name, entry, pinned, missing=missing, saved=saved)

    def find(self, article_id: str, pinned: bool) -> int | None:
        """The row of a story, in the Bookmarks section or in its own."""
        if pinned:
            if not self.groups or self.groups[0][:1] != (BOOKMARKS,) or not self.groups[0][2]:
                return None
            for place, entry in enumerate(self.groups[0][1]):
                if entry.id == article_id:
                    return 0 if (BOOKMARKS, True) in self.folded else 1 + place
            return None
        if self._locate is None or (where := self._locate(article_id)) is None:
            return None
        section, place = where
        group = section + self._section_offset
        if group >= len(self.groups):
            return None
        name, _, pinned_group = self.groups[group]
        if (name, pinned_group) in self.folded:
            return self.starts[group]  # in a folded section: its header
        return self.starts[group] + 1 + place

    def group_of(self, index: int) -> int:
        """The number of the section (group) that row `index` belongs to (-1
        for the note above them all)."""
        return bisect_right(self.starts, index) - 1

    def totals(self) -> dict[tuple[str, bool], int]:
        return {(name, pinned): len(items) for name, items, pinned in self.groups}


def short_date(published: str, year: int) -> str:
    """A story's date in six columns: "28 May" this year, the year before it."""
    try:
        when = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return f"{when.day} {when:%b}" if when.year == year else str(when.year)


def memory_locate(sections: Sequence[tuple[str, Sequence[Entry]]]) -> Locate:
    where = {
        entry.id: (number, place)
        for number, (_, items) in enumerate(sections)
        for place, entry in enumerate(items)
    }
    return where.get


class ArticleList(ScrollView, can_focus=True):
    """Sections with their stories; the cursor moves over stories only.

    Read stories are dimmed, bookmarked ones carry a star, and each section
    header counts its unread stories. The screen tells the list what is read
    and bookmarked (`set_marks`); the list never touches the stores itself.

    Component classes: `article-list--section`, `article-list--cursor`,
    `article-list--open` (the story shown in the reading pane),
    `article-list--read`, `article-list--missing`.
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
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._base = Style()
        self._highlighter: Highlighter | None = None
        self._hits: dict[str, int] = {}
        self._year = date.today().year
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
        self.set_pinned(self._pinned(), self._rows.missing)

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
            index = self._find_in_group(current.id, (here.section, True))
        if index is None and current is not None:
            index = self._rows.find(current.id, pinned=False)
        kept = index is not None  # the cursor's story is still there
        if index is None and here is not None and here.article is None:  # a folded header
            index = next(
                (self._rows.starts[g] for g, (name, _, p) in enumerate(self._rows.groups)
                 if (name, p) == (here.section, here.pinned)),
                None,
            )  # fmt: skip
        if index is None:  # its story is no longer listed: the row nearest where it was
            near = min(self.cursor, len(self._rows))
            index = self._next_story(near - 1, 1)
            if index is None:
                index = self._next_story(near, -1)
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

    def _pinned(self) -> Sequence[Entry]:
        groups = self._rows.groups
        return groups[0][1] if groups and groups[0][2] and groups[0][0] == BOOKMARKS else ()

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
        self.set_pinned(self._pinned(), self._rows.missing)

    def set_saved_unread(self, unread: Mapping[str, int]) -> None:
        """The saved searches' unread counts changed (stories read): redraw."""
        self._saved_unread = unread
        self.refresh()

    def _find_in_group(self, article_id: str, key: tuple[str, bool]) -> int | None:
        """The row of a story in one group, by the group's own `position` when
        it has one (a saved search), else by looking through it."""
        for group, (name, items, pinned) in enumerate(self._rows.groups):
            if (name, pinned) != key:
                continue
            position = getattr(items, "position", None)
            place = (
                position(article_id)
                if callable(position)
                else next((n for n, e in enumerate(items) if e.id == article_id), None)
            )
            if place is None:
                return None
            start = self._rows.starts[group]
            return start if key in self._rows.folded else start + 1 + place
        return None

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

    def section_at(self, index: int) -> tuple[str, Sequence[Entry], int] | None:
        """The section row `index` is in: its name, its stories, and the row's
        place among them (-1 for its header)."""
        if not 0 <= index < len(self._rows) or (group := self._rows.group_of(index)) < 0:
            return None
        name, items, _ = self._rows.groups[group]
        return name, items, index - self._rows.starts[group] - 1

    def step_from(self, article_id: str | None, step: int) -> Entry | None:
        """The story `step` rows after `article_id` in sidebar order (from the
        cursor's copy of it when it stands in two places), for ] and [."""
        here = self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None
        if here is not None and here.article is not None and here.article.id == article_id:
            start = self.cursor
        elif article_id is not None and (found := self.index_of(article_id)) is not None:
            start = found
        else:
            start = -1 if step > 0 else len(self._rows)
        index = self._next_story(start, step)
        if index is None:
            return None
        self.cursor = index
        return self._rows[index].article

    def index_of(self, article_id: str) -> int | None:
        """The story's row: its own section's row, else its bookmark row."""
        found = self._rows.find(article_id, pinned=False)
        return found if found is not None else self._rows.find(article_id, pinned=True)

    def highlight(self, article_id: str) -> None:
        """Put the cursor on the story, staying in the Bookmarks section when the
        cursor is already there and the story is one of them."""
        here = self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None
        if here is not None and here.article is not None and here.article.id == article_id:
            return  # there already (in a saved search, say): the cursor stays
        index = None
        if here is not None and here.saved:
            index = self._find_in_group(article_id, (here.section, True))
        if index is None and here is not None and here.pinned and not here.saved:
            index = self._rows.find(article_id, pinned=True)
        if index is None:
            index = self.index_of(article_id)
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
        if self._pinned():
            self.cursor = self._rows.starts[0] + 1
            self.scroll_to(y=0, animate=False)
            return True
        return False

    # -- cursor -----------------------------------------------------------------

    def _next_story(self, start: int, step: int) -> int | None:
        """The next row the cursor can rest on: a story, or a folded section's
        header (where Z unfolds it)."""
        index = start + step
        while 0 <= index < len(self._rows):
            row = self._rows[index]
            if row.article is not None or row.folded:
                return index
            index += step
        return None

    def validate_cursor(self, value: int) -> int:
        if not self._rows:
            return 0
        value = max(0, min(value, len(self._rows) - 1))
        row = self._rows[value]
        if row.article is None and not row.folded:  # a header: step onto its first story
            found = self._next_story(value, 1)
            if found is None:
                found = self._next_story(value, -1)
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
        self._cache.clear()
        self._scroll_cursor_visible()

    def on_focus(self) -> None:
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
        first = self._next_story(starts[group] - 1, 1) if starts else None
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
        self._rows = self._make_rows(self._pinned(), self._rows.missing)
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

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base = self.rich_style  # once a paint, not once a line: it walks the DOM
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_y)
        width = self.scrollable_content_region.width
        base = self._base
        if not 0 <= index < len(self._rows) or width <= 0:
            return Strip.blank(width, base)
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
            strip = self._render_row(row, width, base, is_cursor, is_open)
            self._cache[key] = strip
        return strip

    def _render_row(
        self, row: Row, width: int, base: Style, is_cursor: bool, is_open: bool
    ) -> Strip:
        if row.note:
            text = Text(row.section, style=self.get_component_rich_style("article-list--read"))
            text.truncate(width, overflow="ellipsis", pad=True)
        elif row.article is None:
            style = self.get_component_rich_style("article-list--section")
            unread, total = self._counts(row.section, row.pinned)
            count = Text(" ")
            if unread and (row.saved or not row.pinned):  # "3/5": three of five unread
                count.append(str(unread), style=Style(bold=True))
                count.append("/")
            # Muted as read titles are (a `dim` primary fell under 4.5:1 on the sidebar).
            count.append(str(total), style=self.get_component_rich_style("article-list--read"))
            name = f"▸ {row.section}" if row.folded else row.section
            text = Text(name, style=style, no_wrap=True, overflow="ellipsis")
            text.truncate(max(1, width - count.cell_len - 1), overflow="ellipsis")
            text.pad_right(width - text.cell_len - count.cell_len)
            text.append_text(count)
            if is_cursor and row.folded:
                text.stylize(self.get_component_rich_style("article-list--cursor"))
        else:
            article = row.article
            marker = "▸" if is_open else " "
            star = "★" if article.id in self._bookmarked else " "
            text = Text(f"{marker}{star} ", no_wrap=True, overflow="ellipsis")
            text.append(article.title)
            if row.missing:
                text.stylize(self.get_component_rich_style("article-list--missing"), 3)
            elif article.id in self._read:
                text.stylize(self.get_component_rich_style("article-list--read"), 3)
            if is_open:
                text.stylize(self.get_component_rich_style("article-list--open"))
            if self._highlighter is not None:
                for start, end, rule in self._highlighter.styled(article.title):
                    text.stylize(rule, start + 3, end + 3)
            hits = self._hits.get(article.id, 0)
            badge = Text()
            if when := short_date(article.published, self._year):
                badge.append(f" {when:>6}")
            if hits:
                badge = Text(f" {hits}", style=self.get_component_rich_style("article-list--hits"))
            if row.missing:  # after the cut, so a long title never hides it
                badge.append(
                    " missing", style=self.get_component_rich_style("article-list--missing")
                )
            text.truncate(max(1, width - badge.cell_len), overflow="ellipsis", pad=True)
            text.append_text(badge)
            if is_cursor:
                text.stylize(self.get_component_rich_style("article-list--cursor"))
        segments = list(text.render(self.app.console))
        segments = [s for s in segments if s.text != "\n"]
        return Strip(Segment.apply_style(segments, base), width).crop_extend(0, width, base)
