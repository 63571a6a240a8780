"""How one row of the sidebar looks: a story (open marker, star, title in its
read or keyword colours, date or keyword hits, "missing"), a section's header
with its counts, or the note above the list.

Apart from the widget (`article_list`), which decides *which* rows to draw and
when: what a row looks like changes for reasons of its own (a badge that a
long title must never hide, counts that stay legible in both themes), and it
depends only on what is passed in here, which is also what the widget keys
its cache of drawn rows on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from reader.highlight import Highlighter
from reader.tui.widgets.sidebar_rows import Look, Row


def short_date(published: str, year: int) -> str:
    """A story's date in six columns: "28 May" this year, the year before it."""
    try:
        when = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return f"{when.day} {when:%b}" if when.year == year else str(when.year)


class RowStyles(NamedTuple):
    """The list's own style and its component classes (see `ArticleList`) as
    one paint has them: read once a paint, since each lookup walks the DOM."""

    base: Style
    section: Style
    cursor: Style
    open: Style
    read: Style
    missing: Style
    hits: Style

    @classmethod
    def of(cls, widget: Widget) -> RowStyles:
        style = widget.get_component_rich_style
        return cls(
            widget.rich_style,
            style("article-list--section"),
            style("article-list--cursor"),
            style("article-list--open"),
            style("article-list--read"),
            style("article-list--missing"),
            style("article-list--hits"),
        )

    def key(self, is_cursor: bool) -> tuple[Style, ...]:
        """The styles a row is drawn in, for the key of a drawn row. Only the
        cursor's row is drawn in the cursor's style, the one style that a
        focus change changes: so moving the focus draws that row again, not
        every row on screen."""
        base = (self.base, self.section, self.open, self.read, self.missing, self.hits)
        return (*base, self.cursor) if is_cursor else base


@dataclass(frozen=True, slots=True)
class RowPainter:
    """Rows as one line of Rich text each, `width` cells wide."""

    styles: RowStyles
    highlighter: Highlighter | None
    year: int  # dates of this year show day and month, older ones the year

    def row(self, row: Row, look: Look) -> Text:
        """The row as its look says (see `Look`)."""
        if row.note:
            return self.note(row, look.width)
        if row.article is None:
            return self.header(row, look.width, look.unread, look.total, look.is_cursor)
        return self.story(
            row,
            look.width,
            is_cursor=look.is_cursor,
            is_open=look.is_open,
            read=look.read,
            bookmarked=look.bookmarked,
            hits=look.hits,
            hidden=look.hidden,
        )

    def note(self, row: Row, width: int) -> Text:
        text = Text(row.section, style=self.styles.read)
        text.truncate(width, overflow="ellipsis", pad=True)
        return text

    def header(self, row: Row, width: int, unread: int, total: int, is_cursor: bool) -> Text:
        styles = self.styles
        count = Text(" ")
        if unread and (row.saved or not row.pinned):  # "3/5": three of five unread
            count.append(str(unread), style=Style(bold=True))
            count.append("/")
        # Muted as read titles are (a `dim` primary fell under 4.5:1 on the sidebar).
        count.append(str(total), style=styles.read)
        name = f"▸ {row.section}" if row.folded else row.section
        text = Text(name, style=styles.section, no_wrap=True, overflow="ellipsis")
        text.truncate(max(1, width - count.cell_len - 1), overflow="ellipsis")
        text.pad_right(width - text.cell_len - count.cell_len)
        text.append_text(count)
        if is_cursor and row.folded:
            text.stylize(styles.cursor)
        return text

    def story(
        self,
        row: Row,
        width: int,
        *,
        is_cursor: bool,
        is_open: bool,
        read: bool,
        bookmarked: bool,
        hits: int,
        hidden: bool = False,
    ) -> Text:
        assert row.article is not None
        styles = self.styles
        article = row.article
        marker = "▌" if is_open else " "  # not ▸, which marks a folded section
        # A hidden story listed by `H` says so where a bookmark's star goes.
        star = "★" if bookmarked else "⊘" if hidden else " "
        text = Text(f"{marker}{star} ", no_wrap=True, overflow="ellipsis")
        text.append(article.title)
        if row.missing:
            text.stylize(styles.missing, 3)
        elif read:
            text.stylize(styles.read, 3)
        if is_open:
            text.stylize(styles.open)
        if self.highlighter is not None:
            for start, end, rule in self.highlighter.styled(article.title):
                text.stylize(rule, start + 3, end + 3)
        badge = Text()
        if hits:  # "12×": a count of something, beside the date rather than in its place
            badge.append(f" {hits}×", style=styles.hits)
        if when := short_date(article.published, self.year):
            badge.append(f" {when:>6}")
        if row.missing:  # after the cut, so a long title never hides it
            badge.append(" missing", style=styles.missing)
        text.truncate(max(1, width - badge.cell_len), overflow="ellipsis", pad=True)
        text.append_text(badge)
        if is_cursor:
            text.stylize(styles.cursor)
        return text
