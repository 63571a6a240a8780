"""The unread-only view's sections, over stories in memory and a library."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.catalog import LibraryCatalog, MemoryCatalog
from reader.library.articles import Library
from reader.model import Article, Block, BlockKind, make_article
from reader.reading import ids_of
from reader.triage.unread import Sections, unread_sections


def story(n: int, section: str) -> Article:
    blocks = [Block(BlockKind.PARAGRAPH, f"Text {n}")]
    return make_article(
        section, f"Story {n}", blocks, "wire.xml", published=f"2026-01-{n + 1:02d}T00:00:00Z"
    )


STORIES = [story(n, "World") for n in range(5)] + [story(n, "Tech") for n in range(5, 7)]


def titles(sections: Sections) -> list[tuple[str, list[str]]]:
    return [(name, [e.title for e in entries]) for name, entries in sections]


def check(catalog: MemoryCatalog | LibraryCatalog, through_catalog: bool) -> None:
    sections = catalog.sections()
    world = ids_of(sections[0][1])  # newest first: Story 4 ... Story 0
    tech = ids_of(sections[1][1])
    read = {world[0], world[2], *tech}
    where = catalog.locate if through_catalog else None
    shown, locate = unread_sections(sections, read, {world[2]}, where)
    assert titles(shown) == [("World", ["Story 3", "Story 2", "Story 1", "Story 0"])]
    assert [locate(i) for i in world] == [None, (0, 0), (0, 1), (0, 2), (0, 3)]
    assert locate(tech[0]) is None and locate("no such story") is None
    entries = shown[0][1]
    assert [e.title for e in entries[1:3]] == ["Story 2", "Story 1"]
    assert ids_of(entries, 2) == [world[1], world[2]]
    assert unread_sections(sections, set(world) | set(tech))[0] == []


@pytest.mark.parametrize("through_catalog", [False, True])
def test_unread_sections_of_stories_in_memory(through_catalog: bool) -> None:
    check(MemoryCatalog(STORIES), through_catalog)


@pytest.mark.parametrize("through_catalog", [False, True])
def test_unread_sections_of_a_library(tmp_path: Path, through_catalog: bool) -> None:
    library = Library.open(tmp_path / "library.sqlite")
    source = library.add_source("feed", "https://wire.example.org/feed.xml", title="Wire")
    library.upsert_articles(source, STORIES)
    check(LibraryCatalog(library), through_catalog)
