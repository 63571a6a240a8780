"""`news FILE.md`: one Markdown file read as one story, as Frogmouth opens one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_markdown_file_is_one_story_read_as_markdown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    path = notes / "trip.md"
    path.write_text(
        "# The trip north\n\nWe left at *dawn*.\n\n## Day two\n\n- rain\n- [a map](https://example.com/map)\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "list", "--json", str(path))
    assert code == 0
    [story] = json.loads(out)
    # Filed as a file, not under whatever folder it happens to sit in.
    assert (story["section"], story["title"]) == ("Files", "The trip north")
    code, out, _ = run(capsys, "show", story["id"], str(path))
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert "We left at dawn." in lines  # the emphasis is markup, not text
    assert "Day two" in lines
    assert "• rain" in lines
    assert any(line.startswith("• a map") for line in lines)


def test_a_missing_markdown_file_is_named_with_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "list", str(tmp_path / "gone.md"))
    assert (code, out) == (2, "")
    assert "gone.md" in err and "no such file" in err


def test_two_files_of_one_name_in_two_folders_are_two_stories(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    paths = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        paths.append(tmp_path / folder / "notes.md")
        paths[-1].write_text(f"# Notes\n\nFrom {folder}.\n", encoding="utf-8")
    code, out, _ = run(capsys, "list", "--json", *map(str, paths))
    assert code == 0
    assert len({story["id"] for story in json.loads(out)}) == 2


def test_front_matter_names_a_files_section(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "x" / "long.md"
    path.parent.mkdir()
    path.write_text("---\nsection: Travel\n---\n# The long road\n\nOn.\n", encoding="utf-8")
    _, out, _ = run(capsys, "list", str(path))
    assert out.splitlines()[0] == "Travel"
