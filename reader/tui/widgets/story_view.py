"""The reading pane: one story, wrapped at a comfortable measure and centred.

The story is rendered once per width into strips (Textual's Line API), so
scrolling costs nothing, and because the view owns its lines it can later
tell on which line any search match or keyword sits.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from reader.catalog import Origin
from reader.model import Article
from reader.render import HEAD, MEASURE, Highlighter, Palette, article_parts
from reader.tui.theme import story_palette
from reader.tui.widgets.line_view import LineView

MARGIN = 2  # columns kept free on each side when the pane is narrower than the measure
MATCH = "news-match"  # style meta key that numbers search matches
SpanFinder = Callable[[str], list[tuple[int, int]]]
# Where a person is in a story, whatever the width: a part of it (`HEAD`, a
# block's index, or the links after the last block) and an offset into it (a
# character of the block's text; a line in the head and the links).
Place = tuple[int, int]


class StoryView(LineView, can_focus=True):
    """Shows `article`; scrolls by line, page, or to either end."""

    BINDINGS = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="story.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="story.up"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="story.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="story.page_up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="story.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="story.bottom"),
        # Run on the screen at once, not through a message: a key typed right
        # after (h then j) must already find the focus on the list.
        Binding("escape,h,left", "screen.leave_story", "Back to list", show=False, id="story.back"),
    ]

    article: reactive[Article | None] = reactive(None, init=False)

    @property
    def lines(self) -> Sequence[Strip]:
        """The story as last laid out, a strip per line (the screen shows a
        window onto these): what a test reads to see what a person would."""
        return self._lines

    def __init__(self, article: Article | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []
        self._rendered_for: tuple[object, ...] | None = None
        self._note: str | None = None
        self._origin = Origin("")
        self._highlighters: tuple[Highlighter, ...] = ()
        self._match_spans: SpanFinder | None = None
        self._pending_go_to: int | None = None
        self.current_match = -1
        # The line each search match starts on, by match number, after rendering.
        self.match_lines: list[int] = []
        # Where to scroll once the story is rendered at a real width (None: stay).
        self._pending_scroll: int | None = None
        self._pending_place: Place | None = None
        # (part, first line, lines) for each part of the story as rendered.
        self._parts: list[tuple[int, int, int]] = []
        self.set_reactive(StoryView.article, article)

    def show(
        self,
        article: Article,
        *,
        scroll_y: int = 0,
        place: Place | None = None,
        note: str | None = None,
        origin: Origin | None = None,
    ) -> None:
        """Show a story at a place in it (where the reader left it, see `place`),
        else at a scroll position; its header names where it came from."""
        self._note = note
        self._origin = origin or Origin("")
        self._pending_scroll = scroll_y
        self._pending_place = place
        if article is self.article:
            self._render_story()
        else:
            self.article = article

    def set_note(self, note: str | None) -> None:
        """The bookmark note changed (None: not bookmarked)."""
        self._note = note
        self._render_story()

    def set_highlighters(self, *highlighters: Highlighter) -> None:
        """Spans to light up (followed keywords, search matches), applied as the
        story is rendered; they restyle text but never move it."""
        self._highlighters = highlighters
        self._rendered_for = None
        self._render_story()

    class MatchMoved(Message):
        """The current search match changed, or the matches were counted."""

        def __init__(self, story: StoryView, current: int, count: int) -> None:
            super().__init__()
            self.story = story
            self.current = current
            self.count = count

        @property
        def control(self) -> StoryView:
            return self.story

    def set_matches(self, spans: SpanFinder | None, *, go_to: int | None = 0) -> None:
        """Mark search matches (offsets from `spans(text)`), numbered in reading
        order, and bring match `go_to` into view (-1: the last); None clears them.

        The story is rendered with them when next painted (not now), so the
        matches for a story about to be shown can be set before it is, and it
        is rendered once; the move to `go_to` happens in that same render."""
        self._match_spans = spans
        self.current_match = 0 if spans is not None else -1
        self._pending_go_to = go_to if spans is not None else None
        self._rendered_for = None
        self.refresh()

    def place(self) -> Place | None:
        """Where the top of the pane is in the story, as a part and an offset
        that find the same words at any width; None at the top, and once the
        story is read to its end (it reopens at the top)."""
        y = round(self.scroll_y)
        if self.article is None or y <= 0 or not self._parts:
            return None
        if self.max_scroll_y > 0 and y >= self.max_scroll_y:
            return None
        for part, first, count in self._parts:
            if first <= y < first + count:
                length = self._part_length(part)
                line = y - first
                return part, round(length * line / count) if length else line
        return None

    def line_of(self, place: Place) -> int:
        """The line a place is on, as the story is rendered now."""
        part, offset = place
        for number, first, count in self._parts:
            if number == part:
                length = self._part_length(part)
                line = round(offset * count / length) if length else offset
                return first + max(0, min(line, count - 1))
        return 0

    def _part_length(self, part: int) -> int:
        """Characters in a block's text (0 for the head and the links, whose
        offsets are lines)."""
        article = self.article
        if article is None or part == HEAD or part >= len(article.blocks):
            return 0
        return len(article.blocks[part].text)

    @property
    def match_count(self) -> int:
        return len(self.match_lines)

    @property
    def matches_counted(self) -> bool:
        """The matches last set have been found in the story as rendered (not
        waiting for the pane to be laid out)."""
        return (
            self._match_spans is not None
            and self._pending_go_to is None
            and self._rendered_for is not None
        )

    def goto_match(self, index: int) -> bool:
        """Make match `index` the current one and bring it into view."""
        if not 0 <= index < len(self.match_lines):
            return False
        self.current_match = index
        self._render_story()  # the current match is part of the render key: no-op if unchanged
        target = max(0, self.match_lines[index] - self.scrollable_content_region.height // 3)
        # At once, not after the next refresh: the frame that shows the story
        # shows it at the match. `force`: a pane just shown has no scrollbar yet.
        self.scroll_to(y=target, animate=False, force=True)
        self.post_message(self.MatchMoved(self, index, len(self.match_lines)))
        return True

    def _match_highlighter(self) -> Highlighter | None:
        """Numbers matches as the story renders, so each can be found on screen."""
        spans_of = self._match_spans
        if spans_of is None:
            return None
        theme = self.app.current_theme
        other = Style(bold=True, reverse=True)
        current = Style(bold=True, color="black", bgcolor=theme.accent or theme.primary)
        numbers = itertools.count()

        def mark(text: str) -> Iterator[tuple[int, int, Style]]:
            for start, end in spans_of(text):
                number = next(numbers)
                style = current if number == self.current_match else other
                yield start, end, style + Style(meta={MATCH: number})

        return mark

    def watch_article(self) -> None:
        self._render_story()

    def on_resize(self) -> None:
        self._render_story()

    def notify_style_update(self) -> None:
        # Focus changes restyle the pane too; the story's own colours come from
        # the theme, which is part of the render key, so only a new theme
        # renders it again (a focus change used to double the cost of Enter).
        super().notify_style_update()
        if self.is_mounted:
            self._render_story()

    def _palette(self) -> Palette:
        return story_palette(self.app.theme_variables)

    def _render_story(self) -> None:
        width = self.scrollable_content_region.width
        article = self.article
        if width <= 0:
            # Not laid out (folded away in a narrow terminal): forget the old
            # lines, so that the first frame after it shows is never the story before.
            self._lines, self._rendered_for = [], None
            return
        # The story itself, not its id: the same story with a new body (its full
        # text, just fetched) must be drawn again. Tuples compare items by
        # identity first, so an unchanged story costs nothing here.
        key = (
            article,
            width,
            # The colours, not the theme's name: the name changes a moment before
            # the colours do, and a story drawn between kept the old ones.
            self._palette(),
            self._note,
            self._origin,
            id(self._match_spans),
            self.current_match,
        )
        if key != self._rendered_for:
            self._rendered_for = key
            self._lines = self._render_lines(article, width)
            self.match_lines = _match_lines(self._lines) if self._match_spans else []
            self.virtual_size = Size(width, len(self._lines))
            self.refresh()
        # Only now is it known how long the story is and where its matches are.
        if (y := self._pending_scroll) is not None:
            self._pending_scroll = None
            if (place := self._pending_place) is not None:
                self._pending_place = None
                y = self.line_of(place)
            self.scroll_to(y=y, animate=False, force=True)
        if (go_to := self._pending_go_to) is not None:
            self._pending_go_to = None
            count = len(self.match_lines)
            if not self.goto_match(go_to % count if count else 0):
                self.post_message(self.MatchMoved(self, -1, 0))

    def _render_lines(self, article: Article | None, width: int) -> list[Strip]:
        self._parts = []
        if article is None:
            return []
        measure = max(10, min(MEASURE, width - 2 * MARGIN))
        left = max(0, (width - measure) // 2)
        console = self.app.console
        options = console.options.update(width=measure, height=None)
        highlighters = [*self._highlighters]
        if (marks := self._match_highlighter()) is not None:
            highlighters.append(marks)
        pad = [Segment(" " * left)] if left else []
        lines: list[Strip] = []
        parts = self._parts
        origin = self._origin
        parts_of = article_parts(
            article,
            self._palette(),
            highlighters,
            self._note,
            source=origin.source,
            full_text=origin.full_text,
        )
        for part, renderable in parts_of:
            rendered = console.render_lines(renderable, options, pad=False)
            if parts and parts[-1][0] == part:
                number, first, count = parts[-1]
                parts[-1] = (number, first, count + len(rendered))
            else:
                parts.append((part, len(lines), len(rendered)))
            lines.extend(Strip([*pad, *line]) for line in rendered)
        while lines and not lines[-1].cell_length:
            lines.pop()
        return lines

    def render_lines(self, crop: Region) -> list[Strip]:
        # The pane learns its width when it is first laid out, and hears of it
        # (a Resize) only after that frame is painted: render here, so that the
        # first frame already shows the story (the scrollbar follows a frame later).
        self._render_story()
        return super().render_lines(crop)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def render_row(self, index: int, width: int) -> Strip:
        return self._lines[index].apply_style(self._base).crop_extend(0, width, self._base)


def _match_lines(lines: list[Strip]) -> list[int]:
    """The first line of each numbered match."""
    found: dict[int, int] = {}
    for y, strip in enumerate(lines):
        for segment in strip:
            style = segment.style
            if style is not None and (number := style.meta.get(MATCH)) is not None:
                found.setdefault(number, y)
    return [found[n] for n in sorted(found)]
