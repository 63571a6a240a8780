"""What the screen shows, read through Textual's public API.

Toasts are found by their widget's type name and read as they render (title,
then message), so a test sees what a person sees and nothing Textual keeps
behind it. What was said before (a toast gone by now) is recorded as the app
is told it (`Said`).
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.message import Message
from textual.notifications import Notification, Notify


def toasts(app: App[Any]) -> list[str]:
    """The text of each toast on the screen now, title and message on their own lines."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


class Said:
    """Every notification the app raised, shown or already gone: a message hook
    for `run_test(message_hook=said)`, which sees each `Notify` the app gets."""

    def __init__(self) -> None:
        self.notes: list[Notification] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.notes.append(message.notification)

    def messages(self) -> list[str]:
        return [note.message for note in self.notes]

    def titled(self) -> list[tuple[str, str]]:
        """(title, message) of each."""
        return [(note.title, note.message) for note in self.notes]
