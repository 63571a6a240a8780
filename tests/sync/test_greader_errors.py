"""What the client says when the server misbehaves: small local servers that
answer 429, web pages, garbage, expire tokens, or are not there at all."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.sync.greader import (
    ITEM_PREFIX,
    BadAnswer,
    GReader,
    RateLimited,
    SyncError,
    Unreachable,
    WrongPassword,
    item_id,
    retry_after,
)
from reader.sync.roots import other_roots
from sync.scripted import Answer, Asked, Scripted

LOGIN = Answer(200, b"SID=x\nLSID=null\nAuth=alice/token-1\n", "text/plain")
SUBSCRIPTIONS = json.dumps(
    {
        "subscriptions": [
            {
                "id": "feed/1",
                "title": "One",
                "url": "http://h/one.xml",
                "htmlUrl": "http://h/",
                "categories": [{"id": "user/-/label/Tech", "label": "Tech"}],
            }
        ]
    }
).encode()


def serving(server: Scripted, **paths: Answer) -> None:
    """Answer each API path (``subscription_list`` is reader/api/0/subscription/list),
    logging in as anyone."""
    table = {"/api/" + name.replace("__", "/").replace("_", "/"): a for name, a in paths.items()}
    table.setdefault("/api/accounts/ClientLogin", LOGIN)

    def script(asked: Asked) -> Answer:
        return table.get(asked.path, Answer(404, b"not here", "text/plain"))

    server.script = script


def client(server: Scripted, **options: object) -> GReader:
    return GReader(server.api, "alice", "secret-pw-9", **options)  # type: ignore[arg-type]


def test_the_login_sends_the_user_and_the_token_goes_out(server: Scripted) -> None:
    serving(server, reader__api__0__subscription__list=Answer(200, SUBSCRIPTIONS))
    subs = client(server).subscriptions()
    assert [(s.id, s.title, s.folders) for s in subs] == [("feed/1", "One", ("Tech",))]
    login, listing = server.asked
    assert login.form == {"Email": ["alice"], "Passwd": ["secret-pw-9"]}
    assert listing.auth == "GoogleLogin auth=alice/token-1"


def test_an_expired_token_logs_in_again_once(server: Scripted) -> None:
    logins = iter(["old", "new"])

    def script(asked: Asked) -> Answer:
        if asked.path.endswith("ClientLogin"):
            return Answer(200, f"Auth={next(logins)}\n".encode(), "text/plain")
        if asked.auth == "GoogleLogin auth=new":
            return Answer(200, SUBSCRIPTIONS)
        return Answer(401, b"Unauthorized!", "text/plain")

    server.script = script
    assert [s.id for s in client(server).subscriptions()] == ["feed/1"]
    assert (
        server.paths() == ["/api/accounts/ClientLogin", "/api/reader/api/0/subscription/list"] * 2
    )


def test_a_token_that_never_works_stops_after_one_new_login(server: Scripted) -> None:
    serving(server, reader__api__0__subscription__list=Answer(401, b"Unauthorized!", "text/plain"))
    with pytest.raises(SyncError, match="not authorised"):
        client(server).subscriptions()
    assert len(server.asked) == 4


def test_a_refused_login_is_a_wrong_password(server: Scripted) -> None:
    serving(server, accounts__ClientLogin=Answer(401, b"Error=BadAuthentication", "text/plain"))
    with pytest.raises(WrongPassword, match=r"^wrong user name or password$") as caught:
        client(server).login()
    shown = str(caught.value) + repr(caught.value) + repr(client(server))
    assert "secret-pw-9" not in shown


def test_a_short_retry_after_is_waited_out(server: Scripted) -> None:
    answers = iter([Answer(429, b"slow down", "text/plain", {"Retry-After": "1"})])

    def script(asked: Asked) -> Answer:
        if asked.path.endswith("ClientLogin"):
            return LOGIN
        return next(answers, Answer(200, SUBSCRIPTIONS))

    server.script = script
    told: list[float] = []
    started = time.monotonic()
    subs = client(server, on_wait=told.append).subscriptions()
    assert [s.id for s in subs] == ["feed/1"]
    assert told == [1.0]
    assert time.monotonic() - started >= 1.0


def test_a_retry_after_date_is_read() -> None:
    now = time.time()
    assert retry_after(formatdate(now + 20, usegmt=True), now) == pytest.approx(20, abs=1)
    assert retry_after(formatdate(now - 20, usegmt=True), now) == 0
    assert retry_after("120", now) == 120
    assert retry_after("soon", now) is None


def test_a_long_retry_after_is_raised_with_the_wait(server: Scripted) -> None:
    later = formatdate(time.time() + 3600, usegmt=True)
    serving(
        server,
        reader__api__0__subscription__list=Answer(429, b"", "text/plain", {"Retry-After": later}),
    )
    started = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        client(server).subscriptions()
    assert time.monotonic() - started < 1
    assert caught.value.retry_after == pytest.approx(3600, abs=2)
    assert "too many requests; the server asks to wait 60 minutes" in caught.value.reason


def test_waits_add_up_to_the_cap(server: Scripted) -> None:
    serving(
        server,
        reader__api__0__subscription__list=Answer(429, b"", "text/plain", {"Retry-After": "10"}),
    )
    slept: list[float] = []
    with pytest.raises(RateLimited):
        client(server, sleep=slept.append).subscriptions()
    assert slept == [10.0, 10.0, 10.0]  # 30 s waited in all, then no more


def test_a_web_page_instead_of_the_api_is_named(server: Scripted) -> None:
    page = Answer(200, b"<!DOCTYPE html><html><body>Log in</body></html>", "text/html")
    serving(server, accounts__ClientLogin=page)
    with pytest.raises(BadAnswer, match="answered with a web page"):
        client(server).login()


def test_garbage_and_json_of_another_shape_are_bad_answers(server: Scripted) -> None:
    serving(server, reader__api__0__subscription__list=Answer(200, b"\x00\xff{{garbage"))
    with pytest.raises(BadAnswer, match="is not JSON"):
        client(server).subscriptions()
    serving(server, reader__api__0__subscription__list=Answer(200, b'{"subscriptions": "many"}'))
    with pytest.raises(BadAnswer, match="subscriptions is not a list"):
        client(server).subscriptions()
    serving(server, reader__api__0__stream__items__ids=Answer(200, b'{"itemRefs": [{"id": "x1"}]}'))
    with pytest.raises(BadAnswer, match="not an item id"):
        client(server).item_ids("feed/1")


def test_a_wrong_address_is_named(server: Scripted) -> None:
    serving(
        server,
        accounts__ClientLogin=Answer(302, b"", "text/plain", {"Location": "https://elsewhere/api"}),
    )
    with pytest.raises(BadAnswer, match="redirects accounts/ClientLogin to https://elsewhere/api"):
        client(server).login()
    serving(server)
    with pytest.raises(BadAnswer, match=r"HTTP 404 .*API root"):
        client(server).subscriptions()


def test_server_text_is_cleaned_where_it_enters(server: Scripted) -> None:
    hostile = {
        "subscriptions": [
            {
                "id": "feed/\x1b[2J1",
                "title": "Evil\x1b]0;owned\x07 \u202etitle",
                "url": "http://h/\x9b1m",
                "categories": [{"label": "F\x1b[31mx"}],
            }
        ]
    }
    serving(server, reader__api__0__subscription__list=Answer(200, json.dumps(hostile).encode()))
    (sub,) = client(server).subscriptions()
    assert (sub.id, sub.title, sub.url, sub.folders) == (
        "feed/1",
        "Evil title",
        "http://h/1m",
        ("Fx",),
    )


def test_a_server_that_is_down_is_named_with_its_cause() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(Unreachable) as caught:
        GReader(f"http://127.0.0.1:{port}/api", "alice", "pw").login()
    assert caught.value.reason == f"127.0.0.1:{port}: connection refused"
    assert time.monotonic() - started < 2


@pytest.fixture
def silent() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_times_out(silent: int) -> None:
    started = time.monotonic()
    with pytest.raises(Unreachable, match=f"^127.0.0.1:{silent}: timed out$"):
        GReader(f"http://127.0.0.1:{silent}/api", "alice", "pw", timeout=1).login()
    assert time.monotonic() - started < 3


def test_subscribing_may_take_as_long_as_a_feed_fetch(server: Scripted) -> None:
    """The server fetches the feed before answering a quickadd, so only the
    whole-request limit applies to it, not the read timeout."""
    added = b'{"numResults": 1, "streamId": "feed/1", "streamName": "One"}'
    token = Answer(200, b"T" * 57, "text/plain")
    slow_add = Answer(200, added, delay=1.5)
    serving(
        server,
        reader__api__0__token=token,
        reader__api__0__subscription__quickadd=slow_add,
        reader__api__0__subscription__list=Answer(200, SUBSCRIPTIONS),
    )
    with httpx.Client(timeout=httpx.Timeout(0.5)) as http:
        sub = client(server, client=http, timeout=10).subscribe("http://h/one.xml")
        assert (sub.id, sub.title) == ("feed/1", "One")
        serving(server, reader__api__0__subscription__list=Answer(200, SUBSCRIPTIONS, delay=1.5))
        with pytest.raises(Unreachable, match="timed out"):
            client(server, client=http, timeout=10).subscriptions()


def test_an_address_that_is_not_http_is_refused() -> None:
    with pytest.raises(SyncError, match="http or https"):
        GReader("file:///etc/passwd", "alice", "pw")


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_every_spelling_of_an_item_id_is_one_id(value: int) -> None:
    signed = value - 2**64 if value >= 2**63 else value
    expected = f"{value:016x}"
    assert item_id(str(signed)) == expected
    assert item_id(f"{ITEM_PREFIX}{value:x}") == expected
    assert item_id(f"{ITEM_PREFIX}{value:016X}") == expected


@given(st.text(max_size=30))
def test_any_other_text_is_refused_or_read_as_an_id(text: str) -> None:
    try:
        got = item_id(text)
    except BadAnswer as exc:
        assert "\x1b" not in exc.reason
    else:
        assert len(got) == 16 and int(got, 16) >= 0


@pytest.mark.parametrize(
    ("given", "roots"),
    [
        (
            "http://127.0.0.1:8080/",
            ["http://127.0.0.1:8080/api/greader.php"],
        ),
        (
            "https://rss.example.org/freshrss/?x=1",
            [
                "https://rss.example.org/freshrss/api/greader.php",
                "https://rss.example.org/api/greader.php",
                "https://rss.example.org",
            ],
        ),
        ("https://inoreader.com/", ["https://www.inoreader.com"]),
        ("https://www.inoreader.com", []),
        ("ftp://example.org", []),
        ("not an address", []),
    ],
)
def test_the_known_api_roots_below_an_address(given: str, roots: list[str]) -> None:
    assert other_roots(given) == roots


def test_a_servers_reference_to_esc_goes_with_its_sequence() -> None:
    """A server's titles, authors and folder names are HTML text: `&#x1b;[31m`
    there goes whole, as the raw sequence does (`html.unescape` dropped the ESC
    alone and left "[31m"); `&amp;#x1b;` is text and reads so."""
    from reader.sync.answers import item_from, subscription_from

    item = item_from(
        {
            "id": f"{ITEM_PREFIX}00000000000000ff",
            "title": "Entity &#x1b;[31mred&#x1b;[0m title &amp;#x1b;",
            "author": "Auth &#27;]0;pwned&#7;or",
        }
    )
    assert (item.title, item.author) == ("Entity red title &#x1b;", "Auth or")
    subscription = subscription_from(
        {
            "id": "feed/1",
            "title": "Feed &#x1b;[32mname",
            "categories": [{"id": "user/-/label/x", "label": "Fold &#x1b;[33mer"}],
        }
    )
    assert (subscription.title, subscription.folders) == ("Feed name", ("Fold er",))
