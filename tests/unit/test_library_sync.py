"""The library's sync side over a real library file: synced subscriptions and
items, the queue of changes for the server, and schema 6's migration."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reader.bookmarks import Bookmarks
from reader.cli import main
from reader.library.articles import Library
from reader.library.db import SCHEMA_VERSION, migrate, open_library, user_version
from reader.library.synced import Subscribed
from reader.model import Article, make_article, synced_story_id
from reader.state import ReadingState


def item(
    account: str, hex_id: str, title: str, body: str = "Body.", section: str = "Tech"
) -> Article:
    return make_article(
        section,
        title,
        (),
        "feed/1",
        id=synced_story_id(account, hex_id),
        markdown=body,
        feed_key=hex_id,
    )


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library.open(tmp_path / "lib.sqlite")


def test_subscriptions_become_sources_with_their_folders(library: Library) -> None:
    ids = library.sync_subscriptions(
        "home", [Subscribed("feed/1", "Alpha", "Tech"), Subscribed("feed/2", "Beta", "")]
    )
    assert set(ids) == {"feed/1", "feed/2"}
    synced = [s for s in library.sources() if s.kind == "synced"]
    assert [(s.location, s.title, s.section_override, s.account) for s in synced] == [
        ("feed/1", "Alpha", "Tech", "home"),
        ("feed/2", "Beta", "", "home"),
    ]
    # Renamed and moved on the server: the same source, brought up to date.
    again = library.sync_subscriptions("home", [Subscribed("feed/1", "Alpha!", "News")])
    assert again == {"feed/1": ids["feed/1"]}
    (source,) = [s for s in library.sources() if s.kind == "synced"]
    assert (source.id, source.title, source.section_override) == (ids["feed/1"], "Alpha!", "News")


def test_two_accounts_may_have_the_same_feed_id(library: Library) -> None:
    a = library.sync_subscriptions("a", [Subscribed("feed/1", "One", "")])
    b = library.sync_subscriptions("b", [Subscribed("feed/1", "One", "")])
    assert a["feed/1"] != b["feed/1"]
    # A local feed at a location that looks like a feed id is yet another source.
    local = library.add_source("feed", "feed/1")
    assert local not in (a["feed/1"], b["feed/1"])
    assert library.add_source("feed", "feed/1") == local


def test_an_unsubscribed_feed_goes_with_its_stories(library: Library) -> None:
    ids = library.sync_subscriptions(
        "home", [Subscribed("feed/1", "Alpha", ""), Subscribed("feed/2", "Beta", "")]
    )
    library.upsert_articles(ids["feed/1"], [item("home", "00000000000000a1", "Kept")])
    library.upsert_articles(ids["feed/2"], [item("home", "00000000000000b1", "Dropped")])
    library.sync_subscriptions("home", [Subscribed("feed/1", "Alpha", "")])
    assert [r.title for r in library.listing()] == ["Kept"]
    assert library.synced_items("home") == {
        "00000000000000a1": synced_story_id("home", "00000000000000a1")
    }


def test_a_synced_item_edited_on_its_feed_is_updated_in_place(library: Library) -> None:
    ids = library.sync_subscriptions("home", [Subscribed("feed/1", "Alpha", "")])
    story = item("home", "00000000000000a1", "First title", "First body.")
    library.upsert_articles(ids["feed/1"], [story])
    edited = item("home", "00000000000000a1", "Second title", "Second body.")
    assert library.upsert_articles(ids["feed/1"], [edited]) == 1
    (row,) = library.listing()
    assert (row.id, row.title) == (story.id, "Second title")
    stored = library.article(story.id)
    assert stored is not None and stored.updated and stored.blocks[0].text == "Second body."
    # The same again changes nothing.
    assert library.upsert_articles(ids["feed/1"], [edited]) == 0


def test_queue_takes_synced_stories_only_and_keeps_the_newest_change(library: Library) -> None:
    ids = library.sync_subscriptions("home", [Subscribed("feed/1", "Alpha", "")])
    a = item("home", "00000000000000a1", "A")
    b = item("home", "00000000000000b1", "B")
    library.upsert_articles(ids["feed/1"], [a, b])
    local = library.add_source("feed", "https://example.org/feed")
    library.upsert_articles(local, [make_article("News", "Local", (), "x", markdown="x")])
    local_id = library.listing()[-1].id

    assert library.queue_changes([a.id, local_id, "not-a-story"], "read") == 1
    library.queue_changes([a.id, b.id], "star")
    library.queue_changes([a.id], "unread")  # replaces the "read" queued before
    queued = library.queued("home")
    assert [(q.item, q.action) for q in queued] == [
        ("00000000000000a1", "star"),
        ("00000000000000b1", "star"),
        ("00000000000000a1", "unread"),
    ]
    assert library.queued("elsewhere") == []
    with pytest.raises(ValueError, match="unknown sync action"):
        library.queue_changes([a.id], "delete")

    # Delivered rows go; a change queued after they were read stays.
    library.queue_changes([b.id], "unstar")
    library.delete_queued([q.seq for q in queued])
    assert [(q.item, q.action) for q in library.queued("home")] == [("00000000000000b1", "unstar")]


def test_the_queue_survives_closing_the_library(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    library = Library.open(path)
    ids = library.sync_subscriptions("home", [Subscribed("feed/1", "Alpha", "")])
    story = item("home", "00000000000000a1", "A")
    library.upsert_articles(ids["feed/1"], [story])
    library.queue_changes([story.id], "read")
    library.close()
    again = Library.open(path)
    assert [(q.item, q.action) for q in again.queued("home")] == [("00000000000000a1", "read")]
    again.close()


def test_sync_marks_and_dropping_an_account(library: Library) -> None:
    assert library.sync_mark("home") == 0
    library.set_sync_mark("home", 1_780_000_000)
    library.set_sync_mark("home", 1_780_000_100)
    assert library.sync_mark("home") == 1_780_000_100
    home = library.sync_subscriptions("home", [Subscribed("feed/1", "Alpha", "")])
    work = library.sync_subscriptions("work", [Subscribed("feed/1", "Alpha", "")])
    mine = item("home", "00000000000000a1", "Home story")
    library.upsert_articles(home["feed/1"], [mine])
    library.upsert_articles(work["feed/1"], [item("work", "00000000000000a1", "Work story")])
    library.queue_changes([mine.id], "star")

    assert library.drop_account("home") == 1
    assert [r.title for r in library.listing()] == ["Work story"]
    assert library.queued("home") == [] and library.sync_mark("home") == 0
    assert [s.account for s in library.sources()] == ["work"]


# Schema 6 on a library made by version 5 -----------------------------------------


def build_v5_library(path: Path) -> dict[str, str]:
    """A library as schema 5 left it: a feed with two stories keyed on their
    entries, and a dump story. The ids of the stories by title."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=5)
    conn.execute(
        "INSERT INTO sources (id, kind, location, title, added) VALUES"
        " (7, 'feed', 'https://example.org/feed', 'Example', 'then'),"
        " (9, 'dump', '/tmp/x.txt', 'x', 'then')"
    )
    conn.execute("INSERT INTO sections (id, key, name) VALUES (1, 'news', 'News')")
    ids = {"One": "aaaaaaaaaaa1", "Two": "aaaaaaaaaaa2", "Dumped": "bbbbbbbbbbb1"}
    for ordinal, (title, ident) in enumerate(ids.items(), start=1):
        source = 9 if title == "Dumped" else 7
        conn.execute(
            "INSERT INTO articles (id, source_id, ordinal, section, section_id, title, body,"
            " text, feed_key) VALUES (?, ?, ?, 'News', 1, ?, 'Words.', 'Words.', ?)",
            (ident, source, ordinal, title, f"guid:{title}" if source == 7 else ""),
        )
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.close()
    return ids


def test_a_version_5_library_keeps_its_stories_sources_and_marks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "data" / "library.sqlite"
    path.parent.mkdir(parents=True)
    ids = build_v5_library(path)
    bookmarks, state = Bookmarks(), ReadingState()
    bookmarks.load()
    state.load()
    for title in ("Two", "Dumped"):
        bookmarks.add(make_article("News", title, (), "Example", id=ids[title]), "note " + title)
    state.mark_read(ids["One"])
    state.mark_read(ids["Dumped"])

    assert main(["--library", str(path), "list", "--json"]) == 0
    stories = json.loads(capsys.readouterr().out)
    listed = {s["title"]: s for s in stories if s["title"] in ids}  # and the bundled news
    assert {t: s["id"] for t, s in listed.items()} == ids
    assert {t for t, s in listed.items() if s["read"]} == {"One", "Dumped"}
    assert {t for t, s in listed.items() if s["bookmarked"]} == {"Two", "Dumped"}
    assert main(["--library", str(path), "sources", "--json"]) == 0
    sources = json.loads(capsys.readouterr().out)
    assert [(s["id"], s["kind"], s["stories"]) for s in sources if s["id"] in (7, 9)] == [
        (7, "feed", 2),
        (9, "dump", 1),
    ]

    conn = open_library(path)
    assert user_version(conn) == SCHEMA_VERSION >= 6
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # The search index still matches the stories.
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()
