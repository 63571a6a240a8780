"""A Markdown file is one story with one id: read on its own (`news FILE.md`)
or in a folder the library holds (`news add FOLDER`). Marks made before, on
either of the ids the two gave it then, follow it to that one id.

Done through the command line, as a person would; the marks are put where
the reader puts them (bookmarks.json and state.json, through their stores).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.bookmarks import Bookmarks
from reader.cli import main
from reader.library.articles import Library
from reader.model import article_id, make_article
from reader.state import ReadingState
from reader.triage.hidden import Hidden


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "md"
    (folder / "trips").mkdir(parents=True)
    (folder / "plain.md").write_text("# Plain\n\nhello world\n", encoding="utf-8")
    (folder / "trips" / "alps.md").write_text(
        "---\ntitle: Over the Alps\nsection: Travel\n---\nWe walked.\n", encoding="utf-8"
    )
    return folder


def listed_ids(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, str]:
    """`news list --json ...`: each title's id."""
    assert main(["list", "--json", *args]) == 0
    return {s["title"]: s["id"] for s in json.loads(capsys.readouterr().out)}


def test_a_file_has_the_same_id_read_alone_and_in_the_library(
    notes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = {
        **listed_ids(capsys, str(notes / "plain.md")),
        **listed_ids(capsys, str(notes / "trips" / "alps.md")),
    }
    assert main(["add", str(notes)]) == 0
    capsys.readouterr()
    stored = listed_ids(capsys)
    assert stored["Plain"] == alone["Plain"]
    assert stored["Over the Alps"] == alone["Over the Alps"]
    # Through a link to its folder, the file is still where it is.
    (notes.parent / "link").symlink_to(notes, target_is_directory=True)
    assert listed_ids(capsys, str(notes.parent / "link" / "plain.md"))["Plain"] == alone["Plain"]


def test_an_edited_title_keeps_the_files_id(
    notes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = listed_ids(capsys, str(notes / "plain.md"))["Plain"]
    (notes / "plain.md").write_text("# Plain, edited\n\nhello world\n", encoding="utf-8")
    assert listed_ids(capsys, str(notes / "plain.md"))["Plain, edited"] == before


def test_marks_made_on_the_ids_files_had_before_follow_them(
    notes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A library stored by an earlier version: the folder's stories under the
    # ids it gave them (section, title, path inside the folder).
    library_path = tmp_path / "library.sqlite"
    library = Library.open(library_path)
    source = library.add_source("markdown", str(notes), title="md")
    old_plain = article_id("md", "Plain", "plain.md")
    old_alps = article_id("Travel", "Over the Alps", "trips/alps.md")
    library.upsert_articles(
        source,
        [
            make_article("md", "Plain", [], str(notes / "plain.md"), id=old_plain),
            make_article("Travel", "Over the Alps", [], str(notes / "trips/alps.md"), id=old_alps),
        ],
    )
    library.close()
    # A bookmark made in the library; another, and a read mark, made with
    # `news FILE.md` (the file's whole path in its id, the section "Files").
    where = notes.resolve()
    alone_plain = article_id("Files", "Plain", (where / "plain.md").as_posix())
    alone_alps = article_id("Travel", "Over the Alps", (where / "trips/alps.md").as_posix())
    bookmarks = Bookmarks()
    bookmarks.load()
    bookmarks.add(make_article("md", "Plain", [], "", id=old_plain))
    bookmarks.add(make_article("Travel", "Over the Alps", [], "", id=alone_alps))
    state = ReadingState()
    state.load()
    state.mark_read(alone_plain, True)
    # And a story a hide rule hid (`news rules apply`), in the library.
    hidden = Hidden()
    hidden.load()
    hidden.hide([old_alps], "No alps")

    now = listed_ids(capsys, str(notes / "plain.md"), str(notes / "trips" / "alps.md"))
    assert main(["bookmarks", "--json", "--library", str(library_path)]) == 0
    marks = {b["article_id"]: b["missing"] for b in json.loads(capsys.readouterr().out)}
    assert marks == {now["Plain"]: False, now["Over the Alps"]: False}
    stored = listed_ids(capsys, "--library", str(library_path))
    assert stored["Plain"] == now["Plain"]
    assert "Over the Alps" not in stored  # still hidden, under its id now
    hidden.load()
    assert (hidden.ids(), hidden.rule_of(now["Over the Alps"])) == (
        {now["Over the Alps"]},
        "No alps",
    )
    state.load()
    assert state.read_ids() >= {now["Plain"]}
    # Once: opening the library again moves nothing more.
    assert main(["bookmarks", "--json", "--library", str(library_path)]) == 0
    assert {b["article_id"] for b in json.loads(capsys.readouterr().out)} == set(now.values())
