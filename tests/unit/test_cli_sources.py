"""Sources from the command line, as a person would add, refresh and remove them.

Feeds come from a local server on 127.0.0.1; the library is the test's own
(the autouse fixture points NEWS_DATA_DIR into tmp_path).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import news_process
import pytest

from reader.cli import main
from reader.library.articles import Library
from reader.sources.opml import parse_opml

from .feed_server import FEEDS, FeedServer, rss

RSS = (FEEDS / "rss2.xml").read_bytes()
ATOM = (FEEDS / "atom.xml").read_bytes()
ROOT = Path(__file__).resolve().parents[2]
SEED_SECTIONS = {"News", "Elon Musk", "Investor's Corner"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    return json.loads(out)


def sources(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "sources", "--json")
    assert code == 0
    return json.loads(out)


def one_line_error(err: str) -> str:
    assert err.startswith("news: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_a_persons_path(
    capsys: pytest.CaptureFixture[str], server: FeedServer, tmp_path: Path
) -> None:
    motors = server.serve("/motors", RSS, etag='"m1"')
    orbit = server.serve("/orbit", ATOM, last_modified="Sun, 21 Jun 2026 12:00:00 GMT")
    broken = server.url("/broken")  # never there

    code, out, _ = run(capsys, "add", motors)
    assert code == 0 and out == "Added feed Example Motors News: 3 stories (3 new).\n"
    code, out, _ = run(capsys, "add", orbit, "--section", "Space")
    assert code == 0 and "Orbit Weekly: 2 stories (2 new)" in out
    # A feed subscribed from a list is not fetched until a refresh.
    opml = tmp_path / "more.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        f'<outline text="Broken feed" type="rss" xmlUrl="{broken}"/></body></opml>'
    )
    code, out, _ = run(capsys, "import-opml", str(opml))
    assert code == 0 and "1 feed" in out and "news refresh" in out
    assert not server.seen("/broken")

    code, out, _ = run(capsys, "refresh")
    assert code == 1  # one failed
    assert "failed     Broken feed: HTTP 404" in out
    assert "3 feeds: 2 unchanged, 1 failed.\n" in out
    assert "  Broken feed: HTTP 404" in out
    stories = listed(capsys)
    sections = {s["section"] for s in stories}
    assert SEED_SECTIONS | {"Factories", "Example Motors News", "Space"} <= sections
    assert {s["source"] for s in stories} >= {"Example Motors News", "Orbit Weekly"}
    by_title = {s["title"]: s for s in stories}
    assert by_title["Capsule returns"]["section"] == "Space"
    # Unchanged feeds answer 304 to the validators of the first fetch.
    assert server.seen("/motors")[-1].if_none_match == '"m1"'
    assert server.seen("/orbit")[-1].if_modified_since == "Sun, 21 Jun 2026 12:00:00 GMT"
    errors = {s["title"]: s["last_error"] for s in sources(capsys)}
    assert errors["Broken feed"] == "HTTP 404" and errors["Orbit Weekly"] == ""

    # The broken feed comes back; a refresh now succeeds and says so.
    server.serve("/broken", rss("Back again", [("Mended at last", "https://example.org/m")]))
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and "new        Broken feed: 1 new" in out
    assert "3 feeds: 1 changed, 2 unchanged. 1 new story.\n" in out

    # A new process reads the same library.
    done = news_process.news("list", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == listed(capsys)
    assert "Mended at last" in {s["title"] for s in json.loads(done.stdout)}


def test_add_refuses_what_it_cannot_read(
    capsys: pytest.CaptureFixture[str], server: FeedServer, tmp_path: Path
) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    for source, expected in (
        ("ftp://example.org/feed.xml", "only http, https and file URLs are accepted"),
        ("javascript:alert(1)", "not javascript:"),
        ("feed://example.org/rss", "not feed:"),
        ("http:///no-host", "invalid URL: no host"),
        (str(tmp_path / "nothing-here.xml"), "no such file or folder"),
        (str(binary), "a binary file"),
        (server.url("/missing"), "HTTP 404"),
        (
            server.serve("/page", b"<!doctype html><html></html>", content_type="text/html"),
            "HTML page, not a feed",
        ),
    ):
        code, _, err = run(capsys, "add", source)
        assert code == 2, source
        assert expected in one_line_error(err), (source, err)
    # Nothing that failed was kept.
    assert [s["kind"] for s in sources(capsys)] == ["dump"]


def test_a_feed_that_fails_to_add_is_never_in_the_library(
    capsys: pytest.CaptureFixture[str], server: FeedServer
) -> None:
    """Not even while it is fetched: another `news` then (a reader's `r`)
    would fetch it too, and keep it with its error after the add gave up."""
    hold = threading.Event()
    url = server.serve("/slow.xml", b"", status=503, hold=hold)
    assert [s["kind"] for s in sources(capsys)] == ["dump"]
    meanwhile: list[list[str]] = []

    def look() -> None:
        server.wait_seen("/slow.xml")
        library = Library.open()
        try:
            meanwhile.append([s.kind for s in library.sources()])
        finally:
            library.close()
            hold.set()

    looker = threading.Thread(target=look)
    looker.start()
    code, _, err = run(capsys, "add", url)
    looker.join()
    assert code == 2 and err == f"news: cannot add {url}: HTTP 503\n"
    assert meanwhile == [[s["kind"] for s in sources(capsys)]] == [["dump"]]  # the seed


def test_add_a_local_feed_file_of_ten_stories(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "ten.xml"
    path.write_bytes(
        rss("Ten", [(f"Story number {n}", f"https://example.org/{n}") for n in range(10)])
    )
    code, out, _ = run(capsys, "add", str(path), "--section", "Local")
    assert code == 0 and out == "Added feed Ten: 10 stories (10 new).\n"
    stories = [s for s in listed(capsys) if s["source"] == "Ten"]
    assert len(stories) == 10 and {s["section"] for s in stories} == {"Local"}
    # The same file as a file: URL is the same source, not read again.
    code, out, _ = run(capsys, "add", path.as_uri())
    assert code == 0 and out == "Added feed Ten (already added): 10 stories (0 new).\n"
    [source] = [s for s in sources(capsys) if s["kind"] == "feed"]
    assert source["location"] == str(path) and source["stories"] == 10
    # Added again with another section: the stories move there.
    code, out, _ = run(capsys, "add", str(path), "--section", "Elsewhere")
    assert code == 0 and "(already added)" in out
    stories = [s for s in listed(capsys) if s["source"] == "Ten"]
    assert len(stories) == 10 and {s["section"] for s in stories} == {"Elsewhere"}


def test_add_a_dump_and_a_markdown_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write_dump: Callable[..., Path]
) -> None:
    dump = write_dump("Gadgets\nA phone that folds twice\nIt folds twice, the maker says.\n")
    code, out, _ = run(capsys, "add", str(dump))
    assert code == 0 and out == "Added dump dump: 1 story (1 new).\n"
    notes = tmp_path / "notes"
    (notes / "Travel").mkdir(parents=True)
    (notes / "Travel" / "rome.md").write_text("# Rome in a day\n\nWalk **everywhere**.\n")
    (notes / "first.md").write_text("Just a note.\n")
    # A Markdown file alone is not a source: said so, and what to add instead
    # (it was "no stories found: not a feed, nor a dump").
    code, _, err = run(capsys, "add", str(notes / "first.md"))
    assert (code, err) == (
        2,
        f"news: {notes / 'first.md'}: a Markdown file is read as it is (`news FILE.md`);"
        f" the library keeps it with its folder: `news add {notes}`\n",
    )
    code, out, _ = run(capsys, "add", str(notes))
    assert code == 0 and out == "Added folder notes: 2 stories (2 new).\n"
    stories = {s["title"]: s for s in listed(capsys)}
    assert stories["A phone that folds twice"]["section"] == "Gadgets"
    assert stories["Rome in a day"]["section"] == "Travel"
    assert [s["kind"] for s in sources(capsys)] == ["dump", "dump", "markdown"]
    code, out, _ = run(capsys, "show", str(stories["Rome in a day"]["id"]))
    assert code == 0 and "Walk everywhere." in out


def test_refresh_reads_a_folder_again_in_the_section_it_was_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    notes = tmp_path / "md"
    notes.mkdir()
    (notes / "trip.md").write_text("---\nsection: Travel\n---\n# Trip\n\nRome.\n")
    code, out, _ = run(capsys, "add", str(notes), "--section", "Notes")
    assert code == 0 and out == "Added folder md: 1 story (1 new).\n"
    # Added again without --section: the section given before holds.
    (notes / "fm.md").write_text("---\nsection: Front\n---\n# Front matter\n")
    code, out, _ = run(capsys, "add", str(notes))
    assert code == 0 and out == "Added folder md: 2 stories (1 new).\n"
    assert {s["title"]: s["section"] for s in listed(capsys)}["Front matter"] == "Notes"
    (notes / "new2.md").write_text("# Brand new note zebra\n")
    (notes / "trip.md").write_text("---\nsection: Travel\n---\n# Trip\n\nRome, then Naples.\n")
    code, out, _ = run(capsys, "refresh")
    assert (code, out) == (
        0,
        "new        md: 1 new, 1 updated\n1 folder changed. 1 new story and 1 updated story.\n",
    )
    notes_stories = {s["title"]: s["section"] for s in listed(capsys) if s["source"] == "md"}
    assert notes_stories == dict.fromkeys(("Trip", "Front matter", "Brand new note zebra"), "Notes")
    code, out, _ = run(capsys, "refresh")
    assert out.endswith("1 folder unchanged.\n")
    # A folder that is gone fails with its reason, and keeps its stories.
    notes.rename(tmp_path / "elsewhere")
    code, out, _ = run(capsys, "refresh")
    assert code == 1 and out.endswith(f"  md: {notes}: no such folder\n")
    assert [s["stories"] for s in sources(capsys) if s["kind"] == "markdown"] == [3]


def test_opml_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "import-opml", str(FEEDS / "subscriptions.opml"))
    assert code == 0 and "Subscribed to 5 feeds" in out
    code, out, _ = run(capsys, "import-opml", str(FEEDS / "subscriptions.opml"))
    assert out == f"Subscribed already to 5 feeds in {FEEDS / 'subscriptions.opml'}.\n"
    feeds = [s for s in sources(capsys) if s["kind"] == "feed"]
    assert {s["location"]: s["section"] for s in feeds}["https://grid.example.com/rss"] == "Cars"
    library = Library.open()  # as `news add https://grid.example.com/rss --every 1h30m` does
    grid = next(s.id for s in library.sources() if s.location == "https://grid.example.com/rss")
    library.set_every(grid, 5400)
    library.close()

    code, exported, _ = run(capsys, "export-opml")
    assert code == 0
    original = parse_opml((FEEDS / "subscriptions.opml").read_bytes())
    again = parse_opml(exported.encode("utf-8"))
    key = lambda s: (s.title, s.xml_url, s.folder)  # noqa: E731 (the web page is not kept)
    assert sorted(map(key, again)) == sorted(map(key, original))

    # Into a second library, through a file.
    saved = tmp_path / "exported.opml"
    saved.write_text(exported, encoding="utf-8")
    other = tmp_path / "other.sqlite"
    code, _, _ = run(capsys, "import-opml", str(saved), "--library", str(other))
    assert code == 0
    code, out, _ = run(capsys, "sources", "--json", "--library", str(other))
    assert {s["location"] for s in json.loads(out) if s["kind"] == "feed"} == {
        s.xml_url for s in original
    }
    # The feed's own interval came across in our attribute; the others have none.
    everies = {s["location"]: s["every"] for s in json.loads(out) if s["kind"] == "feed"}
    assert everies.pop("https://grid.example.com/rss") == "1h30m"
    assert set(everies.values()) == {None}


def test_opml_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "import-opml", str(tmp_path / "none.opml"))
    assert code == 2 and "no such file" in one_line_error(err)
    bad = tmp_path / "bad.opml"
    bad.write_text("<html><body/></html>")
    code, _, err = run(capsys, "import-opml", str(bad))
    assert code == 2 and "not OPML" in one_line_error(err)


def test_export_leaves_out_local_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "saved.xml"
    path.write_bytes(RSS)
    run(capsys, "add", str(path))
    code, out, err = run(capsys, "export-opml")
    assert code == 0 and parse_opml(out.encode()) == []
    assert "1 feed file on this machine left out" in err


def test_remove_by_id_location_or_title(
    capsys: pytest.CaptureFixture[str], server: FeedServer
) -> None:
    motors = server.serve("/motors", RSS)
    run(capsys, "add", motors)
    run(capsys, "add", server.serve("/orbit", ATOM))
    ids = {s["title"]: s["id"] for s in sources(capsys)}

    code, out, _ = run(capsys, "remove", "Orbit weekly", "--yes")  # by title, any case
    assert code == 0 and out == "Removed feed Orbit Weekly and its 2 stories.\n"
    code, out, _ = run(capsys, "remove", "-y", motors)
    assert code == 0 and "Example Motors News and its 3 stories" in out
    assert {s["source"] for s in listed(capsys)} == {"teslarati"}
    code, out, _ = run(capsys, "remove", str(ids["teslarati"]), "--yes")
    assert code == 0 and out == "Removed dump teslarati and its 4 stories.\n"
    assert listed(capsys) == []  # and the seed does not come back

    code, _, err = run(capsys, "remove", "99")
    assert code == 2 and "no source with id 99" in one_line_error(err)
    code, _, err = run(capsys, "remove", "Nothing like it")
    assert code == 2 and "no source 'Nothing like it'" in one_line_error(err)


def test_sources_text_and_json(
    capsys: pytest.CaptureFixture[str], server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "add", server.serve("/orbit", ATOM), "--section", "Space", "--fulltext")
    [seed, orbit] = sources(capsys)
    assert seed["kind"] == "dump" and seed["stories"] == 4
    assert orbit == {
        "id": orbit["id"],
        "kind": "feed",
        "location": server.url("/orbit"),
        "bundled": False,
        "title": "Orbit Weekly",
        "section": "Space",
        "fulltext": True,
        "stories": 2,
        "added": orbit["added"],
        "last_error": "",
        "every": None,
        "account": None,
    }
    server.routes.clear()
    assert run(capsys, "refresh")[0] == 1
    code, out, _ = run(capsys, "sources")
    assert code == 0
    assert "Orbit Weekly  [section: Space]  [full text]" in out
    assert "last error: HTTP 404" in out and server.url("/orbit") in out
    # On a narrow terminal each line is cut, not wrapped, as `news list`'s are.
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "40")
    code, out, _ = run(capsys, "sources")
    lines = re.sub(r"\x1b\[[0-9;]*m", "", out).splitlines()
    assert len(lines) == 5 and all(len(line) <= 40 for line in lines)
    assert lines[2].startswith("  2  feed") and lines[2].endswith("…")


def test_refresh_with_no_feeds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and "No feeds to refresh" in out


def test_fulltext_command(capsys: pytest.CaptureFixture[str], server: FeedServer) -> None:
    server.serve("/story", (FEEDS / "article.html").read_bytes(), content_type="text/html")
    items = [("Giga output", server.url("/story")), ("No page", "")]
    run(capsys, "add", server.serve("/f", rss("Motors", items)))
    ids = {s["title"]: str(s["id"]) for s in listed(capsys)}

    story = ids["Giga output"]
    code, out, _ = run(capsys, "fulltext", story[:8])  # the start of an id will do
    assert code == 0
    # One line that says what happened, not the whole article.
    assert out == (
        f"Stored the full text of “Giga output”: {out.split(': ')[1].split()[0]} words."
        f" `news show {story}` prints it.\n"
    )
    assert int(out.split(": ")[1].split()[0]) > 20
    code, out, _ = run(capsys, "show", story)
    assert "casting press" in out and "The plant now makes twice as many cars" in out

    code, _, err = run(capsys, "fulltext", ids["No page"])
    assert code == 2 and "has no link to fetch" in one_line_error(err)
    code, _, err = run(capsys, "fulltext", "zzzz")
    assert code == 2 and "no story with id 'zzzz'" in one_line_error(err)


# --- remove: ids, and asking first ---------------------------------------------------


def test_remove_reads_ids_in_ascii_digits_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "three.opml"
    path.write_text(
        "<opml><body>"
        + "".join(f'<outline text="F{n}" xmlUrl="https://f{n}.example.org/"/>' for n in range(3))
        + "</body></opml>"
    )
    run(capsys, "import-opml", str(path))
    assert [s["id"] for s in sources(capsys)] == [1, 2, 3, 4]
    # "²" is a digit to str.isdigit but not to int(); "٣" is 3 to int().
    for wanted in ("²", "٣", "３"):
        code, out, err = run(capsys, "remove", wanted, "--yes")
        assert (code, out) == (2, "")
        assert err == f"news: no source {wanted!r}; `news sources` lists them\n"
    assert len(sources(capsys)) == 4
    # A source with no stories yet goes without a question.
    code, out, _ = run(capsys, "remove", "3")
    assert (code, out) == (0, "Removed feed F1 and its 0 stories.\n")


def test_remove_of_a_source_with_stories_wants_yes_from_a_script(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "remove", "teslarati")
    assert (code, out) == (2, "")
    assert err == (
        "news: dump teslarati has 4 stories; pass --yes to remove it and them (nothing removed)\n"
    )
    assert len(listed(capsys)) == 4


def _at_a_terminal(tmp_path: Path, answer: bytes, *args: str) -> tuple[int, str]:
    """Run `news ARGS` with a pseudo-terminal for its input and output, answer
    the question it asks, and return its exit status and what the person saw."""
    import pty
    import select

    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWS_DATA_DIR": str(tmp_path / "data")}
    main_fd, child_fd = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "reader", *args],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env=env,
        cwd=tmp_path,
    )
    os.close(child_fd)
    seen = b""
    answered = False
    while True:
        ready, _, _ = select.select([main_fd], [], [], 30)
        if not ready:
            child.kill()
            raise AssertionError(f"no output in 30 s: {seen!r}")
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the child has gone and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if not answered and seen.endswith(b"[y/N] "):
            os.write(main_fd, answer)
            answered = True
    os.close(main_fd)
    return child.wait(timeout=30), seen.decode().replace("\r\n", "\n")


def test_remove_asks_first_at_a_terminal(tmp_path: Path) -> None:
    code, seen = _at_a_terminal(tmp_path, b"n\n", "remove", "teslarati")
    question = "Remove dump teslarati and its 4 stories? [y/N] "
    assert (code, seen) == (1, f"{question}n\nKept dump teslarati.\n")
    code, seen = _at_a_terminal(tmp_path, b"y\n", "remove", "teslarati")
    assert (code, seen) == (0, f"{question}y\nRemoved dump teslarati and its 4 stories.\n")
    code, seen = _at_a_terminal(tmp_path, b"", "sources")
    assert (code, seen) == (0, "No sources. Add one with `news add URL-OR-PATH`.\n")


# --- what a person typed or named is cleaned ----------------------------------------


def test_add_cleans_the_section_and_the_file_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "evil\x1b]0;pwned\x07\x1b[2Jname.txt"
    path.write_text("News\nA headline here\nA paragraph of the story, in one line.\n")
    code, out, err = run(capsys, "add", str(path), "--section", "Lo\x1b[31mcal\x9b\u202e")
    assert (code, err) == (0, "")
    assert out == "Added dump evilname: 1 story (1 new).\n"
    [_, source] = sources(capsys)
    assert (source["title"], source["section"]) == ("evilname", "Local")
    assert source["location"] == str(path)  # the address stays exact: it names the file
    assert {s["section"] for s in listed(capsys)} >= {"Local"}
    code, out, _ = run(capsys, "sources")
    assert code == 0 and "evilname  [section: Local]" in out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out)
    code, _, err = run(capsys, "add", str(tmp_path / "gone\x1b[2J.txt"))
    assert code == 2 and err == f"news: {tmp_path}/gone.txt: no such file or folder\n"


def test_add_refuses_an_empty_source_or_section(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "add", "")
    assert (code, out) == (2, "")
    assert err == "news: nothing to add: give a feed's URL, a file or a folder\n"
    path = tmp_path / "d.txt"
    path.write_text("News\nA headline here\nA paragraph of the story, in one line.\n")
    for section in ("", "  ", "\x1b[2J"):
        code, _, err = run(capsys, "add", str(path), "--section", section)
        assert (code, err) == (2, "news: --section needs a name\n")
    assert len(sources(capsys)) == 1


def test_the_bundled_news_is_shown_by_its_name(capsys: pytest.CaptureFixture[str]) -> None:
    from reader.config import seed_paths

    code, out, _ = run(capsys, "sources")
    assert code == 0
    assert out == "  1  dump         4 stories  teslarati\n     bundled with news\n"
    [seed] = sources(capsys)
    assert (seed["location"], seed["bundled"], seed["title"]) == (None, True, "teslarati")
    code, out, _ = run(capsys, "remove", "teslarati", "--yes")
    assert str(seed_paths()[0]) not in out and "seeds" not in out


def test_refresh_shows_feed_titles_as_text_on_a_terminal(
    capsys: pytest.CaptureFixture[str], server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    title = "[link=file:///etc/passwd]Ars[/link] [/] Technica :smile:"
    feed = server.serve("/ars", rss(title, [("One", "https://example.org/1")]))
    run(capsys, "add", feed)
    server.serve("/ars", rss(title, [("Two", "https://example.org/2")]))
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # Rich draws its live bar, as on a terminal
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    monkeypatch.setenv("COLUMNS", "120")
    code, out, err = run(capsys, "refresh")
    assert (code, err) == (0, "")
    assert "\x1b]8;" not in out  # no hyperlink
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert f"new        {title}: 1 new" in plain
    assert "Refreshing" in plain and "1/1" in plain  # the bar was drawn
    assert "Ars[/link] [/] Technica" in plain


def test_import_opml_names_its_file_cleaned(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "subs\x1b]0;pwned\x07.opml"
    path.write_text('<opml><body><outline text="F" xmlUrl="https://f.example.org/"/></body></opml>')
    code, out, _ = run(capsys, "import-opml", str(path))
    assert code == 0
    assert out.splitlines()[0] == f"Subscribed to 1 feed from {tmp_path}/subs.opml."


def test_import_names_the_feeds_it_leaves_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A list from elsewhere may not make news read this machine's files; the
    person importing it is told which feeds did not come across."""
    opml = tmp_path / "list.opml"
    opml.write_text(
        "<opml version='2.0'><body>"
        "<outline text='Local' xmlUrl='file:///etc/passwd'/>"
        "<outline text='Web' xmlUrl='https://example.com/feed.xml'/>"
        "<outline text='Bad' xmlUrl='javascript:alert(1)&#x85;[bold]x[/]'/>"
        "</body></opml>"
    )
    code, out, err = run(capsys, "import-opml", str(opml))
    assert code == 0
    assert "Subscribed to 1 feed from" in out
    assert "2 feeds left out" in err
    assert "  file:///etc/passwd\n" in err and "  javascript:alert(1)[bold]x[/]\n" in err
    assert "\x85" not in err
    feeds = [s["location"] for s in sources(capsys) if s["kind"] == "feed"]
    assert feeds == ["https://example.com/feed.xml"]


def test_a_file_named_with_an_escape_is_removed_by_the_name_sources_shows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # `news sources` leaves the escape sequence out of the name; `news remove`
    # given that name said "no source", and only the id worked.
    evil = tmp_path / "evil\x1b[31mfeed.xml"
    evil.write_bytes(RSS)
    assert run(capsys, "add", str(evil))[0] == 0
    code, out, _ = run(capsys, "sources")
    listed_as = str(tmp_path / "evilfeed.xml")
    assert code == 0 and listed_as in out and "\x1b" not in out
    code, out, err = run(capsys, "remove", listed_as, "--yes")
    assert (code, err) == (0, "")
    assert out == "Removed feed Example Motors News and its 3 stories.\n"


def test_two_files_listed_alike_are_not_taken_for_each_other(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plain_name = tmp_path / "feed.xml"
    twin = tmp_path / "fe\x1b[1med.xml"  # listed as feed.xml too
    for path in (plain_name, twin):
        path.write_bytes(RSS)
        assert run(capsys, "add", str(path))[0] == 0
    ids = {s["location"]: s["id"] for s in sources(capsys)}
    code, _, err = run(capsys, "remove", str(plain_name), "--yes")
    assert code == 2
    assert (
        f"2 sources match {str(plain_name)!r} (ids {ids[str(plain_name)]}, {ids[str(twin)]})"
        in (one_line_error(err))
    )
    assert run(capsys, "remove", str(ids[str(twin)]), "--yes")[0] == 0
    assert [s["location"] for s in sources(capsys)][-1] == str(plain_name)


def test_add_says_what_it_fetches_on_a_terminal_only(
    capsys: pytest.CaptureFixture[str], server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow feed is not a silent wait of up to a minute: the line is there
    while the server holds its answer, and gone when the result is printed."""
    quick = server.serve("/quick", rss("Quick", [("One", "https://example.org/1")]))
    code, out, err = run(capsys, "add", quick)  # piped: only the result
    assert (code, err) == (0, "") and out.startswith("Added feed Quick")

    hold = threading.Event()
    slow = server.serve(
        "/slow-" + "x" * 60, rss("Slow", [("Two", "https://example.org/2")]), hold=hold
    )
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # standard error a terminal, to Rich
    monkeypatch.setenv("COLUMNS", "50")
    meanwhile: list[str] = []

    def look() -> None:
        server.wait_seen(slow.removeprefix(server.url("")))
        meanwhile.append(sys.stderr.getvalue())
        hold.set()

    looker = threading.Thread(target=look)
    looker.start()
    code, out, err = run(capsys, "add", slow)
    looker.join()
    assert code == 0 and out.startswith("Added feed Slow: 1 story")
    [said] = meanwhile
    # One line, shorter than the width (a full one may wrap), cut with an ellipsis.
    assert said == f"Fetching {slow}"[:48] + "…"
    assert err == said + "\r\x1b[2K"  # then erased for the result
