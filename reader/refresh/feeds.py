"""Fetching feeds: every feed source fetched at once, and an outcome for each
that says what happened in words a person can act on.

This is the part of a refresh that talks to the network and the disk and decides
what a fetch meant: not modified, failed (and why), a web page given as a feed
(autodiscovery: its outcome lists the feeds the page announces, ``found_feeds``,
so ``news add`` can add one), or a feed to store. Storing what is new
(`store.py`) and fetching the stories' pages (`pages.py`) are apart: each has
rules of its own, and this module only orders them.

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

Markdown folders the library holds are read again in the same refresh
(`folders.py`: only the files changed since), each with an outcome as a
feed's. A feed being added (`news add URL`, ``adding``) is not in the
library until its first stories are stored: one that cannot be read leaves
nothing behind, and no other program refreshes it meanwhile.

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
import sqlite3
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urlsplit

from reader.discover import feed_links, looks_like_html
from reader.library.articles import REFRESHED_KINDS, Library, Source
from reader.refresh.store import store_feed
from reader.sources.feed import FeedError, FeedResult, FeedStream, parse_feed, stream_feed_file
from reader.triage import schedule
from reader.urls import Reach, scheme

if TYPE_CHECKING:
    # The HTTP client (httpx and `reader.net`) is imported only when a refresh
    # needs the network: `news add big.xml` reads the disk, and importing httpx
    # cost it 70-80 ms of its start.
    import httpx

    from reader.net import FetchError, FetchResult

__all__ = [
    "FeedOutcome",
    "Status",
    "due_feeds",
    "local_feed_path",
    "next_feed_due",
    "refresh",
]

Status = Literal["new", "unchanged", "failed"]
# Feeds parsed at once: each holds its document and its articles in memory.
PARSERS = 2


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
    folder: bool = False  # a Markdown folder's, not a feed's

    @property
    def ok(self) -> bool:
        return self.status != "failed"


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
    concurrency: int | None = None,
    client: httpx.AsyncClient | None = None,
    source_ids: Collection[int] | None = None,
    allow_private: bool = False,
    homes: Mapping[int, str] | None = None,
    cancel: threading.Event | None = None,
    on_read: Callable[[int, int], None] | None = None,
    clock: Callable[[], datetime] | None = None,
    adding: Source | None = None,
) -> list[FeedOutcome]:
    """Refresh every feed and Markdown folder (or those in ``source_ids``) and
    say how each went, in the library's order of sources. ``adding`` instead:
    that feed alone, not in the library yet (its ``id`` 0), added with its
    first stories (the outcome's ``source_id``), never if it fails.
    ``on_progress`` hears of each as it is done, in the order they finish.
    A ``client`` given is used and left open; without one, one is made and
    closed. A client serves one call: its pooled connections belong to that
    call's event loop.

    A feed's own address is the person's (any host); ``homes`` names, for a
    source whose address a page chose, that page instead, so the feed is
    held to the page's origin. ``allow_private`` is the config's switch.
    ``cancel`` set from another thread stops it all: ``net.Cancelled``.
    ``on_read`` hears (bytes read, bytes in all) as a feed file on disk is read
    and stored, a batch at a time (for the progress bar of `news add`).
    ``clock`` gives the time each fetch is recorded at (tests pass a fake one)."""
    sources = library.sources()
    if adding is not None:
        feeds = [adding]
    else:
        chosen = (s for s in sources if source_ids is None or s.id in source_ids)
        feeds = [source for source in chosen if source.kind in REFRESHED_KINDS]
    if not feeds:
        return []
    run = _Refresh(library, on_progress, concurrency, allow_private, homes or {})
    seen: set[str] = set()
    for source in sources:
        name = source.name.casefold()
        (run.shared if name in seen else seen).add(name)
    run.on_read = on_read
    run.clock = clock or _utc_now
    if cancel is None:
        return asyncio.run(run.all(feeds, client))
    from reader.net import cancellable

    return asyncio.run(cancellable(run.all(feeds, client), cancel))


class _Refresh:
    """One refresh: the library, the gates, and the outcome of each feed."""

    def __init__(
        self,
        library: Library,
        on_progress: Callable[[FeedOutcome], None] | None,
        concurrency: int | None,
        allow_private: bool,
        homes: Mapping[int, str],
    ) -> None:
        self.library = library
        self.on_progress = on_progress
        self.concurrency = concurrency
        self.allow_private = allow_private
        self.homes = homes
        self.outcomes: dict[int, FeedOutcome] = {}  # by the source's id as given
        # Names two sources go by (casefolded): an outcome under one says its
        # address too, or "Orbit: HTTP 404" would not say which Orbit failed.
        self.shared: set[str] = set()
        # A feed being added: its id once its first stories made it a source,
        # and the fetch's timing until then (`_timed`).
        self.added = 0
        self.timing: tuple[str, str] | None = None
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
        # Feeds on disk need no client, unless their stories' pages are wanted,
        # nor the network's modules (see the imports at the top).
        needed = any(
            s.kind == "feed" and (s.fulltext or local_feed_path(s.location) is None) for s in feeds
        )
        if needed:
            from reader.net import DEFAULT_CONCURRENCY, make_client

            self.concurrency = max(1, self.concurrency or DEFAULT_CONCURRENCY)
        # Made here, inside the loop that will use them.
        self.parsers = asyncio.Semaphore(PARSERS)
        self.pages = asyncio.Semaphore(self.concurrency or 1)
        own = client is None and needed
        active = make_client() if own else client
        try:
            remote: dict[str, Source] = {}
            tasks: list[asyncio.Task[None]] = []
            for source in feeds:
                path = local_feed_path(source.location)
                if source.kind == "markdown":
                    tasks.append(asyncio.create_task(self._folder(source)))
                elif path is None:
                    remote[source.location] = source
                else:
                    tasks.append(asyncio.create_task(self._local(source, path, active)))

            def on_done(url: str, outcome: FetchResult | FetchError) -> None:
                # Called on the loop as each download ends: parsing and storing
                # start at once, while the other downloads go on.
                tasks.append(asyncio.create_task(self._remote(remote[url], outcome, active)))

            if remote:
                from reader.net import fetch_many

                requests = [
                    (url, source.etag or None, source.last_modified or None)
                    for url, source in remote.items()
                ]
                await fetch_many(
                    requests,
                    self.concurrency or 1,
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

    def _saved(self, source: Source) -> Source:
        """The source as the library holds it. A feed being added (``id`` 0)
        is added now, as its stories are about to be stored, with the
        timing of its fetch."""
        if source.id:
            return source
        if not self.added:
            self.added = self.library.add_source(
                "feed",
                source.location,
                section_override=source.section_override,
                fulltext=source.fulltext,
            )
            if self.timing is not None:
                self.library.record_fetch(self.added, *self.timing)
        return replace(source, id=self.added)

    async def _folder(self, source: Source) -> None:
        from reader.refresh.folders import FolderError, failed_folder, read_folder, store_folder

        self._timed(source)
        try:
            async with self.parsers:
                result = await asyncio.to_thread(read_folder, source)
        except FolderError as exc:
            self._report(source, failed_folder(self.library, source, str(exc)))
            return
        try:
            outcome = store_folder(self.library, source, result)
        except sqlite3.IntegrityError:
            if not self._removed(source, source.id):
                raise
            return
        self._report(source, outcome)

    async def _remote(
        self,
        source: Source,
        outcome: FetchResult | FetchError,
        client: httpx.AsyncClient | None,
    ) -> None:
        from reader.net import FetchError

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
        given: Source,
        result: FeedResult | FeedStream,
        etag: str,
        last_modified: str,
        client: httpx.AsyncClient | None,
    ) -> None:
        source = self._saved(given)
        try:
            stored = await store_feed(self.library, source, result, self.on_read)
        except sqlite3.IntegrityError:
            if not self._removed(given, source.id):
                raise
            return
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
        if source.fulltext and stored.fresh and client is not None:
            from reader.refresh.pages import fetch_pages

            full_texts = await fetch_pages(
                self.library, stored.fresh, client, self.pages, self.reach(given), warnings
            )
        self._report(
            given,
            FeedOutcome(
                source.id,
                str(fields.get("title") or source.name),
                source.location,
                "new" if stored.changed else "unchanged",
                stories=stored.stories,
                new=stored.new,
                updated=max(stored.changed - stored.new, 0),
                full_texts=full_texts,
                warnings=tuple(warnings),
                new_ids=tuple(stored.new_ids),
            ),
        )

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
        source_id = source.id or self.added
        wish = schedule.not_before(
            source_id,
            now,
            ttl_minutes=ttl,
            max_age_seconds=schedule.max_age(cache_control),
            retry_after_seconds=schedule.retry_after(retry_after, now),
        )
        timing = (now.isoformat(), wish.isoformat() if wish else "")
        if source_id:
            self.library.record_fetch(source_id, *timing)
        else:
            self.timing = timing  # recorded if its stories make it a source

    def _failed(self, source: Source, reason: str, found: tuple[str, ...] = ()) -> None:
        # Validators are left as they were: the next refresh fetches in full.
        # A feed being added is not in the library (unless a stream failed
        # after its first batch: `news add` then removes it).
        source_id = source.id or self.added
        if source_id:
            self.library.update_source(source_id, last_error=reason)
        self._report(
            source,
            FeedOutcome(
                source_id, source.name, source.location, "failed", reason=reason, found_feeds=found
            ),
        )

    def _removed(self, source: Source, source_id: int) -> bool:
        """Whether a store was refused because another `news` removed the
        source meanwhile (`news remove`, while this fetched it): then it is
        said as that, not taken for a damaged library."""
        if self.library.source(source_id) is not None:
            return False
        reason = "removed while it was refreshed"
        self._report(
            source, FeedOutcome(source_id, source.name, source.location, "failed", reason=reason)
        )
        return True

    def _unchanged(self, given: Source, *, etag: str, last_modified: str) -> None:
        source = self._saved(given)
        self.library.update_source(source.id, etag=etag, last_modified=last_modified, last_error="")
        self._report(given, FeedOutcome(source.id, source.name, source.location, "unchanged"))

    def _report(self, source: Source, outcome: FeedOutcome) -> None:
        if outcome.name.casefold() in self.shared:
            outcome = replace(outcome, name=f"{outcome.name} ({outcome.location})")
        self.outcomes[source.id] = outcome
        if self.on_progress is not None:
            self.on_progress(outcome)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def due_feeds(
    library: Library, default_every: int | None, now: datetime | None = None
) -> list[int]:
    """The feeds and folders whose time has come on the timer
    (``reader.triage.schedule``): their interval passed, the server's wish
    met. ``now`` defaults to the clock."""
    feeds = [source.id for source in library.sources() if source.kind in REFRESHED_KINDS]
    return schedule.due(library.timings(), feeds, default_every, now or _utc_now())


def next_feed_due(library: Library, default_every: int | None) -> datetime | None:
    """When the timer's next feed or folder falls due; None when none is on a timer."""
    feeds = [source.id for source in library.sources() if source.kind in REFRESHED_KINDS]
    return schedule.next_due(library.timings(), feeds, default_every)
