"""Full text: a story's web page fetched, the story cut out of it and stored.

Apart from fetching feeds (`feeds.py`) because a page is a different fetch with
different rules: it goes to an address the feed chose, not the person, so
`reader.urls`' rule holds (a loopback or private address only on the feed's own
origin, or with ``allow_private``); its extraction (``fulltext.extract_article``)
is synchronous and slow, so it runs in a thread; and a refresh fetches at most
``FULLTEXT_PER_FEED`` pages a feed, the rest left to ``fetch_fulltext`` on demand
(`news fulltext ID`, ``f`` in the reader). The body stored is kept by later
refreshes of the feed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.fulltext import extract_article
from reader.library.articles import Library
from reader.model import Article
from reader.urls import Reach

if TYPE_CHECKING:
    # Imported where a page is fetched: a refresh of feed files on disk, and
    # `reader.refresh` itself, need no HTTP client (see `feeds.py`).
    import httpx

    from reader.net import FetchResult

__all__ = ["FULLTEXT_PER_FEED", "FulltextError", "fetch_fulltext", "fetch_pages"]

# Pages fetched for one feed in one refresh: a feed that suddenly lists a
# thousand new entries must not turn a refresh into a crawl. Stories past it
# keep the feed's text; `fetch_fulltext` fetches one on demand.
FULLTEXT_PER_FEED = 50
NO_ARTICLE = "no article found on the page"


class FulltextError(Exception):
    """A story's full text could not be had; the message says why."""


async def fetch_pages(
    library: Library,
    articles: Sequence[Article],
    client: httpx.AsyncClient,
    gate: asyncio.Semaphore,
    reach: Reach,
    warnings: list[str],
) -> int:
    """Fetch and store the pages of new stories, as many at once as `gate`
    lets through; how many were stored. What could not be had is said in
    `warnings`."""
    linked = [a for a in articles if a.url]
    if len(linked) > FULLTEXT_PER_FEED:
        warnings.append(
            f"full text fetched for the first {FULLTEXT_PER_FEED} of {len(linked)} new"
            " stories; `news fulltext ID` fetches another"
        )
    pages = await asyncio.gather(
        *(_page(a, client, gate, reach) for a in linked[:FULLTEXT_PER_FEED])
    )
    stored = 0
    for article, text, reason in pages:
        if text is not None and library.set_page_body(article.id, text):
            stored += 1
        elif reason:
            warnings.append(f"{article.title[:60]}: full text not stored ({reason})")
    return stored


async def _page(
    article: Article, client: httpx.AsyncClient, gate: asyncio.Semaphore, reach: Reach
) -> tuple[Article, str | None, str]:
    from reader.net import FetchError, fetch

    async with gate:
        try:
            page = await fetch(client, article.url, reach=reach)
        except FetchError as exc:
            return article, None, exc.reason
        text = await asyncio.to_thread(extract_article, page.content, page.final_url)
    return article, text, "" if text else NO_ARTICLE


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
    from reader.net import FetchError, cancellable, fetch, make_client

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
