"""Bookmark and state files from elsewhere, through `news bookmarks` as a person
runs it: whatever such a file holds, the output bytes cannot drive the
terminal, a file that cannot be read takes the corrupt-file path (set aside,
named, the command goes on), and the formats the command writes it reads back."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import news_process
import pytest

from reader.cli import main
from reader.config import seed_paths
from reader.sources.dump import read_dump

# ESC, BEL, the other C0 controls but tab and newline, DEL, C1 (UTF-8: C2 80-9F),
# bidi embeddings, overrides, isolates and marks, as UTF-8 bytes.
FORBIDDEN = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
    rb"|\xd8\x9c"
)
HOSTILE = {
    "article_id": "evil1",
    "title": "Re\x1b]0;pwned\x07titled\x1b[2J \u202eGNP.exe \ud800 end",
    "section": "Sec\x9dtion",
    "source": "Wire\u2066 \x1b[31mred",
    "url": "javascript:alert(1)\x1b]8;;http://x\x07",
    "added": "2026-11-27T12:00:00Z",
    "note": "a note\x07 with \x9b2J C1\nand a second \u200fline",
}


def news(data: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The installed command, as a script runs it: output as bytes, piped."""
    env = {**os.environ, "NEWS_DATA_DIR": str(data), "NEWS_LIBRARY": str(data / "lib.sqlite")}
    return news_process.news(*args, env=env)


def write_bookmarks(data: Path, content: str | bytes) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    path = data / "bookmarks.json"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def hostile_file(data: Path) -> Path:
    # ensure_ascii keeps the lone surrogate as the \ud800 escape a file would carry.
    return write_bookmarks(data, json.dumps({"version": 1, "bookmarks": [HOSTILE]}))


@pytest.mark.parametrize(
    "args",
    [
        ("bookmarks",),
        ("bookmarks", "--json"),
        ("bookmarks", "export", "--format", "markdown"),
        ("bookmarks", "export", "--format", "json"),
    ],
)
def test_a_hostile_bookmarks_file_cannot_drive_the_terminal(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    data = tmp_path / "data"
    hostile_file(data)
    done = news(data, *args)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert FORBIDDEN.search(done.stdout) is None, done.stdout
    assert b"titled" in done.stdout and b"GNP.exe" in done.stdout  # the text itself stays


def test_a_url_that_is_not_http_is_not_made_a_link(tmp_path: Path) -> None:
    data = tmp_path / "data"
    hostile_file(data)
    done = news(data, "bookmarks", "export", "--format", "markdown")
    assert b"](<javascript" not in done.stdout and b"[Re" not in done.stdout
    assert b"javascript:alert(1)" in done.stdout  # shown, as text


def test_importing_a_hostile_file_stores_it_clean(tmp_path: Path) -> None:
    shared = hostile_file(tmp_path / "theirs")
    mine = tmp_path / "mine"
    done = news(mine, "bookmarks", "import", str(shared))
    assert done.returncode == 0 and done.stdout.startswith(b"1 bookmark added"), done.stderr
    stored = (mine / "bookmarks.json").read_bytes()
    assert FORBIDDEN.search(stored) is None and b"\\ud800" not in stored
    assert json.loads(stored)["bookmarks"][0]["title"].startswith("Retitled")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, b"nested too deeply"),
        ('{"version": 1, "bookmarks": [], "n": ' + "9" * 5000 + "}", b"too many digits"),
        ('{"version": 1, "bookmarks": [{"article_id": 5}]}', b"not a string"),
        ('{"version": 1, "bookmarks": [["x"]]}', b"not a JSON object"),
        ('{"version": 1, "bookmarks": "x"}', b"not a list"),
        (b"\xff\xfe{}", b"not UTF-8"),
    ],
    ids=["deep", "digits", "id-type", "item-type", "list-type", "bytes"],
)
def test_a_bookmarks_file_that_cannot_be_read_is_set_aside(
    tmp_path: Path, content: str | bytes, reason: bytes
) -> None:
    data = tmp_path / "data"
    write_bookmarks(data, content)
    done = news(data, "bookmarks")
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert reason in done.stderr and b"moved to" in done.stderr
    assert b"No bookmarks yet" in done.stdout
    assert not (data / "bookmarks.json").exists()
    assert len(list(data.glob("bookmarks.json.corrupt-*"))) == 1


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_bookmarks(
        data,
        b"\xef\xbb\xbf"
        + json.dumps({"version": 1, "bookmarks": [{"article_id": "a1", "title": "Kept"}]}).encode(),
    )
    done = news(data, "bookmarks")
    assert done.returncode == 0 and done.stderr == b""
    assert b"Kept" in done.stdout


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def seed_bookmarks(data: Path) -> list[str]:
    from reader.bookmarks import Bookmarks

    articles = read_dump(seed_paths()[0]).articles
    store = Bookmarks(data / "bookmarks.json")
    store.load()
    store.add(articles[0], note="first\nsecond line")
    store.add(articles[2])
    return [articles[0].id, articles[2].id]


def test_what_the_command_writes_it_imports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ids = seed_bookmarks(tmp_path / "data")
    code, listed, _ = run(capsys, "bookmarks", "--json")
    code, exported, _ = run(capsys, "bookmarks", "export", "--format", "json")
    assert code == 0
    # The same key names the story in both.
    assert {b["article_id"] for b in json.loads(listed)} == set(ids)
    assert {b["article_id"] for b in json.loads(exported)["bookmarks"]} == set(ids)
    for n, text in enumerate((listed, exported)):
        path = tmp_path / f"{n}.json"
        path.write_text(text, encoding="utf-8")
        other = tmp_path / f"other{n}"
        code, out, err = run(capsys, "bookmarks", "--data-dir", str(other), "import", str(path))
        assert code == 0, err
        assert out.startswith("2 bookmarks added")
        code, out, _ = run(capsys, "bookmarks", "--data-dir", str(other))
        assert "second line" in out


def test_a_markdown_export_is_for_reading_not_importing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    seed_bookmarks(tmp_path / "data")
    code, markdown, _ = run(capsys, "bookmarks", "export", "--format", "markdown")
    assert code == 0 and markdown.endswith("\n") and not markdown.endswith("\n\n")
    path = tmp_path / "bookmarks.md"
    path.write_text(markdown, encoding="utf-8")
    code, out, err = run(
        capsys, "bookmarks", "--data-dir", str(tmp_path / "o"), "import", str(path)
    )
    assert code == 2 and out == ""
    assert "Markdown export" in err and "for reading, not importing" in err
    assert "--format json" in err and "Traceback" not in err


def test_importing_a_device_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "bookmarks", "import", "/dev/zero")
    assert code == 2 and "not a regular file" in err


def test_a_bookmark_whose_story_is_gone_says_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from reader.bookmarks import Bookmarks

    data = tmp_path / "data"
    kept = seed_bookmarks(data)
    store = Bookmarks(data / "bookmarks.json")
    store.load()
    write_bookmarks(
        data,
        json.dumps(
            {
                "version": 1,
                "bookmarks": [
                    *[__import__("dataclasses").asdict(b) for b in store.all()],
                    {"article_id": "0badc0ffee00", "title": "Gone story", "added": "2026-12-01"},
                ],
            }
        ),
    )
    code, out, _ = run(capsys, "bookmarks")
    assert code == 0
    lines = out.splitlines()
    gone = next(line for line in lines if "Gone story" in line)
    # After the title, as the README and the reader's sidebar have it.
    assert "  Gone story (missing)" in gone
    assert not any("missing" in line for line in lines if line is not gone)
    code, out, _ = run(capsys, "bookmarks", "--json")
    assert {b["article_id"]: b["missing"] for b in json.loads(out)} == {
        "0badc0ffee00": True,
        kept[0]: False,
        kept[1]: False,
    }


def test_an_older_bookmark_that_kept_a_files_path_lists_the_files_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    old = {"id": "abc", "title": "T", "source": "/usr/lib/site-packages/reader/seeds/teslarati.txt"}
    (data / "bookmarks.json").write_text(json.dumps({"version": 1, "bookmarks": [old]}))
    assert main(["bookmarks", "--json", "--data-dir", str(data)]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["source"] == "teslarati"


def import_file(tmp_path: Path, bookmarks: list[dict[str, str]] | bytes) -> Path:
    path = tmp_path / "import.json"
    if isinstance(bookmarks, bytes):
        path.write_bytes(bookmarks)
    else:
        path.write_text(json.dumps({"version": 1, "bookmarks": bookmarks}), encoding="utf-8")
    return path


def test_an_import_with_a_date_that_is_not_one_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = import_file(
        tmp_path,
        [
            {"article_id": "a1", "title": "Real", "added": "2026-11-02T00:00:00Z"},
            {"article_id": "a2", "title": "Dateless", "added": "not a date"},
        ],
    )
    code, out, err = run(capsys, "bookmarks", "import", str(path))
    assert code == 2 and out == ""
    assert "'added' is not an ISO 8601 date: 'not a date'" in err
    code, out, _ = run(capsys, "bookmarks")
    assert "No bookmarks yet" in out  # nothing of the file was taken


def test_imported_dates_in_other_iso_forms_sort_as_the_times_they_are(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = import_file(
        tmp_path,
        [
            {"article_id": "a1", "title": "Noon in Paris", "added": "2026-11-02T12:00:00+01:00"},
            {"article_id": "a2", "title": "A day", "added": "2026-11-02"},
            {"article_id": "a3", "title": "Noon UTC", "added": "2026-11-02T12:00:00Z"},
            {"article_id": "a4", "title": "No date", "added": ""},
        ],
    )
    assert run(capsys, "bookmarks", "import", str(path))[0] == 0
    code, out, _ = run(capsys, "bookmarks", "--json")
    assert code == 0
    listed = [(b["title"], b["added"]) for b in json.loads(out)]
    assert listed == [
        ("Noon UTC", "2026-11-02T12:00:00Z"),
        ("Noon in Paris", "2026-11-02T11:00:00Z"),
        ("A day", "2026-11-02T00:00:00Z"),
        ("No date", ""),
    ]


def test_an_imported_bookmark_of_a_story_in_the_library_keeps_the_storys_own_title(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    story = read_dump(seed_paths()[0]).articles[0]
    path = import_file(
        tmp_path,
        [
            {
                "article_id": story.id,
                "title": "Someone else's title",
                "section": "Their section",
                "source": "their feed",
                "url": "https://elsewhere.example/",
                "added": "2026-11-02T00:00:00Z",
                "note": "their note",
            },
            {"article_id": "0badc0ffee00", "title": "Not here", "section": "Gone", "added": ""},
        ],
    )
    assert run(capsys, "bookmarks", "import", str(path))[0] == 0
    code, out, _ = run(capsys, "bookmarks")
    assert code == 0
    assert f"2026-11-02  {story.id}  {story.title}  · {story.section}" in out.splitlines()
    assert "their note" in out  # the note and the date are the file's
    assert "Someone else" not in out and "Their section" not in out
    # A story the library does not hold keeps what the file says of it.
    assert "  Not here (missing)  · Gone" in out
    code, out, _ = run(capsys, "bookmarks", "--json")
    [real] = [b for b in json.loads(out) if b["article_id"] == story.id]
    assert (real["source"], real["url"]) == ("teslarati", story.url)


def test_a_control_character_in_an_imported_file_is_said_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = import_file(tmp_path, b'{"version": 1, "bookmarks": [{"article_id": "a\x01"}]}')
    code, out, err = run(capsys, "bookmarks", "import", str(path))
    assert code == 2 and out == ""
    assert err.endswith("it is not valid JSON (Invalid control character at line 1)\n"), err


def test_an_imported_note_fills_an_empty_one_and_a_different_one_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    noted, bare = seed_bookmarks(tmp_path / "data")  # the first has a note, the second none
    path = import_file(
        tmp_path,
        [
            {"article_id": bare, "note": "imported note"},
            {"article_id": noted, "note": "their note"},
            {"article_id": "a1", "title": "New one"},
        ],
    )
    code, out, err = run(capsys, "bookmarks", "import", str(path))
    assert (code, err) == (0, "")
    assert out == f"1 bookmark added, 1 note added, 3 in all\n1 note kept as it was: {noted}\n"
    code, out, _ = run(capsys, "bookmarks", "--json")
    notes = {b["article_id"]: b["note"] for b in json.loads(out)}
    assert notes == {bare: "imported note", noted: "first\nsecond line", "a1": ""}
    # Again: nothing new, the kept note still said.
    code, out, _ = run(capsys, "bookmarks", "import", str(path))
    assert out == f"0 bookmarks added, 3 in all\n1 note kept as it was: {noted}\n"
