"""`news bookmarks`: list, export and import bookmarks outside the reader."""

from __future__ import annotations

import sys
from pathlib import Path

from reader.cli.common import apply_paths, console, parser, print_json, print_row
from reader.config import Config


def cmd_bookmarks(argv: list[str], config: Config) -> int:
    from reader.bookmarks import Bookmarks

    p = parser("news bookmarks", "List, export or import bookmarks.")
    p.add_argument("--json", action="store_true", help="the list as JSON")
    sub = p.add_subparsers(dest="action")
    export = sub.add_parser("export", help="write all bookmarks to standard output")
    export.add_argument("--format", choices=["markdown", "json"], default="markdown")
    imported = sub.add_parser("import", help="merge bookmarks from a file (no duplicates)")
    imported.add_argument("file", type=Path)
    args = p.parse_args(argv)
    apply_paths(args)
    store = Bookmarks()
    store.load()
    if store.problem:
        print(f"news: warning: {store.problem}", file=sys.stderr)
    if args.action == "export":
        out = store.export_json() if args.format == "json" else store.export_markdown()
        sys.stdout.write(out)
        return 0
    if args.action == "import":
        added = store.import_file(args.file)
        print(f"{added} bookmark{'s' if added != 1 else ''} added, {len(store)} in all")
        return 0
    marks = store.all()
    if args.json:
        rows = [
            {
                "id": b.article_id,
                "title": b.title,
                "section": b.section,
                "source": b.source,
                "url": b.url,
                "added": b.added,
                "note": b.note,
            }
            for b in marks
        ]
        print_json(rows)
        return 0
    from rich.text import Text

    out = console()
    if not marks:
        out.print("No bookmarks yet: press b on a story in the reader.")
    for b in marks:
        line = Text(f"{b.added[:10]}  {b.article_id}  ", style="dim")
        line.append(b.title)
        line.append(f"  · {b.section}", style="dim")
        print_row(out, line)
        if b.note:
            out.print(Text(f"    {b.note}", style="italic"))
    return 0
