"""Where a person is in a story, whatever the width: a place is a part of the
story (`render.HEAD`, a block's index, or the links after the last block) and
an offset into it (a character of the block's text; a line in the head and the
links, which have no text of their own to count in).

Wrapping moves only spaces, so the characters other than spaces before a line
are the same at any width: that count finds the words at the top of the pane
again after a resize, a folded sidebar or a new start. Apart from the reading
pane because it is arithmetic over its lines, with no widget in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.strip import Strip

Place = tuple[int, int]
# The parts of a story as laid out: (part, its first line, how many lines).
Parts = Sequence[tuple[int, int, int]]
# A block's text (the empty string for the head and the links).
TextOf = Callable[[int], str]


def place_of_line(y: int, parts: Parts, lines: Sequence[Strip], text_of: TextOf) -> Place | None:
    """The place of line `y`'s first character; None if `y` is not laid out."""
    for part, first, count in parts:
        if first <= y < first + count:
            text = text_of(part)
            if not text:
                return part, y - first
            shown = sum(visible(lines[line].text) for line in range(first, y))
            return part, offset_of(text, shown)
    return None


def line_of_place(place: Place, parts: Parts, lines: Sequence[Strip], text_of: TextOf) -> int:
    """The line a place is on, as the story is laid out now (0 if its part is not)."""
    part, offset = place
    for number, first, count in parts:
        if number == part:
            text = text_of(part)
            if not text:
                return first + max(0, min(offset, count - 1))
            before = visible(text[: max(0, offset)])
            line = first
            while line < first + count - 1:
                before -= visible(lines[line].text)
                if before < 0:
                    break
                line += 1
            return line
    return 0


def visible(text: str) -> int:
    """Characters in `text` other than spaces: the same however it is wrapped."""
    return len(text) - sum(map(str.isspace, text))


def offset_of(text: str, visible: int) -> int:
    """Where in `text` its character after `visible` others than spaces is."""
    for offset, char in enumerate(text):
        if not char.isspace():
            if visible <= 0:
                return offset
            visible -= 1
    return len(text)
