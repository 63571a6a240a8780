"""A folder of Markdown files (``*.md``, searched recursively) as articles.

Each file is one story:

* front matter, optional: a block between ``---`` lines at the very top,
  read as ``key: value`` lines (quotes around a value are dropped; lists,
  nesting and everything else YAML can do are ignored, so nothing in a file
  can run code or blow up). Keys used: title, section, date, url, author,
  and summary (or description) for the standfirst;
* title: front matter, else the first ``# `` heading (taken out of the body so
  it is not shown twice), else the file name without ``.md``;
* section: front matter, else the name of the folder holding the file, else
  (for files at the top) the folder's own name; a file given on its own
  (`news FILE.md`) is in ``FILES_SECTION``: the folder it happens to sit in
  (``/tmp``, ``Downloads``) says nothing about it;
* published: a ``date`` of ``2026-06-21`` stays a date; a date and time
  becomes ISO 8601 in UTC (a time without a zone is taken as UTC);
* url: kept only if http or https;
* id: ``model.file_story_id`` of where the file is (its folder's real
  path and its name), the same read on its own or in a folder, so a
  bookmark made in one finds the story in the other; an edited title keeps
  it. Ids before were ``article_id(section, title, salt)``, salted with the
  path inside the folder (a file on its own: its whole path), so the two
  differed: ``legacy_ids`` gives those, for `reader.identity` to carry marks.

Hidden files and folders (``.git``, ``.obsidian``) are skipped, symbolic links
to folders are not followed (no loops, nothing outside the folder), a file
that resolves outside the folder (``notes/x.md -> ~/.ssh/id_rsa``) is skipped
with a warning naming it, and so is anything but a regular file (a FIFO, a
link to ``/dev/zero``) and a file over ``MAX_FILE_BYTES`` (counted as it is
read: a device says it is 0 bytes long). A file that is not UTF-8 is read
with replacement characters and a warning naming it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

from reader.markdown.plain import paragraphs
from reader.model import Article, ToBlocks, article_id, file_story_id, make_article
from reader.sanitize import clean, clean_line
from reader.sources.local import LocalFileError, decode_text, open_local, read_local
from reader.urls import web_url

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FRONT_MATTER_LINES = 200
SUFFIXES = (".md", ".markdown")
FILES_SECTION = "Files"

_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_H1 = re.compile(r"^ {0,3}#[ \t]+(.*\S)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class MarkdownDirError(Exception):
    """A folder that cannot be read at all; the message names it."""


class MarkdownDirResult(NamedTuple):
    """The stories read, and what could not be (a NamedTuple, as
    `render.Palette`: not a dataclass compiled at every start of `news FILE.md`)."""

    articles: list[Article]
    warnings: list[str]
    # Each file read or left as it was, by its path inside the folder: its
    # size and modification time ("123:1780000000000000000").
    stamps: dict[str, str] = {}  # never changed: shared


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """The front matter's ``key: value`` pairs (keys lower-cased) and the body.

    Text without a closed front-matter block at its top is all body.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 1)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, text
    values: dict[str, str] = {}
    for line in lines[1:end]:
        match = _FRONT_KEY.match(line)
        if not match:
            continue  # a list item, a comment, a continuation: not for us
        key, value = match.group(1).lower(), match.group(2).strip()
        if value.startswith("#"):
            value = ""
        elif len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values.setdefault(key, clean_line(value))
    return values, "\n".join(lines[end + 1 :])


def _title_from_heading(body: str) -> tuple[str, str]:
    """The first level-one ATX heading outside code, and the body without it."""
    lines = body.split("\n")
    in_fence = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if title := _h1_title(line):
            return title, "\n".join(lines[:number] + lines[number + 1 :])
    return "", body


def _without_heading(body: str, title: str) -> str:
    """The body without its first line when that is the title again, as a
    ``# `` heading: front matter and the heading both name the story (a
    static site's page often does), and the reader shows its title once."""
    lines = body.split("\n")
    first = next((n for n, line in enumerate(lines) if line.strip()), 0)
    if _h1_title(lines[first]).casefold() == title.casefold():
        return "\n".join(lines[:first] + lines[first + 1 :])
    return body


def _h1_title(line: str) -> str:
    """A level-one ATX heading's text, cleaned; "" for any other line."""
    match = _H1.match(line)
    return clean_line(_heading_text(match.group(1))) if match else ""


def _heading_text(text: str) -> str:
    """A heading without its closing ``#``s. Found from the end, as one pattern
    with a lazy group and optional tail was quadratic on a long line of spaces."""
    hashes = text.rstrip("#")
    if hashes != text and hashes.endswith((" ", "\t")):
        return hashes.rstrip(" \t")
    return text


def _published(value: str) -> str | None:
    """ISO 8601 for a front-matter date, "" for none, None if unreadable."""
    if not value:
        return ""
    if _DATE_ONLY.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_markdown_file(
    text: str,
    relative: Path,
    folder_name: str,
    source: str,
    *,
    to_blocks: ToBlocks = paragraphs,
    warnings: list[str] | None = None,
    place: str = "",
) -> Article:
    """One story from a file's text; ``relative`` is its path inside the
    folder, ``place`` where the file is (`file_place`), its id."""
    warnings = [] if warnings is None else warnings
    meta, body = front_matter(text)
    title = meta.get("title", "")
    if not title:
        title, body = _title_from_heading(body)
    else:
        body = _without_heading(body, title)
    title = title or clean_line(relative.stem) or "Untitled"
    parent = relative.parent.name
    section = meta.get("section") or clean_line(parent) or clean_line(folder_name) or "Notes"
    published = _published(meta.get("date", ""))
    if published is None:
        warnings.append(f"{source}: date not understood: {meta['date'][:40]}")
        published = ""
    return make_article(
        section,
        title,
        to_blocks(clean(body).strip()),
        source,
        standfirst=meta.get("summary") or meta.get("description", ""),
        url=web_url(meta.get("url", "")),
        author=meta.get("author", ""),
        published=published,
        id=file_story_id(place or relative.as_posix()),
    )


def _markdown_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found.extend(
            Path(folder, name)
            for name in files
            if not name.startswith(".") and name.lower().endswith(SUFFIXES)
        )
    return sorted(found)


def read_markdown_dir(
    root: Path, *, to_blocks: ToBlocks = paragraphs, stamps: Mapping[str, str] | None = None
) -> MarkdownDirResult:
    """Every Markdown file under ``root`` as an article, in path order; but
    for one whose size and modification time are as in ``stamps`` (the
    result's, from a read before): it is not read again."""
    if not root.exists():
        raise MarkdownDirError(f"{root}: no such folder")
    if not root.is_dir():
        raise MarkdownDirError(f"{root}: not a folder")
    folder_name = root.resolve().name
    articles: list[Article] = []
    warnings: list[str] = []
    read: dict[str, str] = {}
    known = stamps or {}
    inside = root.resolve()
    for path in _markdown_files(root):
        relative = path.relative_to(root)
        try:
            resolved = path.resolve()
            if not resolved.is_relative_to(inside):
                warnings.append(f"{path}: skipped, a link to a file outside the folder")
                continue
            with open_local(resolved, MAX_FILE_BYTES) as handle:
                # Once it opened, before it is read: a file changed meanwhile
                # is read again next time.
                stamp = _stamp(resolved.stat())
                if known.get(relative.as_posix()) == stamp:
                    read[relative.as_posix()] = stamp
                    continue
                raw = handle.read()
        except LocalFileError as exc:
            warnings.append(f"{exc}; skipped")
            continue
        except (OSError, RuntimeError) as exc:  # a link loop, a name too long
            warnings.append(f"{path}: skipped, cannot resolve: {exc}")
            continue
        place = (inside / relative).as_posix()
        articles.append(
            _parse_bytes(raw, path, relative, folder_name, to_blocks, warnings, place=place)
        )
        read[relative.as_posix()] = stamp
    if not read:
        warnings.append(f"{root}: no Markdown files found")
    return MarkdownDirResult(articles, warnings, read)


def _stamp(info: os.stat_result) -> str:
    """A file's size and modification time: changed, it is read again."""
    return f"{info.st_size}:{info.st_mtime_ns}"


def read_markdown_file(path: Path, *, to_blocks: ToBlocks = paragraphs) -> MarkdownDirResult:
    """One Markdown file as a story (`news FILE.md`), in the section its front
    matter names, else ``FILES_SECTION``; its id is where it is, as it is in a
    folder the library holds. A file that cannot be read raises `LocalFileError`."""
    raw = read_local(path, MAX_FILE_BYTES)
    warnings: list[str] = []
    article = _parse_bytes(
        raw, path, Path(path.name), FILES_SECTION, to_blocks, warnings, place=file_place(path)
    )
    return MarkdownDirResult([article], warnings)


def file_place(path: Path) -> str:
    """Where a file is, as its story's id has it: its folder's real path (a
    folder reached through a link is the folder linked to) and its own name,
    as `read_markdown_dir` finds it inside a folder."""
    return (path.parent.resolve() / path.name).as_posix()


def _parse_bytes(
    raw: bytes,
    path: Path,
    relative: Path,
    folder_name: str,
    to_blocks: ToBlocks,
    warnings: list[str],
    *,
    place: str,
) -> Article:
    text = _text_of(raw, path, warnings)
    return parse_markdown_file(
        text, relative, folder_name, str(path), to_blocks=to_blocks, warnings=warnings, place=place
    )


def _text_of(raw: bytes, path: Path, warnings: list[str]) -> str:
    text, decoding = decode_text(raw, str(path))
    warnings.extend(decoding)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def legacy_alone_id(story: Article) -> str:
    """The id `news FILE.md` gave a file's story before ids were places: its
    section and title (the same then as now) salted with the file's real path."""
    return article_id(story.section, story.title, Path(story.source).resolve().as_posix())


def legacy_ids(root: Path) -> dict[str, str]:
    """For each Markdown file under ``root``, the ids its story had before ids
    were the file's place (in this folder in the library, and read on its
    own with `news FILE.md`), each with its id now: what `reader.identity`
    moves bookmarks and reading state by. A file that cannot be read is left
    out; its marks stay where they are."""
    moves: dict[str, str] = {}
    inside = root.resolve()
    for path in _markdown_files(root):
        try:
            if not path.resolve().is_relative_to(inside):
                continue  # skipped by `read_markdown_dir` too
            raw = read_local(path, MAX_FILE_BYTES)
        except (LocalFileError, OSError, RuntimeError):
            continue
        relative = path.relative_to(root)
        meta, body = front_matter(_text_of(raw, path, []))
        title = meta.get("title", "") or _title_from_heading(body)[0]
        title = title or clean_line(relative.stem) or "Untitled"
        section = (
            meta.get("section") or clean_line(relative.parent.name) or clean_line(inside.name)
        ) or "Notes"
        now = file_story_id((inside / relative).as_posix())
        moves[article_id(section, title, relative.as_posix())] = now
        alone = meta.get("section") or FILES_SECTION
        moves[article_id(alone, title, path.resolve().as_posix())] = now
    return moves
