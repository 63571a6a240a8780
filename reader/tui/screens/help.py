"""The help screen, built from the live bindings so it can never drift from them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_table(
    groups: Iterable[tuple[str, Iterable[Binding]]], key_display: Callable[[Binding], str]
) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("action")
    for title, bindings in groups:
        # One action may have several keys ("down" and "j"): one row each action.
        keys: dict[tuple[str, str], list[str]] = {}
        for binding in bindings:
            if binding.description:
                keys.setdefault((binding.action, binding.description), []).append(
                    key_display(binding)
                )
        if not keys:
            continue
        table.add_row(Text(title, style="bold underline"), Text())
        for (_, description), displays in keys.items():
            table.add_row(Text("  ".join(displays)), Text(description))
        table.add_row(Text(), Text())
    return table


class HelpScreen(ModalScreen[None]):
    """Every key the reader answers to, grouped by where it works."""

    BINDINGS = [
        Binding(
            "escape,question_mark,q", "dismiss", "Close help", key_display="Esc", id="help.close"
        )
    ]

    def __init__(self, groups: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Esc closes"
            yield Static(binding_table(self.groups, self.app.get_key_display))
