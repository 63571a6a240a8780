"""The refresh timer: intervals as written in the config, what servers ask
for (ttl, max-age, Retry-After) honoured against a local server, with a fake
clock, and jitter that spreads feeds without ever fetching one early."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.config import load_config
from reader.library.articles import Library
from reader.net import make_client
from reader.refresh import FeedOutcome, due_feeds, next_feed_due, refresh
from reader.triage.schedule import (
    JITTER,
    MAX_WAIT,
    IntervalError,
    Timing,
    due_at,
    format_interval,
    max_age,
    not_before,
    parse_interval,
    retry_after,
)

from .feed_server import FeedServer, rss

T0 = datetime(2026, 11, 30, 6, 0, 0, tzinfo=UTC)


# Intervals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("45s", 45), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), (" 30M ", 1800)],
)
def test_intervals_as_the_config_writes_them(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("30x", "not a duration"),
        ("30", "not a duration"),
        ("m", "not a duration"),
        ("-5m", "not a duration"),
        ("", "not a duration"),
        ("1.5h", "not a duration"),
        ("5s", "too short"),
        ("0m", "too short"),
        ("40d", "too long"),
        (30, "write it as a string"),
    ],
)
def test_bad_intervals_are_named(value: object, says: str) -> None:
    with pytest.raises(IntervalError, match=says):
        parse_interval(value)


@given(st.integers(min_value=10, max_value=30 * 86400))
def test_an_interval_written_out_reads_back(seconds: int) -> None:
    assert parse_interval(format_interval(seconds)) == seconds


@given(st.text(max_size=12))
def test_any_text_is_an_interval_or_a_named_refusal(text: str) -> None:
    try:
        seconds = parse_interval(text)
    except IntervalError as exc:
        assert repr(text) in str(exc)
    else:
        assert 10 <= seconds <= 30 * 86400


def test_refresh_every_in_the_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[refresh]\nevery = "30m"\n')
    assert load_config(path).refresh_every == 1800
    path.write_text("[highlight]\nkeywords = []\n")
    assert load_config(path).refresh_every is None  # absent: no timer


def test_a_bad_refresh_every_is_named_and_the_rest_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[refresh]\nevery = "soon"\n[network]\nallow_private = true\n')
    config = load_config(path)
    assert config.refresh_every is None
    assert config.allow_private
    assert config.problems == (
        "[refresh] every: 'soon' is not a duration: a number and a unit (s, m, h or d),"
        ' such as "45s", "15m" or "2h"; no timer',
    )


# What servers say --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("max-age=600", 600),
        ("public, max-age=3600", 3600),
        ('max-age="120"', 120),
        ("s-maxage=60, max-age=300", 300),
        ("s-maxage=60", None),
        ("no-cache, max-age=600", None),
        ("no-store", None),
        ("max-age=", None),
        ("", None),
        (None, None),
    ],
)
def test_max_age(header: str | None, seconds: int | None) -> None:
    assert max_age(header) == seconds


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after("120", T0) == 120
    assert retry_after(format_datetime(T0 + timedelta(hours=2), usegmt=True), T0) == 7200
    assert retry_after(format_datetime(T0 - timedelta(hours=2), usegmt=True), T0) == 0
    assert retry_after("tomorrow", T0) is None
    assert retry_after("", T0) is None


def test_the_longest_wish_counts_capped_at_a_day_with_jitter() -> None:
    wish = not_before(7, T0, ttl_minutes=60, max_age_seconds=600, retry_after_seconds=None)
    assert wish is not None
    assert timedelta(hours=1) <= wish - T0 < timedelta(hours=1) * (1 + JITTER)
    year = not_before(7, T0, ttl_minutes=525_600)
    assert year is not None and year - T0 < timedelta(seconds=MAX_WAIT) * (1 + JITTER)
    assert not_before(7, T0) is None
    assert not_before(7, T0, ttl_minutes=0, max_age_seconds=0) is None


def test_jitter_spreads_sources_and_is_stable() -> None:
    timing = Timing(checked=T0.isoformat())
    times = {due_at(source_id, timing, 3600) for source_id in range(50)}
    assert len(times) == 50  # fifty feeds fetched at once do not fall due together
    for when in times:
        assert when is not None
        assert timedelta(hours=1) <= when - T0 < timedelta(hours=1) * (1 + JITTER)
    assert due_at(3, timing, 3600) == due_at(3, timing, 3600)


def test_due_at() -> None:
    assert due_at(1, Timing(), None) is None  # no timer at all
    assert due_at(1, Timing(), 1800) == datetime.min.replace(tzinfo=UTC)  # never fetched
    own = due_at(1, Timing(every=60, checked=T0.isoformat()), 1800)
    assert own is not None and own - T0 < timedelta(seconds=70)  # its own interval wins
    later = T0 + timedelta(hours=5)
    held = due_at(1, Timing(checked=T0.isoformat(), not_before=later.isoformat()), 1800)
    assert held == later  # the server's wish, when it is the later
    garbled = due_at(1, Timing(checked="yesterday"), 1800)
    assert garbled == datetime.min.replace(tzinfo=UTC)


# Against a server, with a fake clock ------------------------------------------------


def run(library: Library, at: datetime, **options: object) -> list[FeedOutcome]:
    client = make_client(connect_timeout=1.0, read_timeout=1.0, trust_env=False)
    try:
        return refresh(library, client=client, clock=lambda: at, **options)  # type: ignore[arg-type]
    finally:
        asyncio.run(client.aclose())


def with_ttl(minutes: int) -> bytes:
    return rss("Slow", [("Once an hour", "https://example.org/1")]).replace(
        b"</title><link>https://example.org/</link>",
        f"</title><link>https://example.org/</link><ttl>{minutes}</ttl>".encode(),
        1,
    )


def test_ttl_max_age_and_retry_after_are_honoured(library: Library, server: FeedServer) -> None:
    plain = library.add_source("feed", server.serve("/plain.xml", rss("Plain", [("A", "")])))
    ttl = library.add_source("feed", server.serve("/ttl.xml", with_ttl(120)))
    cached = library.add_source(
        "feed",
        server.serve(
            "/cached.xml", rss("Cached", [("B", "")]), headers={"Cache-Control": "max-age=10800"}
        ),
    )
    busy = library.add_source(
        "feed",
        server.serve("/busy.xml", b"slow down", status=429, headers={"Retry-After": "18000"}),
    )
    every = 1800  # [refresh] every = "30m"
    assert due_feeds(library, every, T0) == [plain, ttl, cached, busy]  # never fetched
    run(library, T0)
    assert due_feeds(library, every, T0 + timedelta(minutes=10)) == []
    # Past the interval (and its jitter) only the feed that asked for nothing is due.
    assert due_feeds(library, every, T0 + timedelta(minutes=34)) == [plain]
    assert due_feeds(library, every, T0 + timedelta(minutes=119)) == [plain]
    assert due_feeds(library, every, T0 + timedelta(minutes=133)) == [plain, ttl]
    assert due_feeds(library, every, T0 + timedelta(hours=3, minutes=19)) == [plain, ttl, cached]
    assert due_feeds(library, every, T0 + timedelta(hours=5, minutes=31)) == [
        plain,
        ttl,
        cached,
        busy,
    ]
    # No timer in the config: none is due, whatever the servers said.
    assert due_feeds(library, None, T0 + timedelta(days=3)) == []


def test_a_not_modified_answer_keeps_the_feed_away_too(
    library: Library, server: FeedServer
) -> None:
    url = server.serve(
        "/etag.xml", rss("E", [("C", "")]), etag='"v1"', headers={"Cache-Control": "max-age=7200"}
    )
    source = library.add_source("feed", url)
    run(library, T0)
    later = T0 + timedelta(hours=3)
    [outcome] = run(library, later)
    assert outcome.status == "unchanged"  # a 304
    assert due_feeds(library, 600, later + timedelta(minutes=30)) == []
    assert due_feeds(library, 600, later + timedelta(hours=2, minutes=13)) == [source]


def test_a_source_of_its_own_interval(library: Library, server: FeedServer) -> None:
    fast = library.add_source("feed", server.serve("/fast.xml", rss("Fast", [("F", "")])))
    slow = library.add_source("feed", server.serve("/slow.xml", rss("Slow", [("S", "")])))
    library.set_every(fast, 60)
    run(library, T0)
    soon = T0 + timedelta(minutes=2)
    assert due_feeds(library, None, soon) == [fast]  # on a timer of its own, with none in config
    assert due_feeds(library, 7200, soon) == [fast]
    assert due_feeds(library, 7200, T0 + timedelta(hours=2, minutes=13)) == [fast, slow]
    when = next_feed_due(library, 7200)
    assert when is not None and T0 + timedelta(minutes=1) <= when < T0 + timedelta(seconds=67)


def test_removing_a_source_removes_its_timing(library: Library, server: FeedServer) -> None:
    source = library.add_source("feed", server.serve("/gone.xml", rss("G", [("G", "")])))
    library.set_every(source, 600)
    run(library, T0)
    assert source in library.timings()
    library.remove_source(source)
    assert library.timings() == {}
