"""The library store: schema and migrations, upserts, listing, bodies, seeding."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.library.articles import Library
from reader.library.db import (
    MIGRATIONS,
    SCHEMA_VERSION,
    LibraryError,
    default_path,
    migrate,
    open_library,
    user_version,
)
from reader.library.listing import Listing
from reader.library.search import search
from reader.model import Article, Block, BlockKind, make_article
from reader.query import parse
from reader.seeding import ensure_seeded, import_dump
from reader.sources.dump import DumpError, read_dump


def story(section: str, title: str, *paragraphs: str) -> Article:
    blocks = [Block(BlockKind.PARAGRAPH, p) for p in paragraphs]
    return make_article(section, title, blocks, "test")


@pytest.fixture
def lib() -> Iterator[Library]:
    library = Library(open_library(":memory:"))
    yield library
    library.close()


def tables(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}


def index_ok(conn: sqlite3.Connection) -> None:
    # Raises sqlite3.DatabaseError ("database disk image is malformed") when the
    # index and the articles disagree.
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


# Schema -------------------------------------------------------------------------


def test_new_file_library_has_the_schema(tmp_path: Path) -> None:
    conn = open_library(tmp_path / "lib.sqlite")
    assert user_version(conn) == SCHEMA_VERSION
    assert {"meta", "sources", "sections", "articles", "articles_fts"} <= tables(conn)
    assert {"articles_listing", "articles_by_section", "articles_fts_delete"} <= tables(conn)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn.close()
    # Opening again migrates nothing and loses nothing.
    conn = open_library(tmp_path / "lib.sqlite")
    assert user_version(conn) == SCHEMA_VERSION
    conn.close()


def test_migration_from_version_1_indexes_existing_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, target=1)  # a library as version 1 left it: no full-text index
    assert user_version(old) == 1 and "articles_fts" not in tables(old)
    old.execute(
        "INSERT INTO sources (id, kind, location, added) VALUES (1, 'dump', 'x.txt', 'then')"
    )
    old.execute("INSERT INTO sections (id, key, name) VALUES (1, 'news', 'News')")
    old.execute(
        "INSERT INTO articles (id, source_id, ordinal, section, section_id, title, body, text)"
        " VALUES ('a1', 1, 1, 'News', 1, 'Old story', 'About wombats.', 'About wombats.')"
    )
    old.close()

    lib = Library(open_library(path))
    assert user_version(lib.conn) == SCHEMA_VERSION == len(MIGRATIONS)
    assert [r.title for r in lib.listing()] == ["Old story"]
    assert search(lib.conn, parse("wombats")).total == 1
    index_ok(lib.conn)
    lib.close()


def test_library_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    open_library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(LibraryError, match="newer version"):
        open_library(path)


def test_a_file_that_is_not_a_library(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are not the tables you are looking for\n" * 100)
    with pytest.raises(LibraryError, match=r"notes\.txt"):
        open_library(path)
    with pytest.raises(LibraryError, match="cannot open"):
        open_library(tmp_path / "missing" / "dir" / "lib.sqlite")


def test_default_path_is_resolved_lazily(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"  # where the autouse fixture points NEWS_DATA_DIR
    code = "import reader.library, reader.library.search, reader.markdown"
    subprocess.run([sys.executable, "-c", code], check=True, env={"NEWS_DATA_DIR": str(data)})
    assert not data.exists()
    assert default_path() == data / "library.sqlite"
    conn = open_library()
    assert (data / "library.sqlite").exists()
    conn.close()
    monkeypatch.setenv("NEWS_LIBRARY", str(tmp_path / "elsewhere.sqlite"))
    assert default_path() == tmp_path / "elsewhere.sqlite"


def test_in_memory_libraries_are_separate() -> None:
    one, two = Library(open_library(":memory:")), Library(open_library(":memory:"))
    one.upsert_articles(one.add_source("feed", "u"), [story("News", "Only here", "x")])
    assert one.count() == 1 and two.count() == 0


# Sources and upserts ---------------------------------------------------------------


def test_sources(lib: Library) -> None:
    feed = lib.add_source("feed", "https://example.org/rss", title="Example", fulltext=True)
    assert lib.add_source("feed", "https://example.org/rss") == feed  # no duplicate
    folder = lib.add_source("markdown", "/notes")
    lib.update_source(feed, etag='"abc"', last_error="timed out")
    [first, second] = lib.sources()
    assert (first.id, first.kind, first.name, first.fulltext) == (feed, "feed", "Example", True)
    assert (first.etag, first.last_error) == ('"abc"', "timed out")
    assert first.added
    assert (second.id, second.name) == (folder, "/notes")
    with pytest.raises(TypeError):
        lib.update_source(feed, location="elsewhere")
    with pytest.raises(sqlite3.IntegrityError):
        lib.add_source("gopher", "x")  # type: ignore[arg-type]


def test_upsert_is_idempotent_and_updates_in_place(lib: Library) -> None:
    source = lib.add_source("feed", "u")
    stories = [story("News", f"Story {i}", f"Body {i} about koalas.") for i in range(5)]
    assert lib.upsert_articles(source, stories) == 5
    assert lib.upsert_articles(source, stories) == 0
    assert lib.count() == 5
    order = [r.id for r in lib.listing()]

    changed = make_article("News", "Story 2", [Block(BlockKind.PARAGRAPH, "Now wombats.")], "t")
    assert changed.id == stories[2].id
    assert lib.upsert_articles(source, [changed]) == 1
    assert [r.id for r in lib.listing()] == order  # kept its place
    assert lib.article(changed.id).blocks == changed.blocks
    assert search(lib.conn, parse("koalas")).total == 4
    assert search(lib.conn, parse("wombats")).total == 1
    index_ok(lib.conn)


def test_stories_hidden_stay_hidden_when_more_are_stored(lib: Library) -> None:
    """Storing keeps its statement journals in memory only while the connection
    has no temporary tables: switching `temp_store` would drop the hidden set."""
    source = lib.add_source("feed", "u")
    stories = [story("News", f"Story {i}", f"Body {i}.") for i in range(4)]
    lib.upsert_articles(source, stories[:2])
    lib.set_hidden([stories[0].id])
    lib.upsert_articles(source, stories[2:])
    assert lib.hidden_count() == 1
    assert [r.title for r in lib.rows(hiding=True)[:]] == ["Story 1", "Story 2", "Story 3"]
    index_ok(lib.conn)


def test_storing_leaves_temporary_storage_as_it_was(tmp_path: Path) -> None:
    """A statement that rewrites much later (a source removed) must not keep
    all it changes in memory: `temp_store` is back to the default after a batch."""
    library = Library.open(tmp_path / "library.sqlite")
    source = library.add_source("feed", "u")
    library.upsert_articles(source, [story("News", f"Story {i}", "Body.") for i in range(3)])
    assert library.conn.execute("PRAGMA temp_store").fetchone() == (0,)
    assert library.remove_source(source) == 3
    library.close()


def test_a_failed_upsert_leaves_nothing_behind(lib: Library) -> None:
    source = lib.add_source("feed", "u")

    def stories() -> Iterator[Article]:
        yield story("Fresh", "Written", "x")
        raise RuntimeError("feed broke half-way")

    with pytest.raises(RuntimeError):
        lib.upsert_articles(source, stories())
    assert lib.count() == 0
    assert lib.conn.execute("SELECT count(*) FROM sections").fetchone()[0] == 0
    assert lib.upsert_articles(source, [story("Fresh", "Again", "y")]) == 1
    assert lib.listing()[0].section == "Fresh"


def test_remove_source_takes_its_articles_and_index_entries(lib: Library) -> None:
    keep = lib.add_source("feed", "keep")
    drop = lib.add_source("feed", "drop")
    lib.upsert_articles(keep, [story("News", "Kept", "platypus")])
    lib.upsert_articles(drop, [story("News", f"Gone {i}", "platypus") for i in range(3)])
    assert search(lib.conn, parse("platypus")).total == 4
    assert lib.remove_source(drop) == 3
    assert [r.title for r in lib.listing()] == ["Kept"]
    assert search(lib.conn, parse("platypus")).total == 1
    assert [s.id for s in lib.sources()] == [keep]
    index_ok(lib.conn)


# Reading ------------------------------------------------------------------------------


def test_listing_is_in_reading_order_and_reads_no_bodies(lib: Library) -> None:
    first = lib.add_source("dump", "/a.txt", title="a")
    second = lib.add_source("feed", "https://b")
    lib.upsert_articles(first, [story("News", "One", "x"), story("Sport", "Two", "y")])
    lib.upsert_articles(second, [story("news", "Three", "z")])
    rows = lib.listing()
    assert [(r.title, r.section, r.source) for r in rows] == [
        ("One", "News", "a"),
        ("Two", "Sport", "a"),
        ("Three", "News", "https://b"),  # one section, named as first seen
    ]
    assert rows[0].words == 2 and rows[0].published == ""
    assert [r.title for r in lib.listing("NEWS")] == ["One", "Three"]
    assert lib.sections() == [("News", 2), ("Sport", 1)]

    statements: list[str] = []
    lib.conn.set_trace_callback(statements.append)
    lib.listing()
    lib.listing("News")
    lib.conn.set_trace_callback(None)
    assert statements and not any("body" in s or "text" in s for s in statements)
    for section in (None, "News"):
        sql = [s for s in statements if "FROM articles" in s][0 if section is None else 1]
        plan = " ".join(str(r) for r in lib.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "COVERING INDEX" in plan, plan


def test_seed_stories_come_back_as_parsed(lib: Library, seed: Path) -> None:
    result = import_dump(lib, seed)
    assert (result.articles, result.changed, result.warnings) == (4, 4, [])
    parsed = read_dump(seed).articles
    assert [r.id for r in lib.listing()] == [a.id for a in parsed]
    kinds = {b.kind for a in parsed for b in a.blocks}
    assert {BlockKind.POST, BlockKind.QUOTE, BlockKind.RELATED, BlockKind.FOOTER} <= kinds
    for article in parsed:
        assert lib.article(article.id) == article
    assert lib.article("no-such-id") is None


def test_article_keeps_every_field(lib: Library) -> None:
    article = dataclasses.replace(
        story("Tech", "Full", "Body text."),
        url="https://example.org/full",
        author="A. Writer",
        published="2026-06-21T10:00:00+00:00",
        standfirst="A standfirst.",
        source="https://example.org/feed",
    )
    lib.upsert_articles(lib.add_source("feed", "https://example.org/feed"), [article])
    assert lib.article(article.id) == article


def test_seeding_happens_once(lib: Library, seed: Path) -> None:
    assert ensure_seeded(lib, [seed]) == 4
    assert ensure_seeded(lib, [seed]) == 0
    assert lib.count() == 4
    [source] = lib.sources()
    assert (source.kind, source.location) == ("dump", str(seed.resolve()))
    lib.remove_source(source.id)
    assert ensure_seeded(lib, [seed]) == 0  # removed by the user: stays removed
    assert lib.count() == 0


def test_import_dump_errors(lib: Library, tmp_path: Path) -> None:
    with pytest.raises(DumpError, match="no such file"):
        import_dump(lib, tmp_path / "missing.txt")
    assert lib.sources() == []


def test_file_library_survives_reopening(tmp_path: Path, seed: Path) -> None:
    path = tmp_path / "lib.sqlite"
    lib = Library.open(path)
    ensure_seeded(lib, [seed])
    lib.close()
    lib = Library.open(path)
    assert lib.count() == 4
    assert ensure_seeded(lib, [seed]) == 0
    lib.close()


def test_rows_read_pages_on_demand(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Listing, "PAGE_ROWS", 4)
    monkeypatch.setattr(Listing, "MAX_PAGES", 2)
    source = lib.add_source("feed", "u")
    lib.upsert_articles(
        source, [story("Even" if i % 2 == 0 else "Odd", f"T{i}", "x") for i in range(23)]
    )
    everything = lib.listing()
    rows = lib.rows()
    assert len(rows) == 23
    assert list(rows) == everything
    assert rows[0] == everything[0] and rows[-1] == everything[-1] and rows[13] == everything[13]
    assert rows[3:9] == everything[3:9]
    assert rows[::5] == everything[::5]
    assert rows[:] == everything
    with pytest.raises(IndexError):
        rows[23]
    assert rows.position(everything[17].id) == 17
    assert rows.position("nope") is None

    odd = lib.rows("odd")
    assert [r.title for r in odd] == [f"T{i}" for i in range(1, 23, 2)]
    assert odd.position(everything[17].id) == 8
    assert odd.position(everything[2].id) is None  # in another section

    # Stories added later stay out of a listing already made: nothing shifts.
    lib.upsert_articles(source, [story("Odd", "Late", "y")])
    assert len(rows) == 23 and list(rows) == everything
    assert len(lib.rows()) == 24


def test_count_by_section(lib: Library) -> None:
    source = lib.add_source("feed", "u")
    stories = [story("News", "A", "x"), story("News", "B", "x"), story("Sport", "C", "x")]
    lib.upsert_articles(source, stories)
    read = [stories[0].id, stories[2].id, stories[2].id, "not-stored"]
    assert lib.count_by_section(read) == {"News": 1, "Sport": 1}
    assert lib.count_by_section([]) == {}


def test_rebuild_index_repairs_rows_written_around_upsert(lib: Library) -> None:
    lib.upsert_articles(lib.add_source("feed", "u"), [story("News", "A", "numbat")])
    lib.conn.execute(
        "INSERT INTO articles (id, source_id, ordinal, section, section_id, title, text)"
        " SELECT 'raw', source_id, 99, section, section_id, 'B', 'numbat' FROM articles"
    )
    assert search(lib.conn, parse("numbat")).total == 1
    lib.rebuild_index()
    assert search(lib.conn, parse("numbat")).total == 2
    index_ok(lib.conn)
