"""Where a fetch may go, as a person meets it on the command line.

Two local servers on 127.0.0.1 stand for two sites: the feed's own (``site``)
and another address on the same machine (``other``, a stand-in for a router's
admin page or a cloud metadata address). A feed the person adds may be on
loopback; a page its content names on another origin may not, unless the
config allows private addresses. Nothing here leaves 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reader import net
from reader.cli import main
from reader.discover import feed_links
from reader.library.articles import Library
from reader.net import FetchError, fetch, make_client
from reader.urls import Reach, address_kind, clickable, redirect_target, scheme, web_url

from .feed_server import FEEDS, FeedServer, rss, running

ARTICLE = (FEEDS / "article.html").read_bytes()


@pytest.fixture
def site(no_proxy: None) -> Iterator[FeedServer]:
    yield from running()


@pytest.fixture
def other() -> Iterator[FeedServer]:
    yield from running()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def story_id(capsys: pytest.CaptureFixture[str], title: str) -> str:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    [found] = [row["id"] for row in json.loads(out) if row["title"] == title]
    return str(found)


def allow_private(tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"  # NEWS_CONFIG_DIR, from conftest
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[network]\nallow_private = true\n")


# Full text: a story's page is an address the feed chose --------------------------


def test_full_text_on_another_loopback_port_is_refused_with_a_reason(
    capsys: pytest.CaptureFixture[str], site: FeedServer, other: FeedServer
) -> None:
    other.serve("/admin", ARTICLE, content_type="text/html")
    feed = site.serve("/feed", rss("Motors", [("Admin page", other.url("/admin"))]))

    code, out, err = run(capsys, "add", feed, "--fulltext")
    assert code == 0 and "Admin page" not in out
    assert "full text not stored (loopback address refused: 127.0.0.1" in err
    code, _, err = run(capsys, "fulltext", story_id(capsys, "Admin page"))
    assert code == 2
    assert "loopback address refused: 127.0.0.1 is not on the feed's own site" in err
    assert "[network] allow_private = true" in err
    assert other.seen("/admin") == []  # not one request reached it


def test_full_text_on_the_feeds_own_origin_is_fetched(
    capsys: pytest.CaptureFixture[str], site: FeedServer
) -> None:
    site.serve("/story", ARTICLE, content_type="text/html")
    feed = site.serve("/feed", rss("Motors", [("Giga output", site.url("/story"))]))
    run(capsys, "add", feed)
    code, out, _ = run(capsys, "fulltext", story_id(capsys, "Giga output"))
    assert code == 0 and out.startswith("Stored the full text of “Giga output”")
    assert len(site.seen("/story")) == 1


def test_the_config_switch_allows_private_addresses(
    capsys: pytest.CaptureFixture[str], site: FeedServer, other: FeedServer, tmp_path: Path
) -> None:
    other.serve("/admin", ARTICLE, content_type="text/html")
    feed = site.serve("/feed", rss("Motors", [("Admin page", other.url("/admin"))]))
    run(capsys, "add", feed)
    allow_private(tmp_path)
    code, out, _ = run(capsys, "fulltext", story_id(capsys, "Admin page"))
    assert code == 0 and out.startswith("Stored the full text")
    assert len(other.seen("/admin")) == 1


def test_a_redirect_to_a_private_address_is_refused(
    capsys: pytest.CaptureFixture[str], site: FeedServer, other: FeedServer
) -> None:
    other.serve("/admin", ARTICLE, content_type="text/html")
    # The story's page is on the feed's own site, which sends it elsewhere.
    site.serve("/go", b"", status=302, location=other.url("/admin"))
    feed = site.serve("/feed", rss("Motors", [("Moved story", site.url("/go"))]))
    run(capsys, "add", feed)
    code, _, err = run(capsys, "fulltext", story_id(capsys, "Moved story"))
    assert code == 2 and "loopback address refused: 127.0.0.1" in err
    assert len(site.seen("/go")) == 1 and other.seen("/admin") == []


# Redirects that used to crash -----------------------------------------------------


def test_bad_redirects_are_named_and_the_other_feeds_still_refresh(
    capsys: pytest.CaptureFixture[str], site: FeedServer
) -> None:
    good = site.serve("/good", rss("Good news", [("Still here", "")]))
    run(capsys, "add", good)
    bad = {
        "/js": ("javascript:alert(1)", "redirect to a javascript: address refused"),
        "/data": ("data:text/html,hi", "redirect to a data: address refused"),
        "/mail": ("mailto:a@example.org", "redirect to a mailto: address refused"),
        "/port": ("http://127.0.0.1:70000/feed", "redirect refused (invalid URL: bad port"),
        "/idna": ("http://xn--/", "invalid URL"),
    }
    library = Library.open()
    try:
        for path, (location, _) in bad.items():
            site.serve(path, b"", status=302, location=location)
            library.add_source("feed", site.url(path), title=f"Bad {path}")
    finally:
        library.close()
    site.serve("/good", rss("Good news", [("Still here", ""), ("Also new", "")]))

    code, out, _ = run(capsys, "refresh")
    assert code == 1
    for path, (_, reason) in bad.items():
        assert f"Bad {path}: {reason}" in out
    assert "Good news: 1 new" in out
    assert "Also new" in run(capsys, "list")[1]


def test_an_address_with_a_port_that_is_not_a_number_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "add", "http://x:abc/")
    assert code == 2 and out == ""
    assert err == "news: cannot add 'http://x:abc/': invalid URL: bad port\n"


# Autodiscovery: a web page given to news add ---------------------------------------


def page(*links: str) -> bytes:
    heads = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="Feed" href="{href}">'
        for href in links
    )
    return (
        f"<!DOCTYPE html><html><head><title>Motors</title>{heads}</head>"
        "<body><p>Welcome.</p></body></html>"
    ).encode()


def test_news_add_of_a_web_page_adds_the_feed_it_names(
    capsys: pytest.CaptureFixture[str], site: FeedServer
) -> None:
    site.serve("/feed.xml", rss("Motors", [("Chargers everywhere", "")]))
    home = site.serve("/", page("/feed.xml"), content_type="text/html")
    code, out, _ = run(capsys, "add", home)
    assert code == 0
    assert out == (
        f"Added feed Motors, the feed {site.url('/feed.xml')} that the web page names:"
        " 1 story (1 new).\n"
    )
    code, out, _ = run(capsys, "sources", "--json")
    locations = [s["location"] for s in json.loads(out) if s["kind"] == "feed"]
    assert locations == [site.url("/feed.xml")]


def test_a_page_naming_a_feed_on_another_private_address_is_refused(
    capsys: pytest.CaptureFixture[str], site: FeedServer, other: FeedServer
) -> None:
    elsewhere = other.serve("/feed.xml", rss("Elsewhere", [("Inside story", "")]))
    home = site.serve("/", page(elsewhere), content_type="text/html")
    code, _, err = run(capsys, "add", home)
    assert code == 2
    assert f"{elsewhere}: loopback address refused" in err
    assert other.seen("/feed.xml") == []
    code, out, _ = run(capsys, "sources", "--json")
    assert [s for s in json.loads(out) if s["kind"] == "feed"] == []


# The policy itself -----------------------------------------------------------------


async def test_the_connection_checks_the_address_it_connects_to(
    other: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: a name that resolved to a public address when checked
    and to a private one when connecting is caught as the socket opens."""
    other.serve("/admin", ARTICLE, content_type="text/html")

    async def looked_public(url: str, reach: Reach) -> None:
        return None  # as if the first resolution had said a public address

    monkeypatch.setattr(net, "_check_reach", looked_public)
    async with make_client(connect_timeout=1.0, trust_env=False) as client:
        with pytest.raises(FetchError) as caught:
            await fetch(client, other.url("/admin"), reach=Reach(home="http://feed.example/"))
    assert caught.value.reason.startswith("loopback address refused")
    assert other.seen("/admin") == []


async def test_a_pooled_connection_to_the_persons_feed_does_not_carry_content_there(
    site: FeedServer,
) -> None:
    """One client serves a whole refresh: a connection opened for the person's
    feed must not be reused by a page another feed names on that address."""
    site.serve("/feed", rss("Motors", []))
    site.serve("/admin", ARTICLE, content_type="text/html")
    async with make_client(connect_timeout=1.0, trust_env=False) as client:
        await fetch(client, site.url("/feed"), reach=Reach(home=site.url("/feed")))
        with pytest.raises(FetchError, match="loopback address refused"):
            await fetch(client, site.url("/admin"), reach=Reach(home="http://feed.example/"))
    assert site.seen("/admin") == []


def test_kinds_of_address() -> None:
    assert address_kind("127.0.0.1") == "loopback"
    assert address_kind("::1") == "loopback"
    assert address_kind("::ffff:127.0.0.1") == "loopback"
    assert address_kind("10.1.2.3") == "private"
    assert address_kind("192.168.0.1") == "private"
    assert address_kind("169.254.169.254") == "link-local"
    assert address_kind("fe80::1%eth0") == "link-local"
    assert address_kind("0.0.0.0") == "unspecified"
    assert address_kind("224.0.0.1") == "multicast"
    assert address_kind("240.0.0.1") in ("reserved", "private")
    assert address_kind("100.64.0.1") == "reserved"  # carrier-grade NAT: not public
    assert address_kind("93.184.215.14") == ""
    assert address_kind("2606:4700::1") == ""


def test_the_home_origin() -> None:
    home = Reach(home="http://192.168.1.5/feed.xml")
    assert home.anywhere("http://192.168.1.5/story")
    assert home.anywhere("https://192.168.1.5/story")  # the same server, upgraded
    assert not home.anywhere("http://192.168.1.5:8080/story")  # another service
    assert not home.anywhere("https://192.168.1.5:8443/story")
    assert not home.anywhere("http://192.168.1.6/story")
    assert not Reach(home="https://h.example/").anywhere("http://h.example/")
    assert not Reach(home="/home/me/feed.xml").anywhere("http://127.0.0.1/")
    assert Reach(allow_private=True).anywhere("http://127.0.0.1:6379/")


def test_clickable_and_web_addresses() -> None:
    assert clickable("https://example.org/a") == "https://example.org/a"
    assert clickable("example.org/a") == "https://example.org/a"
    schemes = ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "mailto:a@b.org"]
    for refused in [*schemes, "vbscript:x", "http://x:99999/", "/relative", ""]:
        assert clickable(refused) == "", refused
    assert web_url("/b?c", "https://example.org/a/") == "https://example.org/b?c"
    assert web_url("x.xml", "/home/me/feed.xml") == ""  # never relative to a file
    assert web_url("http://x:abc/") == ""
    with pytest.raises(ValueError, match="redirect to a javascript: address refused"):
        redirect_target("http://example.org/", "javascript:alert(1)")


def test_httpx_is_what_net_patches() -> None:
    """The checked transport replaces httpx's pool; a new httpx must keep it."""
    transport = net._CheckedTransport(trust_env=False)
    assert isinstance(transport._pool._network_backend, net._CheckedBackend)
    assert httpx.__version__.startswith("0.28")


async def test_with_a_proxy_set_the_address_is_still_checked_before_the_request(
    other: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy makes the connection itself, so the check runs before the
    request: the (absent) proxy on port 9 is never even tried."""
    other.serve("/admin", ARTICLE, content_type="text/html")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    async with make_client(connect_timeout=1.0) as client:
        with pytest.raises(FetchError, match="loopback address refused"):
            await fetch(client, other.url("/admin"), reach=Reach(home="http://feed.example/"))
        with pytest.raises(FetchError, match=r"connection refused|cannot connect"):
            # The person's own address goes to the proxy, which is not there.
            await fetch(client, other.url("/admin"), reach=Reach(home=other.url("/")))
    assert other.seen("/admin") == []


_LINKISH = st.text(
    alphabet=st.sampled_from(list("ahtps:/.?#%@[]0123456789xX-_ \t\n\x1b\u202e\x00é☃")),
    max_size=40,
) | st.sampled_from(["http://", "https://", "javascript:", "//", "http://x:", "file:///"]).flatmap(
    lambda head: st.text(max_size=30).map(lambda tail: head + tail)
)


@given(link=_LINKISH, base=st.sampled_from(["", "https://example.org/a/", "/home/me/f.xml"]))
@example(link="http://x.org/a b", base="")  # a space, printable: found in 2 of 3 runs without it
def test_web_and_clickable_addresses_are_http_or_nothing(link: str, base: str) -> None:
    for url in (web_url(link, base), clickable(link)):
        if url:
            assert scheme(url) in ("http", "https")
            assert url.isprintable() and " " not in url and "\u202e" not in url


@given(
    head=st.binary(max_size=200),
    href=_LINKISH,
    kind=st.sampled_from(["application/rss+xml", "application/atom+xml", "text/html"]),
)
def test_feed_links_of_any_page_are_web_addresses(head: bytes, href: str, kind: str) -> None:
    link = f'<link rel="alternate" type="{kind}" href="{href}">'.encode("utf-8", "replace")
    for page in (head, b"<html><head>" + link + head + b"</head></html>"):
        for url in feed_links(page, "https://example.org/blog/"):
            assert web_url(url) == url
