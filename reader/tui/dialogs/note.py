"""A one-line note on a bookmark."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class NoteDialog(ModalScreen[str | None]):
    """Returns the new note (possibly empty, to clear it), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.story_title = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-body") as body:
            body.border_title = "Bookmark note"
            body.border_subtitle = "Enter saves · Esc cancels"
            # Label would parse markup: give it the title as a plain Content string.
            yield Label(self.story_title, markup=False, id="note-title")
            yield Input(self.note, placeholder="Why keep this story?", id="note-input")

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
