"""The help screen, built from the live bindings so it can never drift from them."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_rows(
    groups: Iterable[tuple[str, Iterable[Binding]]], key_display: callable
) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("action")
    for title, bindings in groups:
        rows = [b for b in bindings if b.description]
        if not rows:
            continue
        table.add_row(Text(title, style="bold underline"), Text())
        for binding in rows:
            keys = ", ".join(key_display(b) for b in _split(binding))
            table.add_row(Text(keys), Text(binding.description))
        table.add_row(Text(), Text())
    return table


def _split(binding: Binding) -> list[Binding]:
    """One Binding may name several keys ("down,j"); show each."""
    return [
        Binding(key.strip(), binding.action, binding.description, key_display=binding.key_display)
        for key in binding.key.split(",")
    ]


class HelpScreen(ModalScreen[None]):
    """Every key the reader answers to, grouped by where it works."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close help", key_display="Esc", id="help.close")
    ]

    def __init__(self, groups: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Esc closes"
            yield Static(binding_rows(self.groups, self.app.get_key_display))
