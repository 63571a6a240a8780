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
    assert (story["section"], story["title"]) == ("notes", "The trip north")
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
