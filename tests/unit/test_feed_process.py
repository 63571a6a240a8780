"""A big feed file read in a process of its own (`sources.feed_process`): what
it stores, and what happens when the file, the process or one entry fails, or
the person presses Ctrl+C, is what reading it here gives."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import news_process
import pytest
from lxml import etree

from reader import markdown
from reader.library.articles import Library, Source
from reader.model import Article
from reader.refresh.store import store_feed
from reader.sources import feed_articles, feed_process
from reader.sources.feed import (
    CHUNK_BYTES,
    PROCESS_MIN_BYTES,
    FeedError,
    FeedStream,
    stream_feed_file,
)
from reader.sources.feed_process import FeedProcess, reading_early

BATCH = 10


def rss(items: int, words: int = 8) -> bytes:
    """A feed of `items` stories; `words` sets how long each body is."""
    entries = "".join(
        f"<item><title>Story {n}</title><link>https://example.org/{n}</link>"
        f"<guid>item-{n}</guid><description>&lt;p&gt;The body of story {n}, "
        f"about wombat number {n}. {'More words here. ' * words}&lt;/p&gt;</description></item>\n"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Streamed</title><link>https://example.org/</link>\n{entries}"
        "</channel></rss>\n"
    ).encode()


def opened(path: Path, feed: Path) -> tuple[Library, Source]:
    library = Library.open(path)
    source = library.source(library.add_source("feed", str(feed)))
    assert source is not None
    return library, source


def consistent(library: Library) -> int:
    """The library's stories, once SQLite and the search index say both are whole."""
    assert library.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    library.conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
    )
    return library.count()


def readers() -> list[int]:
    """This process's children that read feeds (`feed_process.serve`), once
    each has its command line (a process just started may not show it yet).
    A thread or child that ends while they are listed is passed over."""
    found = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:  # the thread ended
            continue
        for child in children:
            cmdline = b""
            for _ in range(100):
                try:
                    cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
                except FileNotFoundError:  # the child ended and was waited for
                    break
                if cmdline:
                    break
                time.sleep(0.01)
            if b"feed_process" in cmdline:
                found.append(int(child))
    return found


def store_all(library: Library, source: Source, stream: FeedStream) -> None:
    asyncio.run(store_feed(library, source, stream))


# Where a file is read by a process of its own (4 MiB) is a choice of speed; what
# the tests of that choice hold is what happens on either side of it, so they set
# it lower: files of some 160 stories rather than 10,000 to make and read (the
# file a small one is told from is 20 stories, 5 KB).
SMALLER_MIN_BYTES = 64 << 10


@pytest.fixture
def threshold(monkeypatch: pytest.MonkeyPatch) -> int:
    """The size from which a file is read in a process, for this test."""
    from reader.sources import feed as feed_module

    monkeypatch.setattr(feed_module, "PROCESS_MIN_BYTES", SMALLER_MIN_BYTES)
    monkeypatch.setattr(feed_process, "PROCESS_MIN_BYTES", SMALLER_MIN_BYTES)
    return SMALLER_MIN_BYTES


def test_a_big_file_is_read_in_a_process_and_a_small_one_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    """The reader process sends its stories whole, their plain text made
    there: storing them is the longer job, so this process makes none."""
    big, small = tmp_path / "big.xml", tmp_path / "small.xml"
    big.write_bytes(rss(threshold // 400, words=20))
    small.write_bytes(rss(20))
    assert big.stat().st_size >= threshold
    plain = markdown.markdown_to_text
    with monkeypatch.context() as here:
        here.setattr(markdown, "markdown_to_text", None)  # called here, it fails
        stream = stream_feed_file(big, to_blocks=None)
        assert len(readers()) == 1
        stories = [story for batch in stream for story in batch]
    assert len(stories) == threshold // 400
    assert stories[7].text == plain(stories[7].markdown)
    assert stories[7].text.startswith("The body of story 7, about wombat number 7. More words")
    assert stories[7].words == 2 + 9 + 3 * 20  # "Story 7" and the body
    assert stream.title == "Streamed" and stream.done == stream.total
    assert readers() == []  # gone once read
    stream_feed_file(small, to_blocks=None)
    # Stories parsed into blocks are made here: only Markdown crosses.
    stream_feed_file(big)
    assert readers() == []


def test_a_reader_started_early_is_the_one_used_unless_the_file_changed(
    tmp_path: Path, threshold: int
) -> None:
    """`news add` starts reading a big file before it opens the library; the
    stream asked for then is that reader, unless the file changed meanwhile
    (then a new one reads it as it is now). A reader nobody asked for is
    stopped at the end."""
    big = tmp_path / "big.xml"
    big.write_bytes(rss(threshold // 400, words=20))
    with reading_early(big):
        [early] = readers()
        stream = stream_feed_file(big, to_blocks=None)
        assert isinstance(stream, FeedProcess) and readers() == [early]
        assert sum(len(batch) for batch in stream) == threshold // 400
    with reading_early(big):
        [early] = readers()
        big.write_bytes(rss(threshold // 400 + 1, words=20))
        stream = stream_feed_file(big, to_blocks=None)
        assert early not in readers()
        assert sum(len(batch) for batch in stream) == threshold // 400 + 1
    with reading_early(big):
        assert len(readers()) == 1
    assert readers() == []
    # A JSON Feed is read whole, here: nothing reads it early.
    items = [
        {"id": str(n), "title": f"Story {n}", "content_text": "words " * 80}
        for n in range(threshold // 400)
    ]
    big.write_text(json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}))
    assert big.stat().st_size >= threshold
    with reading_early(big):
        assert readers() == []
        stream = stream_feed_file(big, to_blocks=None)
        assert sum(len(batch) for batch in stream) == threshold // 400


@pytest.mark.parametrize("process", [False, True], ids=["here", "in a process"])
def test_a_file_that_is_not_well_formed_is_read_leniently_and_the_reader_stopped(
    tmp_path: Path, process: bool
) -> None:
    """The reader process starts while the file is checked here; when the
    check finds the file is not well-formed XML, it is stopped and the file is
    read leniently, with the same warning as without it."""
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(20).replace(b"<title>Story 7</title>", b"<title>Story&nbsp;7</title>"))
    stream = stream_feed_file(feed, batch=BATCH, to_blocks=None, process=process)
    assert readers() == []
    titles = [article.title for batch in stream for article in batch]
    assert len(titles) == 20 and "Story 7" in titles
    [warning] = stream.warnings
    assert warning.startswith(f"{feed}: not well-formed XML (Entity 'nbsp' not defined")
    assert warning.endswith("; read leniently")


def test_the_check_started_early_is_the_one_the_stream_waits_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`news add` starts the file's strict XML check with its reader, before
    it opens the library; the stream takes that check's answer rather than
    checking again: here that the file is not well-formed, so it is read
    leniently and the reader stopped."""
    from reader.sources import feed as feed_module

    monkeypatch.setattr(feed_process, "PROCESS_MIN_BYTES", 0)  # a small file read early
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(20).replace(b"<title>Story 7</title>", b"<title>Story&nbsp;7</title>"))
    with reading_early(feed):
        assert len(readers()) == 1
        checked_root = feed_process._early[str(feed)][1].checked_root
        assert checked_root is not None
        with pytest.raises(etree.XMLSyntaxError):
            checked_root()  # its answer came
        monkeypatch.setattr(feed_module, "_checked_root", None)  # not checked again
        stream = stream_feed_file(feed, to_blocks=None, process=True)
        assert readers() == []
        titles = [article.title for batch in stream for article in batch]
    assert len(titles) == 20 and "Story 7" in titles
    [warning] = stream.warnings
    assert warning.startswith(f"{feed}: not well-formed XML (Entity 'nbsp' not defined")


def test_a_file_declaring_entities_is_refused_before_the_early_check_parses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check started early sniffs the file's head first, as reading it
    does: a file declaring entities (an expansion attack) is refused, and no
    parser is asked to read it."""
    monkeypatch.setattr(feed_process, "PROCESS_MIN_BYTES", 0)
    feed = tmp_path / "feed.xml"
    feed.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "wombat">]>'
        b"<rss><channel><title>&a;</title></channel></rss>"
    )
    with reading_early(feed):
        checked_root = feed_process._early[str(feed)][1].checked_root
        assert checked_root is not None
        with pytest.raises(FeedError, match="declares XML entities"):
            checked_root()
        with pytest.raises(FeedError, match="declares XML entities"):
            stream_feed_file(feed, to_blocks=None, process=True)
    assert readers() == []


@pytest.mark.parametrize("process", [False, True], ids=["here", "in a process"])
def test_a_file_cut_short_midway_fails_the_same_and_keeps_whole_batches(
    tmp_path: Path, process: bool
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(1000, words=100))  # 1.9 MB
    library, source = opened(tmp_path / "library.sqlite", feed)
    batches = iter(stream_feed_file(feed, batch=BATCH, to_blocks=None, process=process))
    library.upsert_articles(source.id, next(batches))
    # The reader has read the file's first chunk (CHUNK_BYTES, some 550 stories)
    # for its first batch, and reads on only to make more than that: here it
    # makes them as they are taken, and a reader process some hundred ahead
    # at most (the pipe and the queue hold no more). The file is cut five
    # batches and a half past that chunk, where it is still to be read.
    data = feed.read_bytes()
    kept = (data[:CHUNK_BYTES].count(b"</item>") // BATCH + 5) * BATCH
    end = 0
    for _ in range(kept + BATCH // 2):
        end = data.index(b"</item>", end) + len(b"</item>")
    os.truncate(feed, end + len(b"<item><title>Sto"))
    with pytest.raises(FeedError) as failure:
        for batch in batches:
            library.upsert_articles(source.id, batch)
    assert failure.value.reason.startswith("not XML (Premature end of data")
    assert consistent(library) == kept
    assert readers() == []
    library.close()


def test_a_reader_process_killed_midway_fails_the_feed_and_keeps_whole_batches(
    tmp_path: Path,
) -> None:
    feed = tmp_path / "feed.xml"
    # The reader is killed while it waits for its stories to be taken: it makes
    # some hundred at most ahead of those taken (60 of these were all made,
    # 100 not: the pipe and the queue hold no more), so of 400 it is midway.
    feed.write_bytes(rss(400, words=100))
    library, source = opened(tmp_path / "library.sqlite", feed)
    batches = iter(stream_feed_file(feed, batch=BATCH, to_blocks=None, process=True))
    library.upsert_articles(source.id, next(batches))
    [child] = readers()
    os.kill(child, signal.SIGKILL)
    with pytest.raises(FeedError) as failure:
        for batch in batches:
            library.upsert_articles(source.id, batch)
    assert failure.value.reason == "its reader stopped (killed by SIGKILL)"
    stored = consistent(library)
    assert stored % BATCH == 0 and BATCH <= stored < 400
    # The next read stores the rest.
    store_all(library, source, stream_feed_file(feed, batch=BATCH, to_blocks=None, process=True))
    assert consistent(library) == 400
    library.close()


def test_storing_that_fails_stops_the_reader_process(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(3000, words=100))
    library, source = opened(tmp_path / "library.sqlite", feed)
    library.conn.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.articles"
        " WHEN NEW.title = 'Story 25' BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    stream = stream_feed_file(feed, batch=BATCH, to_blocks=None, process=True)
    with pytest.raises(sqlite3.DatabaseError, match="disk says no"):
        store_all(library, source, stream)
    assert readers() == []
    assert consistent(library) == 20
    library.close()


def test_a_story_that_cannot_be_taken_here_fails_the_read_and_stops_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader process's rows are made stories here as their batch
    arrives (`feed_process._article`, on the thread that reads the pipe); a
    failure there (a bug) is raised where the batches are taken, and the
    reader process is stopped, not left waiting on its pipe."""
    real = feed_process._article

    def failing(row: tuple[object, ...]) -> Article:
        if row[2] == "Story 25":  # the title
            raise RuntimeError("cannot make it whole")
        return real(row)

    monkeypatch.setattr(feed_process, "_article", failing)
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(3000, words=100))
    library, source = opened(tmp_path / "library.sqlite", feed)
    stream = stream_feed_file(feed, batch=BATCH, to_blocks=None, process=True)
    with pytest.raises(RuntimeError, match="cannot make it whole"):
        store_all(library, source, stream)
    assert readers() == []
    assert consistent(library) == 20
    library.close()


FAILING_CONVERTER = """
import reader.sources.html as html

_real = html.html_to_body


def html_to_body(text, base_url=""):
    if "wombat number 7." in text:
        raise RuntimeError("the converter gave up")
    return _real(text, base_url)


html.html_to_body = html_to_body
"""


@pytest.mark.parametrize("process", [False, True], ids=["here", "in a process"])
def test_an_entry_that_cannot_be_made_a_story_is_named_and_the_rest_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, process: bool
) -> None:
    """The converter failing on one entry (in a way it does not report as
    its own error) costs that entry alone, and the warning names it. In the
    reader process the failure is put there by a `sitecustomize` module, which
    the process runs as it starts."""
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(45))
    if process:
        (tmp_path / "site").mkdir()
        (tmp_path / "site" / "sitecustomize.py").write_text(FAILING_CONVERTER)
        monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    else:
        namespace: dict[str, object] = {}
        exec(FAILING_CONVERTER, namespace)  # the same failing converter, here
        monkeypatch.setattr(feed_articles, "html_to_body", namespace["html_to_body"])
    library, source = opened(tmp_path / "library.sqlite", feed)
    stream = stream_feed_file(feed, batch=BATCH, to_blocks=None, process=process)
    store_all(library, source, stream)
    assert consistent(library) == 44
    titles = {t for (t,) in library.conn.execute("SELECT title FROM articles")}
    assert "Story 7" not in titles and {"Story 6", "Story 8", "Story 44"} <= titles
    assert stream.warnings == [
        f"{feed}: 1 entry could not be read and was skipped:"
        " “Story 7” (RuntimeError: the converter gave up)"
    ]
    library.close()


# Put in the reader process (by a `sitecustomize` module, as FAILING_CONVERTER
# is; `news` loads it too, and sends nothing): it sends the stories of one of
# the library's batches, then waits, so an import with a batch stored and
# more to come stays so until Ctrl+C.
HELD_READER = """
import time

from reader.sources import feed, feed_process

_real = feed_process._send
_sent = 0


def _send(out, message):
    global _sent
    if message[0] == "batch" and _sent == -(-feed.BATCH_ARTICLES // feed_process.CHILD_BATCH):
        time.sleep(60)  # until `news` stops this process (the test fails long before)
    _sent += 1
    _real(out, message)


feed_process._send = _send
"""


def test_ctrl_c_while_adding_a_big_file_leaves_a_whole_library(tmp_path: Path) -> None:
    """Ctrl+C (SIGINT to the terminal's process group: `news` and its reader
    process) ends `news add` at once with status 130 and no traceback, leaves
    no process behind, and leaves the library whole: the batches committed
    before it, each with its search index. Adding the file again stores the rest.

    Ctrl+C comes while the import is midway for certain: the reader process
    is held after one batch (HELD_READER), so `news` cannot store the last.
    (Sent when a batch was first seen stored, it could come after a stalled
    test had missed the whole import, as `news` exited: status 0.)"""
    feed = tmp_path / "big.xml"
    # A file read in a process (PROCESS_MIN_BYTES) of 2,000 stories, two of the
    # library's batches: the reader is held after the first. Blank lines between the
    # stories make up its size: the XML parser passes over them at no cost,
    # and a batch's stories are what cost to make and store (8,000 stories of
    # 40 words were 7 MB, and adding them twice some 2 s of CPU).
    stories = 2000
    feed.write_bytes(rss(stories).replace(b"</item>\n", b"</item>\n" + b"\n" * 2200))
    assert feed.stat().st_size >= PROCESS_MIN_BYTES
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(HELD_READER)
    env = {
        **os.environ,
        "NEWS_DATA_DIR": str(tmp_path / "data"),
        "NEWS_CONFIG_DIR": str(tmp_path / "config"),
    }
    add = [sys.executable, "-m", "reader", "add", str(feed)]
    news = subprocess.Popen(
        add,
        env={**env, "PYTHONPATH": str(tmp_path / "site")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    path = tmp_path / "data" / "library.sqlite"
    query = "SELECT count(*) FROM articles JOIN sources s ON s.id = source_id WHERE kind = 'feed'"
    stored = 0
    deadline = time.monotonic() + 60
    while stored == 0 and news.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                (stored,) = conn.execute(query).fetchone()
        except sqlite3.Error:
            pass  # not made yet
    assert news.poll() is None, "the import ended before it could be interrupted"
    assert stored > 0, "no batch was stored before the reader was held"
    os.killpg(news.pid, signal.SIGINT)
    out, err = news.communicate(timeout=30)
    assert news.returncode == 130
    assert err == b"" and out == b""
    with pytest.raises(ProcessLookupError):
        os.killpg(news.pid, 0)  # no process of the group is left, the held reader neither
    library = Library.open(path)
    assert stored <= library.conn.execute(query).fetchone()[0] < stories
    consistent(library)
    library.close()
    again = news_process.news("add", str(feed), env=env)
    assert again.returncode == 0, again.stderr
    assert f"{stories:,} stories" in again.stdout.decode()
    library = Library.open(path)
    assert library.conn.execute(query).fetchone()[0] == stories
    consistent(library)
    library.close()
