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


def test_a_javascript_link_in_a_feed_read_leniently_is_text_and_takes_no_number() -> None:
    # feedparser's sanitizer (a feed that is not well-formed: the stray "&")
    # empties a javascript: href; resolved against the story's address, it
    # became the story's own link and took "[1]", "This story"'s number.
    from reader.sources.feed import parse_feed

    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>A & B</title>'
        b"<item><title>T</title><link>http://example.com/1</link><guid>g</guid>"
        b'<description><![CDATA[<p><a href="javascript:alert(1)">js link</a> '
        b'<a href="http://example.com/a">ok link</a></p>]]></description></item>'
        b"</channel></rss>"
    )
    result = parse_feed(feed, "http://example.com/feed", to_blocks=markdown_to_blocks)
    assert any("read leniently" in w for w in result.warnings)
    (article,) = result.articles
    console = Console(width=80, color_system=None)
    with console.capture() as captured:
        console.print(render_article(article))
    shown = [line.rstrip() for line in captured.get().splitlines()]
    assert "js link ok link[2]" in shown
    assert shown[shown.index("Links") :] == [
        "Links",
        " 1. This story  http://example.com/1",
        " 2. ok link  http://example.com/a",
    ]
