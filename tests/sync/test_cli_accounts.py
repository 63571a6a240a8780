"""`news account add`, `news accounts`, `news account remove`, as a person runs
them, against a real FreshRSS."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import news_process

from reader.accounts import secret_path
from reader.config import config_path
from reader.library.articles import Library
from reader.library.synced import Subscribed
from reader.model import Block, BlockKind, make_article, synced_story_id
from sync import scripted


def news(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """The command in a child process, its standard input a pipe (no terminal)."""
    return news_process.news(*args, stdin=stdin, timeout=60)


def add(
    freshrss: dict[str, Any], *extra: str, secret: str = ""
) -> subprocess.CompletedProcess[bytes]:
    given = (secret or freshrss["api_password"]) + "\n"
    return news(
        "account",
        "add",
        freshrss["api"],
        "--user",
        freshrss["user"],
        "--name",
        "home",
        "--password-stdin",
        *extra,
        stdin=given.encode(),
    )


def test_a_wrong_password_stores_nothing(freshrss: dict[str, Any]) -> None:
    done = add(freshrss, secret="wrong-password-77")
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr == b"news: wrong user name or password (nothing stored)\n"
    assert not config_path().exists()
    assert not secret_path("home").exists()


def test_add_list_and_remove_an_account(freshrss: dict[str, Any]) -> None:
    done = add(freshrss)
    api = freshrss["api"]
    assert done.returncode == 0, done.stderr
    added = f"Added account home: alice at {api}, 0 subscriptions; `news sync` brings them.\n"
    assert done.stdout == added.encode()
    assert stat.S_IMODE(secret_path("home").stat().st_mode) == 0o600
    assert stat.S_IMODE(secret_path("home").parent.stat().st_mode) == 0o700

    listed = news("accounts")
    assert listed.stdout == f"home  alice at {api}  (password stored)\n".encode()
    as_json = json.loads(news("accounts", "--json").stdout)
    assert as_json == [
        {
            "name": "home",
            "url": api,
            "user": "alice",
            "password": "stored",
            "password_command": None,
        }
    ]
    secret = freshrss["api_password"].encode()
    for output in (
        done.stdout,
        done.stderr,
        listed.stdout,
        config_path().read_bytes(),
        news("accounts", "--json").stdout,
    ):
        assert secret not in output

    asked = news("account", "remove", "home")
    assert asked.returncode == 2
    assert b"not removed: pass --yes" in asked.stderr
    gone = news("account", "remove", "home", "--yes")
    assert (
        gone.stdout
        == f"Removed account home (alice at {api}); its stories stay in the library.\n".encode()
    )
    assert news("accounts", "--json").stdout == b"[]\n"
    assert not secret_path("home").exists()


def test_without_a_terminal_the_password_must_come_another_way(freshrss: dict[str, Any]) -> None:
    done = news("account", "add", freshrss["api"], "--user", "alice")
    assert done.returncode == 2
    assert b"no terminal to ask for the password on: pass --password-stdin" in done.stderr


def test_a_password_command_is_checked_and_nothing_is_stored(freshrss: dict[str, Any]) -> None:
    command = f"{sys.executable} -c 'print(\"{freshrss['api_password']}\")'"
    done = news(
        "account",
        "add",
        freshrss["api"],
        "--user",
        "alice",
        "--name",
        "cmd",
        "--password-command",
        command,
    )
    assert done.returncode == 0, done.stderr
    assert not secret_path("cmd").exists()
    (listed,) = json.loads(news("accounts", "--json").stdout)
    assert listed["password"] == "command"
    assert listed["password_command"][1:] == ["-c", f'print("{freshrss["api_password"]}")']


def test_a_server_that_is_down_is_named() -> None:
    done = news(
        "account", "add", "http://127.0.0.1:9/api", "--user", "a", "--password-stdin", stdin=b"pw\n"
    )
    assert (done.returncode, done.stderr) == (
        1,
        b"news: 127.0.0.1:9: connection refused (nothing stored)\n",
    )


def test_dropping_an_accounts_stories(freshrss: dict[str, Any], tmp_path: Path) -> None:
    assert add(freshrss).returncode == 0
    library = Library.open()
    try:
        (source,) = library.sync_subscriptions("home", [Subscribed("feed/9", "Feed", "")]).values()
        stories = [
            make_article(
                "Feed",
                f"Item {n}",
                [Block(BlockKind.PARAGRAPH, f"Body {n}")],
                "Feed",
                id=synced_story_id("home", f"{n:016x}"),
                feed_key=f"{n:016x}",
            )
            for n in range(3)
        ]
        library.upsert_articles(source, stories)
    finally:
        library.close()
    listed = json.loads(news("list", "--json").stdout)
    assert sum(s["section"] == "Feed" for s in listed) == 3

    done = news("account", "remove", "home", "--yes", "--drop-stories")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(b"and its 3 stories.\n")
    listed = json.loads(news("list", "--json").stdout)
    assert not any(s["section"] == "Feed" for s in listed)
    assert listed  # the rest of the library stays


def test_a_hand_edited_account_is_listed_as_text_only() -> None:
    config_path().parent.mkdir(parents=True)
    config_path().write_text(
        "[accounts.home]\n"
        'url = "https://h/api\\u001b]0;owned\\u0007"\n'
        'user = "al\\u001b[31mice\\u202e"\n'
    )
    listed = news("accounts")
    assert listed.stdout == b"home  alice at https://h/api  (no password: add it again)\n"
    as_json = news("accounts", "--json").stdout
    assert b"\x1b" not in as_json and "\u202e".encode() not in as_json


def test_the_feeds_of_an_account_removed_keeping_its_stories_can_be_removed(
    freshrss: dict[str, Any],
) -> None:
    assert add(freshrss).returncode == 0
    library = Library.open()
    try:
        (source,) = library.sync_subscriptions(
            "home", [Subscribed("feed/5", "Tech Bits", "")]
        ).values()
        library.upsert_articles(
            source,
            [
                make_article(
                    "Tech Bits",
                    f"Bit {n}",
                    [Block(BlockKind.PARAGRAPH, f"Body {n}")],
                    "Tech Bits",
                    id=synced_story_id("home", f"{n:016x}"),
                    feed_key=f"{n:016x}",
                )
                for n in range(2)
            ],
        )
    finally:
        library.close()
    assert news("account", "remove", "home", "--yes", "--keep-stories").returncode == 0

    sources = news("sources").stdout
    assert b"feed/5 from account home, removed: `news remove` takes it away here\n" in sources
    done = news("remove", "Tech Bits", "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        b"Removed synced Tech Bits and its 2 stories (its account home is gone:"
        b" nothing to unsubscribe).\n"
    )
    assert done.stderr == b""
    listed = json.loads(news("list", "--json").stdout)
    assert not any(s["section"] == "Tech Bits" for s in listed)


def test_freshrss_given_by_its_base_address_is_found_at_its_api_root(
    freshrss: dict[str, Any],
) -> None:
    base, api = freshrss["url"].rstrip("/") + "/", freshrss["api"]
    wrong = news("account", "add", base, "--user", "alice", "--password-stdin", stdin=b"not-it\n")
    assert (wrong.returncode, wrong.stdout) == (1, b"")
    assert wrong.stderr == (
        f"news: wrong user name or password at {api}, the API root of {base}"
        " (nothing stored)\n".encode()
    )

    secret = (freshrss["api_password"] + "\n").encode()
    done = news(
        "account",
        "add",
        base,
        "--user",
        "alice",
        "--name",
        "home",
        "--password-stdin",
        stdin=secret,
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout
        == (
            f"{base} is not the Google Reader API root; {api} is: using that.\n"
            f"Added account home: alice at {api}, 0 subscriptions; `news sync` brings them.\n"
        ).encode()
    )
    (listed,) = json.loads(news("accounts", "--json").stdout)
    assert listed["url"] == api


def test_an_address_where_no_api_answers_names_the_roots_tried(server: Any) -> None:
    done = news(
        "account", "add", server.api + "/", "--user", "a", "--password-stdin", stdin=b"pw\n"
    )
    host = server.api.removesuffix("/api")
    assert (done.returncode, done.stdout) == (1, b"")
    assert (
        done.stderr
        == (
            f"news: no Google Reader API answered; tried {host}/api/ (HTTP 404),"
            f" {host}/api/api/greader.php (HTTP 404), {host}/api/greader.php (HTTP 404),"
            f" {host} (HTTP 404) (nothing stored)\n"
        ).encode()
    )
    assert sorted(set(server.paths())) == [
        "/accounts/ClientLogin",
        "/api/accounts/ClientLogin",
        "/api/api/greader.php/accounts/ClientLogin",
        "/api/greader.php/accounts/ClientLogin",
    ]


def plain_web_server(asked: scripted.Asked) -> scripted.Answer:
    """As `python -m http.server` answers: a page to a GET, 501 to a POST."""
    if asked.method == "POST":
        return scripted.Answer(501, b"<html><body>Unsupported method</body></html>", "text/html")
    return scripted.Answer(200, b"<!DOCTYPE HTML><html><ul></ul></html>", "text/html")


def test_a_web_server_that_does_not_take_a_post_is_passed_by(server: scripted.Scripted) -> None:
    web = server.api.removesuffix("/api") + "/"
    server.script = plain_web_server
    done = news("account", "add", web, "--user", "bob", "--password-stdin", stdin=b"pw\n")
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr == (
        f"news: no Google Reader API answered; tried {web} (HTTP 501),"
        f" {web}api/greader.php (HTTP 501) (nothing stored)\n"
    ).encode()

    def api_below(asked: scripted.Asked) -> scripted.Answer:
        if asked.path == "/api/greader.php/accounts/ClientLogin":
            return scripted.Answer(200, b"SID=x\nAuth=token\n", "text/plain")
        if asked.path == "/api/greader.php/reader/api/0/subscription/list":
            return scripted.Answer(200, b'{"subscriptions": []}')
        return plain_web_server(asked)

    server.script = api_below
    done = news("account", "add", web, "--user", "bob", "--password-stdin", stdin=b"pw\n")
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(
        f"{web} is not the Google Reader API root; {web}api/greader.php is: using that.\n".encode()
    )
