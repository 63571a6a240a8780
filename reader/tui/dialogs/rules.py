"""The rules of config.toml in a list: see them, remove one with Delete, put
it back with `z` (as `z` undoes in the reader).

Adding stays where the query is typed (Ctrl+S in the search bar, `news rules
add`); a rule's other fields are edited in the file. Names, queries and
reasons come from a file a person or a tool wrote: shown as text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets.option_list import Option

from reader.triage.rules import Rule
from reader.tui.dialogs.dialog import Dialog, framed
from reader.tui.dialogs.removable_list import RemovableList
from reader.tui.toast import notify

if TYPE_CHECKING:
    from reader.config import TakenRule

# How each action is drawn, so a list of twenty rules reads at a glance.
_ACTION_STYLE = {"section": "bold", "hide": "bold red", "mark-read": "bold", "notify": "bold"}


@dataclass(frozen=True)
class Removed:
    """A rule the rules dialog removed, with what putting it back restores."""

    rule: Rule
    place: int  # among the reader's rules
    taken: TakenRule | None  # from the config (None: it was gone from the file already)
    shown: tuple[str, ...]  # the stories it hid, listed again


class RuleList(RemovableList):
    """The rules, in the config's order, then those the config could not use."""

    BINDINGS = [Binding("delete,d,backspace", "remove", "Remove rule", id="rules.remove")]


# The widest name the rule column makes room for: a longer one pushes its
# own row's query along, not every row's.
NAME_COLUMN = 24


def rule_line(rule: Rule, today: date | None = None, *, widths: tuple[int, int] = (0, 0)) -> Text:
    """One rule as a row: name, action, query, then source and until when set;
    the name and the action padded to `widths`, so the queries line up."""
    name = Text(rule.name, "bold")
    action = Text(rule.action, _ACTION_STYLE[rule.action])
    for cell, width in ((name, widths[0]), (action, widths[1])):
        cell.pad_right(max(0, width - cell.cell_len))
    line = Text.assemble(name, "  ", action, "  ", rule.query)
    if rule.source:
        line.append(f"  source {rule.source}", style="dim")
    if rule.until is not None:
        ended = "" if rule.active(today) else " (ended)"
        line.append(f"  until {rule.until.isoformat()}{ended}", style="dim")
    return line


class RulesDialog(Dialog[None]):
    """The rules; Delete removes the highlighted one, `z` puts the last one
    removed back. `on_remove` and `on_put_back` do it (the config and the
    reader) and say whether they could; the list follows."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="rules.close"),
        Binding("z", "put_back", "Put back", id="rules.put_back"),
    ]

    def __init__(
        self,
        rules: Sequence[Rule],
        problems: Sequence[str],
        on_remove: Callable[[Rule], Removed | None],
        on_put_back: Callable[[Removed], bool],
    ) -> None:
        super().__init__()
        self.rules = list(rules)
        self.problems = list(problems)
        self.on_remove = on_remove
        self.on_put_back = on_put_back
        self.removed: list[Removed] = []  # this visit's removals, the last one last

    def compose(self) -> ComposeResult:
        keys = "Delete removes · z puts back · Esc closes"
        with framed(Vertical(id="rules-body"), "Rules", keys):
            yield RuleList(id="rule-list")

    def on_mount(self) -> None:
        self._refresh_list()
        self.query_one(RuleList).focus()

    def _refresh_list(self) -> None:
        widths = (
            min(NAME_COLUMN, max((cell_len(rule.name) for rule in self.rules), default=0)),
            max((len(rule.action) for rule in self.rules), default=0),
        )
        rows = [Option(rule_line(rule, widths=widths)) for rule in self.rules]
        for problem in self.problems:
            # Not removable here: without a name that reads there is nothing
            # to point at; the reason says what to fix in the file.
            reason = Text.assemble(("left out  ", "bold yellow"), problem)
            rows.append(Option(reason, disabled=True))
        if not self.rules and not self.problems:
            hint = "No rules yet: Ctrl+S in the search bar saves a search, or `news rules add`"
            rows.append(Option(Text(hint), disabled=True))
        self.query_one(RuleList).show_rows(rows, removable=len(self.rules))

    def take_in(self, rules: Sequence[Rule], problems: Sequence[str]) -> None:
        """The config's rules as they are now (`news rules add` in another
        terminal while the dialog is open): listed, the highlight staying on
        the rule it was on while that rule is still there."""
        found = self.query(RuleList)
        if not found:
            # Pushed a moment ago (its list not mounted yet: `on_mount` lists
            # them) or closing: the rules are kept, nothing is drawn.
            self.rules, self.problems = list(rules), list(problems)
            return
        listing = found.first()
        place = listing.highlighted
        on = self.rules[place] if place is not None and place < len(self.rules) else None
        self.rules, self.problems = list(rules), list(problems)
        self._refresh_list()
        if on is not None and on in self.rules:
            listing.highlighted = self.rules.index(on)

    @on(RuleList.Remove, "#rule-list")
    def _remove(self, event: RuleList.Remove) -> None:
        if not 0 <= event.index < len(self.rules):
            return
        removed = self.on_remove(self.rules[event.index])
        if removed is not None:
            self.removed.append(removed)
            del self.rules[event.index]
            self._refresh_list()

    def action_put_back(self) -> None:
        if not self.removed:
            notify(self, "Nothing to put back", timeout=2)
            return
        removed = self.removed[-1]
        if self.on_put_back(removed):
            self.removed.pop()
            place = min(removed.place, len(self.rules))
            self.rules.insert(place, removed.rule)
            self._refresh_list()
            self.query_one(RuleList).highlighted = place
