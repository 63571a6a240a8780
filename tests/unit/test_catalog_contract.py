"""One contract, two catalogs: the stories in memory (files given to `news PATH`)
and the library answer the reader's questions the same way, so the screen never
needs to know which one it holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.catalog import Catalog, LibraryCatalog, MemoryCatalog
from reader.library.articles import Library
from reader.seeding import import_dump
from reader.sources.dump import read_dump


@pytest.fixture(params=["memory", "library"])
def catalog(request: pytest.FixtureRequest, seed: Path, tmp_path: Path) -> Iterator[Catalog]:
    made: Catalog
    if request.param == "memory":
        made = MemoryCatalog(read_dump(seed).articles)
    else:
        library = Library.open(tmp_path / "library.sqlite")
        import_dump(library, seed)
        made = LibraryCatalog(library)
    yield made
    made.close()


@pytest.fixture
def expected(seed: Path) -> list[tuple[str, list[str]]]:
    """The sidebar as the in-memory catalog lists the seed, which the library
    must list the same way."""
    memory = MemoryCatalog(read_dump(seed).articles)
    try:
        return [(name, [e.id for e in entries]) for name, entries in memory.sections()]
    finally:
        memory.close()


def test_sections_list_the_same_stories_in_the_same_order(
    catalog: Catalog, expected: list[tuple[str, list[str]]]
) -> None:
    shown = [(name, [e.id for e in entries]) for name, entries in catalog.sections()]
    assert shown == expected
    assert len(expected) == 3 and all(ids for _, ids in expected)


def test_entries_are_in_the_files_reading_order(catalog: Catalog, seed: Path) -> None:
    assert [e.id for e in catalog.entries()] == [a.id for a in read_dump(seed).articles]


def test_each_story_is_found_where_the_sidebar_shows_it(catalog: Catalog) -> None:
    for number, (_, entries) in enumerate(catalog.sections()):
        for place, entry in enumerate(entries):
            assert catalog.locate(entry.id) == (number, place)
            assert catalog.has(entry.id)
            article = catalog.article(entry.id)
            assert article is not None and article.title == entry.title
    assert catalog.locate("no-such-story") is None
    assert not catalog.has("no-such-story")
    assert catalog.article("no-such-story") is None


def test_read_counts_count_per_section(
    catalog: Catalog, expected: list[tuple[str, list[str]]]
) -> None:
    (first, ids), (second, more) = expected[0], expected[1]
    read = [ids[0], more[0], more[-1], "no-such-story"]
    counts = catalog.read_counts(read)
    assert counts.get(first) == 1
    assert counts.get(second) == (1 if len(more) == 1 else 2)


def test_search_finds_the_same_stories(catalog: Catalog) -> None:
    found = catalog.searcher().search("megapod")
    assert found.total >= 1
    assert all(catalog.has(hit.id) for hit in found.hits)


def test_every_story_has_its_text_and_its_origin(catalog: Catalog) -> None:
    texts = dict(catalog.texts())
    assert set(texts) == {e.id for e in catalog.entries()}
    some = catalog.entries()[0]
    assert some.title in texts[some.id]
    assert catalog.origin(some.id).source == "teslarati"  # the bundled news, named
    assert catalog.updated_ids() == frozenset()


def test_only_the_library_can_be_refreshed(catalog: Catalog, tmp_path: Path) -> None:
    path = catalog.library_path()
    if isinstance(catalog, LibraryCatalog):
        assert path == str(tmp_path / "library.sqlite")
    else:
        assert path is None
