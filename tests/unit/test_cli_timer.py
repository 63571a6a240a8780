"""`news unread` for status bars, `news refresh --due` for cron and `news add
--every`, read as the bytes a person or a script gets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import main
from reader.library.articles import Library
from reader.state import ReadingState

from .feed_server import FeedServer, rss, running

HOSTILE = "Evil \x1b]0;pwned\x07[bold red]title[/] \x1b[2J\u202eend"


@pytest.fixture
def server(no_proxy: None) -> Iterator[FeedServer]:
    yield from running()


def run(capfdbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, bytes]:
    code = main(list(args))
    out, err = capfdbinary.readouterr()
    return code, out, err


def feed_file(tmp_path: Path, titles: list[str]) -> Path:
    items = "".join(
        f"<item><title>{t}</title><guid>g{n}</guid><category>Wire</category>"
        f"<description>Story {n}.</description></item>"
        for n, t in enumerate(titles)
    )
    path = tmp_path / "wire.xml"
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_unread_lists_the_unread_stories_by_section(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    escaped = HOSTILE.replace("\x1b", "&#27;").replace("\x07", "&#7;")
    assert main(["add", str(feed_file(tmp_path, [escaped, "Quiet one", "Read one"]))]) == 0
    capfdbinary.readouterr()
    code, out, _ = run(capfdbinary, "unread", "--json")
    assert code == 0
    data = json.loads(out)
    wire = next(s for s in data["sections"] if s["section"] == "Wire")
    assert wire["unread"] == 3
    assert {s["published"] for s in wire["stories"]} == {None}  # items without a date
    read_id = next(s["id"] for s in wire["stories"] if s["title"] == "Read one")
    state = ReadingState()
    state.load()
    state.mark_read(read_id, True)
    state.flush()

    code, out, _ = run(capfdbinary, "unread", "--count")
    assert (code, out) == (0, f"{data['unread'] - 1}\n".encode())

    code, out, _ = run(capfdbinary, "unread", "--count", "--json")
    counts = json.loads(out)
    assert {"section": "Wire", "unread": 2} in counts["sections"]
    assert all("stories" not in s for s in counts["sections"])

    code, out, _ = run(capfdbinary, "unread")
    assert code == 0
    lines = out.decode().splitlines()
    at = lines.index("Wire  2 unread")
    shown = lines[at + 1 : at + 3]
    assert [line.split("  ")[-1] for line in shown] == [
        "Evil [bold red]title[/] end",  # markup literal, every escape and override gone
        "Quiet one",
    ]
    assert b"\x1b" not in out and b"\x07" not in out and "\u202e".encode() not in out
    assert "Read one" not in out.decode()
    assert lines[-1] == f"{data['unread'] - 1} unread stories"


def test_unread_of_an_all_read_library_is_zero(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    _, out, _ = run(capfdbinary, "unread", "--json")
    ids = [s["id"] for section in json.loads(out)["sections"] for s in section["stories"]]
    state = ReadingState()
    state.load()
    for story_id in ids:
        state.mark_read(story_id, True)
    state.flush()
    assert run(capfdbinary, "unread", "--count") == (0, b"0\n", b"")
    assert run(capfdbinary, "unread") == (0, b"0 unread stories\n", b"")


def test_refresh_due_fetches_only_the_feeds_whose_time_has_come(
    tmp_path: Path, server: FeedServer, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    fast = server.serve("/fast.xml", rss("Fast", [("Quick news", "")]))
    slow = server.serve("/slow.xml", rss("Slow", [("Slow news", "")]))
    code, out, err = run(capfdbinary, "add", fast, "--every", "45s")
    assert code == 0, err
    assert out.endswith(b"; refreshed every 45s).\n")
    assert run(capfdbinary, "add", slow)[0] == 0
    code, out, _ = run(capfdbinary, "sources", "--json")
    everies = {s["location"]: s["every"] for s in json.loads(out)}
    assert everies[fast] == "45s" and everies[slow] is None

    # Both were just fetched: nothing is due, and it says when the next one is.
    code, out, _ = run(capfdbinary, "refresh", "--due")
    assert code == 0 and out.startswith(b"No feed is due; the next is due at ")
    server.requests.clear()
    library = Library.open()
    # As if the fast feed had been fetched long ago.
    [fast_id] = [s.id for s in library.sources() if s.location == fast]
    library.record_fetch(fast_id, "2000-01-01T00:00:00+00:00", "")
    library.close()
    code, out, _ = run(capfdbinary, "refresh", "--due")
    assert code == 0
    assert [r.path for r in server.requests] == ["/fast.xml"]
    # Without --due nothing is skipped (cron, or a person who asks).
    server.requests.clear()
    assert run(capfdbinary, "refresh")[0] == 0
    assert sorted(r.path for r in server.requests) == ["/fast.xml", "/slow.xml"]


def test_refresh_due_without_any_timer_says_how_to_set_one(
    server: FeedServer, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert run(capfdbinary, "add", server.serve("/a.xml", rss("A", [("A", "")])))[0] == 0
    code, out, _ = run(capfdbinary, "refresh", "--due")
    assert code == 0
    # One line, as cron mails it or a log keeps it: piped output is never wrapped at 80.
    assert out == (
        b"No feed is on a timer: set [refresh] every in the config, or give one"
        b" its own with `news add URL --every 30m`.\n"
    )


def test_refresh_piped_keeps_each_failed_feed_on_one_line(
    tmp_path: Path, server: FeedServer, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    title = "The Orbital Gazette: launches, landings and the long view of everything in orbit"
    library = Library.open()
    library.add_source("feed", server.serve("/gone.xml", b"", status=404), title=title)
    library.close()
    code, out, _ = run(capfdbinary, "refresh")
    assert code == 1
    lines = out.decode().splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith(f"failed     {title}: ")
    assert lines[1] == "1 feed failed."
    assert lines[2] == f"  {lines[0].removeprefix('failed     ')}"


def test_a_bad_refresh_every_is_named_on_stderr(
    tmp_path: Path, server: FeedServer, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text('[refresh]\nevery = "30x"\n')
    assert run(capfdbinary, "add", server.serve("/a.xml", rss("A", [("A", "")])))[0] == 0
    code, _, err = run(capfdbinary, "refresh", "--due")
    assert code == 0
    assert err.startswith(b"news: [refresh] every: '30x' is not a duration")


def test_every_is_checked_and_only_for_feeds(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["add", "https://example.org/feed", "--every", "soon"])
    assert exited.value.code == 2
    assert b"argument --every: 'soon' is not a duration" in capfdbinary.readouterr().err
    dump = tmp_path / "d.txt"
    dump.write_text("News\nA title here\nA paragraph of the story, long enough.\n")
    code, _, err = run(capfdbinary, "add", str(dump), "--every", "1h")
    assert code == 2
    assert err == b"news: --every is for feeds; a dump is read once, when added\n"
    code, _, err = run(capfdbinary, "add", str(tmp_path), "--every", "1h")
    assert (code, err) == (
        2,
        b"news: --every is for feeds; a folder is read again on [refresh] every\n",
    )


def test_refresh_due_reads_a_folder_on_the_configs_interval(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A note\n")
    assert run(capfdbinary, "add", str(notes))[0] == 0
    # Folders only: told of folders, which only the config can put on a timer.
    assert run(capfdbinary, "refresh", "--due") == (
        0,
        b"No folder is on a timer: set [refresh] every in the config.\n",
        b"",
    )
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text('[refresh]\nevery = "1h"\n')
    (notes / "b.md").write_text("# Another note\n")
    # Added, never refreshed: due at once; then not for an hour.
    code, out, _ = run(capfdbinary, "refresh", "--due")
    assert (code, out) == (
        0,
        b"new        notes: 1 new\n1 folder changed. 1 new story.\n",
    )
    code, out, _ = run(capfdbinary, "refresh", "--due")
    assert code == 0 and out.startswith(b"No folder is due; the next is due at ")
