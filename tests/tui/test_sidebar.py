"""What a reader of thousands of stories expects: the story's feed in its
header, dates in the sidebar, newest first, and sections to jump and fold."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reader.catalog import LibraryCatalog
from reader.library.articles import Library
from reader.model import Article, Block, BlockKind, make_article
from reader.tui.app import NewsApp
from reader.tui.screens.reader import ReaderScreen
from reader.tui.widgets.article_list import ArticleList

from .shown import sidebar_lines
from .waiting import painted

SIZE = (120, 30)


def story(section: str, title: str, published: str = "") -> Article:
    body = [Block(BlockKind.PARAGRAPH, f"The story of {title}.")]
    return make_article(section, title, body, "wire.xml", published=published)


def screen(app: NewsApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def cursor_title(sidebar: ArticleList) -> str | None:
    entry = sidebar.highlighted
    return entry.title if entry is not None else None


async def test_the_story_header_names_the_feed_it_came_from(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "library.sqlite")
    source = library.add_source("feed", "https://wire.example.org/feed.xml", title="The Wire")
    library.upsert_articles(source, [story("Markets", "Shares rise")])
    app = NewsApp(LibraryCatalog(library))
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        header = screen(app).story.lines[0].text
        assert header.split("·")[:2] == ["  MARKETS  ", "  from The Wire  "]


def dated() -> list[Article]:
    """Two sections, each in feed order oldest first, one story without a date;
    all this year (whichever year the test runs in) but one."""
    year = date.today().year
    return [
        story("Markets", "Shares rise", f"{year}-03-01T09:00:00Z"),
        story("Markets", "Bonds fall", f"{year}-03-05T09:00:00Z"),
        story("Markets", "Undated note"),
        story("Markets", "Gold steady", "2019-12-30T09:00:00Z"),
        story("Energy", "Wind record", f"{year}-02-01T09:00:00Z"),
        story("Energy", "Solar farm opens", f"{year}-04-02T09:00:00Z"),
    ]


def titles(lines: list[str]) -> list[str]:
    return [
        line[3:].split("  ")[0].strip()
        for line in lines
        if line.startswith("   ") or line.startswith("▌")
    ]


async def test_sidebar_shows_dates_newest_first_and_o_switches_to_feed_order() -> None:
    app = NewsApp(dated())
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        lines = sidebar_lines(app)
        assert titles(lines)[:4] == ["Bonds fall", "Shares rise", "Gold steady", "Undated note"]
        assert titles(lines)[4:6] == ["Solar farm opens", "Wind record"]
        bonds = next(line for line in lines if "Bonds fall" in line)
        assert bonds.endswith("5 Mar")
        gold = next(line for line in lines if "Gold steady" in line)
        assert gold.endswith("2019")
        await pilot.press("O")
        await pilot.pause()
        lines = sidebar_lines(app)
        assert titles(lines)[:4] == ["Shares rise", "Bonds fall", "Undated note", "Gold steady"]
        assert cursor_title(screen(app).sidebar) == "Bonds fall"  # the cursor kept its story


async def test_braces_jump_between_sections_and_Z_folds_one() -> None:
    app = NewsApp(dated())
    async with app.run_test(size=SIZE) as pilot:
        sidebar = screen(app).sidebar
        await pilot.press("right_curly_bracket")
        assert cursor_title(sidebar) == "Solar farm opens"  # Energy's first
        await pilot.press("j", "left_curly_bracket")
        assert cursor_title(sidebar) == "Solar farm opens"  # the top of this section
        await pilot.press("left_curly_bracket")
        assert cursor_title(sidebar) == "Bonds fall"  # Markets' first
        await pilot.press("Z")
        await pilot.pause()
        lines = sidebar_lines(app)
        assert lines[0].startswith("▸ Markets") and "Bonds fall" not in "\n".join(lines)
        assert lines[1].startswith("Energy")
        assert cursor_title(sidebar) is None  # on the folded header
        await pilot.press("j")
        assert cursor_title(sidebar) == "Solar farm opens"
        await pilot.press("k", "enter")  # Enter on a folded section opens it
        await pilot.pause()
        assert "Bonds fall" in "\n".join(sidebar_lines(app))
        assert cursor_title(sidebar) == "Bonds fall"


async def test_the_first_start_opens_the_sidebars_first_story_the_newest() -> None:
    app = NewsApp(dated())
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        assert screen(app).story.article.title == "Bonds fall"
        assert cursor_title(screen(app).sidebar) == "Bonds fall"
