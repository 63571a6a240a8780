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


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Image &amp; Feed</title>
  <id>urn:x</id>
  <updated>2026-11-29T10:00:00Z</updated>
  <entry>
    <title>Atom story</title>
    <id>urn:x:1</id>
    <updated>2026-11-29T10:00:00Z</updated>
    <content type="html">&lt;p&gt;An &lt;b&gt;Atom&lt;/b&gt; body.\x1b[31m&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_a_feed_file_is_read_as_its_stories_as_news_add_reads_it(
    capsys: pytest.CaptureFixture[str], write_dump: Callable[..., Path]
) -> None:
    feed = write_dump(ATOM, "img.atom")
    code, out, err = run(capsys, "list", str(feed))
    assert (code, err) == (0, "")
    assert out.splitlines() == ["Image & Feed", out.splitlines()[1]]
    story_id, title = out.splitlines()[1].split()[0], out.splitlines()[1].split("  ")[-1]
    assert title == "Atom story"
    code, out, _ = run(capsys, "show", story_id, str(feed))
    assert code == 0 and "An Atom body." in out and "\x1b" not in out
    page = write_dump("<!doctype html><html><body>x</body></html>", "page.txt")
    code, out, err = run(capsys, "list", str(page))
    assert (code, out) == (2, "") and "HTML page, not a feed" in err
