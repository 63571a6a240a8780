"""Refreshing feeds into the library, against a local server that fails on purpose."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from reader.library.articles import Library
from reader.net import make_client
from reader.refresh import (
    FULLTEXT_PER_FEED,
    FeedOutcome,
    FulltextError,
    fetch_fulltext,
    local_feed_path,
    refresh,
)

from .feed_server import FEEDS, FeedServer, rss

RSS = (FEEDS / "rss2.xml").read_bytes()
ATOM = (FEEDS / "atom.xml").read_bytes()
ARTICLE = (FEEDS / "article.html").read_bytes()
ETAG = '"rss-v1"'
LAST_MODIFIED = "Sun, 21 Jun 2026 12:00:00 GMT"
READ_TIMEOUT = 0.5


def run(library: Library, **options: object) -> list[FeedOutcome]:
    """`refresh` with short timeouts and no proxy from the environment. A client
    serves one refresh: its connections belong to that refresh's event loop."""
    client = make_client(connect_timeout=1.0, read_timeout=READ_TIMEOUT, trust_env=False)
    try:
        return refresh(library, client=client, **options)  # type: ignore[arg-type]
    finally:
        asyncio.run(client.aclose())


def fulltext(library: Library, article_id: str) -> str:
    client = make_client(connect_timeout=1.0, read_timeout=READ_TIMEOUT, trust_env=False)
    try:
        return fetch_fulltext(library, article_id, client=client)
    finally:
        asyncio.run(client.aclose())


def feed(library: Library, location: str, **options: object) -> int:
    return library.add_source("feed", location, **options)  # type: ignore[arg-type]


def titles(library: Library, source_id: int) -> list[str]:
    name = library.source(source_id).name
    return [row.title for row in library.listing() if row.source == name]


def test_two_feeds_of_one_name_are_told_apart_by_their_address(
    library: Library, server: FeedServer
) -> None:
    first = feed(library, server.serve("/a", RSS), title="Orbit")
    second = feed(library, server.url("/b"), title="orbit")
    alone = feed(library, server.url("/c"), title="Harbour")
    by_id = {o.source_id: o for o in run(library)}
    assert by_id[second].name == f"orbit ({server.url('/b')})"
    assert by_id[first].name == f"Orbit ({server.url('/a')})"
    assert by_id[alone].name == "Harbour"  # its name alone says which


def test_a_feed_removed_while_it_is_fetched_is_said_so(
    library: Library, server: FeedServer
) -> None:
    """By `news remove` in another news: the refresh goes on, and does not
    take the refused store for a damaged library."""
    hold = threading.Event()
    gone = feed(library, server.serve("/gone", RSS, hold=hold), title="Gone")
    kept = feed(library, server.serve("/kept", ATOM), title="Kept")

    def remove() -> None:
        server.wait_seen("/gone")
        other = Library.open(library.location)
        try:
            other.remove_source(gone)
        finally:
            other.close()
            hold.set()

    remover = threading.Thread(target=remove)
    remover.start()
    client = make_client(read_timeout=10, trust_env=False)  # the removal may be slow
    try:
        by_id = {o.source_id: o for o in refresh(library, client=client)}
    finally:
        asyncio.run(client.aclose())
        remover.join()
    assert (by_id[gone].status, by_id[gone].reason) == ("failed", "removed while it was refreshed")
    assert by_id[kept].ok and titles(library, kept)
    assert [s.id for s in library.sources()] == [kept]


def test_feeds_land_and_failures_are_named(library: Library, server: FeedServer) -> None:
    motors = feed(library, server.serve("/rss", RSS, etag=ETAG))
    orbit = feed(library, server.serve("/atom", ATOM, last_modified=LAST_MODIFIED))
    missing = feed(library, server.url("/missing"))
    page = feed(
        library, server.serve("/page", b"<!DOCTYPE html><html></html>", content_type="text/html")
    )
    huge = feed(library, server.serve("/huge", b"<rss>", declared_length=11 * 1024 * 1024))
    heard: list[FeedOutcome] = []

    outcomes = run(library, on_progress=heard.append)

    assert [o.source_id for o in outcomes] == [motors, orbit, missing, page, huge]
    assert sorted(o.source_id for o in heard) == sorted(o.source_id for o in outcomes)
    by_id = {o.source_id: o for o in outcomes}
    assert by_id[motors].status == "new" and by_id[motors].new == by_id[motors].stories == 3
    assert by_id[orbit].status == "new" and by_id[orbit].new == 2
    failures = {o.source_id: o.reason for o in outcomes if not o.ok}
    assert failures == {
        missing: "HTTP 404",
        page: "HTML page, not a feed",
        huge: "too large (over 10 MB)",
    }
    # The feed's title names a source that had none; the last error is kept.
    assert by_id[motors].name == "Example Motors News"
    assert library.source(motors).title == "Example Motors News"
    assert library.source(missing).last_error == "HTTP 404"
    assert library.source(motors).etag == ETAG
    assert library.source(orbit).last_modified == LAST_MODIFIED
    assert "Giga factory doubles output" in titles(library, motors)
    # Stored as Markdown, opened as blocks.
    story = next(r for r in library.listing() if r.title == "Giga factory doubles output")
    article = library.article(story.id)
    assert article is not None and article.section == "Factories"
    assert article.blocks[0].text.startswith("The plant now makes twice as many cars")


def test_second_refresh_is_conditional(library: Library, server: FeedServer) -> None:
    feed(library, server.serve("/rss", RSS, etag=ETAG))
    feed(library, server.serve("/atom", ATOM, last_modified=LAST_MODIFIED))
    run(library)
    count = library.count()

    again = run(library)

    assert [o.status for o in again] == ["unchanged", "unchanged"]
    assert server.seen("/rss")[-1].if_none_match == ETAG
    assert server.seen("/atom")[-1].if_modified_since == LAST_MODIFIED
    assert library.count() == count


def test_same_body_again_is_unchanged(library: Library, server: FeedServer) -> None:
    feed(library, server.serve("/plain", RSS))  # no validators: fetched in full each time
    assert run(library)[0].status == "new"
    [outcome] = run(library)
    assert (outcome.status, outcome.stories, outcome.new, outcome.updated) == ("unchanged", 3, 0, 0)


def test_a_failing_feed_keeps_its_stories(library: Library, server: FeedServer) -> None:
    source = feed(library, server.serve("/rss", RSS, etag=ETAG))
    run(library)
    stored = titles(library, source)
    server.serve("/rss", b"oops", status=500, content_type="text/plain")

    [outcome] = run(library)

    assert (outcome.status, outcome.reason) == ("failed", "HTTP 500")
    assert titles(library, source) == stored
    assert library.source(source).last_error == "HTTP 500"
    assert library.source(source).etag == ETAG
    server.serve("/rss", RSS, etag='"rss-v2"')
    [outcome] = run(library)
    assert outcome.status == "unchanged" and outcome.stories == 3  # same stories, new tag
    assert library.source(source).last_error == ""


def test_not_xml_and_timeouts_are_reasons(library: Library, server: FeedServer) -> None:
    feed(library, server.serve("/text", b"just words", content_type="text/plain"))
    feed(library, server.serve("/slow", RSS, delay=READ_TIMEOUT * 3))
    feed(library, server.serve("/rss", RSS))
    [text, slow, good] = run(library)
    assert (text.status, text.reason) == ("failed", "not XML")
    assert (slow.status, slow.reason) == ("failed", "timed out")
    assert good.status == "new"


def test_updated_stories_are_counted(library: Library, server: FeedServer) -> None:
    items = [("One", server.url("/a/1")), ("Two", server.url("/a/2"))]
    feed(library, server.serve("/f", rss("Changing", items)))
    run(library)
    changed = rss("Changing", [*items, ("Three", server.url("/a/3"))]).replace(
        b"The story of One", b"The corrected story of One"
    )
    server.serve("/f", changed)
    [outcome] = run(library)
    assert (outcome.status, outcome.new, outcome.updated) == ("new", 1, 1)


def test_section_override(library: Library, server: FeedServer) -> None:
    feed(library, server.serve("/rss", RSS), section_override="Cars")
    run(library)
    assert {row.section for row in library.listing()} == {"Cars"}


def test_only_the_sources_asked_for(library: Library, server: FeedServer) -> None:
    feed(library, server.serve("/rss", RSS))
    orbit = feed(library, server.serve("/atom", ATOM))
    [outcome] = run(library, source_ids={orbit})
    assert outcome.source_id == orbit and not server.seen("/rss")


def test_local_files_and_file_urls(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "saved.xml"
    path.write_bytes(RSS)
    by_path = feed(library, str(path))
    other = tmp_path / "other feed.xml"
    other.write_bytes(ATOM)
    by_url = feed(library, other.as_uri())
    feed(library, str(tmp_path / "gone.xml"))

    first = run(library)
    assert [o.status for o in first] == ["new", "new", "failed"]
    assert first[2].reason == "no such file"
    # Not modified on disk: not read again.
    assert [o.status for o in run(library)][:2] == ["unchanged", "unchanged"]
    path.write_bytes(RSS.replace(b"A story without a link", b"A story read from disk"))
    os.utime(path, ns=(1, 10**18))
    [again, _, _] = run(library)
    assert (again.status, again.new, again.source_id) == ("new", 1, by_path)
    assert by_url in {o.source_id for o in first}


def test_local_feed_path() -> None:
    assert local_feed_path("/tmp/feed.xml") == Path("/tmp/feed.xml")
    assert local_feed_path("file:///tmp/a%20b.xml") == Path("/tmp/a b.xml")
    assert local_feed_path("file://localhost/tmp/x.xml") == Path("/tmp/x.xml")
    assert local_feed_path("https://example.org/feed") is None
    assert local_feed_path("ftp://example.org/feed") is None
    assert local_feed_path("file://elsewhere/feed") is None


def test_no_feeds_nothing_to_do(library: Library) -> None:
    library.add_source("dump", "/tmp/x.txt")
    assert refresh(library) == []


# Full text ---------------------------------------------------------------------------


def test_fulltext_sources_store_each_new_storys_page(library: Library, server: FeedServer) -> None:
    server.serve("/article/1", ARTICLE, content_type="text/html")
    server.serve("/nav", b"<html><body><nav>Home</nav></body></html>", content_type="text/html")
    items = [
        ("Giga output", server.url("/article/1")),
        ("Gone", server.url("/article/404")),
        ("Menu", server.url("/nav")),
    ]
    source = feed(library, server.serve("/f", rss("Motors", items), etag='"v1"'), fulltext=True)

    [outcome] = run(library)

    assert (outcome.status, outcome.new, outcome.full_texts) == ("new", 3, 1)
    assert any("Gone" in w and "HTTP 404" in w for w in outcome.warnings)
    assert any("Menu" in w and "no article found" in w for w in outcome.warnings)
    [giga] = [r for r in library.listing() if r.title == "Giga output"]
    body = library.article(giga.id)
    assert body is not None and "casting press" in " ".join(b.text for b in body.blocks)
    assert giga.words > 100
    # The feed changes its copy of the story: the page's full text stays.
    server.serve("/f", rss("Motors", items).replace(b"plain words", b"other words"), etag='"v2"')
    [again] = run(library)
    # Not new, so no page is fetched again; and the story with its page's text
    # is not even changed.
    assert (again.new, again.updated, again.full_texts) == (0, 2, 0)
    body = library.article(giga.id)
    assert body is not None and "casting press" in " ".join(b.text for b in body.blocks)
    assert len(server.seen("/article/1")) == 1
    assert library.source(source).fulltext


def test_fulltext_pages_are_capped(library: Library, server: FeedServer) -> None:
    items = [(f"Story {n}", server.url(f"/missing/{n}")) for n in range(FULLTEXT_PER_FEED + 5)]
    feed(library, server.serve("/many", rss("Many", items)), fulltext=True)
    [outcome] = run(library)
    assert outcome.new == FULLTEXT_PER_FEED + 5
    assert len([r for r in server.requests if r.path.startswith("/missing/")]) == FULLTEXT_PER_FEED
    assert "first 50 of 55" in outcome.warnings[0]


def test_fetch_fulltext_for_one_story(library: Library, server: FeedServer) -> None:
    server.serve("/article/1", ARTICLE, content_type="text/html")
    items = [("Giga output", server.url("/article/1")), ("Gone", server.url("/gone"))]
    feed(library, server.serve("/f", rss("Motors", items)))
    run(library)
    ids = {row.title: row.id for row in library.listing()}

    text = fulltext(library, ids["Giga output"])

    assert text.startswith("The plant now makes twice as many cars")
    article = library.article(ids["Giga output"])
    assert article is not None and "casting press" in " ".join(b.text for b in article.blocks)
    with pytest.raises(FulltextError, match="HTTP 404"):
        fulltext(library, ids["Gone"])
    with pytest.raises(FulltextError, match="no story with id 'nope'"):
        fetch_fulltext(library, "nope")


def test_fetch_fulltext_needs_a_link_and_an_article(library: Library, server: FeedServer) -> None:
    server.serve("/nav", b"<html><body><nav>Home</nav></body></html>", content_type="text/html")
    feed(library, server.serve("/f", rss("Bits", [("Unlinked", ""), ("Menu", server.url("/nav"))])))
    run(library)
    ids = {row.title: row.id for row in library.listing()}
    with pytest.raises(FulltextError, match="has no link"):
        fetch_fulltext(library, ids["Unlinked"])
    with pytest.raises(FulltextError, match="no article found on the page"):
        fulltext(library, ids["Menu"])
