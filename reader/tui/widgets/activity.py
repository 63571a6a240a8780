"""A line above the footer that shows work going on behind the screen (a
refresh), with a bar; hidden when there is none."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class Activity(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label("", id="activity-label", markup=False)
        # A total from the start: a bar without one is "indeterminate", and
        # Textual animates that 15 times a second, hidden or not, waking the
        # app's thread for as long as the reader runs (issue 15: timers).
        yield ProgressBar(total=1, show_eta=False, id="activity-bar")

    def start(self, label: str, total: int) -> None:
        self.query_one(Label).update(Text(label))
        self.query_one(ProgressBar).update(total=total, progress=0)
        self.display = True

    def advance(self) -> None:
        self.query_one(ProgressBar).advance(1)

    def stop(self) -> None:
        self.display = False
