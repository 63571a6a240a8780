"""What every box over the reader shares: its stylesheet and its frame.

The dialogs' rules (`styles/dialogs.tcss`) are read when the first one opens,
not at start (`reader.tui.styles`). Each box is a container whose border
carries a title above and the keys that work in it below, as plain text
(a title can hold a story's or a search's words, never markup). `e` and `w`
open a box with a text box by priority bindings (`opener`), so the keys
typed right behind them are the text box's: it is the first thing in the box
that can take the focus, which Textual gives it as the box is composed.
"""

from __future__ import annotations

from typing import TypeVar

from textual.content import Content
from textual.screen import ModalScreen, ScreenResultType
from textual.widget import Widget

from reader.tui import styles

Box = TypeVar("Box", bound=Widget)


class Dialog(ModalScreen[ScreenResultType]):
    """A modal screen styled by `dialogs.tcss`."""

    def __init__(self) -> None:
        super().__init__()
        styles.load(self.app, "dialogs.tcss")  # read when the first dialog opens


def framed(box: Box, title: str, keys: str) -> Box:
    """`box` with `title` on its top border and `keys` on its bottom one."""
    box.border_title = Content(title)
    box.border_subtitle = Content(keys)
    return box
