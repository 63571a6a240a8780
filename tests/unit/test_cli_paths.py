"""`news PATH ...` and `news list/show/search PATH ...`: what the files given make."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli.common import open_catalog
from reader.config import Config


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_story_given_twice_is_listed_once_where_first_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write_dump: Callable[..., Path]
) -> None:
    folder = tmp_path / "DIR"
    folder.mkdir()
    one = folder / "one.md"
    one.write_text("# One\n\nSome body text here.\n", encoding="utf-8")
    code, out, _ = run(capsys, "list", str(one), str(folder))
    assert code == 0
    assert [line.split("  ")[-1] for line in out.splitlines()] == ["Files", "One"]
    world = write_dump("World\nA quiet day abroad\nNothing happened. Truly.\n", "world.txt")
    code, out, _ = run(capsys, "list", str(world), str(world))
    assert out.splitlines()[0] == "World" and len(out.splitlines()) == 2
    code, out, _ = run(capsys, "search", "quiet", str(world), str(world))
    assert code == 0 and out.count("A quiet day abroad") == 1
    # The reader's sidebar: one row, the long file read as its head first.
    catalog = open_catalog([str(one), str(one), str(folder)], Config(), [], heads=True)
    [(section, rows)] = catalog.sections()
    assert (section, [row.title for row in rows]) == ("Files", ["One"])
