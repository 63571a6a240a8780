"""The reading pane: one story, wrapped at a comfortable measure and centred.

The story is rendered once per width into strips (Textual's Line API), so
scrolling costs nothing, and because the view owns its lines it can later
tell on which line any search match or keyword sits.

It is laid out lazily, top first (`story_layout.LazyLines`): a story is shown
once the lines on screen are laid out, and the rest follows while the app is
idle or as something needs it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.actions import SkipAction
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip

from reader.catalog import Origin
from reader.model import Article
from reader.render import HEAD, MEASURE, Highlighter, Palette, article_parts, line_estimates
from reader.tui.theme import story_palette
from reader.tui.widgets.from_widget import FromWidget
from reader.tui.widgets.story_layout import MATCH, LazyLines
from reader.tui.widgets.story_place import Place, line_of_place, place_of_line

MARGIN = 2  # columns kept free on each side when the pane is narrower than the measure
AHEAD = 2  # screens laid out below the one shown, so the next page is ready
# A story estimated shorter than this many lines is laid out whole at once (a
# few ms): its scrollbar is right from the first frame, and only long stories
# show an estimated height for the moment their rest takes.
WHOLE_BELOW = 300
SpanFinder = Callable[[str], list[tuple[int, int]]]


class StoryView(LazyLines, can_focus=True):
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
        """The whole story as laid out now, a strip per line (the screen shows a
        window onto these), matches coloured as on screen: what a test reads to
        see what a person would. Lays out the rest of the story first."""
        self._lay_out_to(None)
        return [self._styled(y) for y in range(len(self._lines))]

    @property
    def match_lines(self) -> list[int]:
        """The line each search match starts on, by match number (lays out the
        rest of the story first)."""
        self._lay_out_to(None)
        return [self._match_at[n] for n in range(self._match_total)]

    def __init__(
        self,
        article: Article | None = None,
        *,
        whole: Callable[[Article], Article] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        # A story read in part (`Article.rest`) made whole: `Catalog.whole`.
        self._whole = whole or _as_it_is
        self._rendered_for: tuple[object, ...] | None = None
        self._note: str | None = None
        self._origin = Origin("")
        self._highlighters: tuple[Highlighter, ...] = ()
        self._match_spans: SpanFinder | None = None
        self._pending_go_to: int | None = None
        self._pending_below: int | None = None  # go to the first match from this line
        self.current_match = -1
        # Where to scroll once the story is rendered at a real width (None: stay).
        self._pending_scroll: int | None = None
        self._pending_place: Place | None = None
        # The place last kept across a new layout, and the line it was put on.
        self._kept: tuple[Place, int] | None = None
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

    def whole_story(self) -> Article | None:
        """The open story whole: one read in part (a long Markdown file's
        head, shown first) is made whole where it is (`grow_story`)."""
        self.grow_story()
        return self.article

    def grow_story(self) -> None:
        """A story read in part, made whole where it stands: the lines laid
        out stay, and so does the place on the screen; its rest is laid out
        after them as any story's is. Called when the rest has been parsed (on
        a worker), or when something needs the whole story now."""
        article = self.article
        if article is None or not article.rest:
            return
        if self._rest is None or self._layout is None:  # not laid out: the whole from the top
            self.set_reactive(StoryView.article, self._whole(article))
            self._rendered_for = None
            self.refresh()
            return
        self._rest = self._grow()
        self._waiting = False
        self._update_height()

    def _goes_on(self) -> bool:
        return self.article is not None and bool(self.article.rest)

    def _grow(self) -> Iterator[tuple[int, RenderableType]]:
        article = self.article
        assert article is not None and self._layout is not None
        whole = self._whole(article)
        self.set_reactive(StoryView.article, whole)
        if self._rendered_for is not None:
            self._rendered_for = (whole, *self._rendered_for[1:])
        parts, per_block = self._parts_of(whole, self._layout[0].max_width)
        self._estimate(per_block)
        # The whole story's parts start with the very ones the head made.
        return itertools.islice(parts, self._made, None)

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

    class MatchMoved(FromWidget["StoryView"]):
        """The current search match changed, or the matches were counted."""

        def __init__(self, story: StoryView, current: int, count: int) -> None:
            super().__init__(story)
            self.current = current
            self.count = count

    def set_matches(
        self, spans: SpanFinder | None, *, go_to: int | None = 0, below: int | None = None
    ) -> None:
        """Mark search matches (offsets from `spans(text)`), numbered in reading
        order, and bring match `go_to` into view (-1: the last); None clears them.
        With `below`, `go_to` counts from the first match on that line or after
        it (else the first): -1 is the one before it, as a pager's N.

        The story is rendered with them when next painted (not now), so the
        matches for a story about to be shown can be set before it is, and it
        is rendered once; the move to `go_to` happens in that same render."""
        self._match_spans = spans
        self.current_match = 0 if spans is not None else -1
        self._pending_go_to = go_to if spans is not None else None
        self._pending_below = below
        self._rendered_for = None
        self.refresh()

    def place(self) -> Place | None:
        """Where the top of the pane is in the story, as a part and an offset
        that find the same words at any width; None at the top, and once the
        story is read to its end (it reopens at the top)."""
        if self.max_scroll_y > 0 and round(self.scroll_y) >= self.max_scroll_y:
            return None
        return self._top_place()

    def _top_place(self) -> Place | None:
        """Where the top of the pane is (None: at the very top)."""
        y = round(self.scroll_y)
        if self.article is None or y <= 0 or not self._parts:
            return None
        return place_of_line(y, self._parts, self._lines, self._block_text)

    def line_of(self, place: Place) -> int:
        """The line a place is on, as the story is rendered now."""
        self._lay_out_past(place[0])
        return line_of_place(place, self._parts, self._lines, self._block_text)

    def _block_text(self, part: int) -> str:
        """A block's text; nothing for the head and the links (their offsets are lines)."""
        article = self.article
        if article is None or part == HEAD or part >= len(article.blocks):
            return ""
        return article.blocks[part].text

    @property
    def match_count(self) -> int:
        return self._match_total

    @property
    def matches_counted(self) -> bool:
        """The matches last set have been found in the story as rendered (not
        waiting for the pane to be laid out)."""
        return (
            self._match_spans is not None
            and self._pending_go_to is None
            and self._rendered_for is not None
        )

    def _first_match_from(self, line: int) -> int:
        """The first match on `line` or after it, laying the story out only as
        far as that match (matches are numbered in reading order); 0 when
        there is none, as a pager wraps to the top."""
        number = 0
        while number < self._match_total:
            at = self._match_at.get(number)
            if at is None:
                if not self._lay_out_some():
                    break
            elif at >= line:
                self._update_height()
                return number
            else:
                number += 1
        self._update_height()
        return 0

    def goto_match(self, index: int) -> bool:
        """Make match `index` the current one and bring it into view."""
        self._render_story()  # no-op once rendered: the current match is drawn as it is painted
        if not 0 <= index < self._match_total:
            return False
        self.current_match = index
        while index not in self._match_at and self._lay_out_some():
            pass
        line = self._match_at.get(index, 0)
        self._lay_out_to(line + AHEAD * self.size.height)
        self.refresh()
        target = max(0, line - self.scrollable_content_region.height // 3)
        # At once, not after the next refresh: the frame that shows the story
        # shows it at the match. `force`: a pane just shown has no scrollbar yet.
        self.scroll_to(y=target, animate=False, force=True)
        self.post_message(self.MatchMoved(self, index, self._match_total))
        return True

    def _match_highlighter(self) -> Highlighter | None:
        """Numbers matches as the story renders, so each can be found on screen;
        their colours are put on as they are painted (`_styled`), so moving to
        another match repaints and never lays the story out again."""
        spans_of = self._match_spans
        if spans_of is None:
            return None
        numbers = itertools.count()

        def mark(text: str) -> Iterator[tuple[int, int, Style]]:
            for start, end in spans_of(text):
                number = next(numbers)
                self._match_total = number + 1
                yield start, end, Style(meta={MATCH: number})

        return mark

    def _match_styles(self) -> tuple[Style, Style]:
        """(another match, the current match)."""
        theme = self.app.current_theme
        current = Style(bold=True, color="black", bgcolor=theme.accent or theme.primary)
        return Style(bold=True, reverse=True), current

    def _styled(self, y: int) -> Strip:
        """Line `y` with its matches coloured, the current one apart."""
        strip = self._lines[y]
        if y not in self._match_rows:
            return strip
        other, current = self._match_styles()
        segments = []
        for segment in strip:
            style = segment.style
            # link_id: set for a style with a link or meta (cheaper than reading meta).
            number = style.meta.get(MATCH) if style is not None and style.link_id else None
            if number is not None and style is not None:
                extra = current if number == self.current_match else other
                segment = Segment(segment.text, style + extra, segment.control)
            segments.append(segment)
        return Strip(segments, strip.cell_length)

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
        if article is not None and article.rest and self._match_spans is not None:
            # Matches are numbered through the whole story before it is laid out.
            article = self._whole(article)
            self.set_reactive(StoryView.article, article)
        if width <= 0:
            # Not laid out (folded away in a narrow terminal): forget the old
            # lines, so that the first frame after it shows is never the story before.
            self._lines, self._rest, self._match_rows, self._rendered_for = [], None, set(), None
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
        )
        if key != self._rendered_for:
            # The same story laid out again (a new width, the bookmark line in
            # its header): the words at the top stay there, not the line number.
            # Unless the reader scrolled since, the place kept last time, not
            # the top line's: 120 columns to 80 and back shows what it did.
            kept = None
            before = self._rendered_for
            if before is not None and before[0] is article and self._pending_scroll is None:
                kept = self._top_place()
                if self._kept is not None and self._kept[1] == round(self.scroll_y):
                    kept = self._kept[0]
            self._kept = None
            self._rendered_for = key
            self._start_layout(article, width)
            whole = self.virtual_size.height < WHOLE_BELOW
            self._lay_out_to(None if whole else self.size.height)  # a paint lays out the rest
            self.refresh()
            if kept is not None:
                # At once: the frame this render is for shows the same words.
                line = self.line_of(kept)
                self._lay_out_to(line + AHEAD * self.size.height)
                self.scroll_to(y=line, animate=False, force=True, immediate=True)
                self._kept = (kept, round(self.scroll_y))
        # Only now is it known how long the story is and where its matches are.
        if (y := self._pending_scroll) is not None:
            self._pending_scroll = None
            if (place := self._pending_place) is not None:
                self._pending_place = None
                y = self.line_of(place)
            self.scroll_to(y=y, animate=False, force=True)
        if (go_to := self._pending_go_to) is not None:
            self._pending_go_to = None
            if (below := self._pending_below) is not None:
                self._pending_below = None
                go_to += self._first_match_from(below)
            count = self._match_total
            if not self.goto_match(go_to % count if count else 0):
                self.post_message(self.MatchMoved(self, -1, 0))

    def _start_layout(self, article: Article | None, width: int) -> None:
        """Get the story's parts ready to lay out at `width`, from the top."""
        self._forget_layout()
        if article is None:
            self.virtual_size = Size(width, 0)
            return
        measure = max(10, min(MEASURE, width - 2 * MARGIN))
        left = max(0, (width - measure) // 2)
        options = self.app.console.options.update(width=measure, height=None)
        parts, per_block = self._parts_of(article, measure)
        pad = [Segment(" " * left)] if left else []
        self._begin_layout(
            parts, per_block, width, (options, pad), matches=self._match_spans is not None
        )

    def _parts_of(
        self, article: Article, measure: int
    ) -> tuple[Iterator[tuple[int, RenderableType]], list[int]]:
        """The story's parts as they are drawn now, and the lines each block
        should take at `measure`."""
        highlighters = [*self._highlighters]
        if (marks := self._match_highlighter()) is not None:
            highlighters.append(marks)
        origin = self._origin
        parts = article_parts(
            article,
            self._palette(),
            highlighters,
            self._note,
            source=origin.source,
            full_text=origin.full_text,
        )
        if marks is not None:
            # Every match is numbered (and so counted: "match 1 of N") before
            # any is laid out; making the texts costs far less than wrapping them.
            parts = iter(list(parts))
        return parts, line_estimates(article, measure)

    @property
    def allow_vertical_scroll(self) -> bool:
        # From the story's height, known as soon as it is shown, rather than
        # from the scrollbar, which Textual works out at the next layout: j
        # right behind Enter on a story longer than the one before was skipped.
        return self.max_scroll_y > 0

    def action_scroll_end(self) -> None:
        # At once, not sliding there over a second as Textual's End does: in a
        # long story that slide was most of the wait for the last lines.
        self._lay_out_to(None)  # the end must be known before going there
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, pages: int) -> None:
        """A page at once, from where the last page key left the pane: a key
        held down sends pages faster than a slide takes, and each slide began
        where the one before had got to, so pages were lost."""
        if not self.allow_vertical_scroll:
            raise SkipAction()
        height = self.scrollable_content_region.height
        target = max(0, round(self.scroll_y) + pages * height)
        self._lay_out_to(target + AHEAD * self.size.height)
        self.scroll_to(y=target, animate=False, immediate=True)

    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The pane learns its width when it is first laid out, and hears of it
        # (a Resize) only after that frame is painted: render here, so that the
        # first frame already shows the story (the scrollbar follows a frame later).
        self._render_story()
        self._lay_out_to(round(self.scroll_y) + crop.bottom)
        return super().render_lines(crop)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def render_row(self, index: int, width: int) -> Strip:
        return self._styled(index).apply_style(self._base).crop_extend(0, width, self._base)


def _as_it_is(article: Article) -> Article:
    return article

