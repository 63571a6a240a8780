"""A result line is drawn without Rich's `Text` (see result_list._Line), and
must come out exactly as `Text` draws it: the same segments, so the same
screen, for any title, snippet, spans and width."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from reader.tui.widgets.result_list import _Line

# Letters, the ellipsis and curly quotes (Rich's slow path), wide and
# combining characters, emoji (a flag, a joiner), a control character.
ALPHABET = st.sampled_from(list("ab cdXY…’日本é\u0301😀-\x07\u200d\U0001f1e9\U0001f1ea"))
MATCH = Style(bold=True, reverse=True)
CURSOR = Style(bgcolor="blue")
SECTION = Style(color="green")
MUTED = Style(color="grey50")


def reference(
    parts: list[tuple[str, Style | None]],
    style: Style | None,
    marks: list[tuple[int, int]],
    width: int,
    cursor: Style | None,
) -> list[Segment]:
    text = Text(parts[0][0], style=style or "")
    for piece, piece_style in parts[1:]:
        text.append(piece, style=piece_style)
    for start, end in marks:
        text.stylize(MATCH, start, end)
    text.no_wrap = True
    text.truncate(width, overflow="ellipsis", pad=True)
    if cursor:
        text.stylize(cursor)
    return [s for s in text.render(Console()) if s.text != "\n"]


# Making the arguments costs Hypothesis several times what drawing the line does,
# so each line is drawn with and without the cursor on it, at its width and at a
# third of it: 100 draws at four ways are 400 lines.
# A joiner (no cell) and wide characters as many cells as characters: cut
# as one-cell text would be, it came out a cell short.
@example(section="", title="\u200dX日😀", marks=[], width=4, snippet_line=False)
@given(
    section=st.text(ALPHABET, max_size=12),
    title=st.text(ALPHABET, max_size=90),
    marks=st.lists(st.tuples(st.integers(0, 110), st.integers(0, 110)), max_size=4),
    width=st.integers(1, 100),
    snippet_line=st.booleans(),
)
def test_a_result_line_is_drawn_as_rich_text_draws_it(
    section: str,
    title: str,
    marks: list[tuple[int, int]],
    width: int,
    snippet_line: bool,
) -> None:
    for cursor in (None, CURSOR):
        for cells in (width, max(1, width // 3)):
            line_is_drawn_as_rich_text_draws_it(section, title, marks, cells, cursor, snippet_line)


def line_is_drawn_as_rich_text_draws_it(
    section: str,
    title: str,
    marks: list[tuple[int, int]],
    width: int,
    cursor: Style | None,
    snippet_line: bool,
) -> None:
    if snippet_line:  # "   " then the snippet, all muted
        parts: list[tuple[str, Style | None]] = [("   ", None), (title, MUTED)]
        style: Style | None = MUTED
    else:  # " section  title"
        parts = [(" ", None), (section, SECTION), ("  ", None), (title, Style(bold=True))]
        style = None
    line = _Line(parts[0][0], style)
    for piece, piece_style in parts[1:]:
        line.append(piece, piece_style)
    for start, end in marks:
        line.stylize(MATCH, start, end)
    drawn = line.segments(width, cursor)
    assert drawn == reference(parts, style, marks, width, cursor), (width, cursor)
