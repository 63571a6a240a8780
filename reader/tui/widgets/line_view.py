"""What the views drawn a line at a time share: the sidebar, the search results
and the reading pane are each a `ScrollView` on Textual's Line API.

Each of them says only how many lines it has and what one of them shows
(`line_count`, `render_row`); the rest is the same for all three and lives
here once: the widget's own style is read once a paint rather than once a
line (`rich_style` walks the DOM, which cost milliseconds over a screen of
rows), a line past the end is blank in that style, and a row of Rich text
becomes a strip exactly the view's width on that style. Views that cache
their strips keep them in `_cache`, which is emptied when the width or the
styles change, since every strip depends on both.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from reader.tui.widgets.plain_lines import PlainLines


def cursor_bindings(ids: str, item: str, opens: str, *, shown: bool = False) -> list[Binding]:
    """The keys that walk a list's cursor over its `item`s (the sidebar's
    stories, the search's results): the arrows, vi's j k g G and the pages,
    and Enter (l, →) to open the one it is on, described as `opens`, which
    the screen's `choose(ids)` does. Their ids are `{ids}.down` and so on, as
    a keymap names them. With `shown`, the footer shows down, up and open."""
    choose = f"screen.choose('{ids}')"
    return [
        Binding("down,j", "cursor_down", f"Next {item}", show=shown, id=f"{ids}.down"),
        Binding("up,k", "cursor_up", f"Previous {item}", show=shown, id=f"{ids}.up"),
        Binding("enter,l,right", choose, opens, show=shown, id=f"{ids}.open"),
        Binding("pagedown", "page_down", "Page down", show=False, id=f"{ids}.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id=f"{ids}.page_up"),
        Binding("home,g", "first", f"First {item}", show=False, id=f"{ids}.first"),
        Binding("end,G", "last", f"Last {item}", show=False, id=f"{ids}.last"),
    ]


class LineView(ScrollView):
    """A scrolling view of numbered lines, drawn only where they are on screen."""

    # A view whose cache keys hold the styles each strip was drawn in keeps its
    # strips through a style update (a focus change restyles the view, and
    # most rows look the same after it); the others forget them.
    CACHE_KEYED_BY_STYLE: ClassVar[bool] = False

    def __init__(self, *, id: str | None = None, cache_size: int = 1024) -> None:
        super().__init__(id=id)
        self._base = Style()  # the widget's style, as read at the start of this paint
        self._painting: tuple[int, int] | None = None  # (top line, width) during a paint
        self._painted_width = -1  # the width the cached strips were drawn at
        self._cache: LRUCache[Hashable, Strip] = LRUCache(cache_size)
        self._laid_out: tuple[Size, Size, Size] | None = None  # see _size_updated
        self._styles_cache = PlainLines()  # Textual's, with a quicker way for a plain box

    # What each view says for itself; as here, a view with no lines is empty.

    @property
    def line_count(self) -> int:
        """How many lines there are to scroll through."""
        return 0

    def render_row(self, index: int, width: int) -> Strip:
        """Line `index` (0 <= index < line_count) at `width` cells (> 0)."""
        return Strip.blank(width, self._base)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base = self.rich_style
        # Read once a paint too: the content region is worked out afresh on
        # each reading, a tenth of the cost of drawing a cached row.
        self._painting = (round(self.scroll_y), self.scrollable_content_region.width)
        self._painted_width = self._painting[1]
        try:
            return super().render_lines(crop)
        finally:
            self._painting = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's scrollbar, its lines made as the view's are (`PlainLines`):
        a focus change re-applies the stylesheet, which redraws every scrollbar
        whole, changed or not (1.1-1.6 ms each, two on every Enter)."""
        bar = super().vertical_scrollbar
        if not isinstance(bar._styles_cache, PlainLines):
            bar._styles_cache = PlainLines()
        return bar

    def render_line(self, y: int) -> Strip:
        top, width = self._painting or (round(self.scroll_y), self.scrollable_content_region.width)
        index = y + top
        if width <= 0 or not 0 <= index < self.line_count:
            return Strip.blank(width, self._base)
        return self.render_row(index, width)

    def text_strip(self, text: Text, width: int) -> Strip:
        """One line of `text` as a strip of `width` cells on the widget's style."""
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        base = self._base
        return Strip(Segment.apply_style(segments, base), width).crop_extend(0, width, base)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Passed on to Textual only when a size did change. Its ScrollView
        compares the size the compositor gives for its content (the view's own
        area) with its virtual size (all its lines), which always differ, and so
        refreshed the scrollbar of every such view at every layout of the screen:
        a frame of its own after a search's answer, the sidebar's and the
        story's scrollbars drawn again (issue 15). The virtual size is set by
        the view itself (`line_count`)."""
        sizes = (size, container_size, self.virtual_size)
        if sizes == self._laid_out:
            return False
        self._laid_out = sizes
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self) -> None:
        # The first frame is painted before the view hears of its size: its
        # strips are kept when that was the size they were drawn at.
        if self.scrollable_content_region.width != self._painted_width:
            self._cache.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if not self.CACHE_KEYED_BY_STYLE:
            self._cache.clear()
