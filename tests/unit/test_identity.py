"""Story identity: a feed story is its feed's entry, whatever its headline says.

Feeds come from a local server on 127.0.0.1 and everything is done as a
person would, through the command line; the marks are put where the reader
puts them (bookmarks.json and state.json, through their stores).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.bookmarks import Bookmarks
from reader.cli import main
from reader.config import seed_paths
from reader.identity import carry_marks
from reader.library.articles import Library
from reader.library.bodies import stored_body
from reader.library.db import migrate
from reader.model import article_id, entry_key, feed_story_id
from reader.sources.dump import read_dump
from reader.sources.feed import parse_feed
from reader.state import ReadingState

from .feed_server import FeedServer

Item = tuple[str, str, str, str]  # guid, link, title, body (each may be "")


def feed(name: str, items: list[Item]) -> bytes:
    """An RSS 2.0 feed whose entries are all in the section "Wire"."""
    entries = "".join(
        "<item>"
        + (f"<guid isPermaLink='false'>{escape(guid)}</guid>" if guid else "")
        + (f"<link>{escape(link)}</link>" if link else "")
        + f"<title>{escape(title)}</title><category>Wire</category>"
        + f"<pubDate>{formatdate(1_780_000_000 + n * 60, usegmt=True)}</pubDate>"
        + f"<description>{escape(f'<p>{body}</p>')}</description></item>"
        for n, (guid, link, title, body) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(name)}</title><link>https://example.org/</link>"
        f"{entries}</channel></rss>"
    ).encode()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def wire(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    """`news list --json`'s stories in the Wire section, by title."""
    stories = json.loads(run(capsys, "list", "--json"))
    found = {str(s["title"]): s for s in stories if s["section"] == "Wire"}
    assert len(found) == sum(s["section"] == "Wire" for s in stories), "a title twice"
    return found


def stores() -> tuple[Bookmarks, ReadingState]:
    bookmarks, state = Bookmarks(), ReadingState()
    bookmarks.load()
    state.load()
    return bookmarks, state


def test_an_edited_entry_keeps_its_id_read_state_bookmark_and_note(
    capsys: pytest.CaptureFixture[str], server: FeedServer
) -> None:
    items: list[Item] = [
        ("wire-1", "https://example.org/1", "Rocket lands", "First words."),
        ("wire-2", "https://example.org/2", "Tower stands", "Nothing new here."),
    ]
    url = server.serve("/wire", feed("Wire", items))
    run(capsys, "add", url)
    before = wire(capsys)
    story = str(before["Rocket lands"]["id"])
    assert (
        before["Rocket lands"] | {"read": False, "bookmarked": False, "updated": False}
        == (before["Rocket lands"])
    )
    library = Library.open()
    article = library.article(story)
    library.close()
    assert article is not None
    bookmarks, state = stores()
    state.mark_read(story)
    bookmarks.add(article, note="check the landing")

    items[0] = ("wire-1", "https://example.org/1", "Rocket lands, then flies again", "New words.")
    server.serve("/wire", feed("Wire", items))
    summary = run(capsys, "refresh").splitlines()[-1]
    assert summary == "1 feed changed. 1 updated story."
    after = wire(capsys)
    assert set(after) == {"Rocket lands, then flies again", "Tower stands"}  # no second story
    edited = after["Rocket lands, then flies again"]
    assert (edited["id"], edited["read"], edited["bookmarked"], edited["updated"]) == (
        story,
        True,
        True,
        True,
    )
    assert after["Tower stands"] == before["Tower stands"]  # unchanged: not "updated"
    shown = run(capsys, "show", story)
    assert "updated" in shown.splitlines()[0] and "New words." in shown
    assert "updated" not in run(capsys, "show", str(after["Tower stands"]["id"])).splitlines()[0]
    (mark,) = json.loads(run(capsys, "bookmarks", "--json"))
    assert (mark["article_id"], mark["note"], mark["missing"]) == (
        story,
        "check the landing",
        False,
    )

    run(capsys, "refresh")  # the same feed again changes nothing
    assert wire(capsys) == after


def test_two_feeds_with_one_headline_in_one_section_are_two_stories(
    capsys: pytest.CaptureFixture[str], server: FeedServer
) -> None:
    # Small feeds number their entries: both have a guid "1".
    one = server.serve("/one", feed("One", [("1", "", "Launch day", "From the first feed.")]))
    two = server.serve("/two", feed("Two", [("1", "", "Launch day", "From the second feed.")]))
    run(capsys, "add", one)
    run(capsys, "add", two)
    stories = json.loads(run(capsys, "list", "--json"))
    launches = [s for s in stories if s["title"] == "Launch day"]
    assert len(launches) == 2 and launches[0]["id"] != launches[1]["id"]
    assert {s["source"] for s in launches} == {"One", "Two"}
    assert all(s["section"] == "Wire" for s in launches)
    texts = {run(capsys, "show", str(s["id"])).split("From the ")[1][:6] for s in launches}
    assert texts == {"first ", "second"}


def broken(document: bytes) -> bytes:
    """The same feed, no longer well-formed (a bare `&` in its name): read by
    the lenient parser, which gives some fields as written in the XML."""
    return document.replace(b"<title>Wire</title>", b"<title>Wire & Co</title>", 1)


def test_an_entry_keeps_its_id_when_its_feed_stops_or_starts_being_well_formed(
    capsys: pytest.CaptureFixture[str], server: FeedServer
) -> None:
    items: list[Item] = [("https://example.org/?p=1&v=2", "", "Ampersand", "In the guid.")]
    url = server.serve("/wire", feed("Wire", items))
    run(capsys, "add", url)
    (story,) = wire(capsys).values()
    for document in (broken(feed("Wire", items)), feed("Wire", items)):
        server.serve("/wire", document)
        run(capsys, "refresh")
        assert [s["id"] for s in wire(capsys).values()] == [story["id"]]


def test_a_story_stored_with_its_guid_as_the_xml_wrote_it_is_found_again(
    capsys: pytest.CaptureFixture[str], server: FeedServer
) -> None:
    # Before, a feed that was not well-formed stored its guid undecoded
    # (`&amp;`): that story, its id and its marks are the same entry's still.
    items: list[Item] = [("https://example.org/?p=1&v=2", "", "Ampersand", "In the guid.")]
    url = server.serve("/wire", broken(feed("Wire", items)))
    run(capsys, "add", url)
    (story,) = wire(capsys).values()
    library = Library.open()
    with library.conn:
        library.conn.execute("UPDATE articles SET feed_key = replace(feed_key, '&', '&amp;')")
    library.close()
    state = ReadingState()
    state.mark_read(str(story["id"]))
    for document in (broken(feed("Wire", items)), feed("Wire", items)):
        server.serve("/wire", document)
        run(capsys, "refresh")
        (again,) = wire(capsys).values()
        assert (again["id"], again["read"]) == (story["id"], True)


@given(st.text(), st.text(), st.text(), st.text(), st.text(), st.text())
def test_an_id_is_the_entry_in_its_feed_never_its_headline(
    feed_a: str, feed_b: str, guid: str, link: str, title: str, edited: str
) -> None:
    key = entry_key(guid, link, title, "2026-06-21T12:30:00Z")
    if guid or link:  # the headline is not part of the key
        assert key == entry_key(guid, link, edited, "2026-06-21T12:30:00Z")
    if feed_a != feed_b:
        assert feed_story_id(feed_a, key) != feed_story_id(feed_b, key)
    if guid:  # a guid and a link that read the same are two keys
        assert entry_key(guid, "", "", "") != entry_key("", guid, "", "")


# A library made by version 4 of the schema --------------------------------------

OLD_ITEMS: list[Item] = [
    ("a-1", "https://a.example/1", "Alpha one", "The first."),
    ("a-2", "https://a.example/2", "Alpha two", "The second."),
    ("", "", "Alpha three", "The third, with neither guid nor link."),
]
# The columns and conflict rule of version 4's upsert, as today's code wrote them.
V4_INSERT = (
    "INSERT INTO articles (id, source_id, ordinal, section, section_id, title, standfirst,"
    " url, author, published, fetched, words, body, text, outline)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def old_id(section: str, title: str, guid: str, url: str) -> str:
    """A feed story's id before version 5: its section and title, salted with
    its guid or link (the feed parser's rule then)."""
    return article_id(section, title, guid or url)


def build_v4_library(path: Path, url: str) -> dict[str, str]:
    """A library at schema version 4 holding the feed at `url` as today's code
    stored it (the bundled news is imported later, when the reader opens it);
    the old id of each story, by title."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, 4)
    conn.execute(
        "INSERT INTO sources (kind, location, title, added) VALUES ('feed', ?, 'Alpha', '')",
        (url,),
    )
    conn.execute("INSERT INTO sections (key, name) VALUES ('wire', 'Wire')")
    ids: dict[str, str] = {}
    articles = parse_feed(feed("Alpha", OLD_ITEMS), url, to_blocks=None).articles
    for ordinal, (article, (guid, *_)) in enumerate(zip(articles, OLD_ITEMS, strict=True), 1):
        ids[article.title] = old_id(article.section, article.title, guid, article.url)
        conn.execute(
            V4_INSERT,
            (
                ids[article.title],
                1,
                ordinal,
                article.section,
                1,
                article.title,
                article.standfirst,
                article.url,
                article.author,
                article.published,
                "2026-06-01T00:00:00+00:00",
                article.words,
                *stored_body(article),
            ),
        )
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.close()
    return ids


def marks_on_old_ids(old: dict[str, str], seed_story: str) -> None:
    """Every kind of mark the reader keeps, on the old ids."""
    bookmarks, state = stores()
    state.mark_read(old["Alpha one"])
    state.mark_read(old["Alpha three"])
    state.mark_read(seed_story)
    state.set_place(old["Alpha one"], (2, 14))
    state.set_position(old["Alpha two"], 30)
    state.set_last(old["Alpha three"])
    state.flush()
    article = parse_feed(feed("Alpha", OLD_ITEMS), "x", to_blocks=None).articles[1]
    bookmarks.add(replace(article, id=old["Alpha two"]), note="a note to keep")


def test_a_version_4_library_and_its_marks_move_to_the_new_ids(
    capsys: pytest.CaptureFixture[str], server: FeedServer, tmp_path: Path
) -> None:
    url = server.serve("/alpha", feed("Alpha", OLD_ITEMS))
    path = tmp_path / "data" / "library.sqlite"
    path.parent.mkdir(parents=True)
    old = build_v4_library(path, url)
    seed_story = read_dump(seed_paths()[0]).articles[0]
    marks_on_old_ids(old, seed_story.id)

    stories = wire(capsys)  # opening the library migrates it and carries the marks
    new = {title: str(s["id"]) for title, s in stories.items()}
    assert set(new) == set(old) and not set(new.values()) & set(old.values())
    assert {t for t, s in stories.items() if s["read"]} == {"Alpha one", "Alpha three"}
    assert {t for t, s in stories.items() if s["bookmarked"]} == {"Alpha two"}
    listed = json.loads(run(capsys, "list", "--json"))
    seed_row = next(s for s in listed if s["id"] == seed_story.id)  # a dump keeps its id
    assert seed_row["read"] is True

    bookmarks, state = stores()
    (mark,) = bookmarks.all()
    assert (mark.article_id, mark.note, mark.title) == (
        new["Alpha two"],
        "a note to keep",
        "Alpha two",
    )
    assert state.read_ids() == {new["Alpha one"], new["Alpha three"], seed_story.id}
    assert state.place(new["Alpha one"]) == (2, 14)
    assert state.position(new["Alpha two"]) == 30
    assert state.last == new["Alpha three"]
    raw = (tmp_path / "data" / "state.json").read_text() + (
        tmp_path / "data" / "bookmarks.json"
    ).read_text()
    assert not any(old_id in raw for old_id in old.values())

    # The feed's next refresh finds each story by its link (or title and date),
    # and the entries' guids are stored: ids and marks stay, nothing is new.
    assert run(capsys, "refresh").endswith("\n1 feed unchanged.\n")
    assert {t: s["id"] for t, s in wire(capsys).items()} == new
    edited = [("a-1", "https://a.example/1", "Alpha one, revised", "Changed."), *OLD_ITEMS[1:]]
    server.serve("/alpha", feed("Alpha", edited))
    run(capsys, "refresh")
    after = wire(capsys)
    assert after["Alpha one, revised"]["id"] == new["Alpha one"]
    assert after["Alpha one, revised"]["read"] is True and after["Alpha one, revised"]["updated"]
    assert len(after) == 3

    # Opening it again moves nothing more.
    library = Library.open(path)
    assert carry_marks(library) == 0
    library.close()


def test_a_crash_between_the_two_files_loses_no_mark(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server.serve("/alpha", feed("Alpha", OLD_ITEMS))
    path = tmp_path / "data" / "library.sqlite"
    path.parent.mkdir(parents=True)
    old = build_v4_library(path, url)
    marks_on_old_ids(old, "0123456789ab")

    def crash(self: ReadingState, moves: object) -> int:
        raise KeyboardInterrupt  # the process dies after bookmarks.json was saved

    with monkeypatch.context() as patched:
        patched.setattr(ReadingState, "rekey", crash)
        library = Library.open(path)
        with pytest.raises(KeyboardInterrupt):
            carry_marks(library)
        library.close()
    bookmarks, state = stores()
    moved = {b.article_id for b in bookmarks.all()}
    assert old["Alpha two"] not in moved and len(moved) == 1  # moved already
    assert old["Alpha one"] in state.read_ids()  # not yet

    library = Library.open(path)
    assert carry_marks(library) == 3  # Alpha one, two and three in state.json; the rest done
    assert carry_marks(library) == 0
    new = {row.title: row.id for row in library.listing()}
    library.close()
    bookmarks, state = stores()
    assert [b.article_id for b in bookmarks.all()] == [new["Alpha two"]]
    assert state.read_ids() == {new["Alpha one"], new["Alpha three"], "0123456789ab"}
    assert state.last == new["Alpha three"] and state.place(new["Alpha one"]) == (2, 14)


def test_marks_still_move_after_news_doctor_copied_a_migrated_library(
    capsys: pytest.CaptureFixture[str], server: FeedServer, tmp_path: Path
) -> None:
    url = server.serve("/alpha", feed("Alpha", OLD_ITEMS))
    path = tmp_path / "data" / "library.sqlite"
    path.parent.mkdir(parents=True)
    old = build_v4_library(path, url)
    marks_on_old_ids(old, "0123456789ab")
    Library.open(path).close()  # migrated (as `news refresh` would), marks not yet moved
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    (page,) = conn.execute("SELECT min(pageno) FROM dbstat WHERE name = 'articles_fts_data'")
    conn.close()
    with path.open("r+b") as handle:  # a page of the index overwritten
        handle.seek((page[0] - 1) * size)
        handle.write(b"\xa5" * size)
    assert "the damaged file is kept as" in run(capsys, "doctor")

    stories = wire(capsys)
    assert {t for t, s in stories.items() if s["read"]} == {"Alpha one", "Alpha three"}
    assert {t for t, s in stories.items() if s["bookmarked"]} == {"Alpha two"}
