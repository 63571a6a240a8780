"""What every box over the reader shares: its stylesheet and its frame.

The dialogs' rules (`styles/dialogs.tcss`) are read when the first one opens,
not at start (`reader.tui.styles`). Each box is a container whose border
carries a title above and the keys that work in it below, as plain text
(a title can hold a story's or a search's words, never markup). `e` and `w`
open a box with a text box by priority bindings (`opener`), so the keys
typed right behind them are the text box's: it is the first thing in the box
that can take the focus, which Textual gives it as the box is composed. The
keys typed behind Ctrl+S, which the search bar's input takes in turn, come
to the box it opens as `typed_ahead`.
"""

from __future__ import annotations

from typing import TypeVar

from textual.content import Content
from textual.screen import ModalScreen, ScreenResultType
from textual.widget import Widget
from textual.widgets import Input

from reader.tui import styles
from reader.tui.dialogs.opener import TypeAhead

Box = TypeVar("Box", bound=Widget)


class Dialog(ModalScreen[ScreenResultType]):
    """A modal screen styled by `dialogs.tcss`."""

    # The keys typed behind the key that opened it (Ctrl+S), for its text box.
    typed_ahead: TypeAhead | None = None

    def __init__(self) -> None:
        super().__init__()
        styles.load(self.app, "dialogs.tcss")  # read when the first dialog opens

    def on_mount(self) -> None:
        if self.typed_ahead is not None:
            # From the app's queue: a key made here (its sender this screen)
            # would bubble no further than it, and not reach the app's bindings.
            self.app.call_later(self.typed_ahead.give_to, self.query_one(Input))

    def on_unmount(self) -> None:
        if self.typed_ahead is not None:
            self.typed_ahead.done = True  # keys go where they are typed again


def framed(box: Box, title: str, keys: str) -> Box:
    """`box` with `title` on its top border and `keys` on its bottom one."""
    box.border_title = Content(title)
    box.border_subtitle = Content(keys)
    return box
