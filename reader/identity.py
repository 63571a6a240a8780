"""Marks follow a story whose id a library migration changed.

Version 5 of the library schema gave feed stories new ids (see
`library.schema._v5_feed_identity`) and kept each old id with its new one. The
marks a person made live outside the library, in the data directory's
`bookmarks.json`, `state.json` and `hidden.json`, keyed on story ids;
`carry_marks` moves each one kept on an old id to the new id. It goes through
the stores' own atomic writes (`atomic.Document`: lock, re-read, replay,
temporary file, rename), bookmarks first, reading state next, hidden stories
last, and notes in the library that this data directory is done only when all
are saved. So a crash
anywhere leaves every mark on its old id or its new one, and the next start
does what is left; running it again moves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from reader.bookmarks import Bookmarks
from reader.model import Article, utc_now
from reader.state import ReadingState
from reader.triage.hidden import Hidden

if TYPE_CHECKING:  # not imported reading files (`news FILE.md`), which open no library
    from reader.library.articles import Library

__all__ = ["carry_file_ids", "carry_file_marks", "carry_marks"]

_DONE = "marks-moved:"  # meta key prefix, one per data directory (its resolved path)
# Set when ids moved again after version 5's (`carry_file_ids`): a data
# directory done before is done again, with this in its key.
_MOVED_AGAIN = "ids-moved-again"
_FILE_IDS = "file-ids"  # set once the Markdown stories have their places as ids


def carry_marks(
    library: Library,
    bookmarks: Bookmarks | None = None,
    state: ReadingState | None = None,
    hidden: Hidden | None = None,
) -> int:
    """Move bookmarks, reading state and the stories a rule hid kept on old ids
    to the new ones; how many ids moved. Costs one query for a library no
    migration changed. Raises `atomic.StoreError` when a file cannot be saved
    (nothing is lost: the next start tries again)."""
    if not library.has_moved_ids():
        return 0
    bookmarks = bookmarks if bookmarks is not None else Bookmarks()
    state = state if state is not None else ReadingState()
    hidden = hidden if hidden is not None else Hidden()
    again = library.meta(_MOVED_AGAIN)
    done = _DONE + (f"{again}:" if again else "") + str(state.path.parent.resolve())
    if library.meta(done) is not None:
        return 0
    bookmarks.load()
    state.load()
    hidden.load()
    ids = {b.article_id for b in bookmarks.all()} | state.story_ids() | hidden.ids()
    moves = library.moved_ids(ids)
    moved = bookmarks.rekey(moves) + state.rekey(moves) + hidden.rekey(moves)
    if bookmarks.problem is None and state.problem is None and hidden.problem is None:
        # A file that could not be read keeps its old ids until it can be.
        library.set_meta(done, utc_now())
    return moved


def carry_file_ids(library: Library) -> int:
    """Give the Markdown stories stored before a file's story took its place as
    its id (`model.file_story_id`: the same in the library and with `news
    FILE.md`) their new ids, keeping each old one, and the one `news FILE.md`
    gave the file then, in id_moves for `carry_marks`. Once a library, each
    folder read again (a folder gone keeps its stories' ids); one query from
    then on. How many stories moved."""
    if library.meta(_FILE_IDS) is not None:
        return 0
    from pathlib import Path

    from reader.sources.markdown_dir import legacy_ids

    moved = 0
    for source in library.sources():
        if source.kind == "markdown" and Path(source.location).is_dir():
            found = legacy_ids(Path(source.location))
            if moves := {old: new for old, new in found.items() if old != new}:
                moved += library.move_ids(source.id, moves)
                library.set_meta(_MOVED_AGAIN, utc_now())
    library.set_meta(_FILE_IDS, utc_now())
    return moved


def carry_file_marks(stories: Iterable[Article], bookmarks: Bookmarks, state: ReadingState) -> int:
    """`news FILE.md`: bookmarks and reading state kept on the id a file's
    story had read this way before ids were places move to its id now, for
    files no folder in the library holds (`carry_file_ids` does the others).
    In memory first (no second read of the files): written only when a mark
    is there to move, once. How many ids moved; raises `atomic.StoreError`."""
    from reader.sources.markdown_dir import SUFFIXES, legacy_alone_id

    moves = {
        old: story.id
        for story in stories
        if story.source.lower().endswith(SUFFIXES) and (old := legacy_alone_id(story)) != story.id
    }
    found = {
        old: new
        for old, new in moves.items()
        if old in bookmarks
        or state.is_read(old)
        or state.place(old) is not None
        or state.position(old)
        or old in state.recent
    }
    return bookmarks.rekey(found) + state.rekey(found) if found else 0
