"""`news sync`, `news add --account` and `news remove` of a synced source, as a
person runs them (in a child process, output piped), against a real FreshRSS."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

import news_process
from unit.feed_server import FeedServer, rss

from reader.sync.greader import READ, READING_LIST, STARRED, GReader


def news(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return news_process.news(*args, stdin=stdin, timeout=120)


def add_account(freshrss: dict[str, Any], name: str = "home", api: str = "") -> None:
    done = news(
        "account",
        "add",
        api or freshrss["api"],
        "--user",
        freshrss["user"],
        "--name",
        name,
        "--password-stdin",
        stdin=(freshrss["api_password"] + "\n").encode(),
    )
    assert done.returncode == 0, done.stderr


def listed() -> dict[str, dict[str, Any]]:
    done = news("list", "--json")
    assert done.returncode == 0, done.stderr
    return {s["title"]: s for s in json.loads(done.stdout) if s["source"] != "teslarati"}


def test_news_sync_brings_the_account_and_sends_what_was_done_here(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any]
) -> None:
    assert news("sync").stdout == (
        b"No sync accounts. Add one with `news account add API_URL --user NAME`.\n"
    )
    stories = [(f"Quay {n}", f"https://example.org/quay/{n}") for n in range(3)]
    account.subscribe(feeds.serve("/cli-quay.xml", rss("Quay", stories)), "Harbour")
    add_account(freshrss)

    done = news("sync")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        b"synced     home: 1 feed, 3 new stories, 0 changes sent, 0 marks taken in\n"
        b"1 account: 1 synced, 0 failed.\n"
    )
    here = listed()
    assert {t: (s["section"], s["read"]) for t, s in here.items()} == {
        "Quay 0": ("Harbour", False),
        "Quay 1": ("Harbour", False),
        "Quay 2": ("Harbour", False),
    }
    assert (
        b"     feed/" in news("sources").stdout and b" on account home\n" in news("sources").stdout
    )
    sources = json.loads(news("sources", "--json").stdout)
    (synced,) = [s for s in sources if s["kind"] == "synced"]
    assert (synced["title"], synced["section"], synced["account"]) == ("Quay", "Harbour", "home")

    # Starred on the server's web page: bookmarked here.
    on_server = {i.title: i.id for i in account.items(account.item_ids(READING_LIST))}
    account.edit([on_server["Quay 2"]], add=STARRED)
    account.edit([on_server["Quay 1"]], add=READ)
    as_json = json.loads(news("sync", "--json").stdout)
    assert as_json == [
        {
            "account": "home",
            "ok": True,
            "reason": None,
            "feeds": 1,
            "new": 0,
            "updated": 0,
            "sent": 0,
            "read": 1,
            "unread": 0,
            "starred": 1,
            "unstarred": 0,
            "kept": 0,
            "unsubscribed": 0,
        }
    ]
    here = listed()
    assert [t for t, s in here.items() if s["bookmarked"]] == ["Quay 2"]
    assert [t for t, s in here.items() if s["read"]] == ["Quay 1"]
    assert json.loads(news("bookmarks", "--json").stdout)[0]["source"] == "Quay"


def test_a_server_that_is_down_is_named_in_one_line_within_seconds(
    account: GReader, freshrss: dict[str, Any]
) -> None:
    add_account(freshrss)
    add_dead = news(
        "account",
        "add",
        "http://127.0.0.1:9/api/greader.php",
        "--user",
        "a",
        "--name",
        "away",
        "--password-command",
        "echo secret",
    )
    assert add_dead.returncode == 1  # it logs in once to check: refused, nothing stored
    config = news("accounts", "--json")
    assert [a["name"] for a in json.loads(config.stdout)] == ["home"]
    # Written by hand instead, as a person who moved servers would have it.
    from reader.config import config_path

    with config_path().open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[accounts.away]\nurl = "http://127.0.0.1:9/api/greader.php"\nuser = "a"\n'
            'password_command = ["echo", "secret"]\n'
        )
    started = time.monotonic()
    done = news("sync")
    assert time.monotonic() - started < 20
    assert done.returncode == 1
    lines = done.stdout.decode().splitlines()
    assert lines[0].startswith("synced     home: ")
    assert lines[1].startswith("failed     away: ") and "127.0.0.1:9" in lines[1]
    assert lines[2] == "2 accounts: 1 synced, 1 failed."
    assert b"secret" not in done.stdout + done.stderr


def test_add_and_remove_on_the_server(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any]
) -> None:
    add_account(freshrss)
    url = feeds.serve("/cli-pier.xml", rss("Pier", [("Pier 0", "https://example.org/pier/0")]))
    done = news("add", url, "--account", "home", "--section", "Coast")
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"Subscribed home to Pier; 1 new story.\n"
    assert [(s.title, s.folders) for s in account.subscriptions()] == [("Pier", ("Coast",))]
    assert listed()["Pier 0"]["section"] == "Coast"

    done = news("remove", "Pier", "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"Removed synced Pier and its 1 story.\n"
    assert account.subscriptions() == []
    assert "Pier 0" not in listed()
    assert news("sync").returncode == 0
    assert "Pier 0" not in listed()  # not brought back

    refused = news("add", url, "--account", "nobody")
    assert refused.returncode == 2
    assert b"no account named 'nobody'" in refused.stderr


def test_a_synced_source_is_kept_when_its_server_cannot_unsubscribe_it() -> None:
    from reader.accounts import Account, save
    from reader.library.articles import Library
    from reader.library.synced import Subscribed
    from reader.model import make_article, synced_story_id

    save(Account("away", "http://127.0.0.1:9/api/greader.php", "a", ("echo", "secret")))
    library = Library.open()
    ids = library.sync_subscriptions("away", [Subscribed("feed/4", "Faraway", "")])
    story = make_article(
        "Faraway",
        "Far story",
        (),
        "feed/4",
        id=synced_story_id("away", "0" * 16),
        markdown="Words.",
        feed_key="0" * 16,
    )
    library.upsert_articles(ids["feed/4"], [story])
    library.close()

    done = news("remove", "Faraway", "--yes")
    assert done.returncode == 1
    assert done.stderr == (
        b"news: cannot unsubscribe Faraway on away: 127.0.0.1:9: connection refused (kept)\n"
    )
    assert "Far story" in listed()


def test_a_wrong_password_is_said_and_stops_that_account(freshrss: dict[str, Any]) -> None:
    from reader.accounts import store_password

    add_account(freshrss)
    store_password("home", "no-longer-the-password")  # changed on the server since
    done = news("sync")
    assert done.returncode == 1
    assert done.stdout == (
        b"failed     home: wrong user name or password\n1 account: 0 synced, 1 failed.\n"
    )
    assert b"no-longer-the-password" not in done.stdout + done.stderr


def test_news_sync_keeps_a_noted_bookmark_the_server_unstarred_and_says_so(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any]
) -> None:
    from reader.bookmarks import Bookmarks

    url = feeds.serve("/cli-dock.xml", rss("Dock", [("Dock 0", "https://e.org/d/0")]))
    account.subscribe(url)
    add_account(freshrss)
    (item,) = account.item_ids(READING_LIST)
    account.edit([item], add=STARRED)
    assert news("sync").returncode == 0
    bookmarks = Bookmarks()
    bookmarks.load()
    (mark,) = bookmarks.all()
    bookmarks.set_note(mark.article_id, "Ring the dock office.")

    account.edit([item], remove=STARRED)
    done = news("sync")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        b"synced     home: 1 feed, 0 new stories, 0 changes sent, 0 marks taken in\n"
        b"kept       Dock 0: unstarred on home; its bookmark and note stay here\n"
        b"1 account: 1 synced, 0 failed.\n"
    )
    (listed,) = json.loads(news("bookmarks", "--json").stdout)
    assert (listed["title"], listed["note"]) == ("Dock 0", "Ring the dock office.")
    assert listed["unstarred_on"] == "home"
    assert json.loads(news("sync", "--json").stdout)[0]["kept"] == 0  # said once


def test_a_mark_read_rule_run_by_news_sync_reaches_the_server(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any]
) -> None:
    assert news("rules", "add", "Sales", "sales", "--action", "mark-read").returncode == 0
    add_account(freshrss)
    url = feeds.serve("/cli-mars.xml", rss("Mars", [("Garage sales on Mars", "https://e.org/m")]))
    account.subscribe(url)

    done = news("sync")
    assert done.returncode == 0, done.stderr
    assert b"Sales (mark-read): 1 story matched, 1 marked read\n" in done.stdout
    assert listed()["Garage sales on Mars"]["read"]

    again = news("sync")
    assert again.stdout.startswith(
        b"synced     home: 1 feed, 0 new stories, 1 change sent, 0 marks taken in\n"
    )
    assert listed()["Garage sales on Mars"]["read"]  # not taken back by the server's unread
    assert account.item_ids(READING_LIST, exclude=READ) == []


def test_a_feed_unsubscribed_on_the_server_goes_here_and_is_said(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any]
) -> None:
    bits = [(f"Bit {n}", f"https://e.org/bits/{n}") for n in range(2)]
    account.subscribe(feeds.serve("/cli-bits.xml", rss("Tech Bits", bits)))
    account.subscribe(feeds.serve("/cli-keep.xml", rss("Keep", [("Kept 0", "https://e.org/k")])))
    add_account(freshrss)
    assert news("sync").returncode == 0
    (gone,) = [s for s in account.subscriptions() if s.title == "Tech Bits"]
    account.unsubscribe(gone.id)

    done = news("sync")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        b"synced     home: 1 feed, 0 new stories, 0 changes sent, 0 marks taken in\n"
        b"removed    Tech Bits: unsubscribed on home, 2 stories removed\n"
        b"1 account: 1 synced, 0 failed.\n"
    )
    assert set(listed()) == {"Kept 0"}
    assert json.loads(news("sync", "--json").stdout)[0]["unsubscribed"] == 0  # said once


def test_news_rules_apply_on_a_synced_story_reaches_the_server(
    account: GReader, feeds: FeedServer, freshrss: dict[str, Any]
) -> None:
    add_account(freshrss)
    url = feeds.serve("/cli-fair.xml", rss("Fair", [("Street fair sales", "https://e.org/f")]))
    account.subscribe(url)
    assert news("sync").returncode == 0
    assert not listed()["Street fair sales"]["read"]

    assert news("rules", "add", "Sales", "sales", "--action", "mark-read").returncode == 0
    applied = news("rules", "apply")
    assert b"Sales (mark-read): 1 story matched, 1 marked read\n" in applied.stdout
    assert news("sync").stdout.startswith(
        b"synced     home: 1 feed, 0 new stories, 1 change sent, 0 marks taken in\n"
    )
    assert listed()["Street fair sales"]["read"]
    assert account.item_ids(READING_LIST, exclude=READ) == []
