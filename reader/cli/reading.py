"""Reading: the TUI, and `list`, `show` and `search` for scripts and pipes."""

from __future__ import annotations

import argparse

from reader import __version__
from reader.catalog import Catalog
from reader.cli.common import (
    UserError,
    add_data_dir,
    add_highlight,
    add_library,
    add_paths,
    apply_paths,
    extra_keywords,
    open_catalog,
    parser,
    print_json,
)
from reader.config import Config
from reader.model import WORDS_PER_MINUTE


def cmd_tui(argv: list[str], config: Config, epilog: str) -> int:
    p = parser("news", "A keyboard-driven news reader for the terminal.")
    p.epilog = epilog
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    add_paths(p)
    p.add_argument("--version", action="version", version=f"news {__version__}")
    add_data_dir(p)
    add_library(p)
    add_highlight(p)
    args = p.parse_args(argv)
    apply_paths(args)
    warnings: list[str] = []
    keywords = extra_keywords(args)
    catalog = open_catalog(args.paths, config, warnings)
    from reader.tui.run import run_tui

    return run_tui(catalog, list(config.keywords), keywords, warnings)


def cmd_list(argv: list[str], config: Config) -> int:
    p = parser("news list", "List sections and story titles in reading order.")
    add_paths(p)
    add_library(p)
    p.add_argument("--json", action="store_true", help="one JSON list of stories")
    args = p.parse_args(argv)
    apply_paths(args)
    catalog = open_catalog(args.paths, config)
    entries = list(catalog.entries())
    if args.json:
        rows = [
            {
                "id": e.id,
                "section": e.section,
                "title": e.title,
                "words": e.words,
                "reading_minutes": max(1, round(e.words / WORDS_PER_MINUTE)),
                "source": e.source,
                "published": e.published,
            }
            for e in entries
        ]
        print_json(rows)
        return 0
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    section = None
    for entry in entries:
        if entry.section != section:
            section = entry.section
            console.print(Text(section, style="bold"))
        line = Text(f"  {entry.id}  ", style="dim")
        line.append(entry.title)
        console.print(line, overflow="ellipsis", no_wrap=True)
    return 0


def _find(catalog: Catalog, wanted: str):
    """A story by id, or by the start of one when only one story has it."""
    if (article := catalog.article(wanted)) is not None:
        return article
    found = [e.id for e in catalog.entries() if e.id.startswith(wanted)] if wanted else []
    if len(found) != 1:
        why = "no story" if not found else f"{len(found)} stories"
        raise UserError(f"{why} with id {wanted!r}; `news list` shows the ids")
    return catalog.article(found[0])


def cmd_show(argv: list[str], config: Config) -> int:
    p = parser("news show", "Print one story, rendered; plain text when piped.")
    p.add_argument("id", metavar="ID", help="the story's id, as `news list` shows it")
    add_paths(p)
    add_library(p)
    add_highlight(p)
    args = p.parse_args(argv)
    apply_paths(args)
    catalog = open_catalog(args.paths, config)
    article = _find(catalog, args.id)
    from rich.console import Console

    from reader.highlight import Highlighter
    from reader.render import MEASURE, render_article

    keywords = [*config.keywords, *extra_keywords(args)]
    highlighters = [Highlighter(keywords).styled] if keywords else []
    console = Console(highlight=False)
    console.width = min(console.width, MEASURE)
    console.print(render_article(article, highlighters=highlighters))
    return 0


def cmd_search(argv: list[str], config: Config) -> int:
    p = parser("news search", "Search the stories: the same query language as / in the reader.")
    p.add_argument("query", metavar="QUERY", help='words, "a phrase", -not, OR, section:Name')
    add_paths(p)
    add_library(p)
    p.add_argument("--json", action="store_true", help="the results as JSON")
    p.add_argument("--limit", type=int, default=20, help="how many results (default 20)")
    p.epilog = "A query that starts with - goes after --: news search -- -tesla"
    before_dashes = argv[: argv.index("--")] if "--" in argv else argv
    excluding = [
        a for a in before_dashes if a[:1] == "-" and a[1:2] != "-" and a not in ("-", "-h")
    ]
    if excluding:  # argparse would take "-tesla" for an option it does not know
        raise UserError(
            f"a query that starts with - goes after --: news search -- {' '.join(excluding)}"
        )
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.query import QueryError, parse

    try:
        query = parse(args.query)
    except QueryError as exc:
        raise UserError(f"cannot search for {args.query!r}: {exc}") from None
    catalog = open_catalog(args.paths, config)
    result = catalog.searcher().search(query, limit=max(1, args.limit))
    if args.json:
        data = {
            "total": result.total,
            "results": [
                {
                    "id": hit.id,
                    "section": hit.section,
                    "title": hit.title,
                    "snippet": hit.snippet,
                    "snippet_spans": [list(span) for span in hit.snippet_spans],
                }
                for hit in result.hits
            ],
        }
        print_json(data)
        return 0 if result.total else 1  # like grep: scripts can test for a match
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    for hit in result.hits:
        head = Text(f"{hit.id}  ", style="dim")
        head.append(hit.section, style="bold")
        head.append("  ")
        start = len(head.plain)
        head.append(hit.title)
        for a, b in hit.title_spans:
            head.stylize("bold reverse", start + a, start + b)
        console.print(head, overflow="ellipsis", no_wrap=True)
        snippet = Text("    " + hit.snippet, style="dim")
        for a, b in hit.snippet_spans:
            snippet.stylize("bold reverse", 4 + a, 4 + b)
        console.print(snippet)
    shown = len(result.hits)
    more = f" (showing {shown})" if shown < result.total else ""
    console.print(Text(f"{result.total:,} stor{'y' if result.total == 1 else 'ies'}{more}"))
    return 0 if result.total else 1
