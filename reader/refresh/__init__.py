"""Refreshing feeds: every feed source fetched at once, what is new stored, and
an outcome for each that says what happened in words a person can act on.

In three parts, each apart for a reason of its own:

- `feeds.py` fetches (the network and the disk, concurrently), decides what a
  fetch meant (not modified, failed and why, a web page that names feeds), and
  records each fetch for the refresh timer; ``refresh``, ``due_feeds`` and
  ``next_feed_due`` are here.
- `store.py` puts a parsed feed's stories into the library: the only part that
  writes stories, on the refresh's own thread, a batch at a time.
- `pages.py` fetches the stories' own web pages for full text: addresses a feed
  chose, held to its origin, a few per feed in a refresh (``fetch_fulltext``
  for one on demand).

- `folders.py` reads a Markdown folder the library holds again (the files
  changed since) and stores it, for a refresh and for `news add FOLDER` alike.

Autodiscovery (the feeds a web page names) is ``reader.discover``; ``feeds.py``
only asks it when a "feed" turns out to be a web page.
"""

from reader.refresh.feeds import (
    FeedOutcome,
    Status,
    due_feeds,
    local_feed_path,
    next_feed_due,
    refresh,
)
from reader.refresh.pages import FULLTEXT_PER_FEED, FulltextError, fetch_fulltext

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
