"""Add and remove the keywords a person follows; each change is saved at once."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label
from textual.widgets.option_list import Option

from reader.highlight import Keyword, KeywordError, compile_keyword, style_for
from reader.tui.dialogs.dialog import Dialog, framed
from reader.tui.dialogs.removable_list import RemovableList


class KeywordList(RemovableList):
    """The followed keywords, each in its own colour."""

    BINDINGS = [Binding("delete,d,backspace", "remove", "Remove keyword", id="keywords.remove")]


class KeywordsDialog(Dialog[None]):
    """Type a keyword and press Enter to follow it; pick one in the list and
    press Delete to stop. `on_change` gets the whole new list after each change."""

    BINDINGS = [Binding("escape", "dismiss", "Close", id="keywords.close")]
    # Below 72 columns the three options stand one under another ("Regular
    # expression" was cut at 60 columns).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]

    def __init__(self, keywords: list[Keyword], on_change: Callable[[list[Keyword]], None]) -> None:
        super().__init__()
        self.keywords = list(keywords)
        self.on_change = on_change

    def compose(self) -> ComposeResult:
        keys = "Enter adds · Tab, Delete removes · Esc closes"
        with framed(Vertical(id="keywords-body"), "Followed keywords", keys):
            yield Input(placeholder="A word, a name, or a pattern", id="keyword-input")
            with Horizontal(id="keyword-options"):
                yield Checkbox("Whole word", True, id="whole-word")
                yield Checkbox("Match case", False, id="match-case")
                yield Checkbox("Regular expression", False, id="regex")
            yield Label("", id="keyword-error", markup=False)
            yield KeywordList(id="keyword-list")

    def on_mount(self) -> None:
        self._refresh_list()
        self.query_one(Input).focus()

    def _refresh_list(self) -> None:
        rows = []
        for index, keyword in enumerate(self.keywords):
            # A span, not the Text's own style, which the list does not draw.
            label = Text.assemble((f" {keyword.word} ", style_for(index, keyword)))
            flags = [
                name
                for name, on_ in (
                    ("substring", not keyword.whole_word),
                    ("case", keyword.case_sensitive),
                    ("regex", keyword.regex),
                )
                if on_
            ]
            if flags:
                label.append("  " + ", ".join(flags), style="dim")
            rows.append(Option(label))
        if not self.keywords:
            rows.append(Option(Text("No keywords yet"), disabled=True))
        self.query_one(KeywordList).show_rows(rows, removable=len(self.keywords))

    @on(Input.Submitted, "#keyword-input")
    def _add(self, event: Input.Submitted) -> None:
        word = event.value.strip()
        error = self.query_one("#keyword-error", Label)
        keyword = Keyword(
            word,
            whole_word=self.query_one("#whole-word", Checkbox).value,
            case_sensitive=self.query_one("#match-case", Checkbox).value,
            regex=self.query_one("#regex", Checkbox).value,
        )
        try:
            compile_keyword(keyword)
        except KeywordError as exc:
            error.update(Text(str(exc), style="bold red"))
            return
        if any(k.word == keyword.word for k in self.keywords):
            error.update(Text(f"Already following {word!r}", style="dim"))
            return
        error.update("")
        self.keywords.append(keyword)
        event.input.value = ""
        self._changed()

    @on(KeywordList.Remove, "#keyword-list")
    def _remove(self, event: KeywordList.Remove) -> None:
        if 0 <= event.index < len(self.keywords):
            del self.keywords[event.index]
            self._clear_error()
            self._changed()

    @on(Input.Changed, "#keyword-input")
    @on(Checkbox.Changed)
    def _clear_error(self) -> None:
        """What the message was about has changed: it no longer applies."""
        self.query_one("#keyword-error", Label).update("")

    def _changed(self) -> None:
        self._refresh_list()
        self.on_change(list(self.keywords))
