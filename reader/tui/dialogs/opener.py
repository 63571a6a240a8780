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

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input


def opener(key: str, action: str, description: str, *, id: str) -> Binding:
    """The binding of a key that opens a dialog with a text box."""
    return Binding(key, action, description, show=False, priority=True, id=id)


def typing(focused: Widget | None) -> bool:
    """A text box has the focus: a key typed is text, not a command."""
    return isinstance(focused, Input)
