"""A parsed feed's stories put into the library: what is new, what changed.

Apart from fetching (`feeds.py`) because storing is the one part that touches the
library and must stay on the refresh's own thread (a `Library` is not
thread-safe), while everything around it runs concurrently; and because the rules
of what a stored story keeps are the library's and the feed's, not the network's:
a section override moves stories without changing their ids, a story seen before
keeps its id (found by the entry's key), and a large feed file is stored a batch
at a time while the next batch is parsed.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field

from reader.library.articles import Library, Source
from reader.model import Article
from reader.sources.feed import FeedResult, FeedStream

__all__ = ["Stored", "store_feed"]


@dataclass(slots=True)
class Stored:
    """What storing one feed did."""

    stories: int = 0  # entries in the feed as read this time
    new: int = 0  # stories the library did not hold
    changed: int = 0  # stories added or changed (new ones among them)
    new_ids: list[str] = field(default_factory=list)
    fresh: list[Article] = field(default_factory=list)  # new ones, for full text only


async def store_feed(
    library: Library,
    source: Source,
    result: FeedResult | FeedStream,
    on_read: Callable[[int, int], None] | None = None,
) -> Stored:
    """Store the feed's stories under `source`; `on_read` hears (bytes read,
    bytes in all) after each batch of a feed file read as a stream."""
    stored = Stored()
    # A stream's many batches are stored with the library's settings for that.
    with library.bulk_writes() if isinstance(result, FeedStream) else nullcontext():
        await _store_batches(library, source, result, stored, on_read)
    return stored


async def _store_batches(
    library: Library,
    source: Source,
    result: FeedResult | FeedStream,
    stored: Stored,
    on_read: Callable[[int, int], None] | None,
) -> None:
    async for articles in _batches(result):
        if source.section_override:
            # Only the section: ids stay as the feed's own rule made them, so
            # changing the override moves stories rather than duplicating them.
            override = source.section_override
            articles = [dataclasses.replace(a, section=override) for a in articles]
        # A story stored before keeps its id (found by the entry's key).
        articles = library.resolve_ids(source.id, articles)
        known = library.known_ids(a.id for a in articles)
        stored.changed += library.upsert_articles(source.id, articles, resolved=True)
        unknown = [a for a in articles if a.id not in known]
        stored.stories += len(articles)
        stored.new += len(unknown)
        stored.new_ids.extend(a.id for a in unknown)
        if source.fulltext:
            stored.fresh.extend(unknown)
        if on_read is not None and isinstance(result, FeedStream):
            on_read(result.done, result.total)
        del articles, unknown  # not held while the next batch is read (15 MB)


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
        try:
            ahead = loop.run_in_executor(parser, next, batches, None)
            while (batch := await ahead) is not None:
                ahead = loop.run_in_executor(parser, next, batches, None)
                yield batch
                del batch
        finally:
            # Storing ended early (an error, Ctrl+C, a cancelled refresh): a
            # child process reading ahead is stopped, so the read under way
            # ends now and the pool's thread with it.
            result.stop()
