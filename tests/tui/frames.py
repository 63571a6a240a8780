"""The frames a terminal would get, one by one, in a Pilot test.

`shown.screen_lines` draws the screen as it is now, every widget at once: it
cannot tell whether two changes made by one key reach the terminal in the same
frame or one frame apart, which a person sees as a flicker or a wait (the
story painted, its "match 1 of" a frame later). This keeps a virtual terminal
fed with each update the compositor hands the app to write (`App._display`:
Textual has no public hook for a frame; headless, it writes nothing), and the
screen's text after each.
"""

from __future__ import annotations

import asyncio
from time import monotonic
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType
from textual.app import App

from .waiting import PATIENCE

FRAME = 1 / 60  # seconds: the longest a frame of Textual's waits for its timer


async def quiet(app: App[Any], frames: int = 3) -> None:
    """Until the screen has painted nothing for a few frames' time, as when a
    person presses a key: what the last key left to paint (a scroll Textual
    makes after the next frame, then its repaint) has been painted, and the
    screen's frame timer paints at once when next asked, not at its next tick."""
    display = app._display
    painted = 0

    def counted(screen: Any, renderable: Any) -> None:
        nonlocal painted
        painted += 1
        display(screen, renderable)

    app._display = counted  # type: ignore[method-assign]
    deadline = monotonic() + PATIENCE
    try:
        while True:
            before = painted
            await asyncio.sleep(frames * FRAME)
            if painted == before:
                return
            if monotonic() > deadline:
                raise AssertionError(f"still painting after {PATIENCE} s")
    finally:
        app._display = display  # type: ignore[method-assign]


class Frames:
    """Records, from `record(app)` on, the screen's text after each frame."""

    def __init__(self, app: App[Any]) -> None:
        width, height = app.size
        self._rows = [[" "] * width for _ in range(height)]
        self.screens: list[str] = []  # the screen's text after each frame
        self._console = Console(width=width, height=height, legacy_windows=False)
        display = app._display

        def recorded(screen: Any, renderable: Any) -> None:
            if renderable is not None and hasattr(renderable, "__rich_console__"):
                self._apply(renderable)
                self.screens.append(self.text)
            display(screen, renderable)

        app._display = recorded  # type: ignore[method-assign]

    @property
    def text(self) -> str:
        return "\n".join("".join(row) for row in self._rows)

    def first(self, shows: str) -> str | None:
        """The screen after the first frame in which `shows` appears, if any."""
        return next((screen for screen in self.screens if shows in screen), None)

    def _apply(self, update: Any) -> None:
        """Write an update's text where its cursor moves put it (as a terminal does)."""
        x = y = 0
        rows = self._rows
        options = self._console.options
        for segment in update.__rich_console__(self._console, options):
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = control[1], control[2]
                continue
            if segment.text == "\n":
                continue  # each line is placed by a cursor move of its own
            for char in segment.text:
                size = cell_len(char)
                if 0 <= y < len(rows) and x + size <= len(rows[y]):
                    rows[y][x] = char
                    if size == 2:
                        rows[y][x + 1] = ""
                x += size
