"""The `news` command: the TUI, and subcommands that use the core directly.

Textual is imported only when the TUI starts, so `news list` and `news show`
stay quick and work where no terminal UI can run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from reader import __version__
from reader.atomic import StoreError
from reader.config import DATA_DIR_ENV, Config, ConfigError, data_dir, load_config, seed_paths
from reader.highlight import Highlighter, Keyword, KeywordError, compile_keyword
from reader.model import Article
from reader.sources.dump import DumpError, read_dump

USAGE_ERROR = 2

COMMANDS_HELP = """\
commands:
  news [PATH ...]              read the dumps in the TUI (the bundled news with none)
  news list [PATH ...] [--json]  sections and titles, in reading order
  news show ID [PATH ...]      one story, rendered to standard output
  news bookmarks [--json]      the bookmarks, newest first
  news bookmarks export --format markdown|json
  news bookmarks import FILE   merge bookmarks from an exported file

Run `news COMMAND --help` for a command's options.
"""


class UserError(Exception):
    """Something the person can fix; shown as one line, never a traceback."""


def load_articles(
    paths: Sequence[str], config: Config, warnings: list[str] | None = None
) -> list[Article]:
    """Stories from the dumps, in order. Warnings go to `warnings` when given
    (the TUI shows them), else to standard error."""
    files = [Path(p) for p in paths] or seed_paths()
    articles: list[Article] = []
    for path in files:
        try:
            result = read_dump(path, sections=config.sections)
        except DumpError as exc:
            raise UserError(str(exc)) from None
        for warning in result.warnings:
            if warnings is None:
                print(f"news: warning: {warning}", file=sys.stderr)
            else:
                warnings.append(warning)
        articles.extend(result.articles)
    return articles


def _parser(prog: str, description: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=prog, description=description)


def cmd_list(argv: list[str], config: Config) -> int:
    parser = _parser("news list", "List sections and story titles in reading order.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="dump files (default: bundled)")
    parser.add_argument("--json", action="store_true", help="one JSON list of stories")
    args = parser.parse_args(argv)
    articles = load_articles(args.paths, config)
    if args.json:
        rows = [
            {
                "id": a.id,
                "section": a.section,
                "title": a.title,
                "words": a.words,
                "reading_minutes": a.reading_minutes,
                "source": a.source,
                "url": a.url,
            }
            for a in articles
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    section = None
    for article in articles:
        if article.section != section:
            section = article.section
            console.print(Text(section, style="bold"))
        line = Text(f"  {article.id}  ", style="dim")
        line.append(article.title)
        console.print(line, overflow="ellipsis", no_wrap=True)
    return 0


def cmd_show(argv: list[str], config: Config) -> int:
    parser = _parser("news show", "Print one story, rendered; plain text when piped.")
    parser.add_argument("id", metavar="ID", help="the story's id, as `news list` shows it")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="dump files (default: bundled)")
    _highlight_option(parser)
    args = parser.parse_args(argv)
    articles = load_articles(args.paths, config)
    matches = [a for a in articles if a.id == args.id] or [
        a for a in articles if a.id.startswith(args.id)
    ]
    if len(matches) != 1:
        why = "no story" if not matches else f"{len(matches)} stories"
        raise UserError(f"{why} with id {args.id!r}; `news list` shows the ids")
    from rich.console import Console

    from reader.render import MEASURE, render_article

    keywords = [*config.keywords, *_extra_keywords(args)]
    highlighters = [Highlighter(keywords).styled] if keywords else []
    console = Console(highlight=False)
    console.width = min(console.width, MEASURE)
    console.print(render_article(matches[0], highlighters=highlighters))
    return 0


def cmd_bookmarks(argv: list[str], config: Config) -> int:
    from reader.bookmarks import Bookmarks

    parser = _parser("news bookmarks", "List, export or import bookmarks.")
    _data_dir_option(parser)
    parser.add_argument("--json", action="store_true", help="the list as JSON")
    sub = parser.add_subparsers(dest="action")
    export = sub.add_parser("export", help="write all bookmarks to standard output")
    export.add_argument("--format", choices=["markdown", "json"], default="markdown")
    imported = sub.add_parser("import", help="merge bookmarks from a file (no duplicates)")
    imported.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    _apply_data_dir(args)
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
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    if not marks:
        console.print("No bookmarks yet: press b on a story in the reader.")
    for b in marks:
        line = Text(f"{b.added[:10]}  {b.article_id}  ", style="dim")
        line.append(b.title)
        line.append(f"  · {b.section}", style="dim")
        console.print(line, overflow="ellipsis", no_wrap=True)
        if b.note:
            console.print(Text(f"    {b.note}", style="italic"))
    return 0


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"where bookmarks and reading state live (default: ${DATA_DIR_ENV} or {data_dir()})",
    )


def _apply_data_dir(args: argparse.Namespace) -> None:
    """The flag wins over the environment variable, which wins over the default."""
    if args.data_dir is not None:
        os.environ[DATA_DIR_ENV] = str(args.data_dir)


def cmd_tui(argv: list[str], config: Config) -> int:
    parser = _parser("news", "A keyboard-driven news reader for the terminal.")
    parser.epilog = COMMANDS_HELP
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("paths", nargs="*", metavar="PATH", help="dump files (default: bundled)")
    parser.add_argument("--version", action="version", version=f"news {__version__}")
    _data_dir_option(parser)
    _highlight_option(parser)
    args = parser.parse_args(argv)
    _apply_data_dir(args)
    warnings: list[str] = []
    articles = load_articles(args.paths, config, warnings)
    from reader.tui.run import run_tui

    return run_tui(articles, list(config.keywords), _extra_keywords(args), warnings)


def _highlight_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--highlight",
        action="append",
        default=[],
        metavar="WORD",
        help="also highlight WORD in this run (repeatable); `w` in the reader saves keywords",
    )


def _extra_keywords(args: argparse.Namespace) -> list[Keyword]:
    keywords = [Keyword(word) for word in args.highlight if word.strip()]
    for keyword in keywords:
        try:
            compile_keyword(keyword)
        except KeywordError as exc:
            raise UserError(f"--highlight: {exc}") from None
    return keywords


COMMANDS = {"list": cmd_list, "show": cmd_show, "bookmarks": cmd_bookmarks}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(args[0]) if args else None
    try:
        config = load_config()
        if command is not None:
            return command(args[1:], config)
        return cmd_tui(args, config)
    except (UserError, ConfigError, StoreError) as exc:
        print(f"news: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # `news list | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
