"""The unread-only view's sections, over stories in memory and a library."""

from __future__ import annotations

from pathlib import Path

from reader.catalog import LibraryCatalog, MemoryCatalog
from reader.library.articles import Library
from reader.model import Article, Block, BlockKind, make_article
from reader.reading import ids_of
from reader.unread import Sections, unread_sections


def story(n: int, section: str) -> Article:
    blocks = [Block(BlockKind.PARAGRAPH, f"Text {n}")]
    return make_article(
        section, f"Story {n}", blocks, "wire.xml", published=f"2026-01-{n + 1:02d}T00:00:00Z"
    )


STORIES = [story(n, "World") for n in range(5)] + [story(n, "Tech") for n in range(5, 7)]


def titles(sections: Sections) -> list[tuple[str, list[str]]]:
    return [(name, [e.title for e in entries]) for name, entries in sections]


def check(catalog: MemoryCatalog | LibraryCatalog) -> None:
    sections = catalog.sections()
    world = ids_of(sections[0][1])  # newest first: Story 4 ... Story 0
    tech = ids_of(sections[1][1])
    read = {world[0], world[2], *tech}
    shown, locate = unread_sections(sections, read, keep={world[2]})
    assert titles(shown) == [("World", ["Story 3", "Story 2", "Story 1", "Story 0"])]
    assert locate(world[3]) == (0, 2) and locate(world[0]) is None and locate(tech[0]) is None
    entries = shown[0][1]
    assert [e.title for e in entries[1:3]] == ["Story 2", "Story 1"]
    assert ids_of(entries, 2) == [world[1], world[2]]
    assert unread_sections(sections, set(world) | set(tech))[0] == []


def test_unread_sections_of_stories_in_memory() -> None:
    check(MemoryCatalog(STORIES))


def test_unread_sections_of_a_library(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "library.sqlite")
    source = library.add_source("feed", "https://wire.example.org/feed.xml", title="Wire")
    library.upsert_articles(source, STORIES)
    check(LibraryCatalog(library))
