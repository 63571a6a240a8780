"""A feed file imported as a stream: the next batch is made while this one is
stored (`refresh.store`), and that must store exactly what storing one batch
after another does, fail the same way when the file or the library fails
half-way, and keep what was committed before the failure."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.library import bulk
from reader.library.articles import Library, Source
from reader.library.db import LibraryConnection
from reader.refresh.store import store_feed
from reader.sources.feed import FeedError, FeedStream, stream_feed_file

BATCH = 10
ITEMS = 45  # four whole batches and a part
SETTINGS = ("cache_size", "wal_autocheckpoint", "journal_mode", "temp_store", "journal_size_limit")


def rss(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Story {n}</title><link>https://example.org/{n}</link>"
        f"<guid>item-{n}</guid><category>{'Alpha' if n % 3 else 'Beta'}</category>"
        f"<description>&lt;p&gt;The &lt;b&gt;body&lt;/b&gt; of story {n}, "
        f"about wombat number {n}.&lt;/p&gt;</description></item>\n"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Streamed</title><link>https://example.org/</link>\n{entries}"
        "</channel></rss>\n"
    ).encode()


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(ITEMS))
    return path


def opened(path: Path, feed: Path) -> tuple[Library, Source]:
    library = Library.open(path)
    source = library.source(library.add_source("feed", str(feed)))
    assert source is not None
    return library, source


@pytest.fixture
def libraries(tmp_path: Path, feed: Path) -> Iterator[tuple[Library, Source, Library, Source]]:
    piped, piped_source = opened(tmp_path / "piped.sqlite", feed)
    plain, plain_source = opened(tmp_path / "plain.sqlite", feed)
    yield piped, piped_source, plain, plain_source
    piped.close()
    plain.close()


def streamed(feed: Path, process: bool = False) -> FeedStream:
    """The file as `news add` streams it: here, or in a process of its own
    (`feed_process`, which `news add` uses for a file of 4 MB or more)."""
    return stream_feed_file(feed, batch=BATCH, to_blocks=None, process=process)


def pipelined(library: Library, source: Source, stream: FeedStream) -> None:
    """The import as `news add` runs it: parsing ahead on a thread of its own."""
    asyncio.run(store_feed(library, source, stream))


def batch_by_batch(library: Library, source: Source, stream: FeedStream) -> None:
    """The same batches made and stored one after the other on one thread."""
    for batch in stream:
        library.upsert_articles(source.id, library.resolve_ids(source.id, batch))


def stored(library: Library) -> list[tuple[object, ...]]:
    """Every stored column but the time of fetching, in the order of storing,
    after checking that the search index holds exactly the stored rows."""
    library.conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
    )
    columns = [
        name
        for (_, name, *_rest) in library.conn.execute("PRAGMA table_info(articles)")
        if name != "fetched"
    ]
    query = f"SELECT {', '.join(columns)} FROM articles ORDER BY seq"
    sections = library.conn.execute("SELECT id, key, name FROM sections ORDER BY id").fetchall()
    return [*library.conn.execute(query).fetchall(), *sections]


@pytest.mark.parametrize("process", [False, True], ids=["here", "in a process"])
def test_a_pipelined_import_stores_what_storing_batch_by_batch_stores(
    libraries: tuple[Library, Source, Library, Source], feed: Path, process: bool
) -> None:
    piped, piped_source, plain, plain_source = libraries
    pipelined(piped, piped_source, streamed(feed, process))
    batch_by_batch(plain, plain_source, streamed(feed))
    rows = stored(piped)
    assert rows == stored(plain)
    titles = [title for (title,) in piped.conn.execute("SELECT title FROM articles ORDER BY seq")]
    assert titles == [f"Story {n}" for n in range(ITEMS)]
    # And again: nothing new, nothing rewritten.
    pipelined(piped, piped_source, streamed(feed, process))
    assert stored(piped) == rows


def cut_short(feed: Path, stories: int) -> None:
    """The file changed under the reader after its check: it now ends inside
    the entry after `stories` whole ones."""
    data = feed.read_bytes()
    end = 0
    for _ in range(stories):
        end = data.index(b"</item>", end) + len(b"</item>")
    os.truncate(feed, end + len(b"<item><title>Sto"))


def test_a_file_broken_mid_import_fails_as_before_and_keeps_whole_batches(
    libraries: tuple[Library, Source, Library, Source], feed: Path
) -> None:
    piped, piped_source, plain, plain_source = libraries
    whole = rss(ITEMS)
    failures = []
    for library, source, run in (
        (piped, piped_source, pipelined),
        (plain, plain_source, batch_by_batch),
    ):
        feed.write_bytes(whole)
        stream = streamed(feed)
        cut_short(feed, 33)  # three whole batches, then three stories of the fourth
        with pytest.raises(FeedError) as failure:
            run(library, source, stream)
        failures.append(failure.value.reason)
    assert failures[0] == failures[1]
    assert failures[0].startswith("not XML (")
    assert stored(piped) == stored(plain)
    assert piped.count() == 3 * BATCH


@pytest.mark.parametrize("process", [False, True], ids=["here", "in a process"])
def test_a_library_failing_mid_import_raises_as_before_and_keeps_what_was_committed(
    libraries: tuple[Library, Source, Library, Source], feed: Path, process: bool
) -> None:
    piped, piped_source, plain, plain_source = libraries
    errors = []
    for library, source, run in (
        (piped, piped_source, pipelined),
        (plain, plain_source, batch_by_batch),
    ):
        # A write the library refuses, in the third batch (stories 20-29).
        library.conn.execute(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.articles"
            " WHEN NEW.title = 'Story 25' BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )
        with pytest.raises(sqlite3.DatabaseError) as failure:
            run(library, source, streamed(feed, process and run is pipelined))
        errors.append((type(failure.value), str(failure.value)))
        library.conn.execute("DROP TRIGGER temp.refuse")
    assert errors[0] == errors[1]
    assert "disk says no" in errors[0][1]
    assert stored(piped) == stored(plain)
    assert piped.count() == 2 * BATCH
    # What was committed stays whole: the next import goes on from it.
    pipelined(piped, piped_source, streamed(feed))
    batch_by_batch(plain, plain_source, streamed(feed))
    assert stored(piped) == stored(plain)
    assert piped.count() == ITEMS


class SlowCheckpoints(LibraryConnection):
    """A connection whose checkpoints start late, as on a busy disk: the
    writer's next transaction then begins before the WAL is all copied."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if "wal_checkpoint" in sql:
            time.sleep(0.02)
        return super().execute(sql, *args)


def slow_reopen(conn: LibraryConnection, *, check_same_thread: bool = True) -> LibraryConnection:
    other = sqlite3.connect(
        conn.location,
        isolation_level=None,
        check_same_thread=check_same_thread,
        factory=SlowCheckpoints,
    )
    assert isinstance(other, LibraryConnection)
    return other


def test_a_stream_import_keeps_the_wal_small_and_gives_the_settings_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The WAL is checkpointed on a thread of its own while a stream is stored
    (`library.bulk`), and starts over once it passes its cap, even when the
    checkpoints lag behind the writer: it never holds the whole import. The
    connection's own settings come back after."""
    feed = tmp_path / "long.xml"
    feed.write_bytes(rss(200).replace(b"about wombat", b"about wombat " * 300))
    cap = 128 * 1024
    monkeypatch.setattr(bulk, "WAL_CAP_BYTES", cap)
    monkeypatch.setattr(bulk, "reopen", slow_reopen)
    library, source = opened(tmp_path / "piped.sqlite", feed)
    library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the library's making
    before = [library.conn.execute(f"PRAGMA {name}").fetchone() for name in SETTINGS]
    merge = bulk.automerge(library.conn)
    wal = tmp_path / "piped.sqlite-wal"
    sizes: list[int] = []
    asyncio.run(store_feed(library, source, streamed(feed), lambda *_: sizes.append(_size(wal))))
    assert library.count() == 200
    # The file is never cut back, so its size is the most the WAL ever held:
    # here 650 KB, the cap and the index's merges past it, where waiting for
    # no checkpoint let it grow by each batch's 160 KB to 3.8 MB.
    assert sizes[-1] < 8 * cap, sizes
    assert [library.conn.execute(f"PRAGMA {name}").fetchone() for name in SETTINGS] == before
    assert bulk.automerge(library.conn) == merge == 4
    library.close()


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def test_the_writer_waits_for_a_checkpoint_only_when_the_wal_passes_its_cap_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A WAL that starts over is written again from its beginning: the writer
    waits for the checkpoint beside it when what the WAL holds passes the cap
    again, every few batches, not at every batch once its file has been that
    large (the file is cut back to the cap as the WAL starts over)."""
    feed = tmp_path / "long.xml"
    feed.write_bytes(rss(200).replace(b"about wombat", b"about wombat " * 300))
    made: list[bulk.Checkpointer] = []

    class Counted(bulk.Checkpointer):
        def __init__(self, conn: LibraryConnection) -> None:
            super().__init__(conn)
            made.append(self)

    monkeypatch.setattr(bulk, "Checkpointer", Counted)
    monkeypatch.setattr(bulk, "WAL_CAP_BYTES", 2 * 160 * 1024)  # two batches' worth
    library, source = opened(tmp_path / "piped.sqlite", feed)
    pipelined(library, source, streamed(feed))
    assert library.count() == 200
    [checkpointer] = made
    # Twenty batches: it waited at all 20 when the file's size, never cut
    # back, said the WAL was full; 2 here now.
    assert 1 <= checkpointer.waits <= 8
    library.close()


def test_adding_a_feed_file_does_not_import_the_http_client(feed: Path) -> None:
    """`news add big.xml` reads the disk: httpx (70-80 ms of start-up) stays out;
    and with its output piped there is no bar, so Rich's progress module (30 ms
    of CPU) stays out too."""
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['news', 'add', {str(feed)!r}]\n"
        "try:\n"
        "    runpy.run_module('reader', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(*(name in sys.modules for name in ('httpx', 'reader.net', 'rich.progress')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=os.environ
    )
    assert done.stdout.splitlines()[-1] == "False False False"
    assert f"{ITEMS} stories ({ITEMS} new)" in done.stdout


def test_a_failed_import_says_why_even_if_the_index_settings_cannot_come_back(
    tmp_path: Path, feed: Path
) -> None:
    """The index's merge setting is set back after a stream; when that write
    fails too (the same full disk, say), the import's own error is the one
    raised, not the setting's."""
    library, source = opened(tmp_path / "piped.sqlite", feed)
    library.conn.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.articles"
        " WHEN NEW.title = 'Story 25' BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    library.conn.execute(
        "CREATE TEMP TRIGGER stuck BEFORE INSERT ON main.articles_fts_config"
        f" WHEN NEW.k = 'automerge' AND NEW.v != {bulk.BULK_AUTOMERGE}"
        " BEGIN SELECT RAISE(ABORT, 'config says no'); END"
    )
    with pytest.raises(sqlite3.DatabaseError, match="disk says no"):
        pipelined(library, source, streamed(feed))
    assert library.count() == 2 * BATCH
    # The next import stores everything, and then says the setting is stuck
    # (in FTS5's words: it does not pass on the trigger's).
    library.conn.execute("DROP TRIGGER temp.refuse")
    with pytest.raises(sqlite3.IntegrityError, match="constraint failed"):
        pipelined(library, source, streamed(feed))
    assert library.count() == ITEMS
    # Once it can, the setting left behind goes back to the index's own.
    library.conn.execute("DROP TRIGGER temp.stuck")
    pipelined(library, source, streamed(feed))
    assert bulk.automerge(library.conn) == 4
    library.close()
