"""Reading: the TUI, and `list`, `show` and `search` for scripts and pipes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

from reader import __version__
from reader.catalog import Catalog
from reader.cli.common import (
    GLOBAL_OPTIONS,
    UserError,
    add_paths,
    apply_paths,
    console,
    extra_keywords,
    find_story_id,
    open_catalog,
    parser,
    print_json,
    print_row,
    shown,
)
from reader.config import Config
from reader.model import Article, Entry, reading_minutes
from reader.wording import counted

if TYPE_CHECKING:
    import argparse

    from rich.text import Text

    from reader.query import Context, Query

SNIPPET_INDENT = 4  # a result's snippet sits under its title, every line of it


def tui_parser(epilog: str) -> argparse.ArgumentParser:
    import argparse

    p = parser("news", "A keyboard-driven news reader for the terminal.")
    p.epilog = epilog
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    add_paths(p)
    p.add_argument("--version", action="version", version=f"news {__version__}")
    return p


def only_paths(argv: Sequence[str]) -> SimpleNamespace | None:
    """What `tui_parser` gives for arguments that are all paths (a test holds
    them the same), None when one may be an option: `news` alone and `news
    FILE.md`, the usual starts, read no options and import no argparse (about
    2.5 ms of the first screen, with building the parser)."""
    if any(arg.startswith("-") for arg in argv):
        return None
    return SimpleNamespace(paths=list(argv), library=None, data_dir=None, highlight=[])


def cmd_tui(argv: list[str], config: Config, epilog: str) -> int:
    args = only_paths(argv) or tui_parser(epilog).parse_args(argv)
    apply_paths(args)
    warnings: list[str] = []
    keywords = extra_keywords(args)
    catalog = open_catalog(args.paths, config, warnings, heads=True)
    for problem in config.rule_problems:  # said in the reader too; here it stays
        print(f"news: [[rules]] {shown(problem)} (left out)", file=sys.stderr)
    from reader.tui.run import run_tui

    keys = dict(config.keys)
    from reader.sanitize import clean_line
    from reader.triage.notify_settings import Settings

    # [refresh] and [notify] problems: said here, where they stay once the
    # reader has closed, and in a toast; the reader starts without that part.
    for problem in config.problems:
        print(f"news: {clean_line(problem)}", file=sys.stderr)
        warnings.append(problem)
    alerts = Settings(config.notify_command, config.notify_terminal)
    return run_tui(
        catalog,
        list(config.keywords),
        keywords,
        warnings,
        keys,
        config.key_problems,
        config.refresh_every,
        alerts,
    )


def cmd_list(argv: list[str], config: Config) -> int:
    p = parser(
        "news list", "List sections and story titles as the sidebar does: each newest first."
    )
    add_paths(p)
    p.add_argument("--json", action="store_true", help="one JSON list of stories")
    args = p.parse_args(argv)
    apply_paths(args)
    catalog = open_catalog(args.paths, config)
    # The sidebar's order (`Catalog.sections`), not the order stories were
    # added in, where a section can come back and a feed reads oldest first.
    entries = [entry for _, items in catalog.sections() for entry in items]
    if args.json:
        from reader.bookmarks import Bookmarks
        from reader.state import ReadingState

        state, bookmarks = ReadingState(), Bookmarks()
        for store in (state, bookmarks):
            store.load()
            if store.problem:
                print(f"news: warning: {store.problem}", file=sys.stderr)
        read, updated = state.read_ids(), catalog.updated_ids()
        rows = [
            {
                "id": e.id,
                "section": e.section,
                "title": e.title,
                "words": e.words,
                "reading_minutes": reading_minutes(e.words),
                "source": e.source,
                "published": e.published or None,
                "read": e.id in read,
                "bookmarked": e.id in bookmarks,
                "updated": e.id in updated,
            }
            for e in entries
        ]
        print_json(rows)
        return 0
    from rich.text import Text

    out = console()
    section = None
    for entry in entries:
        if entry.section != section:
            section = entry.section
            print_row(out, Text(shown(section), style="bold"))
        line = Text("  ")
        line.append(shown(entry.id), style="dim")
        line.append("  ")
        line.append(shown(entry.title))
        print_row(out, line)
    return 0


def cmd_unread(argv: list[str], config: Config) -> int:
    p = parser(
        "news unread",
        "The unread stories by section, as the sidebar lists them; --count for a status bar.",
    )
    add_paths(p)
    p.add_argument("--count", action="store_true", help="only how many (with --json: by section)")
    p.add_argument("--json", action="store_true", help="as JSON")
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.state import ReadingState

    catalog = open_catalog(args.paths, config)
    state = ReadingState()
    state.load()
    if state.problem:
        print(f"news: warning: {state.problem}", file=sys.stderr)
    read = state.read_ids()
    # Counted, not listed, where only counts are wanted: the library counts
    # each section's read stories itself, so a status bar asks little of it.
    read_counts: dict[str, int] = {}
    for section, count in catalog.read_counts(read).items():
        key = section.casefold()
        read_counts[key] = read_counts.get(key, 0) + count
    sections = [
        (name, items, len(items) - read_counts.get(name.casefold(), 0))
        for name, items in catalog.sections()
    ]
    sections = [(name, items, unread) for name, items, unread in sections if unread > 0]
    total = sum(unread for _, _, unread in sections)
    if args.count and not args.json:
        print(total)
        return 0
    if args.json:
        print_json(
            {
                "unread": total,
                "sections": [
                    {"section": name, "unread": unread}
                    | (
                        {}
                        if args.count
                        else {"stories": [_unread_json(e) for e in items if e.id not in read]}
                    )
                    for name, items, unread in sections
                ],
            }
        )
        return 0
    from rich.text import Text

    out = console()
    for name, items, unread in sections:
        head = Text(shown(name), style="bold")
        head.append(f"  {unread:,} unread", style="dim")
        print_row(out, head)
        for entry in items:
            if entry.id in read:
                continue
            line = Text("  ")
            line.append(shown(entry.id), style="dim")
            line.append("  ")
            line.append(shown(entry.title))
            print_row(out, line)
    out.print(Text(counted(total, "unread story", "unread stories")))
    return 0


def _unread_json(entry: Entry) -> dict[str, object]:
    return {
        "id": entry.id,
        "title": entry.title,
        "source": entry.source,
        "published": entry.published or None,
    }


def _find(catalog: Catalog, wanted: str) -> Article:
    """A story by id, or by the start of one when only one story has it."""
    if (article := catalog.article(wanted)) is not None:
        return article
    story_id = find_story_id((e.id for e in catalog.entries()), wanted)
    if (article := catalog.article(story_id)) is None:  # removed meanwhile
        raise UserError(f"no story with id {story_id!r}; `news list` shows the ids")
    return article


def cmd_show(argv: list[str], config: Config) -> int:
    p = parser("news show", "Print one story, rendered; plain text when piped.")
    p.usage = "%(prog)s [-h] [global options] ID [PATH ...]"
    # Optional to argparse only so that its message, when the ID is missing,
    # does not call the optional PATH required too.
    p.add_argument("id", metavar="ID", nargs="?", help="the story's id, as `news list` shows it")
    add_paths(p)
    args = p.parse_args(argv)
    if args.id is None:
        p.error("ID is required: a story's id (or its start), as `news list` shows it")
    apply_paths(args)
    catalog = open_catalog(args.paths, config)
    article = _find(catalog, args.id)
    from reader.highlight import Highlighter
    from reader.render import MEASURE, render_article

    keywords = [*config.keywords, *extra_keywords(args)]
    highlighters = [Highlighter(keywords).styled] if keywords else []
    origin = catalog.origin(article.id)  # "from Teslarati", as the reader's header says
    story = render_article(
        article, highlighters=highlighters, source=origin.source, full_text=origin.full_text
    )
    out = console()
    out.width = min(out.width, MEASURE)
    if out.is_terminal:
        out.print(story)
        return 0
    # Piped: plain lines, without the spaces Rich leaves where it wrapped.
    with out.capture() as captured:
        out.print(story)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
    return 0


def cmd_search(argv: list[str], config: Config) -> int:
    import argparse

    p = parser("news search", "Search the stories: the same query language as / in the reader.")
    p.usage = "%(prog)s [-h] [global options] [--json] [--limit N] QUERY [PATH ...]"
    # Optional to argparse only, as `news show`'s ID: its message for a missing
    # QUERY would call the optional PATH required too.
    p.add_argument(
        "query",
        metavar="QUERY",
        nargs="?",
        help='words, "a phrase", -not, OR, and filters: section:Name, source:Name,'
        " title:word, author:Name, is:unread, is:read, is:bookmarked, after:7d,"
        " before:2026-11-01 (see below)",
    )
    add_paths(p)
    p.add_argument("--json", action="store_true", help="the results as JSON")
    p.add_argument(
        "--limit",
        type=_limit,
        default=20,
        metavar="N",
        help="how many results to print, 1 or more (default 20); the count is of all",
    )
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = _SEARCH_SYNTAX
    before_dashes = argv[: argv.index("--")] if "--" in argv else argv
    values = {i + 1 for i, a in enumerate(before_dashes) if a in _TAKES_A_VALUE}
    excluding = [
        a
        for i, a in enumerate(before_dashes)
        if i not in values and a[:1] == "-" and a[1:2] != "-" and a not in ("-", "-h")
    ]
    if excluding:  # argparse would take "-tesla" for an option it does not know
        raise UserError(
            f"a query that starts with - goes after --: news search -- {' '.join(excluding)}"
        )
    args = p.parse_args(argv)
    if args.query is None:
        p.error('QUERY is required: words, "a phrase", -not, OR, section:Name')
    apply_paths(args)
    from reader.query import QueryError, parse

    try:
        query = parse(args.query)
    except QueryError as exc:
        raise UserError(f"cannot search for {args.query!r}: {exc}") from None
    catalog = open_catalog(args.paths, config)
    context = _context(query, catalog)
    result = catalog.searcher().search(query, limit=args.limit, context=context)
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
    from rich.padding import Padding
    from rich.text import Text

    out = console()
    for hit in result.hits:
        head = Text()
        head.append(shown(hit.id), style="dim")
        head.append("  ")
        head.append(shown(hit.section), style="bold")
        head.append("  ")
        head.append_text(_marked(hit.title, hit.title_spans))
        print_row(out, head)
        snippet = _marked(hit.snippet, hit.snippet_spans, style="dim")
        if out.is_terminal:  # wrapped, each line under the first
            out.print(Padding(snippet, (0, 0, 0, SNIPPET_INDENT)))
        else:  # one line, whole, for grep
            out.print(Text(" " * SNIPPET_INDENT) + snippet, soft_wrap=True)
    count = len(result.hits)
    more = f" (showing {count})" if count < result.total else ""
    out.print(Text(f"{counted(result.total, 'story')}{more}"))
    return 0 if result.total else 1


_SEARCH_SYNTAX = """\
the query:
  tesla semi                 both words
  "ground truth"             the phrase
  tesla -semi                tesla but not semi
  starfall OR megapod        either (AND binds tighter than OR)
  section:"Elon Musk"        only in that section (-section: leaves it out)
  source:"Orbital Gazette"   only from that source (as `news sources` names it)
  title:tesla                the word (or title:"a phrase") in the title
  author:musk                the word or phrase in the author's name
  is:unread  is:read         by your reading state; -is:read is is:unread
  is:bookmarked              bookmarked stories (-is:bookmarked: the others)
  after:7d  before:2w        by date (published, else when fetched): an age
  after:2026-11-01           in h, d or w, or a day (UTC; on or after it, or
                             before it)
Filters hold for the whole query wherever they stand; filters alone list their
stories (is:unread section:News). A query that starts with - goes after --:
news search -- -tesla"""


def _context(query: Query, catalog: Catalog) -> Context:
    """The reading state and bookmarks is: asks about, read only when it does;
    and the stories a hide rule took out of every list."""
    from reader.catalog import LibraryCatalog
    from reader.query import Context

    hidden = catalog.hidden if isinstance(catalog, LibraryCatalog) and catalog.hiding else ()
    if not query.needs_context:
        return Context(hidden=frozenset(hidden))
    from reader.bookmarks import Bookmarks
    from reader.state import ReadingState

    state, bookmarks = ReadingState(), Bookmarks()
    for store in (state, bookmarks):
        store.load()
        if store.problem:
            print(f"news: warning: {store.problem}", file=sys.stderr)
    marked = frozenset(b.article_id for b in bookmarks.all())
    return Context(read=state.read_ids(), bookmarked=marked, hidden=frozenset(hidden))


# Options of `news search` whose value may start with a dash (`--limit -3`).
_TAKES_A_VALUE = frozenset({"--limit", *GLOBAL_OPTIONS})


def _limit(text: str) -> int:
    """`--limit`: a whole number of at least 1, in ASCII digits."""
    import argparse

    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"bad limit {text!r}: give a whole number, 1 or more")
    return int(text)


def _marked(text: str, spans: Sequence[tuple[int, int]], style: str = "") -> Text:
    """Text with its matches in reverse video. Should cleaning change the text
    (a library someone else made), the offsets no longer fit it: no marks then."""
    from rich.text import Text

    plain = shown(text)
    marked = Text(plain, style=style)
    if plain == text:
        for a, b in spans:
            marked.stylize("bold reverse", a, b)
    return marked
