"""Hostile local sources, met through the command line: lines built to make a
pattern backtrack, files that never end, files that are not files, feeds whose
items are not what a feed promises, and databases that are not a library."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.cli import main
from reader.sources import dump

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


def test_a_dump_with_megabyte_lines_lists_at_once(capsys, write_dump) -> None:
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


def test_a_feed_and_a_markdown_file_with_megabyte_lines_add_at_once(capsys, tmp_path: Path) -> None:
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
