"""A folder of Markdown notes read as stories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.model import Block, BlockKind, file_story_id
from reader.sources.markdown_dir import (
    MarkdownDirError,
    front_matter,
    read_markdown_dir,
)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    root = tmp_path / "My Notes"
    (root / "Space" / "Rockets").mkdir(parents=True)
    (root / ".obsidian").mkdir()
    (root / "Space" / "starship.md").write_text(
        "---\n"
        'title: "Starship: flight nine"\n'
        "section: Launches\n"
        "date: 2026-06-21T08:15:00-04:00\n"
        "url: https://orbit.example.net/starship\n"
        "author: Sam Lee\n"
        "summary: 'The ninth flight, in short.'\n"
        "tags:\n"
        "  - space\n"
        "---\n"
        "# Not the title\n\n"
        "The rocket flew.\n\n"
        "It landed.\n",
        encoding="utf-8",
    )
    (root / "Space" / "Rockets" / "engines.md").write_text(
        "Intro line before the heading.\n\n# Raptor engines\n\nThirty-three of them.\n",
        encoding="utf-8",
    )
    (root / "inbox.md").write_text("Just a thought.\n", encoding="utf-8")
    (root / "dated.md").write_text(
        "---\ndate: 2026-06-01\nurl: javascript:alert(1)\n---\nBody.\n", encoding="utf-8"
    )
    (root / "code.md").write_text(
        "```\n# not a heading\n```\n\n# Real heading\n\ntext\n", encoding="utf-8"
    )
    (root / ".obsidian" / "hidden.md").write_text("# Hidden\n", encoding="utf-8")
    (root / "notes.txt").write_text("# Not markdown\n", encoding="utf-8")
    return root


def test_titles_sections_and_metadata(notes: Path) -> None:
    result = read_markdown_dir(notes)
    assert result.warnings == []
    articles = {a.title: a for a in result.articles}
    assert set(articles) == {
        "Starship: flight nine",
        "Raptor engines",
        "inbox",
        "dated",
        "Real heading",
    }
    starship = articles["Starship: flight nine"]
    assert starship.section == "Launches"
    assert starship.published == "2026-06-21T12:15:00Z"
    assert starship.url == "https://orbit.example.net/starship"
    assert starship.author == "Sam Lee"
    assert starship.standfirst == "The ninth flight, in short."
    assert [b.text for b in starship.blocks] == [
        "# Not the title",
        "The rocket flew.",
        "It landed.",
    ]
    assert starship.source == str(notes / "Space" / "starship.md")
    # Its id is where the file is, as `news FILE.md` gives it (test_file_identity).
    assert starship.id == file_story_id((notes.resolve() / "Space" / "starship.md").as_posix())

    engines = articles["Raptor engines"]
    assert engines.section == "Rockets"  # the folder holding the file
    # the heading that became the title is not repeated in the body
    assert [b.text for b in engines.blocks] == [
        "Intro line before the heading.",
        "Thirty-three of them.",
    ]
    assert articles["inbox"].section == "My Notes"  # top level: the folder's own name
    assert articles["dated"].published == "2026-06-01"
    assert articles["dated"].url == ""  # only http(s)
    assert [b.text for b in articles["Real heading"].blocks] == ["``` # not a heading ```", "text"]


def test_ids_are_stable(notes: Path) -> None:
    first = [a.id for a in read_markdown_dir(notes).articles]
    assert first == [a.id for a in read_markdown_dir(notes).articles]
    assert len(set(first)) == len(first)


def test_to_blocks_is_used(notes: Path) -> None:
    seen: list[str] = []

    def to_blocks(markdown: str) -> list[Block]:
        seen.append(markdown)
        return [Block(BlockKind.CODE, markdown)]

    articles = read_markdown_dir(notes, to_blocks=to_blocks).articles
    assert "Just a thought." in seen
    assert all(a.blocks[0].kind is BlockKind.CODE for a in articles)


def test_hostile_text_is_sanitized(tmp_path: Path) -> None:
    (tmp_path / "evil.md").write_bytes(
        b"---\ntitle: Evil \x1b]0;pwned\x07title \xe2\x80\xae here\nsection: \x1b[2JS\n---\n"
        b"Body \x1b[31mred\x1b[0m and \xe2\x80\xaebidi.\n"
    )
    (article,) = read_markdown_dir(tmp_path).articles
    assert article.title == "Evil title here"
    assert article.section == "S"
    assert article.blocks[0].text == "Body red and bidi."


def test_bad_utf8_and_bad_date_warn(tmp_path: Path) -> None:
    (tmp_path / "latin.md").write_bytes(b"# Caf\xe9\n\nText.\n")
    (tmp_path / "when.md").write_text("---\ndate: next Tuesday\n---\nText.\n", encoding="utf-8")
    result = read_markdown_dir(tmp_path)
    assert {a.title for a in result.articles} == {"Caf�", "when"}
    assert len(result.warnings) == 2
    assert "latin.md: not valid UTF-8" in result.warnings[0]
    assert "when.md: date not understood: next Tuesday" in result.warnings[1]


def test_front_matter_rules() -> None:
    assert front_matter("no front matter") == ({}, "no front matter")
    assert front_matter("---\ntitle: unclosed\nbody") == ({}, "---\ntitle: unclosed\nbody")
    meta, rest = front_matter("---\nTitle: A: B\nempty:\nnote: # comment\n- item\n...\nbody")
    assert meta == {"title": "A: B", "empty": "", "note": ""}
    assert rest == "body"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.md").write_text("# A\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n", encoding="utf-8")
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    assert [a.title for a in read_markdown_dir(root).articles] == ["A"]


def test_missing_and_wrong_folder(tmp_path: Path) -> None:
    with pytest.raises(MarkdownDirError, match="no such folder"):
        read_markdown_dir(tmp_path / "nope")
    (tmp_path / "file.md").write_text("x", encoding="utf-8")
    with pytest.raises(MarkdownDirError, match="not a folder"):
        read_markdown_dir(tmp_path / "file.md")


def test_empty_folder_warns(tmp_path: Path) -> None:
    result = read_markdown_dir(tmp_path)
    assert result.articles == []
    assert result.warnings == [f"{tmp_path}: no Markdown files found"]


def test_a_heading_that_repeats_the_front_matters_title_is_shown_once(tmp_path: Path) -> None:
    (tmp_path / "voyage.md").write_text(
        "---\ntitle: The Long Voyage\n---\n\n# The long voyage\n\n"
        "We sailed.\n\n# The Long Voyage\n",
        encoding="utf-8",
    )
    [story] = read_markdown_dir(tmp_path).articles
    assert story.title == "The Long Voyage"
    # The first line only: the same heading further down is the writer's own.
    assert [b.text for b in story.blocks] == ["We sailed.", "# The Long Voyage"]


def test_a_folder_read_again_reads_only_the_files_that_changed(notes: Path) -> None:
    first = read_markdown_dir(notes)
    assert len(first.stamps) == len(first.articles) == 5
    assert read_markdown_dir(notes, stamps=first.stamps).articles == []
    inbox = notes / "inbox.md"
    inbox.write_text("Just a longer thought.\n", encoding="utf-8")
    (notes / "new.md").write_text("# Fresh\n", encoding="utf-8")
    again = read_markdown_dir(notes, stamps=first.stamps)
    assert sorted(a.title for a in again.articles) == ["Fresh", "inbox"]
    assert set(again.stamps) == set(first.stamps) | {"new.md"}
    # The same size, a new time: read again too.
    os.utime(inbox, ns=(0, inbox.stat().st_mtime_ns + 1_000_000))
    assert [a.title for a in read_markdown_dir(notes, stamps=again.stamps).articles] == ["inbox"]
