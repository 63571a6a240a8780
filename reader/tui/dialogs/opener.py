"""The keys that open a dialog with a text box (`e` the note, `w` the keywords).

Textual runs a key's binding only once the key has bubbled up to the app from
the focused widget, through the message queue of every widget on the way. The
keys typed right behind `e` were meanwhile handed to that same widget (the
sidebar, the story) and reached the app after the dialog had opened, where
nothing took them: under load the first few letters of a burst, or all of
them, were lost, and a `q` or `z` among them did nothing. A priority binding is
run by the app as the key arrives, before the next key is handed anywhere,
and the app then waits for the dialog to be mounted (`App.push_screen`), its
text box focused as it is composed (`Dialog`): every key typed behind lands in
the box, in order, as behind `/` (the search bar).

A priority binding would also take the key from a text box it is typed into;
`typing` is what the owner's `check_action` asks, so there the key stays text.
This module is imported at start, so it imports nothing the first screen does not.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input


def opener(key: str, action: str, description: str, *, id: str) -> Binding:
    """The binding of a key that opens a dialog with a text box."""
    return Binding(key, action, description, show=False, priority=True, id=id)


def typing(focused: Widget | None) -> bool:
    """A text box has the focus: a key typed is text, not a command."""
    return isinstance(focused, Input)


class TypeAhead:
    """The keys typed for a dialog's text box before it could take them, given
    to it in order: Ctrl+S in the search bar runs within the bar's input (so it
    saves what was typed before it), and the keys behind it, already handed to
    that input, are the name's, not more of the query."""

    def __init__(self) -> None:
        self.held: list[events.Key] = []
        self.box: Input | None = None
        self.done = False  # the dialog closed (or never opened): keys are the input's again

    def add(self, key: events.Key) -> None:
        """A key typed behind the opener: to the box, or kept until it is there."""
        if self.box is None:
            self.held.append(key)
        else:
            self._type(key)

    def give_to(self, box: Input) -> None:
        """The box is there: the keys held, then each one after, go to it."""
        self.box = box
        for key in self.held:
            self._type(key)
        self.held.clear()

    def _type(self, key: events.Key) -> None:
        """As if typed now: the app hands it to the box, focused, and runs its
        bindings (Enter answers, Backspace deletes)."""
        assert self.box is not None
        self.box.app.post_message(events.Key(key.key, key.character))

    def follow(self, front: Screen[Any], box: Input) -> None:
        """After the opener's action: to the dialog it put in front, or back to
        `box` when none opened (the query could not be saved)."""
        from reader.tui.dialogs.dialog import Dialog  # loaded once a dialog has opened

        if isinstance(front, Dialog):
            front.typed_ahead = self
        else:
            self.give_back(box)

    def give_back(self, box: Input) -> None:
        """No dialog after all (the query cannot be saved): the keys are `box`'s."""
        self.done = True
        self.give_to(box)
