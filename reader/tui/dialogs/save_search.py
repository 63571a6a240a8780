"""A name for a search saved as a section (Ctrl+S in the search bar)."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from reader.tui.dialogs.prompt import PromptDialog
from reader.tui.toast import notify


class SaveSearchDialog(PromptDialog):
    """Returns the name to save the query under, or None when cancelled. A
    name `refusal` refuses (one taken) is said, and the dialog stays open for
    another."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_search.cancel")]

    def __init__(self, query: str, refusal: Callable[[str], str | None]) -> None:
        self.refusal = refusal
        super().__init__(
            ids="save-search",
            title="Save search as a section",
            about=query,
            about_id="query",
            placeholder="The section's name",
        )

    def answer(self, typed: str) -> str | None:
        name = " ".join(typed.split())  # one line, single spaces
        if not name:
            return None  # no name: the dialog stays open
        if (refused := self.refusal(name)) is not None:
            notify(self, f"{refused}: another name?", severity="warning", timeout=6)
            return None
        return name
