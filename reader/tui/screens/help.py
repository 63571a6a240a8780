"""The help screen, built from the live bindings so it can never drift from them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.tui.dialogs.dialog import Dialog, framed


def group_table(
    title: str, bindings: Iterable[Binding], key_display: Callable[[Binding], str]
) -> Table | None:
    """One part's keys; a description with several keys ("down" and "j", or the
    nine "Open link n") is one row."""
    keys: dict[str, list[str]] = {}
    for binding in bindings:
        if binding.description:
            keys.setdefault(binding.description, []).append(key_display(binding))
    if not keys:
        return None
    table = Table(box=None, show_header=True, padding=(0, 2, 0, 0), expand=False)
    table.add_column(Text(title, style="bold underline"), style="bold", no_wrap=True)
    table.add_column("")
    for description, displays in keys.items():
        table.add_row(Text(_keys(displays)), Text(description))
    return table


def _keys(displays: list[str]) -> str:
    """The keys of one row: "1-9" for a run of digits, else each one."""
    if len(displays) > 2 and "".join(displays) == "123456789"[: len(displays)]:
        return f"1-{displays[-1]}"
    return " ".join(displays)


def binding_table(
    groups: Iterable[tuple[str, Iterable[Binding]]], key_display: Callable[[Binding], str]
) -> RenderableType:
    """The groups in two columns when they fit side by side, else in one."""
    tables = [t for title, b in groups if (t := group_table(title, b, key_display))]
    return _Columns(tables)


class _Columns:
    """Tables in two columns, split where the rows come out most even; in one
    column when two would not fit the width (at 60 columns they cut "Keywords")."""

    def __init__(self, tables: list[Table]) -> None:
        self.tables = tables
        sizes = [t.row_count + 2 for t in tables]
        half = min(range(len(tables) + 1), key=lambda i: abs(sum(sizes[:i]) - sum(sizes[i:])))
        self.two = Table.grid(padding=(0, 4))
        self.two.add_column()
        self.two.add_column()
        self.two.add_row(Group(*_spaced(tables[:half])), Group(*_spaced(tables[half:])))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wanted = Measurement.get(console, options.update(width=10_000), self.two).maximum
        if wanted <= options.max_width:
            yield self.two
        else:
            yield Group(*_spaced(self.tables))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        two = Measurement.get(console, options, self.two)
        one = Measurement.get(console, options, Group(*self.tables))
        return Measurement(one.minimum, two.maximum)


def _spaced(tables: list[Table]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for table in tables:
        out += [table, Text()]
    return out


class HelpScreen(Dialog[None]):
    """Every key the reader answers to, grouped by where it works."""

    BINDINGS = [
        Binding(
            "escape,question_mark,q", "dismiss", "Close help", key_display="Esc", id="help.close"
        ),
        # As in the reading pane: j/k a line, g/G to either end.
        Binding("j", "scroll('down')", "Scroll down", show=False, id="help.down"),
        Binding("k", "scroll('up')", "Scroll up", show=False, id="help.up"),
        Binding("g", "scroll('home')", "Top", show=False, id="help.top"),
        Binding("G", "scroll('end')", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, groups: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.groups = groups

    def action_scroll(self, where: str) -> None:
        """At once, not after the next frame as Textual's default: each scroll
        counts from where the last left off, so keys pressed within one frame
        (a burst, a held key) all move the text."""
        body = self.query_one("#help-body", VerticalScroll)
        {
            "down": body.scroll_down,
            "up": body.scroll_up,
            "home": body.scroll_home,
            "end": body.scroll_end,
        }[where](animate=False, immediate=True)

    def compose(self) -> ComposeResult:
        with framed(VerticalScroll(id="help-body"), "Keys", "Esc closes"):
            yield Static(binding_table(self.groups, self.app.get_key_display))
