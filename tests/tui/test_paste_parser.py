"""A paste holding an ESC, as Textual's input parser delivers it.

The tester pasted `first \\x1b[31mRED second` (bracketed, as tmux's
`paste-buffer -p` sends it, the ESC raw inside the brackets) into the note box
and the search bar and got `^[31mRED secondfirst `. Not tmux, nor our inputs:
Textual 8.2's parser (`textual/_xterm_parser.py`) takes the ESC for the start of
an escape sequence, sends what follows it as typed keys (the ESC as `^`), and
then a `Paste` of only the text before it. The reader cleans every `Paste` it
gets (`NewsApp.on_event`), but cannot put back keys that were never pasted.

This test holds the README to that: it fails once Textual delivers the paste
whole, and the README's note on it should go then.
"""

from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser


@pytest.mark.xfail(
    strict=True, reason="Textual 8.2 sends what follows an ESC in a paste as keys (README)"
)
def test_a_paste_with_an_escape_arrives_whole() -> None:
    parser = XTermParser()
    got = [*parser.feed("\x1b[200~first \x1b[31mRED second\x1b[201~"), *parser.feed("")]
    assert [type(event) for event in got] == [events.Paste]
    assert isinstance(got[0], events.Paste) and got[0].text == "first \x1b[31mRED second"
