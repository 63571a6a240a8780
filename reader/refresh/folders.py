"""A Markdown folder in the library read again: what is new, what changed.

One way to store a folder, for `news add FOLDER` and for a refresh (`news
refresh`, `r`, the timer), so the two cannot drift apart: the section the
library keeps for the folder (its ``--section``) applies to every story of
it, whichever of them reads it, until a new ``--section`` changes it.

Reading (the disk and the Markdown parser) needs no library, so a refresh
runs it on a thread of its own; storing is on the library's thread. A
refresh reads only the files whose size or modification time changed since
the last read: their stamps are kept in the source's ``last_modified`` (for a
feed file on disk, its own stamp), as one JSON object by path inside the
folder. A file taken out of the folder keeps its story, as adding the folder
again always did; a folder that is gone, or holds no Markdown file any more,
is a failed source with its reason, its stories kept.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from reader.library.articles import Library, Source
from reader.refresh.feeds import FeedOutcome
from reader.sources.markdown_dir import MarkdownDirError, MarkdownDirResult

__all__ = ["FolderError", "read_folder", "store_folder"]


class FolderError(Exception):
    """A folder that cannot be read at all, or holds no Markdown file; the
    message names it."""


def read_folder(source: Source, *, again: bool = False) -> MarkdownDirResult:
    """The folder's stories: with ``again``, every file; else only those
    changed since the stamps stored with the source. Touches no library, so
    any thread may call it. `FolderError` for a folder with nothing to read."""
    from reader.markdown import markdown_to_blocks
    from reader.sources.markdown_dir import read_markdown_dir

    folder = Path(source.location)
    try:
        result = read_markdown_dir(
            folder,
            to_blocks=markdown_to_blocks,
            stamps=None if again else _stamps(source.last_modified),
        )
    except MarkdownDirError as exc:
        raise FolderError(str(exc)) from None
    if not result.stamps:
        raise FolderError(f"{folder}: no Markdown files (*.md) in this folder")
    return result


def store_folder(library: Library, source: Source, result: MarkdownDirResult) -> FeedOutcome:
    """Store what `read_folder` read under the source, in its stored section if
    it has one, and keep the stamps for the next read. A source not in the
    library yet (``id`` 0: `news add` of a new folder) is added now, with its
    stories, so a folder that cannot be read leaves nothing behind."""
    source_id = source.id or library.add_source(
        "markdown", source.location, title=source.title, section_override=source.section_override
    )
    articles = result.articles
    if source.section_override:
        articles = [dataclasses.replace(a, section=source.section_override) for a in articles]
    known = library.known_ids(a.id for a in articles)
    changed = library.upsert_articles(source_id, articles)
    stamps = json.dumps(result.stamps, ensure_ascii=False, separators=(",", ":"))
    library.update_source(source_id, last_modified=stamps, last_error="")
    new_ids = tuple(a.id for a in articles if a.id not in known)
    return FeedOutcome(
        source_id,
        source.name,
        source.location,
        "new" if changed else "unchanged",
        stories=len(articles),
        new=len(new_ids),
        updated=max(changed - len(new_ids), 0),
        warnings=tuple(result.warnings),
        new_ids=new_ids,
        folder=True,
    )


def failed_folder(library: Library, source: Source, reason: str) -> FeedOutcome:
    """A folder that could not be read: the reason kept as its last error (its
    stories stay), and said as a feed's failure is."""
    library.update_source(source.id, last_error=reason)
    return FeedOutcome(
        source.id, source.name, source.location, "failed", reason=reason, folder=True
    )


def _stamps(stored: str) -> dict[str, str] | None:
    """The stamps kept by the last read; None (read every file) for none, or
    for what this module did not write (a library from before it)."""
    try:
        stamps = json.loads(stored) if stored.startswith("{") else None
    except ValueError:
        return None
    if not isinstance(stamps, dict):
        return None
    return {str(k): str(v) for k, v in stamps.items()}
