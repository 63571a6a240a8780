"""The sync engine against a real FreshRSS: what a person on two devices sees.

Each `Device` is a library and a data directory of its own (state.json,
bookmarks.json), as a second computer would have; `account` (the fixture) is
the server's API as another device (a phone, the web page) uses it. Feed paths
start with /engine-: FreshRSS keeps its copy of an address for a while, and the
client's tests serve other feeds at theirs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from unit.feed_server import FeedServer, rss

from reader.bookmarks import Bookmarks
from reader.catalog import LibraryCatalog
from reader.library.articles import Library
from reader.reading import Reading
from reader.state import ReadingState
from reader.sync.engine import SyncResult, sync_account
from reader.sync.greader import READ, READING_LIST, STARRED, GReader, Unreachable
from sync.freshrss_server import refresh

ACCOUNT = "home"


class Device:
    """A reader on one machine: its library, its stores, and the `Reading` the
    screen would use (its journal queues changes for the server)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.library = Library.open(folder / "library.sqlite")
        self.state = ReadingState(folder / "state.json")
        self.bookmarks = Bookmarks(folder / "bookmarks.json")

    def sync(self, freshrss: dict[str, Any], api: str | None = None) -> SyncResult:
        client = GReader(api or freshrss["api"], freshrss["user"], freshrss["api_password"])
        with client:
            return sync_account(self.library, client, ACCOUNT, self.state, self.bookmarks)

    def reading(self) -> Reading:
        self.state.load()
        self.bookmarks.load()
        return Reading(
            LibraryCatalog(self.library),
            self.bookmarks,
            self.state,
            lambda fn, *args: fn(*args),
            journal=self.library.queue_changes,
        )

    def stories(self) -> dict[str, dict[str, Any]]:
        """Each story by title: section, read, bookmarked, as `news list` says."""
        self.state.load()
        self.bookmarks.load()
        read = self.state.read_ids()
        return {
            row.title: {
                "id": row.id,
                "section": row.section,
                "read": row.id in read,
                "bookmarked": row.id in self.bookmarks,
            }
            for row in self.library.listing()
        }

    def open(self, title: str) -> Any:
        article = self.library.article(self.stories()[title]["id"])
        assert article is not None
        return article


def titles(n: int, name: str) -> list[tuple[str, str]]:
    return [(f"{name} {k}", f"https://example.org/{name.lower()}/{k}") for k in range(n)]


def ids_by_title(client: GReader, stream: str = READING_LIST) -> dict[str, str]:
    ids = client.item_ids(stream)
    return {item.title: item.id for item in client.items(ids)} if ids else {}


def test_first_sync_brings_feeds_folders_and_marks(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any], tmp_path: Path
) -> None:
    account.subscribe(
        feeds.serve("/engine-harbour.xml", rss("Harbour", titles(3, "Harbour"))), "Coast"
    )
    account.subscribe(feeds.serve("/engine-hills.xml", rss("Hills", titles(2, "Hills"))))
    on_server = ids_by_title(account)
    account.edit([on_server["Harbour 1"]], add=READ)
    account.edit([on_server["Hills 0"]], add=STARRED)

    device = Device(tmp_path / "laptop")
    result = device.sync(freshrss)
    assert (result.feeds, result.new, result.sent) == (2, 5, 0)
    stories = device.stories()
    assert {t: s["section"] for t, s in stories.items()} == {
        "Harbour 0": "Coast",
        "Harbour 1": "Coast",
        "Harbour 2": "Coast",
        # FreshRSS keeps every feed in a folder: its default one is this.
        "Hills 0": "Uncategorized",
        "Hills 1": "Uncategorized",
    }
    assert {t for t, s in stories.items() if s["read"]} == {"Harbour 1"}
    assert {t for t, s in stories.items() if s["bookmarked"]} == {"Hills 0"}
    (mark,) = device.bookmarks.all()
    assert (mark.title, mark.source, mark.section) == ("Hills 0", "Hills", "Uncategorized")
    story = device.open("Harbour 0")
    assert story.blocks[0].text == "The story of Harbour 0, told in a few plain words."
    assert story.url == "https://example.org/harbour/0"

    # Nothing new: nothing fetched, nothing changed.
    again = device.sync(freshrss)
    assert (again.new, again.updated, again.marks) == (0, 0, 0)


def test_read_and_starred_go_both_ways(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any], tmp_path: Path
) -> None:
    account.subscribe(feeds.serve("/engine-both.xml", rss("Both", titles(4, "Both"))))
    device = Device(tmp_path / "laptop")
    device.sync(freshrss)

    # Here → the server.
    reading = device.reading()
    reading.mark_read(device.open("Both 0"), True)
    reading.toggle_bookmark(device.open("Both 1"))
    assert device.sync(freshrss).sent == 2
    on_server = ids_by_title(account)
    assert on_server["Both 0"] not in account.item_ids(READING_LIST, exclude=READ)
    assert account.item_ids(STARRED) == [on_server["Both 1"]]

    # The server (another device) → here.
    account.edit([on_server["Both 2"]], add=READ)
    account.edit([on_server["Both 0"]], remove=READ)
    account.edit([on_server["Both 3"]], add=STARRED)
    account.edit([on_server["Both 1"]], remove=STARRED)
    result = device.sync(freshrss)
    stories = device.stories()
    assert {t for t, s in stories.items() if s["read"]} == {"Both 2"}
    assert {t for t, s in stories.items() if s["bookmarked"]} == {"Both 3"}
    assert result.read == {stories["Both 2"]["id"]} and result.unread == {stories["Both 0"]["id"]}


def test_a_change_made_while_the_server_is_down_is_delivered_once(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any], tmp_path: Path
) -> None:
    account.subscribe(feeds.serve("/engine-train.xml", rss("Train", titles(2, "Train"))))
    device = Device(tmp_path / "laptop")
    device.sync(freshrss)
    reading = device.reading()
    reading.mark_read(device.open("Train 0"), True)
    reading.toggle_bookmark(device.open("Train 1"))

    with pytest.raises(Unreachable):
        device.sync(freshrss, api="http://127.0.0.1:9/api/greader.php")  # nothing listens
    assert len(device.library.queued(ACCOUNT)) == 2
    stories = device.stories()  # the reader works as usual meanwhile
    assert stories["Train 0"]["read"] and stories["Train 1"]["bookmarked"]

    assert device.sync(freshrss).sent == 2
    assert device.library.queued(ACCOUNT) == []
    assert device.sync(freshrss).sent == 0
    on_server = ids_by_title(account)
    assert account.item_ids(READING_LIST, exclude=READ) == [on_server["Train 1"]]
    assert account.item_ids(STARRED) == [on_server["Train 1"]]


def test_a_change_queued_during_a_sync_wins_over_what_the_server_said(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any], tmp_path: Path
) -> None:
    account.subscribe(feeds.serve("/engine-race.xml", rss("Race", titles(1, "Race"))))
    device = Device(tmp_path / "laptop")
    device.sync(freshrss)
    reading = device.reading()
    story = device.open("Race 0")

    class Late(GReader):
        """A device that reads the story while the sync is between sending
        and reconciling (as the person reading while `r` runs)."""

        def item_ids(self, stream: str, **kwargs: Any) -> list[str]:
            if stream == READING_LIST and kwargs.get("exclude") == READ:
                reading.mark_read(story, True)
            return super().item_ids(stream, **kwargs)

    with Late(freshrss["api"], freshrss["user"], freshrss["api_password"]) as client:
        sync_account(device.library, client, ACCOUNT, device.state, device.bookmarks)
    assert device.stories()["Race 0"]["read"]  # not undone by the unread list fetched before
    device.sync(freshrss)
    assert account.item_ids(READING_LIST, exclude=READ) == []


def test_a_story_edited_on_its_feed_keeps_its_bookmark(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any], tmp_path: Path
) -> None:
    stories = titles(2, "Edit")
    url = feeds.serve("/engine-edit.xml", rss("Edit", stories))
    account.subscribe(url)
    device = Device(tmp_path / "laptop")
    device.sync(freshrss)
    before = device.stories()["Edit 1"]["id"]
    device.reading().toggle_bookmark(device.open("Edit 1"))
    device.sync(freshrss)

    # The same entry (same guid: its link) with a new headline.
    edited = [stories[0], ("Edit 1, corrected", stories[1][1])]
    feeds.serve("/engine-edit.xml", rss("Edit", edited))
    refresh(freshrss)
    device.sync(freshrss)
    device.bookmarks.load()
    assert [b.article_id for b in device.bookmarks.all()] == [before]
    assert len(device.stories()) == 2
    assert account.item_ids(STARRED) == [ids_by_title(account)["Edit 1, corrected"]]


def test_two_devices_on_one_account_lose_nothing(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any], tmp_path: Path
) -> None:
    account.subscribe(feeds.serve("/engine-two.xml", rss("Two", titles(4, "Two"))))
    laptop, server_box = Device(tmp_path / "laptop"), Device(tmp_path / "server")
    laptop.sync(freshrss)
    server_box.sync(freshrss)

    laptop.reading().mark_read(laptop.open("Two 0"), True)
    server_box.reading().mark_read(server_box.open("Two 1"), True)
    server_box.reading().toggle_bookmark(server_box.open("Two 2"))
    laptop.reading().toggle_bookmark(laptop.open("Two 3"))
    for device in (laptop, server_box, laptop):
        device.sync(freshrss)

    for device in (laptop, server_box):
        stories = device.stories()
        assert {t for t, s in stories.items() if s["read"]} == {"Two 0", "Two 1"}
        assert {t for t, s in stories.items() if s["bookmarked"]} == {"Two 2", "Two 3"}


def test_a_bookmark_with_a_note_outlives_an_unstar_there(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any], tmp_path: Path
) -> None:
    account.subscribe(feeds.serve("/engine-noted.xml", rss("Noted", titles(2, "Noted"))))
    device = Device(tmp_path / "laptop")
    device.sync(freshrss)
    reading = device.reading()
    reading.toggle_bookmark(device.open("Noted 0"))
    reading.toggle_bookmark(device.open("Noted 1"))
    reading.set_note(device.open("Noted 0"), "Ask the harbour master about this.")
    assert device.sync(freshrss).sent == 2
    noted, plain = device.stories()["Noted 0"]["id"], device.stories()["Noted 1"]["id"]

    # Unstarred on the phone: the plain bookmark goes, the noted one stays, said.
    on_server = ids_by_title(account)
    account.edit([on_server["Noted 0"], on_server["Noted 1"]], remove=STARRED)
    result = device.sync(freshrss)
    assert result.unstarred == {plain}
    assert [(b.article_id, b.note) for b in result.kept] == [
        (noted, "Ask the harbour master about this.")
    ]
    device.bookmarks.load()
    kept = device.bookmarks.get(noted)
    assert kept is not None and kept.unstarred_on == ACCOUNT
    assert plain not in device.bookmarks

    # Now this reader's own: the next sync neither drops it, says it again, nor stars it.
    again = device.sync(freshrss)
    assert (again.kept, again.unstarred, again.sent) == ([], set(), 0)
    assert device.stories()["Noted 0"]["bookmarked"]
    assert account.item_ids(STARRED) == []

    # z still takes back the note the person wrote: no step was dropped.
    undone = reading.undo()
    assert undone is not None and undone.label.startswith("note changed (")
    device.bookmarks.load()
    assert device.bookmarks.get(noted) is not None
    assert device.bookmarks.get(noted).note == ""

    # Starred there once more: synced again, so the next unstar drops it as usual.
    account.edit([on_server["Noted 0"]], add=STARRED)
    device.sync(freshrss)
    device.bookmarks.load()
    assert device.bookmarks.get(noted).unstarred_on == ""
    account.edit([on_server["Noted 0"]], remove=STARRED)
    assert device.sync(freshrss).unstarred == {noted}
