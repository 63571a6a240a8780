"""The lines of a view drawn a line at a time, made the widget's width on its
background: what Textual's `StylesCache` does, without its per-line work when
the box is plain.

For every line it draws, `StylesCache.render_line` reads the box's border,
outline and gutter again, and makes the strip anew, so the colour filter then
applied to it is never found in the strip's own cache: 20-30 µs a line, 1-2.5
ms for each view redrawn whole (the sidebar and the story on every Enter, the
results at every answer; issue 15). A plain box (no border but at the sides,
no outline, padding, tint, hatch, opacity, nor a link under the mouse) needs
none of that: the view's line fitted to the content's width, between the side
borders. The lines to draw again are those `StylesCache` keeps track of (a
`refresh` of the widget or of some of its lines), and a line whose strip from
the view is the one drawn last time comes out as the same strip, its filtered
copy cached. Any other box is drawn by `StylesCache` itself.
`tests/tui/test_plain_lines.py` holds the two ways equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual._border import get_box
from textual._styles_cache import StylesCache
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style

if TYPE_CHECKING:
    from textual.widget import Widget


def is_plain(widget: Widget) -> bool:
    """No border but at the sides, no outline, padding, tint, hatch, opacity
    or link under the mouse."""
    styles = widget.styles
    (top, _), _, (bottom, _), _ = styles.border
    return (
        not top
        and not bottom
        and not any(edge for edge, _ in styles.outline)
        and not any(styles.padding)
        and not styles.tint.a
        and styles.text_opacity == 1.0
        and (not styles.has_rule("hatch") or styles.hatch == "none")
        and widget.opacity == 1.0
        and not (widget.auto_links and widget.hover_style._link_id)
    )


class PlainLines(StylesCache):
    """A widget's `StylesCache` that draws a plain box's lines itself."""

    def __init__(self) -> None:
        super().__init__()
        self._look: tuple[object, ...] = ()  # what the cached lines were made for
        self._made: dict[int, tuple[Strip, Strip]] = {}  # line: (the view's, made of it)

    def render_widget(self, widget: Widget, crop: Region) -> list[Strip]:
        if not is_plain(widget):
            self._look = ()
            return super().render_widget(widget, crop)
        width = widget.region.width
        content_width, content_height = widget.content_region.size
        base_background, background = widget.background_colors
        inner, outer = self.get_inner_outer(base_background, background)
        inner_style = inner.rich_style
        _, (right, right_color), _, (left, left_color) = widget.styles.border
        # The side borders' segments, as StylesCache makes them.
        left_edge = Style(foreground=base_background + left_color)
        right_edge = Style(foreground=base_background + right_color)
        before = [get_box(left, inner, outer, left_edge)[1][0]] if left else []
        after = [get_box(right, inner, outer, right_edge)[1][2]] if right else []
        filters = widget.get_line_filters()
        look = (width, content_width, inner_style, background, tuple(filters), *before, *after)
        if look != self._look or width != self._width:
            self.clear()
            self._made.clear()
            self._look, self._width = look, width
        cache, made = self._cache, self._made
        strips = []
        for y in crop.line_range:
            if y in self._dirty_lines or y not in cache:
                line = widget.render_line(y) if y < content_height else None
                was = made.get(y)
                if line is not None and was is not None and was[0] is line:
                    cache[y] = was[1]
                else:
                    fitted = (
                        line.adjust_cell_length(content_width, inner_style)
                        if line is not None
                        else Strip.blank(content_width, inner_style)
                    )
                    if before or after or fitted.cell_length != width:
                        # As StylesCache: the width given, the content's short
                        # of it by the scrollbar's columns, drawn over it.
                        fitted = Strip([*before, *fitted, *after], width)
                    cache[y] = fitted
                    if line is not None:
                        made[y] = (line, cache[y])
            strip = cache[y]
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        self._dirty_lines.difference_update(crop.line_range)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips
