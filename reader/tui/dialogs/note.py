"""A one-line note on a bookmark."""

from __future__ import annotations

from textual.binding import Binding

from reader.tui.dialogs.prompt import PromptDialog


class NoteDialog(PromptDialog):
    """Returns the new note (possibly empty, to clear it), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, title: str, note: str) -> None:
        super().__init__(
            ids="note",
            title="Bookmark note",
            about=title,
            about_id="title",
            value=note,
            placeholder="Why keep this story?",
        )
        self.story_title = title
