"""What the screen shows, read through Textual's public API.

Toasts are found by their widget's type name and read as they render (title,
then message), so a test sees what a person sees and nothing Textual keeps
behind it. What was said before (a toast gone by now) is recorded as the app
is told it (`Said`).
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.errors import NoWidget
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.strip import Strip
from textual.widget import Widget

from reader.tui.widgets.article_list import ArticleList


def toasts(app: App[Any]) -> list[str]:
    """The text of each toast on the screen now, title and message on their own lines."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


class Said:
    """Every notification the app raised, shown or already gone: a message hook
    for `run_test(message_hook=said)`, which sees each `Notify` the app gets."""

    def __init__(self) -> None:
        self.notes: list[Notification] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.notes.append(message.notification)

    def messages(self) -> list[str]:
        return [note.message for note in self.notes]

    def titled(self) -> list[tuple[str, str]]:
        """(title, message) of each."""
        return [(note.title, note.message) for note in self.notes]


def screen_lines(app: App[Any]) -> list[Strip]:
    """The screen as drawn, one strip a row: each widget on it draws its own
    visible part (`render_lines`) into its place (`Screen.find_widget`), the
    ones behind first, as the terminal gets them."""
    screen = app.screen
    width, height = screen.size
    blank: Cell = (" ", None)
    cells = [[blank] * width for _ in range(height)]
    placed = []
    for widget in [screen, *screen.walk_children(Widget), *scrollbars(app)]:
        try:
            geometry = screen.find_widget(widget)
        except NoWidget:
            continue  # not laid out: not drawn
        if visible := geometry.visible_region:
            placed.append((geometry.order, widget, geometry.region, visible))
    placed.sort(key=lambda place: place[0])
    for _, widget, region, visible in placed:
        strips = widget.render_lines(visible.translate((-region.x, -region.y)))
        for y, strip in enumerate(strips, visible.y):
            if y >= height:
                break
            row = cells[y]
            x = visible.x
            for text, style, _ in strip:
                if text.isascii() and text.isprintable():
                    # A cell a character: the run goes in as one slice (most of
                    # the screen; the loop below took most of a test's time).
                    end = min(x + len(text), width)
                    row[x:end] = [(char, style) for char in text[: end - x]]
                    x = end
                    continue
                for char in text:
                    size = cell_len(char)
                    if x + size > width:
                        break
                    row[x] = (char, style)
                    if size == 2:
                        row[x + 1] = ("", style)
                    x += size
    return [_strip(row) for row in cells]


Cell = tuple[str, Style | None]


def scrollbars(app: App[Any]) -> list[Widget]:
    """The scrollbars shown on the screen (they are drawn for their widget,
    not among its children)."""
    bars: list[Widget] = []
    for widget in app.screen.walk_children(Widget):
        if widget.show_vertical_scrollbar:
            bars.append(widget.vertical_scrollbar)
        if widget.show_horizontal_scrollbar:
            bars.append(widget.horizontal_scrollbar)
        if widget.show_vertical_scrollbar and widget.show_horizontal_scrollbar:
            bars.append(widget.scrollbar_corner)
    return bars


def _strip(row: list[Cell]) -> Strip:
    """The row's cells as segments, one for each run of cells in the same style."""
    return Strip(
        Segment("".join(char for char, _ in run), style)
        for style, run in groupby(row, key=itemgetter(1))
    )


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, a line a row."""
    return "\n".join(strip.text for strip in screen_lines(app))


def where_shown(app: App[Any], widget: Widget, words: str) -> tuple[int, int] | None:
    """Where on the screen `words` start inside the widget's region (the first
    row that shows them there), to click on them; None if it shows none."""
    region = widget.region
    for y, strip in enumerate(screen_lines(app)[region.y : region.bottom], region.y):
        if region.x <= (x := strip.text.find(words, region.x)) <= region.right - len(words):
            return x, y
    return None


def sidebar_lines(app: App[Any]) -> list[str]:
    """The sidebar's rows on screen, as plain text without the spaces after."""
    sidebar = app.screen.query_one(ArticleList)
    return [sidebar.render_line(y).text.rstrip() for y in range(sidebar.size.height)]


def search_status(app: App[Any]) -> str:
    """What the search bar says at its right: the count, "match 3 of 12", an error."""
    return str(app.screen.query_one("#search-status").render())
