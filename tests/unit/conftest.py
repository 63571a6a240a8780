"""Fixtures the unit tests share: the local feed server (`feed_server`), one a
test module, emptied for each test, and a library file of the test's own.

A module that needs them otherwise (a server of its own, a library seeded
with stories) defines a fixture of the same name, which wins over these.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.library.articles import Library

from .feed_server import FeedServer, running


@pytest.fixture(scope="module")
def module_server() -> Iterator[FeedServer]:
    yield from running()


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy variables: the command line trusts them, and 127.0.0.1 must
    not go through one."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def server(module_server: FeedServer, no_proxy: None) -> FeedServer:
    """The module's server with no routes and no requests recorded yet."""
    module_server.routes.clear()
    module_server.requests.clear()
    return module_server


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "library.sqlite")
    yield lib
    lib.close()
