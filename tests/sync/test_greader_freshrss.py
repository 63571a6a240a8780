"""The Google Reader API client against a real FreshRSS on 127.0.0.1."""

from __future__ import annotations

import re
from typing import Any

import pytest
from unit.feed_server import FeedServer, rss

from reader.sync.greader import READ, READING_LIST, STARRED, GReader, WrongPassword
from sync.freshrss_server import refresh

HEX16 = re.compile(r"[0-9a-f]{16}")


def second_client(freshrss: dict[str, Any]) -> GReader:
    """Another device on the same account."""
    return GReader(freshrss["api"], freshrss["user"], freshrss["api_password"])


def test_login_and_an_empty_account(account: GReader) -> None:
    assert account.subscriptions() == []


def test_a_wrong_password_says_so_and_never_shows_the_password(freshrss: dict[str, Any]) -> None:
    client = GReader(freshrss["api"], freshrss["user"], "not-the-password-42")
    with pytest.raises(WrongPassword) as caught:
        client.login()
    assert caught.value.reason == "wrong user name or password"
    assert "not-the-password-42" not in str(caught.value) + repr(caught.value) + repr(client)


def test_an_unknown_user_is_a_wrong_user_name_too(freshrss: dict[str, Any]) -> None:
    with pytest.raises(WrongPassword):
        GReader(freshrss["api"], "nobody", freshrss["api_password"]).login()


def test_subscribe_refresh_and_read_the_items(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any]
) -> None:
    stories = [(f"Harbour story {n}", f"https://example.org/harbour/{n}") for n in range(3)]
    url = feeds.serve("/harbour.xml", rss("Harbour news", stories))
    sub = account.subscribe(url)
    assert (sub.title, sub.url) == ("Harbour news", url)
    assert sub.id.startswith("feed/")
    feeds.serve("/harbour.xml", rss("Harbour news", [*stories, ("Late tide", "https://e.org/t")]))
    refresh(freshrss)

    ids = account.item_ids(sub.id)
    assert len(ids) == 4 and all(HEX16.fullmatch(i) for i in ids)
    items = account.items(ids)
    assert {i.title for i in items} == {
        "Harbour story 0",
        "Harbour story 1",
        "Harbour story 2",
        "Late tide",
    }
    first = next(i for i in items if i.title == "Harbour story 1")
    assert first.url == "https://example.org/harbour/1"
    assert first.feed_id == sub.id
    assert "The story of Harbour story 1" in first.html
    assert first.published == "2026-05-28T20:27:40Z"  # the feed's pubDate (1_780_000_060), in UTC
    assert (first.read, first.starred) == (False, False)
    assert {i.id for i in items} == set(ids)


def test_marks_made_here_are_seen_by_another_client(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any]
) -> None:
    url = feeds.serve(
        "/marks.xml", rss("Marks", [(f"Mark {n}", f"https://e.org/m{n}") for n in range(4)])
    )
    sub = account.subscribe(url)
    ids = account.item_ids(sub.id)
    account.edit(ids[:2], add=READ)
    account.edit(ids[3:], add=STARRED)

    other = second_client(freshrss)
    assert set(other.item_ids(sub.id, exclude=READ)) == set(ids[2:])
    assert other.item_ids(STARRED) == ids[3:]
    seen = {i.id: i for i in other.items(ids)}
    assert [seen[i].read for i in ids] == [True, True, False, False]
    assert [seen[i].starred for i in ids] == [False, False, False, True]

    other.edit(ids[:1], remove=READ)
    other.edit(ids[3:], remove=STARRED)
    assert set(account.item_ids(sub.id, exclude=READ)) == {ids[0], *ids[2:]}
    assert account.item_ids(STARRED) == []


def test_ids_follow_continuations_and_stop_at_the_limit(
    account: GReader, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feeds.serve(
        "/many.xml", rss("Many", [(f"Many {n}", f"https://e.org/n{n}") for n in range(7)])
    )
    sub = account.subscribe(url)
    everything = account.item_ids(sub.id)
    monkeypatch.setattr("reader.sync.greader.IDS_PAGE", 2)  # four pages of two
    assert account.item_ids(sub.id) == everything
    assert account.item_ids(sub.id, limit=5) == everything[:5]
    assert account.item_ids(READING_LIST, newer_than=4_000_000_000) == []


def test_items_come_in_batches(
    account: GReader, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feeds.serve(
        "/batch.xml", rss("Batch", [(f"Batch {n}", f"https://e.org/b{n}") for n in range(5)])
    )
    ids = account.item_ids(account.subscribe(url).id)
    monkeypatch.setattr("reader.sync.greader.CONTENTS_BATCH", 2)
    monkeypatch.setattr("reader.sync.greader.EDIT_BATCH", 2)
    assert sorted(i.id for i in account.items(ids)) == sorted(ids)
    account.edit(ids, add=READ)
    assert account.item_ids(READING_LIST, exclude=READ) == []


def test_folders_and_unsubscribing(account: GReader, feeds: FeedServer) -> None:
    one = account.subscribe(
        feeds.serve("/f1.xml", rss("Folder one", [("A", "https://e.org/a")])), folder="Tech"
    )
    two = account.subscribe(feeds.serve("/f2.xml", rss("Folder two", [("B", "https://e.org/b")])))
    assert one.folders == ("Tech",)
    assert "Tech" in account.folders()
    account.move(two.id, "Science")
    folders = {s.title: s.folders for s in account.subscriptions()}
    assert folders == {"Folder one": ("Tech",), "Folder two": ("Science",)}

    account.unsubscribe(one.id)
    assert [s.title for s in account.subscriptions()] == ["Folder two"]
