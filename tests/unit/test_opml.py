"""OPML subscription lists in and out, and the bombs they may carry."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.sources.opml import OpmlError, Subscription, parse_opml, write_opml

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"


def test_parse_opml_folders_and_filters() -> None:
    subs = parse_opml((FEEDS / "subscriptions.opml").read_bytes())
    assert subs == [
        Subscription(
            "Example Motors News",
            "https://motors.example.org/feed.xml",
            "https://motors.example.org/",
            "Cars",
        ),
        Subscription("Grid Notes", "https://grid.example.com/rss", "", "Cars"),
        # nested folders: the innermost names the section; feed: is unwrapped
        Subscription("Orbit Weekly", "http://orbit.example.net/feed.atom", "", "Rockets"),
        Subscription("Café Wire", "http://cafe.example.com/rss.xml", "", ""),
        # the duplicate, file:, ftp: and the plain link are gone; the name is sanitized
        Subscription("Evil [bold]name[/bold]", "https://evil.example/rss", "", ""),
    ]


def test_round_trip() -> None:
    subs = parse_opml((FEEDS / "subscriptions.opml").read_bytes())
    written = write_opml(subs)
    assert written.startswith("<?xml version='1.0' encoding='utf-8'?>\n<opml version=\"2.0\">")
    again = parse_opml(written.encode("utf-8"))
    assert sorted(again, key=lambda s: s.xml_url) == sorted(subs, key=lambda s: s.xml_url)
    assert parse_opml(write_opml(again).encode("utf-8")) == again


def test_a_feeds_own_interval_goes_in_our_namespace_and_comes_back() -> None:
    written = write_opml([Subscription("A", "https://a.example/rss", every=5400)])
    assert '<opml version="2.0" xmlns:news="urn:news-reader:opml">' in written
    assert 'news:every="1h30m"' in written
    assert parse_opml(written.encode()) == [Subscription("A", "https://a.example/rss", every=5400)]
    # One that does not read as an interval is ignored, as an unknown attribute is.
    for bad in ("soon", "5s", "99d", ""):
        hostile = written.replace('"1h30m"', f'"{bad}"').encode()
        assert parse_opml(hostile)[0].every == 0


def test_write_escapes_and_sanitizes() -> None:
    subs = [
        Subscription('A & B <x> \x1b[31m"q"', "https://a.example/?x=1&y=2", "", "R&D"),
    ]
    written = write_opml(subs, title="Mine")
    assert "\x1b" not in written
    assert "<title>Mine</title>" in written
    (back,) = parse_opml(written.encode())
    assert back == Subscription('A & B <x> "q"', "https://a.example/?x=1&y=2", "", "R&D")


def test_billion_laughs_is_refused_quickly() -> None:
    lol = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY lol0 "lol">{lol}]>\n'
        '<opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://x.example/"/>'
        "</body></opml>"
    )
    started = time.monotonic()
    with pytest.raises(OpmlError, match="declares XML entities"):
        parse_opml(bomb.encode())
    assert time.monotonic() - started < 1


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<opml version="2.0"><body><outline text="&x;" xmlUrl="https://x.example/"/></body></opml>'
    )
    with pytest.raises(OpmlError):
        parse_opml(xxe.encode())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not XML"),
        (b"<opml><body>", "not XML"),
        (b"<rss version='2.0'><channel/></rss>", "not OPML (root element <rss>)"),
        (b"<opml version='2.0'><head/></opml>", "not OPML (no <body>)"),
    ],
)
def test_not_opml(data: bytes, reason: str) -> None:
    with pytest.raises(OpmlError) as caught:
        parse_opml(data, "subs.opml")
    assert caught.value.reason.startswith(reason)
    assert str(caught.value).startswith("subs.opml: ")


def test_empty_body_is_no_subscriptions() -> None:
    assert parse_opml(b"<opml version='2.0'><body/></opml>") == []
