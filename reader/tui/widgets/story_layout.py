"""A story's lines, laid out lazily from the top: the mechanism under the
reading pane (`story_view.StoryView`, which says what the lines show).

Laying out a 32,000-word story whole took about 100 ms of a 120 ms Enter. So
a story's parts (its renderables, in reading order) are turned into lines only
as far as something needs them: the lines on screen for the first paint, then
the rest in slices of a few milliseconds while the app is idle, and anything
that needs a line further down (a paint, End, a place to restore, a search
match) lays out up to it first. Lines above the last one laid out never
change, so a line number stays good while the rest arrives; only the height
below is an estimate until then. Apart from the pane because it is the same
whatever the story says, and the pane is long enough with what it shows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from rich.console import ConsoleOptions, RenderableType
from rich.segment import Segment
from textual.geometry import Size
from textual.strip import Strip

from reader.tui.widgets.line_view import LineView

MATCH = "news-match"  # style meta key that numbers search matches

# The options a story is laid out with, and the left padding of each line.
Layout = tuple[ConsoleOptions, list[Segment]]


class LazyLines(LineView):
    """A view whose lines are a story laid out a part at a time."""

    # Seconds of laying out at a time while the app is idle, so that a key
    # waits no longer than that behind it; 0: lay out only what is asked for.
    idle_slice: float = 0.006

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []
        # (part, first line, lines) for each part of the story as laid out.
        self._parts: list[tuple[int, int, int]] = []
        # Matches numbered so far, the line each starts on (as far as laid out),
        # and the lines that hold part of one (restyled as they are painted).
        self._match_total = 0
        self._match_at: dict[int, int] = {}
        self._match_rows: set[int] = set()
        # What is still to lay out: the story's parts not yet turned into lines,
        # the options to lay them out with, the left padding, and an estimate
        # of the lines each block will take (for the height until it is known).
        self._rest: Iterator[tuple[int, RenderableType]] | None = None
        self._layout: Layout | None = None
        self._estimates: list[int] = []
        self._idle_queued = False
        self._with_matches = False  # the parts carry numbered search matches
        self._made = 0  # parts laid out so far (renderables, not part numbers)
        # A story read in part whose laid-out head has run out, and the rest of
        # it is not ready: the idle layout waits for `_grow` to be called.
        self._waiting = False

    def _forget_layout(self) -> None:
        """No line laid out and no match numbered: a new layout starts (the
        matches are numbered as the story's parts are made, before `_begin_layout`)."""
        self._lines, self._parts = [], []
        self._match_total, self._match_at, self._match_rows = 0, {}, set()
        self._rest, self._layout, self._estimates = None, None, []
        self._made, self._waiting = 0, False

    def _begin_layout(
        self,
        parts: Iterator[tuple[int, RenderableType]],
        per_block: list[int],
        width: int,
        layout: Layout,
        *,
        matches: bool = False,
    ) -> None:
        """Lay out `parts` from the top with `layout`, `per_block` the lines each
        block should take; `matches`: note the lines of the search matches."""
        self._with_matches = matches
        self._rest, self._layout = parts, layout
        self.virtual_size = Size(width, self._estimate(per_block) + 8)

    def _estimate(self, per_block: list[int]) -> int:
        """Keep, for the height of what is not laid out yet, that from block i
        on there are about estimates[i] lines more (the links under the story
        included); the whole story's estimate."""
        total = 0
        self._estimates = [0] * (len(per_block) + 1)
        for index in range(len(per_block) - 1, -1, -1):
            total += per_block[index]
            self._estimates[index] = total
        return total

    def _goes_on(self) -> bool:
        """Whether the story goes on past its parts (it was read in part)."""
        return False

    def _grow(self) -> Iterator[tuple[int, RenderableType]]:
        """The parts after those laid out, of the story made whole (called
        when `_goes_on`); the lines laid out stay as they are. A story read
        whole, as here, has none."""
        return iter(())

    def _lay_out_some(self, *, grow: bool = True) -> bool:
        """Lay out the next part of the story; False when it is all laid out,
        or (unless `grow`) when the rest of a story read in part is needed."""
        rest, layout = self._rest, self._layout
        if rest is None or layout is None:
            return False
        part_and_renderable = next(rest, None)
        if part_and_renderable is None and self._goes_on():
            if not grow:
                self._waiting = True
                return False
            self._rest = rest = self._grow()
            part_and_renderable = next(rest, None)
        if part_and_renderable is None:
            self._finish_layout()
            return False
        self._made += 1
        part, renderable = part_and_renderable
        options, pad = layout
        rendered = self.app.console.render_lines(renderable, options, pad=False)
        lines, parts = self._lines, self._parts
        if parts and parts[-1][0] == part:
            number, first, count = parts[-1]
            parts[-1] = (number, first, count + len(rendered))
        else:
            parts.append((part, len(lines), len(rendered)))
        if self._with_matches:
            self._find_matches(rendered, len(lines))
        lines.extend(Strip([*pad, *line]) for line in rendered)
        return True

    def _find_matches(self, rendered: list[list[Segment]], first: int) -> None:
        """Note the lines that hold matches, and the first line of each."""
        for y, line in enumerate(rendered, start=first):
            for segment in line:
                style = segment.style
                if style is None or not style.link_id:
                    continue
                if (number := style.meta.get(MATCH)) is not None:
                    self._match_at.setdefault(number, y)
                    self._match_rows.add(y)

    def _finish_layout(self) -> None:
        self._rest = None
        lines = self._lines
        while lines and not lines[-1].cell_length:
            lines.pop()
        self.virtual_size = Size(self.virtual_size.width, len(lines))

    def _lay_out_to(self, line: int | None) -> None:
        """Lay out until line `line` exists (None: the whole story), then say
        how tall the story is, as far as that is known."""
        if self._rest is None:
            return
        while (line is None or len(self._lines) <= line) and self._lay_out_some():
            pass
        self._update_height()

    def _lay_out_past(self, part: int) -> None:
        """Lay out until part `part` (a block's index, `HEAD`, the links) is whole."""
        if self._rest is None:
            return
        while self._lay_out_some():
            if self._parts and self._parts[-1][0] > part:
                break
        self._update_height()

    def _update_height(self) -> None:
        """The virtual height: exact once laid out; until then the lines laid
        out and an estimate of the rest, changed only when it is off by more
        than a screen (each change redraws the scrollbar and lays out the screen)."""
        if self._rest is None:
            return
        width = self.virtual_size.width
        laid = len(self._lines)
        done = self._parts[-1][0] + 1 if self._parts else 0
        rest = self._estimates[min(max(done, 0), len(self._estimates) - 1)]
        height = laid + rest + 1
        if abs(height - self.virtual_size.height) > max(1, self.size.height) or (
            laid >= self.virtual_size.height
        ):
            self.virtual_size = Size(width, height)
        if not self._idle_queued and not self._waiting and self.idle_slice > 0:
            self._idle_queued = True
            self.call_after_refresh(self._lay_out_while_idle)

    def _lay_out_while_idle(self) -> None:
        """Lay out the rest a slice at a time, after each paint, so that a key
        never waits behind more than `idle_slice` of it."""
        self._idle_queued = False
        if self._rest is None:
            return
        deadline = time.perf_counter() + self.idle_slice
        # Not the rest of a story read in part: it is parsed on a worker
        # (`grow_story` goes on from here), not in a slice a key waits behind.
        while time.perf_counter() < deadline and self._lay_out_some(grow=False):
            pass
        self._update_height()
