"""What a story looks like once rendered by Rich."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from rich.console import Console, RenderableType
from rich.style import Style

from reader.model import Block, BlockKind, make_article
from reader.render import MEASURE, render_article
from reader.sources.dump import parse, read_dump
from reader.urls import clickable


def plain(renderable: RenderableType, width: int = MEASURE) -> str:
    console = Console(width=width, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def test_seed_story_reads_top_to_bottom(seed: Path) -> None:
    starfall = read_dump(seed).articles[2]
    out = plain(render_article(starfall))
    assert out.startswith("INVESTOR'S CORNER  ·  2 min read  ·  553 words")
    assert "▌ SpaceX’s secret disk-shaped Starfall capsule" in out
    assert "Related: SpaceX to launch military missile tracking satellites" in out
    assert max(len(line) for line in out.splitlines()) <= MEASURE


def test_a_one_word_story_says_one_word(seed: Path) -> None:
    story = replace(read_dump(seed).articles[2], words=1)
    assert plain(render_article(story)).startswith("INVESTOR'S CORNER  ·  1 min read  ·  1 word\n")


def test_post_shows_attribution_in_a_quote(seed: Path) -> None:
    semi = read_dump(seed).articles[3]
    out = plain(render_article(semi))
    assert "┃ — Danny (@dannywinner1) June 21, 2026" in out
    assert "┃ Spotted the new semi" in out


def test_a_post_under_its_standfirst_draws_no_empty_quote_line() -> None:
    dump = "Sports\nThe local team won the cup\n{}— Fan Person (@fan) November 29, 2026\n"
    for text in ("The local team won the cup after a late goal.\n", ""):
        [story] = parse(dump.format(text))
        lines = plain(render_article(story)).splitlines()
        quoted = [line.rstrip() for line in lines if line.startswith("┃")]
        assert quoted == [f"┃ {text.strip()}"] * bool(text) + [
            "┃ — Fan Person (@fan) November 29, 2026"
        ]
        assert not story.standfirst  # the post kept its text


def test_markup_in_text_is_shown_literally() -> None:
    article = make_article(
        "[b]Sec[/b]",
        "[bold red]x[/bold red] :smile:",
        [Block(BlockKind.PARAGRAPH, "[link=http://evil]click[/link] [/]")],
        "test",
    )
    out = plain(render_article(article))
    assert "[bold red]x[/bold red] :smile:" in out
    assert "[link=http://evil]click[/link] [/]" in out
    assert "[B]SEC[/B]" in out


def test_highlight_spans_style_without_moving_text() -> None:
    article = make_article(
        "News", "Tesla and Starfall", [Block(BlockKind.PARAGRAPH, "Tesla " * 30)], "t"
    )

    def tesla(text: str) -> Iterator[tuple[int, int, Style]]:
        start = text.find("Tesla")
        while start >= 0:
            yield start, start + 5, Style(bgcolor="yellow")
            start = text.find("Tesla", start + 1)

    lit = render_article(article, highlighters=[tesla])
    assert plain(lit) == plain(render_article(article))
    console = Console(width=60, force_terminal=True, color_system="truecolor")
    with console.capture() as capture:
        console.print(lit)
    assert capture.get().count("43m") == 31  # the title's Tesla and the body's thirty


def test_wide_characters_keep_columns_aligned() -> None:
    article = make_article(
        "世界", "日本語のタイトル 😀", [Block(BlockKind.QUOTE, "“引用 " * 40 + "”")], "t"
    )
    console = Console(width=40, force_terminal=False, color_system=None)
    lines = console.render_lines(render_article(article), console.options)
    assert {sum(seg.cell_length for seg in line) for line in lines} == {40}


def test_only_web_links_become_clickable() -> None:
    assert clickable("pic.twitter.com/abc") == "https://pic.twitter.com/abc"
    assert clickable("http://example.org/x") == "http://example.org/x"
    assert clickable("javascript:alert(1)") == ""
    assert clickable("file:///etc/passwd") == ""


def test_links_are_listed_under_the_story_once() -> None:
    from reader.model import Inline, Mark
    from reader.render import story_links

    article = make_article(
        "S",
        "T",
        [
            Block(
                BlockKind.PARAGRAPH,
                "see here and here again",
                inlines=(
                    Inline(4, 8, Mark.LINK, "https://e.org/x"),
                    Inline(13, 17, Mark.LINK, "https://e.org/x"),
                ),
            ),
            Block(BlockKind.RELATED, "Another story", url="https://e.org/related"),
        ],
        "src",
        url="https://e.org/story",
    )
    assert story_links(article) == [
        ("This story", "https://e.org/story"),
        ("here", "https://e.org/x"),
        ("Another story", "https://e.org/related"),
    ]
    out = plain(render_article(article))
    assert " 1. This story  https://e.org/story" in out
    assert " 3. Another story  https://e.org/related" in out


def test_a_link_that_does_not_open_has_no_number_and_no_entry() -> None:
    # Only a link that opens is numbered: a javascript: or mailto: one, listed,
    # took a number, and a dropped one's neighbours read as each other's.
    from reader.model import Inline, Mark
    from reader.render import story_links

    text = "Hello the press and bad and mail."
    article = make_article(
        "S",
        "T",
        [
            Block(
                BlockKind.PARAGRAPH,
                text,
                inlines=(
                    Inline(6, 15, Mark.LINK, "https://example.com/x"),
                    Inline(20, 23, Mark.LINK, "javascript:alert(1)"),
                    Inline(28, 32, Mark.LINK, "mailto:desk@example.com"),
                ),
            ),
            Block(BlockKind.RELATED, "Elsewhere", url="data:text/html,hi"),
        ],
        "src",
        url="https://example.com/one",
    )
    out = plain(render_article(article))
    assert "Hello the press[2] and bad and mail." in out
    assert "Elsewhere[" not in out
    assert story_links(article) == [
        ("This story", "https://example.com/one"),
        ("the press", "https://example.com/x"),
    ]
    assert "javascript" not in out and "mailto" not in out and " 3." not in out


def test_a_story_whose_own_address_does_not_open_numbers_from_its_first_link() -> None:
    from reader.model import Inline, Mark

    block = Block(
        BlockKind.PARAGRAPH, "see here", inlines=(Inline(4, 8, Mark.LINK, "https://e.org/x"),)
    )
    out = plain(render_article(make_article("S", "T", [block], "src", url="javascript:x")))
    assert "see here[1]" in out and " 1. here  https://e.org/x" in out


def test_a_story_without_links_lists_none(seed: Path) -> None:
    assert "Links" not in plain(render_article(read_dump(seed).articles[0]))


def test_a_long_note_is_cut_above_the_story_not_pushing_it_away(seed: Path) -> None:
    starfall = read_dump(seed).articles[2]
    out = plain(render_article(starfall, note="why " * 5000))
    head = out.split("SpaceX is launching")[0]
    assert "★ Bookmarked · why why" in head and head.rstrip().endswith("why…")
    assert len(head) < 600
    whole = plain(render_article(starfall, note="worth a second read"))
    assert "★ Bookmarked · worth a second read" in whole


def test_an_address_that_does_not_open_is_not_drawn_as_a_link() -> None:
    # A missing bookmark's "Related:" line and a picture's line were drawn in
    # the link colour and underlined whatever their address: javascript:alert(1) too.
    article = make_article(
        "S",
        "T",
        [
            Block(BlockKind.RELATED, "javascript:alert(1)", url="javascript:alert(1)"),
            Block(BlockKind.IMAGE, "a chart", url="data:text/html,hi"),
            Block(BlockKind.RELATED, "Elsewhere", url="https://e.org/x"),
        ],
        "src",
    )
    console = Console(width=80, color_system="truecolor")
    lines = console.render_lines(render_article(article))
    styles = {
        segment.text: segment.style for line in lines for segment in line if segment.text.strip()
    }
    for text in ("javascript:alert(1)", "a chart"):
        style = styles[text]
        assert style is None or not (style.underline or style.color or style.link), text
    assert styles["Elsewhere"] is not None and styles["Elsewhere"].underline
