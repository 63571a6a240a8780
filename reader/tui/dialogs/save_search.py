"""A name for a search saved as a section (Ctrl+S in the search bar)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class SaveSearchDialog(ModalScreen[str | None]):
    """Returns the name to save the query under, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_search.cancel")]

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query_text = query

    def compose(self) -> ComposeResult:
        with Vertical(id="save-search-body") as body:
            body.border_title = "Save search as a section"
            body.border_subtitle = "Enter saves · Esc cancels"
            # The query is what the person typed: shown as plain text, never markup.
            yield Label(self.query_text, markup=False, id="save-search-query")
            yield Input(placeholder="The section's name", id="save-search-input")

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
