"""`add`: a feed's address, a feed file, a dump or a folder of Markdown, read
and stored now.

Its own module because it is most of what the source commands do: telling
what was given (a URL, a feed, a dump, a folder), autodiscovery when a web
page is given, a bar while a large feed file is read, and the config's rules
run over what came in. The network and feed modules are imported inside the
functions that need them: they cost a few hundred milliseconds that
`news list` should not pay.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import AbstractContextManager, nullcontext, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urlsplit

from reader.cli.common import (
    UserError,
    apply_paths,
    console,
    open_library,
    parser,
    rules_after,
    shown,
)
from reader.config import Config
from reader.sanitize import clean_line
from reader.urls import FETCH_SCHEMES, GIVEN_SCHEMES, URLRefused, check_fetchable, scheme
from reader.wording import counted

if TYPE_CHECKING:
    from collections.abc import Callable

    from reader.library.articles import Library
    from reader.refresh import FeedOutcome
    from reader.sources.dump import ParseResult
    from reader.sources.markdown_dir import MarkdownDirResult

_SNIFF_BYTES = 4096


def cmd_add(argv: list[str], config: Config) -> int:
    p = parser(
        "news add",
        "Add a source and read it now: a feed's http(s) address, a feed file (RSS or"
        " Atom), a dump file, or a folder of Markdown files.",
    )
    p.add_argument("source", metavar="SOURCE", help="a URL (http, https, file) or a path")
    p.add_argument(
        "--section", metavar="NAME", help="put all its stories in this section (not empty)"
    )
    p.add_argument(
        "--fulltext",
        action="store_true",
        help="for a feed: fetch each new story's web page and keep the story from it",
    )
    p.add_argument(
        "--every",
        metavar="INTERVAL",
        type=_interval,
        help='for a feed: refresh it on this interval ("45s", "15m", "2h") when the reader'
        " or `news refresh --due` runs, instead of [refresh] every",
    )
    p.add_argument(
        "--account",
        metavar="NAME",
        help="subscribe on this sync account's server (--section: its folder there)",
    )
    args = p.parse_args(argv)
    apply_paths(args)
    # A section is shown in the sidebar and by `news sources`: no control
    # characters or escape sequences get into the library with it.
    section = clean_line(args.section or "")
    if args.section is not None and not section:
        raise UserError("--section needs a name")
    if args.account is not None:
        from reader.cli.sync import subscribe

        if args.fulltext:
            raise UserError("--fulltext is for feeds fetched here, not on an account's server")
        with open_library(config) as library:
            return subscribe(library, args.account, args.source, section, config)
    kind, location = _classify(args.source)
    if args.every is not None and kind != "feed":
        raise UserError(f"--every is for feeds; a {kind} is read once, when added")
    with (
        _reading_early(kind, location),
        open_library(config) as library,
        rules_after(library, config),
    ):
        if kind == "feed":
            return _add_feed(
                library, location, section, args.fulltext, config.allow_private, args.every
            )
        if kind == "markdown":
            return _add_markdown(library, Path(location), section)
        return _add_dump(library, Path(location), section, config)


def _reading_early(kind: str, location: str) -> AbstractContextManager[None]:
    """A big feed file starts being read (in a process of its own) while the
    library is opened, and made the first time: `feed_process.reading_early`."""
    if kind != "feed" or scheme(location) in FETCH_SCHEMES:
        return nullcontext()
    from reader.sources.feed_process import reading_early

    return reading_early(location)


def _warn(warnings: list[str] | tuple[str, ...]) -> None:
    for warning in warnings:
        print(f"news: warning: {shown(warning)}", file=sys.stderr)


def _classify(source: str) -> tuple[str, str]:
    """("feed" | "markdown" | "dump", location): a URL as given, a path made
    absolute. Anything but http, https and file URLs is refused."""
    text = source.strip()
    if not text:  # Path("") is the current folder, which nobody means by ''
        raise UserError("nothing to add: give a feed's URL, a file or a folder")
    name = scheme(text)
    if len(name) > 1 and not Path(text).expanduser().exists():
        if name in FETCH_SCHEMES:
            try:
                return "feed", check_fetchable(text)
            except URLRefused as exc:
                raise UserError(f"cannot add {text!r}: {exc.reason}") from None
        if name not in GIVEN_SCHEMES:  # file: only from the person, as here
            raise UserError(
                f"cannot add {text!r}: only http, https and file URLs are accepted"
                f" (or a local path), not {name}:"
            )
        parts = urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            raise UserError(f"cannot add {text!r}: a file: URL must name a file on this machine")
        text = unquote(parts.path)
    path = Path(text).expanduser()
    if not path.exists():
        raise UserError(f"{source}: no such file or folder")
    path = path.resolve()
    if path.is_dir():
        return "markdown", str(path)
    from reader.sources.local import read_head

    try:
        head = read_head(path, _SNIFF_BYTES)  # a FIFO or a device is refused, not waited on
    except OSError as exc:
        raise UserError(f"{source}: {exc.strerror or exc}") from None
    # Feeds are XML (or JSON Feed); a dump is plain text, which never starts so.
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"<", b"{") or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "feed", str(path)
    if b"\x00" in head:
        raise UserError(f"{source}: a binary file, not a feed, a dump or a folder of Markdown")
    return "dump", str(path)


def _read_with_bar(
    library: Library, source_id: int, location: str, allow_private: bool
) -> list[FeedOutcome]:
    """Refresh one new source; a feed file on disk is read and stored in
    batches, with a bar of the megabytes read when standard output is a terminal."""
    from reader.refresh import local_feed_path, refresh

    out, path = console(), local_feed_path(location)
    if not out.is_terminal or path is None:
        return refresh(library, source_ids={source_id}, allow_private=allow_private)
    # Only for a bar: Rich's progress module costs 30 ms of CPU to import,
    # which `news add big.xml > log` (or a script) has no use for.
    from reader.cli.progress import plain_progress

    with plain_progress(out, "Reading", in_bytes=True) as progress:
        size = 0
        with suppress(OSError):
            size = path.stat().st_size
        task = progress.add_task(path.name, total=size or None)

        def read(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return refresh(library, source_ids={source_id}, allow_private=allow_private, on_read=read)


def _interval(text: str) -> int:
    """``--every``: an interval as the config writes one."""
    from reader.triage.schedule import IntervalError, parse_interval

    try:
        return parse_interval(text)
    except IntervalError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_feed(
    library: Library,
    location: str,
    section: str,
    fulltext: bool,
    allow_private: bool,
    every: int | None = None,
) -> int:

    before = {s.location: s for s in library.sources() if s.kind == "feed"}
    source_id = library.add_source("feed", location, section_override=section, fulltext=fulltext)
    if (old := before.get(location)) is not None:
        changes: dict[str, str | bool] = {}
        if section and section != old.section_override:
            # Read the feed in full again, or a "not modified" would leave its
            # stories in the old section.
            changes.update(section_override=section, etag="", last_modified="")
        if fulltext:
            changes["fulltext"] = True
        library.update_source(source_id, **changes)
    [outcome] = _read_with_bar(library, source_id, location, allow_private)
    found_on = ""
    if not outcome.ok and outcome.found_feeds and location not in before:
        library.remove_source(source_id)  # the page is not a feed; the one it names may be
        found_on = location
        outcome, location = _add_found(library, outcome, section, fulltext, allow_private)
    elif not outcome.ok:
        if location not in before:
            library.remove_source(source_id)  # a feed that cannot be read is not kept
        raise UserError(f"cannot add {location}: {outcome.reason}")
    _warn(outcome.warnings)
    if every is not None:
        library.set_every(outcome.source_id, every)
    again = " (already added)" if location in before else ""
    stories = outcome.stories
    if again:
        # A feed not changed since is not read again ("0 stories"): say what
        # the library holds from it, as re-adding a dump or a folder does.
        stories = max(stories, library.counts_by_source().get(outcome.source_id, 0))
    if found_on:
        again += f", the feed {shown(location)} that the web page names"
    details = f"{outcome.new:,} new" + (
        f", {outcome.full_texts:,} with full text" if outcome.full_texts else ""
    )
    if every is not None:
        from reader.triage.schedule import format_interval

        details += f"; refreshed every {format_interval(every)}"
    print(f"Added feed {shown(outcome.name)}{again}: {counted(stories, 'story')} ({details}).")
    return 0


def _add_found(
    library: Library, page: FeedOutcome, section: str, fulltext: bool, allow_private: bool
) -> tuple[FeedOutcome, str]:
    """Add the first feed a web page announces that can be read (autodiscovery).

    The page chose these addresses, so they are held to its origin: a feed on
    another site must be at a public address unless ``allow_private``."""
    from reader.refresh import refresh

    failures = []
    for url in page.found_feeds:
        known = {s.location for s in library.sources() if s.kind == "feed"}
        source_id = library.add_source("feed", url, section_override=section, fulltext=fulltext)
        [outcome] = refresh(
            library,
            source_ids={source_id},
            allow_private=allow_private,
            homes={source_id: page.location},
        )
        if outcome.ok:
            return outcome, url
        if url not in known:
            library.remove_source(source_id)
        failures.append(f"{shown(url)}: {shown(outcome.reason)}")
    raise UserError(
        f"cannot add {page.location}: a web page, and the feeds it names failed: "
        + "; ".join(failures)
    )


def _add_markdown(library: Library, folder: Path, section: str) -> int:
    from reader.markdown import markdown_to_blocks
    from reader.sources.markdown_dir import MarkdownDirError, read_markdown_dir

    return _add_local(
        library,
        "markdown",
        folder,
        folder.name,
        section,
        lambda: read_markdown_dir(folder, to_blocks=markdown_to_blocks),
        MarkdownDirError,
        empty=f"{folder}: no Markdown files (*.md) in it",
    )


def _add_dump(library: Library, path: Path, section: str, config: Config) -> int:
    from reader.sources.dump import DumpError, read_dump

    return _add_local(
        library,
        "dump",
        path,
        path.stem,
        section,
        lambda: read_dump(path, sections=config.sections),
        DumpError,
        empty=f"{path}: no stories found (not a feed, nor a dump in the seed layout)",
    )


def _add_local(
    library: Library,
    kind: Literal["markdown", "dump"],
    path: Path,
    name: str,
    section: str,
    read: Callable[[], ParseResult | MarkdownDirResult],
    failure: type[Exception],
    *,
    empty: str,
) -> int:
    """A folder of Markdown or a dump, read once and stored as a source: one
    way for both, since only how they are read differs. The location stays
    exact (it names the file or folder); the title shown is `name`, cleaned.
    `failure` is the reader's error for what cannot be read at all."""
    import dataclasses

    try:
        result = read()
    except failure as exc:
        raise UserError(str(exc)) from None
    if not result.articles:
        raise UserError(empty)
    _warn(result.warnings)
    title = clean_line(name)
    source_id = library.add_source(kind, str(path), title=title, section_override=section)
    articles = result.articles
    if section:
        library.update_source(source_id, section_override=section)
        articles = [dataclasses.replace(a, section=section) for a in articles]
    known = library.known_ids(a.id for a in articles)
    library.upsert_articles(source_id, articles)
    new = sum(a.id not in known for a in articles)
    what = "folder" if kind == "markdown" else kind
    print(f"Added {what} {title}: {counted(len(articles), 'story')} ({new:,} new).")
    return 0
