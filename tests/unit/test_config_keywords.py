"""Saving the followed keywords keeps the config as the person wrote it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from reader.config import load_config, save_keywords
from reader.highlight import Keyword

WRITTEN = """\
# my config
[dump]
sections = ["News"]

[highlight]
keywords = [
  "Tesla",  # the company
  { word = "Starfall", colour = "magenta" },
  { word = "Giga \\\\w+", regex = true, whole_word = true },
  "robo",
]
"""


def test_a_new_keyword_is_written_briefly(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_keywords([Keyword("Tesla"), Keyword("SpaceX", case_sensitive=True)], path)
    saved = tomllib.loads(path.read_text())["highlight"]["keywords"]
    # A plain string stays a plain string; no default flags spelled out.
    assert saved == ["Tesla", {"word": "SpaceX", "case_sensitive": True}]


def test_entries_kept_stay_as_written(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(WRITTEN)
    keywords = list(load_config(path).keywords)
    save_keywords([*keywords, Keyword("Musk")], path)
    assert path.read_text() == WRITTEN.replace('  "robo",\n', '  "robo",\n  "Musk",\n')
    save_keywords([*keywords[1:], Keyword("Musk")], path)  # Tesla removed
    text = path.read_text()
    assert "# the company" not in text and '"Tesla"' not in text
    for line in WRITTEN.splitlines()[7:10]:
        assert line in text  # "colour", and whole_word though it is the default
    assert text.startswith("# my config\n[dump]\n")
    assert load_config(path).keywords == (*keywords[1:], Keyword("Musk"))
