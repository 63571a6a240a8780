"""Refreshing feeds: every feed source fetched at once, what is new stored, and
an outcome for each that says what happened in words a person can act on.

The network runs concurrently (``net.fetch_many``, conditional GET with each
source's stored ETag and Last-Modified); parsing runs in worker threads so it
never stalls the downloads; and every library call stays on the calling
thread, since a ``Library`` is not thread-safe. ``refresh`` runs its own event
loop (``asyncio.run``), whose callbacks and tasks all run on the thread that
called it, so the library is written as each feed arrives. Call it from a
thread with no running event loop (in the TUI, a thread worker that opened
its own ``Library``).

A feed that fails (timed out, HTTP 404, not XML, too large) is reported with
its reason and recorded as the source's ``last_error``; nothing it stored
before is touched, and its validators are not updated, so the next refresh
fetches it in full again. The other feeds land regardless.

``file:`` URLs and plain paths are feeds saved on disk: read from the disk,
never through the HTTP client, and "not modified" when the file's size and
modification time are the ones last read (kept in ``last_modified``).

For a source with ``fulltext`` on, each new story's page is then fetched
through the same guarded client, the story is cut out of the page with
``fulltext.extract_article`` (in a thread: it is synchronous and slow) and stored
as the body, which later refreshes of the feed leave alone. A story's page is
an address the feed chose, so ``reader.urls``' rule holds: a loopback or
private address only on the feed's own origin, or with ``allow_private``.

A web page given as a feed fails as "HTML page", and its outcome lists the
feeds the page announces (``found_feeds``), so ``news add`` can add one.

A ``cancel`` event (set by a quitting app) stops the whole refresh at once:
``refresh`` then raises ``net.Cancelled``.

Each feed fetched, failed or not, is recorded for the refresh timer
(``Library.record_fetch``): when, and what the server asked for (the feed's
``<ttl>``, ``Cache-Control: max-age``, ``Retry-After``), so a timer fetches
it again only when ``reader.triage.schedule`` says it is due. ``refresh`` itself
fetches every feed it is given: choosing the due ones is the caller's
(``due_feeds``), since `news refresh` and ``r`` skip nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

import httpx

from reader.discover import feed_links, looks_like_html
from reader.fulltext import extract_article
from reader.library.articles import Library, Source
from reader.model import Article
from reader.net import (
    DEFAULT_CONCURRENCY,
    FetchError,
    FetchResult,
    cancellable,
    fetch,
    fetch_many,
    make_client,
)
from reader.sources.feed import FeedError, FeedResult, FeedStream, parse_feed, stream_feed_file
from reader.triage import schedule
from reader.urls import Reach, scheme

__all__ = [
    "FULLTEXT_PER_FEED",
    "FeedOutcome",
    "FulltextError",
    "Status",
    "due_feeds",
    "fetch_fulltext",
    "local_feed_path",
    "next_feed_due",
    "refresh",
]

Status = Literal["new", "unchanged", "failed"]
# Pages fetched for one feed in one refresh: a feed that suddenly lists a
# thousand new entries must not turn a refresh into a crawl. Stories past it
# keep the feed's text; `fetch_fulltext` fetches one on demand.
FULLTEXT_PER_FEED = 50
# Feeds parsed at once: each holds its document and its articles in memory.
PARSERS = 2
NO_ARTICLE = "no article found on the page"


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """How one feed's refresh went.

    ``status``: "new" when stories were added or changed, "unchanged" when the
    server said not modified or nothing in the feed differed, "failed" with a
    ``reason`` ("HTTP 404", "timed out", "not XML (…)", "too large (over 10 MB)").
    """

    source_id: int
    name: str
    location: str
    status: Status
    stories: int = 0  # entries in the feed as read this time
    new: int = 0  # stories the library did not hold
    updated: int = 0  # stories it held whose text or details changed
    full_texts: int = 0  # pages fetched and stored as bodies
    reason: str = ""
    warnings: tuple[str, ...] = ()
    found_feeds: tuple[str, ...] = ()  # a web page's announced feeds, when it was one
    new_ids: tuple[str, ...] = ()  # the new stories' ids, for notifications

    @property
    def ok(self) -> bool:
        return self.status != "failed"


class FulltextError(Exception):
    """A story's full text could not be had; the message says why."""


def local_feed_path(location: str) -> Path | None:
    """The file a feed source reads, for ``file:`` URLs and plain paths; None
    for anything with another scheme (http and https go to the network, and the
    client refuses the rest with a reason)."""
    name = scheme(location)
    if name == "file":
        parts = urlsplit(location)
        if parts.netloc not in ("", "localhost"):
            return None  # a file on another host: the client will refuse it
        return Path(unquote(parts.path))
    if len(name) > 1:  # a one-letter "scheme" is a Windows drive
        return None
    return Path(location)


def _stamp(path: Path) -> str:
    """Size and modification time: a local file's validator, like an ETag."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def refresh(
    library: Library,
    *,
    on_progress: Callable[[FeedOutcome], None] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    client: httpx.AsyncClient | None = None,
    source_ids: Collection[int] | None = None,
    allow_private: bool = False,
    homes: Mapping[int, str] | None = None,
    cancel: threading.Event | None = None,
    on_read: Callable[[int, int], None] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> list[FeedOutcome]:
    """Refresh every feed source (or those in ``source_ids``) and say how each
    went, in the library's order of sources. ``on_progress`` hears of each feed
    as it is done, in the order they finish. A ``client`` given is used and
    left open; without one, one is made and closed. A client serves one call:
    its pooled connections belong to that call's event loop.

    A feed's own address is the person's (any host); ``homes`` names, for a
    source whose address a page chose, that page instead, so the feed is
    held to the page's origin. ``allow_private`` is the config's switch.
    ``cancel`` set from another thread stops it all: ``net.Cancelled``.
    ``on_read`` hears (bytes read, bytes in all) as a feed file on disk is read
    and stored, a batch at a time (for the progress bar of `news add`).
    ``clock`` gives the time each fetch is recorded at (tests pass a fake one)."""
    feeds = [
        source
        for source in library.sources()
        if source.kind == "feed" and (source_ids is None or source.id in source_ids)
    ]
    if not feeds:
        return []
    run = _Refresh(library, on_progress, max(1, concurrency), allow_private, homes or {})
    run.on_read = on_read
    run.clock = clock or _utc_now
    return asyncio.run(cancellable(run.all(feeds, client), cancel))


class _Refresh:
    """One refresh: the library, the gates, and the outcome of each feed."""

    def __init__(
        self,
        library: Library,
        on_progress: Callable[[FeedOutcome], None] | None,
        concurrency: int,
        allow_private: bool,
        homes: Mapping[int, str],
    ) -> None:
        self.library = library
        self.on_progress = on_progress
        self.concurrency = concurrency
        self.allow_private = allow_private
        self.homes = homes
        self.outcomes: dict[int, FeedOutcome] = {}
        self.on_read: Callable[[int, int], None] | None = None
        self.clock: Callable[[], datetime] = _utc_now

    def reach(self, source: Source) -> Reach:
        """Where a fetch for this source may go: its home is the address the
        person gave (the feed's, or the page that named it)."""
        home = self.homes.get(source.id, source.location)
        return Reach(home=home, allow_private=self.allow_private)  # a path has no origin

    async def all(
        self, feeds: Sequence[Source], client: httpx.AsyncClient | None
    ) -> list[FeedOutcome]:
        # Made here, inside the loop that will use them.
        self.parsers = asyncio.Semaphore(PARSERS)
        self.pages = asyncio.Semaphore(self.concurrency)
        # Feeds on disk need no client, unless their stories' pages are wanted.
        needed = any(s.fulltext or local_feed_path(s.location) is None for s in feeds)
        own = client is None and needed
        active = make_client() if own else client
        try:
            remote: dict[str, Source] = {}
            tasks: list[asyncio.Task[None]] = []
            for source in feeds:
                path = local_feed_path(source.location)
                if path is None:
                    remote[source.location] = source
                else:
                    tasks.append(asyncio.create_task(self._local(source, path, active)))

            def on_done(url: str, outcome: FetchResult | FetchError) -> None:
                # Called on the loop as each download ends: parsing and storing
                # start at once, while the other downloads go on.
                tasks.append(asyncio.create_task(self._remote(remote[url], outcome, active)))

            if remote:
                requests = [
                    (url, source.etag or None, source.last_modified or None)
                    for url, source in remote.items()
                ]
                await fetch_many(
                    requests,
                    self.concurrency,
                    on_done,
                    client=active,
                    reach=lambda url: self.reach(remote[url]),
                )
            await asyncio.gather(*tasks)
        finally:
            if own and active is not None:
                await active.aclose()
        return [self.outcomes[source.id] for source in feeds]

    # One feed --------------------------------------------------------------------

    async def _remote(
        self,
        source: Source,
        outcome: FetchResult | FetchError,
        client: httpx.AsyncClient | None,
    ) -> None:
        if isinstance(outcome, FetchError):
            self._timed(source, retry_after=outcome.retry_after)
            self._failed(source, outcome.reason)
            return
        self._timed(source, cache_control=outcome.cache_control)
        etag, modified = outcome.etag or "", outcome.last_modified or ""
        if not outcome.not_modified and looks_like_html(outcome.content):
            found = await asyncio.to_thread(feed_links, outcome.content, outcome.final_url)
            names = f" (it names the feed {found[0]})" if found else ""
            self._failed(source, f"HTML page, not a feed{names}", found=tuple(found))
            return
        if outcome.not_modified:
            self._unchanged(source, etag=etag, last_modified=modified)
            return
        try:
            async with self.parsers:
                result = await asyncio.to_thread(
                    parse_feed, outcome.content, outcome.final_url, to_blocks=None
                )
        except FeedError as exc:
            self._failed(source, exc.reason)
            return
        if result.ttl is not None:
            self._timed(source, cache_control=outcome.cache_control, ttl=result.ttl)
        await self._store(source, result, etag, modified, client)

    async def _local(self, source: Source, path: Path, client: httpx.AsyncClient | None) -> None:
        self._timed(source)
        try:
            stamp = _stamp(path)
        except FileNotFoundError:
            self._failed(source, "no such file")
            return
        except OSError as exc:
            self._failed(source, f"cannot read: {exc.strerror or exc}")
            return
        if stamp == source.last_modified:
            self._unchanged(source, etag="", last_modified=stamp)
            return
        try:
            async with self.parsers:
                stream = await asyncio.to_thread(stream_feed_file, path, to_blocks=None)
                await self._store(source, stream, "", stamp, client)
            if stream.ttl is not None:
                self._timed(source, ttl=stream.ttl)
        except FeedError as exc:
            self._failed(source, exc.reason)

    async def _store(
        self,
        source: Source,
        result: FeedResult | FeedStream,
        etag: str,
        last_modified: str,
        client: httpx.AsyncClient | None,
    ) -> None:
        stories = changed = new = 0
        fresh: list[Article] = []  # kept only when their pages are to be fetched
        new_ids: list[str] = []
        async for articles in _batches(result):
            if source.section_override:
                # Only the section: ids stay as the feed's own rule made them, so
                # changing the override moves stories rather than duplicating them.
                override = source.section_override
                articles = [dataclasses.replace(a, section=override) for a in articles]
            # A story stored before keeps its id (found by the entry's key).
            articles = self.library.resolve_ids(source.id, articles)
            known = self.library.known_ids(a.id for a in articles)
            changed += self.library.upsert_articles(source.id, articles)
            unknown = [a for a in articles if a.id not in known]
            stories, new = stories + len(articles), new + len(unknown)
            new_ids.extend(a.id for a in unknown)
            if source.fulltext:
                fresh.extend(unknown)
            if self.on_read is not None and isinstance(result, FeedStream):
                self.on_read(result.done, result.total)
        fields: dict[str, str | bool] = {
            "etag": etag,
            "last_modified": last_modified,
            "last_error": "",
        }
        if not source.title and result.title:
            fields["title"] = result.title
        self.library.update_source(source.id, **fields)
        warnings = list(result.warnings)
        full_texts = 0
        if source.fulltext and fresh and client is not None:
            full_texts = await self._full_texts(fresh, client, warnings, self.reach(source))
        self._report(
            FeedOutcome(
                source.id,
                str(fields.get("title") or source.name),
                source.location,
                "new" if changed else "unchanged",
                stories=stories,
                new=new,
                updated=max(changed - new, 0),
                full_texts=full_texts,
                warnings=tuple(warnings),
                new_ids=tuple(new_ids),
            )
        )

    async def _full_texts(
        self,
        articles: Sequence[Article],
        client: httpx.AsyncClient,
        warnings: list[str],
        reach: Reach,
    ) -> int:
        """Fetch and store the pages of new stories; how many were stored."""
        linked = [a for a in articles if a.url]
        if len(linked) > FULLTEXT_PER_FEED:
            warnings.append(
                f"full text fetched for the first {FULLTEXT_PER_FEED} of {len(linked)} new"
                " stories; `news fulltext ID` fetches another"
            )
        pages = await asyncio.gather(
            *(self._page(a, client, reach) for a in linked[:FULLTEXT_PER_FEED])
        )
        stored = 0
        for article, text, reason in pages:
            if text is not None and self.library.set_page_body(article.id, text):
                stored += 1
            elif reason:
                warnings.append(f"{article.title[:60]}: full text not stored ({reason})")
        return stored

    async def _page(
        self, article: Article, client: httpx.AsyncClient, reach: Reach
    ) -> tuple[Article, str | None, str]:
        async with self.pages:
            try:
                page = await fetch(client, article.url, reach=reach)
            except FetchError as exc:
                return article, None, exc.reason
            text = await asyncio.to_thread(extract_article, page.content, page.final_url)
        return article, text, "" if text else NO_ARTICLE

    # Outcomes --------------------------------------------------------------------

    def _timed(
        self,
        source: Source,
        *,
        ttl: int | None = None,
        cache_control: str = "",
        retry_after: str = "",
    ) -> None:
        """Record the fetch for the timer, with what the server asked for."""
        now = self.clock().astimezone(UTC).replace(microsecond=0)
        wish = schedule.not_before(
            source.id,
            now,
            ttl_minutes=ttl,
            max_age_seconds=schedule.max_age(cache_control),
            retry_after_seconds=schedule.retry_after(retry_after, now),
        )
        self.library.record_fetch(source.id, now.isoformat(), wish.isoformat() if wish else "")

    def _failed(self, source: Source, reason: str, found: tuple[str, ...] = ()) -> None:
        # Validators are left as they were: the next refresh fetches in full.
        self.library.update_source(source.id, last_error=reason)
        self._report(
            FeedOutcome(
                source.id, source.name, source.location, "failed", reason=reason, found_feeds=found
            )
        )

    def _unchanged(self, source: Source, *, etag: str, last_modified: str) -> None:
        self.library.update_source(source.id, etag=etag, last_modified=last_modified, last_error="")
        self._report(FeedOutcome(source.id, source.name, source.location, "unchanged"))

    def _report(self, outcome: FeedOutcome) -> None:
        self.outcomes[outcome.source_id] = outcome
        if self.on_progress is not None:
            self.on_progress(outcome)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def due_feeds(
    library: Library, default_every: int | None, now: datetime | None = None
) -> list[int]:
    """The feed sources whose time has come on the timer (``reader.triage.schedule``):
    their interval passed, the server's wish met. ``now`` defaults to the clock."""
    feeds = [source.id for source in library.sources() if source.kind == "feed"]
    return schedule.due(library.timings(), feeds, default_every, now or _utc_now())


def next_feed_due(library: Library, default_every: int | None) -> datetime | None:
    """When the timer's next feed falls due; None when no feed is on a timer."""
    feeds = [source.id for source in library.sources() if source.kind == "feed"]
    return schedule.next_due(library.timings(), feeds, default_every)


async def _batches(result: FeedResult | FeedStream) -> AsyncIterator[list[Article]]:
    """A feed's articles a batch at a time. A stream is parsed on one thread of
    its own (lxml's parser stays on the thread that made it), the next batch
    while this one is stored; a result fetched whole is one batch."""
    if isinstance(result, FeedResult):
        yield result.articles
        return
    loop = asyncio.get_running_loop()
    batches = iter(result)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-parser") as parser:
        ahead = loop.run_in_executor(parser, next, batches, None)
        while (batch := await ahead) is not None:
            ahead = loop.run_in_executor(parser, next, batches, None)
            yield batch


def fetch_fulltext(
    library: Library,
    article_id: str,
    client: httpx.AsyncClient | None = None,
    *,
    allow_private: bool = False,
    cancel: threading.Event | None = None,
) -> str:
    """Fetch one story's page, cut the story out of it, store it as the body
    (kept by later refreshes) and return it as Markdown. Raises
    ``FulltextError`` saying why when there is no such story, it has no link,
    the page cannot be fetched (a private address off the feed's origin is
    refused unless ``allow_private``), or no article is found on it; and
    ``net.Cancelled`` when ``cancel`` is set meanwhile."""
    article = library.article(article_id)
    if article is None:
        raise FulltextError(f"no story with id {article_id!r}")
    if not article.url:
        raise FulltextError(f"{article.title!r} has no link to fetch")

    # The feed's own address is the page's home; a feed file on disk gives none.
    reach = Reach(home=article.source, allow_private=allow_private)

    async def get() -> FetchResult:
        if client is not None:
            return await fetch(client, article.url, reach=reach)
        async with make_client() as own:
            return await fetch(own, article.url, reach=reach)

    try:
        page = asyncio.run(cancellable(get(), cancel))
    except FetchError as exc:
        raise FulltextError(f"cannot fetch {article.url}: {exc.reason}") from None
    text = extract_article(page.content, page.final_url)
    if text is None:
        raise FulltextError(f"{article.url}: {NO_ARTICLE}")
    library.set_page_body(article.id, text)
    return text
