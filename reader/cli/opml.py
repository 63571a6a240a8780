"""OPML: `import-opml` subscribes to another reader's feeds, `export-opml`
writes ours for another reader.

Its own module because it is the one exchange with other readers; the OPML
parser and writer (`reader.sources.opml`) are imported only when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.cli.common import UserError, apply_paths, open_library, parser, shown
from reader.config import Config
from reader.urls import FETCH_SCHEMES, scheme
from reader.wording import counted


def cmd_import_opml(argv: list[str], config: Config) -> int:
    p = parser(
        "news import-opml",
        "Subscribe to the feeds in an OPML file (folders become sections). Nothing is"
        " fetched: run `news refresh` next.",
    )
    p.add_argument("file", metavar="FILE", type=Path, help="an OPML file from another reader")
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.sources.opml import OpmlError, read_opml_file

    left_out: list[str] = []
    try:
        subscriptions = read_opml_file(args.file, left_out)
    except OpmlError as exc:
        raise UserError(str(exc)) from None
    with open_library(config) as library:
        before = {s.location for s in library.sources() if s.kind == "feed"}
        for sub in subscriptions:
            source_id = library.add_source(
                "feed", sub.xml_url, title=sub.title, section_override=sub.folder
            )
            # A feed subscribed already keeps its own settings, its interval too.
            if sub.every and sub.xml_url not in before:
                library.set_every(source_id, sub.every)
    added = sum(sub.xml_url not in before for sub in subscriptions)
    if left_out:
        print(
            f"news: {counted(len(left_out), 'feed')} left out (OPML brings in web feeds only;"
            " add a file with `news add PATH`):",
            file=sys.stderr,
        )
        for url in left_out:
            print(f"  {url}", file=sys.stderr)
    if not subscriptions:
        print(f"No http or https feeds in {shown(str(args.file))}.")
        return 0
    had = len(subscriptions) - added
    if not added:
        print(f"Subscribed already to {counted(had, 'feed')} in {shown(str(args.file))}.")
        return 0
    already = f" ({had:,} already subscribed)" if had else ""
    feeds = "feed" if added == 1 else "feeds"
    print(f"Subscribed to {added:,} {feeds} from {shown(str(args.file))}{already}.")
    print("Nothing fetched yet: run `news refresh` to fetch them.")
    return 0


def cmd_export_opml(argv: list[str], config: Config) -> int:
    p = parser(
        "news export-opml",
        "Write the feed subscriptions as OPML to standard output (a feed's own --every"
        " in a news:every attribute, which `news import-opml` reads back).",
    )
    args = p.parse_args(argv)
    apply_paths(args)
    from reader.sources.opml import Subscription, write_opml

    with open_library(config) as library:
        feeds = [s for s in library.sources() if s.kind == "feed"]
        timings = library.timings()
    web = [s for s in feeds if scheme(s.location) in FETCH_SCHEMES]
    sys.stdout.write(
        write_opml(
            Subscription(
                s.title or s.location,
                s.location,
                folder=s.section_override,
                every=timings[s.id].every if s.id in timings else 0,
            )
            for s in web
        )
    )
    if len(web) < len(feeds):
        left = len(feeds) - len(web)
        print(
            f"news: {counted(left, 'feed file')} on this machine left out (OPML lists web feeds)",
            file=sys.stderr,
        )
    return 0
