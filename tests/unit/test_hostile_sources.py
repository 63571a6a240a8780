"""Hostile local sources, met through the command line: lines built to make a
pattern backtrack, files that never end, files that are not files, feeds whose
items are not what a feed promises, and databases that are not a library."""

from __future__ import annotations

import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.sources import dump
from reader.sources import feed as feed_module
from reader.sources.feed import PROCESS_MIN_BYTES, FeedError, parse_feed, stream_feed_file
from reader.sources.local import LocalFileError, read_local

MEGABYTE = 1_000_000
# Old code took 45 minutes on one such line; linear code takes well under a
# second. The bound only has to tell the two apart on a busy machine.
GENEROUS_SECONDS = 20.0


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    assert err.startswith("news: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# Finding 10: heuristics in linear time -------------------------------------------


def test_a_dump_with_megabyte_lines_lists_at_once(
    capsys: pytest.CaptureFixture[str], write_dump: Callable[..., Path]
) -> None:
    lines = [
        "News",
        "A title",
        "☀ " * (MEGABYTE // 2) + "x",  # what may follow a sentence's end, not at the end
        " x" * (MEGABYTE // 2) + " y",
        "a" * MEGABYTE,  # the last line is checked for an e-mail address
    ]
    path = write_dump("\n".join(lines) + "\n")
    started = time.perf_counter()
    code, out, _ = run(capsys, "list", "--json", str(path))
    assert time.perf_counter() - started < GENEROUS_SECONDS
    assert code == 0
    [story] = json.loads(out)
    assert story["title"] == "A title"


def test_a_feed_and_a_markdown_file_with_megabyte_lines_add_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    title = "&lt;a" * (MEGABYTE // 5)  # "<a<a<a…" once unescaped by the XML parser
    hidden = "&lt;script" * (MEGABYTE // 10)
    author = "@" * MEGABYTE
    feed = tmp_path / "long.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Long</title>'
        f"<item><title>{title}</title><author>{author}</author><guid>1</guid>"
        "<description>Short.</description></item>"
        f"<item><title>{hidden}</title><guid>2</guid><description>Also.</description></item>"
        "</channel></rss>"
    )
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "long.md").write_text("# Heading" + " " * MEGABYTE + "x\n\nBody.\n")
    started = time.perf_counter()
    code, out, err = run(capsys, "add", str(feed))
    assert code == 0, err
    assert "Added feed Long: 2 stories" in out
    code, out, err = run(capsys, "add", str(folder))
    assert code == 0, err
    assert "Added folder notes: 1 story" in out
    assert time.perf_counter() - started < GENEROUS_SECONDS


_OLD_TRAILING = re.compile(r"[\s\"'”’)»」』）\u2600-\u27bf\ufe0f\u200d\U0001f000-\U0001faff]+$")
_OLD_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@given(st.text(alphabet=" a.@-+x\"'”)☀🚄\u200d。:", max_size=40))
def test_the_linear_patterns_find_what_the_old_ones_found(line: str) -> None:
    assert dump._ending(line) == (_OLD_TRAILING.sub("", line) or line)
    assert bool(dump._EMAIL.search(line)) == bool(_OLD_EMAIL.search(line))


# Finding 8: a database that is not a news library, a damaged library -----------

LIBRARY_COMMANDS = (
    ("list",),
    ("show", "abc"),
    ("search", "tesla"),
    ("sources",),
    ("remove", "1"),
    ("refresh",),
    ("fulltext", "abc"),
    ("export-opml",),
    ("doctor",),
)


def _foreign_database(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_another_programs_database_is_refused_by_every_command_and_left_as_it_was(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write_dump: Callable[..., Path]
) -> None:
    other = tmp_path / "accounts.sqlite"
    before = _foreign_database(other)
    feed = tmp_path / "one.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>One</title>'
        "<item><title>Only story</title><guid>1</guid></item></channel></rss>"
    )
    opml = tmp_path / "subs.opml"
    opml.write_text('<opml><body><outline xmlUrl="https://example.org/f"/></body></opml>')
    commands = [
        *LIBRARY_COMMANDS,
        ("add", str(feed)),
        ("add", str(write_dump("News\nA title\nA line.\n"))),
        ("import-opml", str(opml)),
    ]
    for command in commands:
        code, out, err = run(capsys, *command, "--library", str(other))
        assert code == 2, command
        assert "not a news library" in one_line_error(err), (command, err)
        assert out == ""
    code, _, err = run(capsys, "--library", str(other))  # the reader itself
    assert code == 2 and "not a news library" in one_line_error(err)
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("accounts")) == [
        "accounts.sqlite"
    ]  # no -wal, no -shm: it was never switched to WAL


def test_a_file_that_is_not_a_database_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("shopping list\n" * 500)
    code, _, err = run(capsys, "list", "--library", str(text))
    assert code == 2 and "not a news library (not a SQLite database)" in one_line_error(err)
    assert text.read_text() == "shopping list\n" * 500


def _library_with_seed(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "list", "--library", str(path))
    assert code == 0
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _overwrite_page_of(path: Path, table: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    [page] = conn.execute("SELECT min(pageno) FROM dbstat WHERE name = ?", (table,)).fetchone()
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(b"\xa5" * page_size)


def test_a_damaged_library_gives_one_line_from_every_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_seed(library, capsys)
    _overwrite_page_of(library, "meta")  # every command reads it
    for command in [c for c in LIBRARY_COMMANDS if c != ("doctor",)]:
        code, _, err = run(capsys, *command, "--library", str(library))
        assert code == 2, (command, err)
        line = one_line_error(err)
        assert "the library is damaged" in line and "news doctor" in line, (command, err)
    # What the tables hold cannot be rebuilt from anything: doctor says so
    # and changes nothing.
    before = library.read_bytes()
    code, out, err = run(capsys, "doctor", "--library", str(library))
    assert code == 1 and "the tables cannot be read" in out and err == ""
    assert library.read_bytes() == before


def test_doctor_rebuilds_a_damaged_search_index(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_seed(library, capsys)
    code, out, _ = run(capsys, "doctor", "--library", str(library))
    assert code == 0 and "4 stories, no damage found." in out

    # The index emptied behind the stories' back: search finds nothing.
    conn = sqlite3.connect(library)
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    conn.commit()
    conn.close()
    code, _, _ = run(capsys, "search", "Starfall", "--library", str(library))
    assert code == 1
    code, out, _ = run(capsys, "doctor", "--library", str(library))
    assert code == 0
    assert "search index does not match the stories" in out
    assert "repaired: search index rebuilt" in out
    code, out, _ = run(capsys, "search", "Starfall", "--library", str(library))
    assert code == 0 and "Starfall" in out

    # A page of the index overwritten: the stories are copied into a new file.
    _overwrite_page_of(library, "articles_fts_data")
    code, out, _ = run(capsys, "doctor", "--library", str(library))
    assert code == 0, out
    assert "found:    damaged pages" in out and "the damaged file is kept as" in out
    assert list(tmp_path.glob("library.sqlite.damaged-*"))
    code, out, _ = run(capsys, "search", "Starfall", "--library", str(library))
    assert code == 0 and "Starfall" in out
    code, out, _ = run(capsys, "doctor", "--library", str(library))
    assert code == 0 and "4 stories, no damage found." in out


# Findings 6 and 17: local files that are not files, or never end ----------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


def _bookmarks_dir(tmp_path: Path) -> str:
    return str(tmp_path / "data")


@pytest.mark.parametrize("device", ["/dev/zero", "fifo"])
def test_a_device_or_a_fifo_given_as_a_file_is_refused_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fifo: Path, device: str
) -> None:
    path = str(fifo) if device == "fifo" else device
    kind = "a FIFO (named pipe)" if device == "fifo" else "a character device"
    library = str(tmp_path / "library.sqlite")
    for command in (
        ("list", path),
        ("show", "abc", path),
        ("search", "tesla", path),
        ("add", path, "--library", library),
        ("add", f"file://{path}", "--library", library),
        ("import-opml", path, "--library", library),
        ("bookmarks", "import", path),
    ):
        started = time.perf_counter()
        code, out, err = run(capsys, *command)
        assert time.perf_counter() - started < GENEROUS_SECONDS
        assert code == 2, command
        assert f"{path}: is {kind}, not a regular file" in one_line_error(err), command
        assert out == ""


def test_reads_are_capped_by_the_bytes_read_not_the_size_claimed(tmp_path: Path) -> None:
    status = Path("/proc/self/status")  # a regular file that says it is empty
    if not status.exists() or status.stat().st_size != 0:
        pytest.skip("needs Linux's /proc")
    with pytest.raises(LocalFileError, match="too large"):
        read_local(status, 16)
    assert read_local(status, 1 << 20).startswith(b"Name:")


def test_a_markdown_folder_reads_its_own_regular_files_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY----- hunter2\n")
    notes = tmp_path / "notes"
    (notes / "inner").mkdir(parents=True)
    (notes / "fine.md").write_text("# A fine note\n\nSome text.\n")
    (notes / "inner" / "target.md").write_text("# Linked inside\n\nStill the folder's own.\n")
    (notes / "key.md").symlink_to(secret)
    (notes / "zero.md").symlink_to("/dev/zero")
    (notes / "same.md").symlink_to(notes / "inner" / "target.md")
    os.mkfifo(notes / "pipe.md")
    started = time.perf_counter()
    code, out, err = run(capsys, "add", str(notes))
    assert time.perf_counter() - started < GENEROUS_SECONDS
    assert code == 0, err
    assert out == "Added folder notes: 3 stories (3 new).\n"
    assert f"{notes / 'key.md'}: skipped, a link to a file outside the folder" in err
    assert f"{notes / 'zero.md'}: skipped, a link to a file outside the folder" in err
    assert f"{notes / 'pipe.md'}: is a FIFO (named pipe), not a regular file; skipped" in err
    code, out, _ = run(capsys, "search", "hunter2")
    assert code == 1  # the key was never read, so it cannot be found
    code, out, _ = run(capsys, "list", "--json")
    titles = {s["title"] for s in json.loads(out)}
    assert {"A fine note", "Linked inside"} <= titles


def test_an_opml_file_nested_thousands_deep_is_refused_with_a_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = tmp_path / "deep.opml"
    depth = 3000
    deep.write_text(
        "<opml><body>"
        + '<outline text="f">' * depth
        + '<outline xmlUrl="https://example.org/feed"/>'
        + "</outline>" * depth
        + "</body></opml>"
    )
    code, out, err = run(capsys, "import-opml", str(deep))
    assert code == 2
    assert f"{deep}: folders nested more than 100 deep" in one_line_error(err)
    # A reasonably nested list is read, each feed in its innermost folder.
    shallow = tmp_path / "shallow.opml"
    shallow.write_text(
        '<opml><body><outline text="News"><outline text="Cars">'
        '<outline text="Motors" xmlUrl="https://example.org/motors"/>'
        "</outline></outline></body></opml>"
    )
    code, out, err = run(capsys, "import-opml", str(shallow))
    assert code == 0 and "Subscribed to 1 feed" in out


# Finding 13: a JSON Feed whose items are not what it promises --------------------


def test_a_json_feed_with_a_lone_surrogate_and_items_that_are_not_objects(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "feed.json"
    # Written by hand: json.dumps would not write a lone surrogate either way.
    feed.write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Jay",'
        ' "items": [{"id": "1", "title": "Half \\ud800 a pair", "content_text": "One."},'
        ' 5, "a string", null, [1, 2],'
        ' {"id": "2", "title": "Whole", "content_html": "<p>Two &amp; more.</p>",'
        '  "tags": "not a list", "authors": [{"name": "Ann"}]}]}'
    )
    code, out, err = run(capsys, "add", str(feed))
    assert code == 0, err
    assert out == "Added feed Jay: 2 stories (2 new).\n"
    assert f"news: warning: {feed}: 4 items that are not objects skipped\n" in err
    code, out, err = run(capsys, "refresh")
    assert code == 0 and "Traceback" not in err
    code, out, _ = run(capsys, "list", "--json")
    titles = [s["title"] for s in json.loads(out) if s["source"] == "Jay"]
    assert titles == ["Half � a pair", "Whole"]


def json_containers(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    fields = ["id", "title", "url", "content_html", "content_text", "tags", "authors"]
    keys = st.sampled_from(fields)
    return st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=4)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    json_containers,
    max_leaves=12,
)


@given(st.lists(json_values, max_size=5))
def test_any_json_items_give_stories_or_a_reason(items: list[object]) -> None:
    data = json.dumps({"version": "1.1", "title": "T", "items": items}).encode()
    try:
        result = parse_feed(data, "feed.json")
    except FeedError:
        return
    assert len(result.articles) <= len(items)


# Issue 11, item 19: a text file that is not a feed ----------------------------------


def test_adding_a_text_file_that_is_neither_a_feed_nor_a_dump_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = tmp_path / "shopping.txt"
    text.write_text("Milk, eggs and bread for the weekend.\n")
    code, out, err = run(capsys, "add", str(text))
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert "not a feed, nor a dump" in line and "empty" not in line
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    code, _, err = run(capsys, "add", str(empty))
    assert code == 2 and f"{empty}: empty" in one_line_error(err)


# Issue 11, item 7: an Atom title written as XHTML ------------------------------------


def test_an_atom_entry_with_an_xhtml_title_keeps_its_title(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "atom.xml"
    feed.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Orbit</title>'
        "<entry><id>urn:1</id>"
        '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "Capsule <b>returns</b> &amp; lands</div></title>"
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<p>The capsule came down <em>safely</em> at dawn.</p></div></content>"
        "</entry></feed>"
    )
    code, out, err = run(capsys, "add", str(feed))
    assert code == 0, err
    code, out, _ = run(capsys, "list", "--json")
    [story] = [s for s in json.loads(out) if s["source"] == "Orbit"]
    assert story["title"] == "Capsule returns & lands"
    code, out, _ = run(capsys, "show", story["id"])
    assert out.count("The capsule came down safely at dawn.") == 1


# Issue 11, item 6: a large feed file, read and stored as a stream --------------------


def _big_feed(path: Path, items: int, blank_lines: int = 0) -> None:
    """A feed of `items` stories of 3 KB each, `blank_lines` after each."""
    paragraph = "The plant was mentioned again in the report of the quarter. " * 8
    blank = "\n" * blank_lines
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>')
        for number in range(items):
            body = f"&lt;p&gt;Story {number}. {paragraph}&lt;/p&gt;" * 6
            out.write(
                f"<item><title>Story number {number}</title><guid>g{number}</guid>"
                f"<link>https://example.org/{number}</link><description>{body}</description></item>"
                f"{blank}"
            )
        out.write("</channel></rss>")


# `news add`, then the process's own peak (VmHWM belongs to the program run,
# while ru_maxrss would count the test process it was forked from).
_ADD_AND_PEAK = """
import sys
from reader.cli import main
code = main(["add", sys.argv[1]])
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print(f"peak {peak}", file=sys.stderr)
sys.exit(code)
"""


def test_a_large_feed_file_is_added_in_little_memory(tmp_path: Path) -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux's /proc")
    feed = tmp_path / "big.xml"
    _big_feed(feed, 5000)  # 15 MB
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "NEWS_LIBRARY": str(tmp_path / "library.sqlite"),
    }
    done = subprocess.run(
        [sys.executable, "-c", _ADD_AND_PEAK, str(feed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Added feed Big: 5,000 stories (5,000 new).\n"
    [peak_kb] = re.findall(r"^peak (\d+)$", done.stderr, re.MULTILINE)
    peak_mb = int(peak_kb) / 1024
    assert peak_mb < 120, f"peak {peak_mb:.0f} MB"  # 153 MB when read whole, 75 now


def test_adding_a_feed_file_on_a_terminal_shows_a_bar_of_what_is_read(tmp_path: Path) -> None:
    feed = tmp_path / "[bold]big[red].xml"  # a file name is data, never markup
    # Read by a process of its own, as a big file is (its bar counts what that
    # process has read): 500 stories, and blank lines that make up the size at
    # no cost to the parser (2,500 stories took five times the CPU).
    _big_feed(feed, 500, blank_lines=5600)
    assert feed.stat().st_size >= PROCESS_MIN_BYTES
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "NEWS_LIBRARY": str(tmp_path / "library.sqlite"),
        "COLUMNS": "100",
        "TERM": "xterm-256color",
    }
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "reader", "add", str(feed)],
        env=env,
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    with suppress(OSError):  # the terminal is gone when the child has exited
        while chunk := os.read(leader, 65536):
            seen += chunk
    assert child.wait(timeout=120) == 0, seen
    os.close(leader)
    screen = seen.decode("utf-8", "replace")
    assert "Reading" in screen and "[bold]big[red].xml" in screen
    assert re.search(r"\d+(\.\d+)?/\d+(\.\d+)? MB", screen), screen[-2000:]
    assert "Added feed Big: 500 stories (500 new)." in screen


titles = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)


# No deadline: each example writes a file and starts the stream's threads, which
# took 264 ms once when the machine was busy (load 13), past the default 200.
@settings(deadline=None)
@given(st.lists(st.tuples(titles, titles), min_size=1, max_size=8), st.integers(1, 3))
def test_a_feed_streamed_in_batches_gives_what_it_gives_read_whole(
    tmp_path_factory: pytest.TempPathFactory, entries: list[tuple[str, str]], batch: int
) -> None:
    items = "".join(
        f"<item><title>{escape(title)}</title><guid>{number}</guid>"
        f"<description>{escape(text)}</description></item>"
        for number, (title, text) in enumerate(entries)
    )
    data = f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()
    path = tmp_path_factory.mktemp("feed") / "feed.xml"
    path.write_bytes(data)
    whole = parse_feed(data, str(path))
    stream = stream_feed_file(path, batch=batch)
    batches = list(stream)
    assert all(len(b) <= batch for b in batches)
    assert [a for b in batches for a in b] == whole.articles
    assert (stream.title, stream.warnings) == (whole.title, whole.warnings)


def test_a_large_feed_that_is_not_well_formed_is_refused_with_a_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_module, "MAX_LENIENT_BYTES", 10_000)
    broken = tmp_path / "broken.xml"
    broken.write_text(
        '<rss version="2.0"><channel><title>Broken &nbsp; feed</title>'
        + "<item><title>A story</title><description>Text.</description></item>" * 500
        + "</channel></rss>"
    )
    code, _, err = run(capsys, "add", str(broken))
    assert code == 2
    assert "too large to read leniently (over 10,000 bytes)" in one_line_error(err)


def test_doctor_names_a_library_file_with_escapes_in_its_name_cleanly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library = tmp_path / "lib\x1b]0;owned\x07\x1b[31m.sqlite"
    _library_with_seed(library, capsys)
    code, out, err = run(capsys, "doctor", "--library", str(library))
    assert code == 0 and "4 stories, no damage found." in out
    assert "\x1b" not in out + err and "\x07" not in out + err


def test_doctor_repairs_a_damaged_index_that_every_command_reads_around(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_seed(library, capsys)
    conn = sqlite3.connect(library)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    [page] = conn.execute(
        "SELECT min(pageno) FROM dbstat WHERE name = 'sources_place'"
    ).fetchone()
    conn.close()
    with library.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(b"\xff" * page_size)
    code, listed, _ = run(capsys, "list", "--library", str(library))
    assert code == 0 and "Tesla Semi" in listed  # the tables read as before
    code, out, err = run(capsys, "doctor", "--library", str(library))
    assert code == 0, out
    assert "the tables cannot be read" not in out and err == ""
    assert "found:    damaged pages" in out and "repaired:" in out
    code, out, _ = run(capsys, "doctor", "--library", str(library))
    assert code == 0 and "4 stories, no damage found." in out
    assert run(capsys, "list", "--library", str(library))[1] == listed
    code, out, _ = run(capsys, "sources", "--library", str(library))
    assert code == 0
