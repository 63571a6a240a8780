"""`news bookmarks`: list, export and import bookmarks outside the reader.

Everything printed comes from the bookmarks file, which may have come from
someone else; the store cleans it as it is read, and it is printed as `Text`,
never as markup. A bookmark whose story no source holds any more is marked
"missing", as the reader marks it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.common import (
    UserError,
    apply_paths,
    console,
    open_catalog,
    parser,
    print_json,
    print_row,
)
from reader.config import Config
from reader.sanitize import clean
from reader.wording import counted

if TYPE_CHECKING:
    from reader.bookmarks import Bookmark, Bookmarks, Imported

MISSING = "missing"


def cmd_bookmarks(argv: list[str], config: Config) -> int:
    from reader.bookmarks import Bookmarks

    p = parser("news bookmarks", "List, export or import bookmarks.")
    p.add_argument("--json", action="store_true", help="the list as JSON")
    sub = p.add_subparsers(dest="action")
    export = sub.add_parser("export", help="write all bookmarks to standard output")
    export.add_argument("--format", choices=["markdown", "json"], default="markdown")
    imported = sub.add_parser(
        "import", help="merge bookmarks from a JSON export or --json list (no duplicates)"
    )
    imported.add_argument("file", type=Path)
    args = p.parse_args(argv)
    apply_paths(args)
    store = Bookmarks()
    store.load()
    if store.problem:
        print(f"news: warning: {clean(store.problem)}", file=sys.stderr)
    if args.action == "export":
        out = store.export_json() if args.format == "json" else store.export_markdown()
        sys.stdout.write(out)
        return 0
    if args.action == "import":
        done = _import(store, args.file, config)
        noted = f", {counted(len(done.noted), 'note')} added" if done.noted else ""
        print(f"{counted(done.added, 'bookmark')} added{noted}, {len(store)} in all")
        if done.kept:
            print(f"{counted(len(done.kept), 'note')} kept as it was: {_ids(done.kept)}")
        return 0
    missing = _missing(store, config)
    marks = store.all()
    if args.json:
        print_json([{**b.to_json(), MISSING: b.article_id in missing} for b in marks])
        return 0
    _print(marks, missing)
    return 0


def _ids(ids: Sequence[str], shown: int = 10) -> str:
    """Ids to name in a line: the first `shown`, then how many more."""
    more = f", and {len(ids) - shown:,} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def _import(store: Bookmarks, path: Path, config: Config) -> Imported:
    """Import, a story the library holds keeping its own title, section,
    source and link (`Bookmarks.import_file`), a synced one queued to be
    starred on its server as `b` in the reader queues it. Without a library
    (one that cannot be opened is named) the file's are kept."""
    from dataclasses import replace

    from reader.catalog import LibraryCatalog

    try:
        catalog = open_catalog([], config)
    except UserError as exc:
        print(f"news: warning: {clean(str(exc))}", file=sys.stderr)
        return store.import_file(path)

    def known(bookmark: Bookmark) -> Bookmark:
        article = catalog.article(bookmark.article_id)
        if article is None:
            return bookmark
        return replace(
            bookmark,
            title=article.title,
            section=article.section,
            source=catalog.origin(article.id).source,
            url=article.url,
        )

    queue = catalog.library.queue_changes if isinstance(catalog, LibraryCatalog) else None
    try:
        return store.import_file(path, known, queue)
    finally:
        catalog.close()


def _missing(store: Bookmarks, config: Config) -> set[str]:
    """The ids of bookmarked stories the library no longer holds. A library
    that cannot be opened is named, and then nothing is called missing.
    Opening it may move bookmarks to stories' new ids (`reader.identity`),
    so the store is read again after."""
    if not len(store):
        return set()
    try:
        catalog = open_catalog([], config)
    except UserError as exc:
        print(f"news: warning: {clean(str(exc))}", file=sys.stderr)
        return set()
    try:
        store.load()
        return {b.article_id for b in store.all() if not catalog.has(b.article_id)}
    finally:
        catalog.close()


def _print(marks: Sequence[Bookmark], missing: set[str]) -> None:
    from rich.text import Text

    out = console()
    if not marks:
        out.print("No bookmarks yet: press b on a story in the reader.")
    for b in marks:
        line = Text(f"{b.added[:10]}  {b.article_id}  ", style="dim")
        line.append(b.title or b.article_id)
        if b.article_id in missing:  # after the title, as the reader's sidebar says it
            line.append(f" ({MISSING})", style="italic")
        if b.section:
            line.append(f"  · {b.section}", style="dim")
        print_row(out, line)
        for note_line in b.note.splitlines():
            print_row(out, Text(f"    {note_line}", style="italic"))
