"""The base of every message the reader's own widgets post.

Each carries the widget that sent it as `control`, which is what
`@on(Message, "#id")` matches the selector against; Textual's widgets each
write that out as an attribute and a property. Written once here for the
sidebar, the reading pane, the search bar, the result list and the dialogs'
lists, typed by the widget, so a handler's `event.control` is that widget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from textual.message import Message

if TYPE_CHECKING:
    from textual.widget import Widget

W = TypeVar("W", bound="Widget")


class FromWidget(Message, Generic[W]):
    """A message from `widget`, its `control`."""

    def __init__(self, widget: W) -> None:
        super().__init__()
        self.widget = widget

    @property
    def control(self) -> W:
        return self.widget
