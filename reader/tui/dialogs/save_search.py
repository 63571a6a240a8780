"""A name for a search saved as a section (Ctrl+S in the search bar)."""

from __future__ import annotations

from textual.binding import Binding

from reader.tui.dialogs.prompt import PromptDialog


class SaveSearchDialog(PromptDialog):
    """Returns the name to save the query under, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_search.cancel")]

    def __init__(self, query: str) -> None:
        super().__init__(
            ids="save-search",
            title="Save search as a section",
            about=query,
            about_id="query",
            placeholder="The section's name",
        )

    def answer(self, typed: str) -> str | None:
        name = " ".join(typed.split())  # one line, single spaces
        return name or None  # no name: the dialog stays open
