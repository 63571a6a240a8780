"""Link markers and image lines in the rendered story (`news show` and the TUI)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.style import Style

from reader.markdown import markdown_to_blocks
from reader.model import make_article
from reader.render import Highlighter, render_article, story_links

STORY = make_article(
    "News",
    "Links",
    markdown_to_blocks(
        "Met [the press](https://e.org/press) today.\n\n![A chart of sales](https://e.org/c.png)\n"
    ),
    "t",
    url="https://e.org/story",
)


def lines(highlighters: Iterable[Highlighter] = ()) -> list[list[tuple[str, Style | None]]]:
    console = Console(width=80, color_system="truecolor")
    rendered = console.render_lines(render_article(STORY, highlighters=highlighters))
    return [[(s.text, s.style) for s in line if s.text] for line in rendered]


def test_links_are_numbered_in_the_text_and_images_listed() -> None:
    text = ["".join(t for t, _ in line).rstrip() for line in lines()]
    assert "Met the press[2] today." in text
    assert "▣ A chart of sales[3]" in text
    assert story_links(STORY) == [
        ("This story", "https://e.org/story"),
        ("the press", "https://e.org/press"),
        ("▣ A chart of sales", "https://e.org/c.png"),
    ]


def test_a_marker_never_moves_a_highlight() -> None:
    def press(text: str) -> list[tuple[int, int, Style | str]]:
        at = text.find("press")
        return [(at, at + 5, "black on yellow")] if at >= 0 else []

    lit = [t for line in lines([press]) for t, style in line if style and style.bgcolor]
    assert lit == ["press"]
