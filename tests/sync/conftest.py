"""Fixtures for sync tests: a real FreshRSS, feeds it can fetch, scripted servers.

``freshrss`` is one server for the whole session (a dict as the script's
``start`` prints: ``api``, ``user``, ``api_password``, ``dir``, ...). Where PHP
cannot be had the tests that need it skip with the script's reason, unless
``NEWS_REQUIRE_FRESHRSS=1`` (set by ``.ci/run``), where that is a failure.
FreshRSS only fetches feeds served on this machine: ``feed_server`` serves
them on 127.0.0.1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from unit import feed_server
from unit.feed_server import FeedServer

from reader.sync.greader import GReader
from sync import freshrss_server, scripted

REQUIRE_ENV = "NEWS_REQUIRE_FRESHRSS"


@pytest.fixture(scope="session")
def freshrss(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    try:
        info = freshrss_server.start(tmp_path_factory.mktemp("freshrss"))
    except freshrss_server.Unavailable as exc:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"FreshRSS is required here ({REQUIRE_ENV}=1) but cannot run: {exc}")
        pytest.skip(f"FreshRSS cannot run here: {exc}")
    try:
        yield info
    finally:
        freshrss_server.stop(info)


@pytest.fixture(scope="session")
def feeds() -> Iterator[FeedServer]:
    """Feeds on 127.0.0.1 for the server to fetch; each test serves its own paths."""
    yield from feed_server.running()


@pytest.fixture
def account(freshrss: dict[str, Any]) -> Iterator[GReader]:
    """A logged-in client of the FreshRSS account; what the test subscribed to
    is unsubscribed afterwards, so the next test starts with no feeds."""
    client = GReader(freshrss["api"], freshrss["user"], freshrss["api_password"])
    client.login()
    try:
        yield client
    finally:
        for sub in client.subscriptions():
            client.unsubscribe(sub.id)
        client.close()


@pytest.fixture
def server() -> Iterator[scripted.Scripted]:
    """A small HTTP server answering as the test's script says."""
    yield from scripted.running()
