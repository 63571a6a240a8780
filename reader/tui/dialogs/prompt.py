"""A one-line question over the screen: the bookmark note (e) and the name of a
saved search (Ctrl+S) both ask one.

Shared here: the box with its title and keys, the text the question is
about, shown as given (a story's title or a typed query is never markup),
Enter to answer and Escape to cancel (None). Each dialog says what its answer
is (`answer`) and keeps its own Escape binding, whose id a keymap can name.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from reader.tui.dialogs.dialog import Dialog, framed


class PromptDialog(Dialog[str | None]):
    """Dismissed with `answer(typed)`, or None on Escape. Widget ids are
    `{ids}-body`, `{ids}-{about_id}` and `{ids}-input`, for the stylesheet."""

    def __init__(
        self,
        *,
        ids: str,
        title: str,
        about: str,
        about_id: str,
        value: str = "",
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self.ids = ids
        self.box_title = title
        self.about = about
        self.about_id = about_id
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with framed(Vertical(id=f"{self.ids}-body"), self.box_title, "Enter saves · Esc cancels"):
            yield Label(self.about, markup=False, id=f"{self.ids}-{self.about_id}")
            yield Input(self.value, placeholder=self.placeholder, id=f"{self.ids}-input")

    def answer(self, typed: str) -> str | None:
        """What Enter returns for `typed`; None keeps the dialog open."""
        return typed.strip()

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        if (answer := self.answer(event.value)) is not None:
            self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
