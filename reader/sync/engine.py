"""One sync of one account: the queue sent, the server's subscriptions and
items brought here, and read and starred state made the same on both sides.

The order is what makes it safe:

1. **Send the queue.** Changes made here (`Library.queue_changes`) go to the
   server in batches, and each batch's rows are deleted only once the server
   took it; a batch that fails stays queued and is sent next time, so a
   change made offline reaches the server once it is back. Read and starred
   are states, not counts, so a batch sent twice (the answer lost) does no harm.
2. **Subscriptions.** The server's list becomes the account's synced sources;
   a folder becomes the section of that feed's stories. A feed the server no
   longer lists goes here too, with its stories, and is named in
   `SyncResult.unsubscribed` (with how many stories went) for the caller to say.
3. **Item ids.** Every unread and every starred id, and the ids the server got
   since the last sync (the first time: within the window, `[sync] days`).
   Only ids travel, up to 10,000 to a request, so a sync with nothing new is a
   few small requests.
4. **Contents** of the ids not stored yet, in batches, each stored as it
   arrives (a sync cut short keeps what it fetched). The server's HTML goes
   through the same HTML-to-Markdown and cleaning as a feed entry's
   (`sources.html.html_to_markdown`), never shown raw.
5. **Reconcile.** Each stored story of the account is read unless the server
   lists it unread, and bookmarked exactly when the server has it starred,
   in state.json and bookmarks.json (a bookmark's note stays here). A change
   still queued (made while this sync ran) wins over what the server said
   before it was sent. Only the account's own stories are touched.
   A note is something only this reader holds, so an unstar from the server
   never destroys one: a bookmark with a note is kept, becomes this reader's
   alone (`Bookmark.unstarred_on`, left alone by later syncs until the server
   stars the story again) and is named in `SyncResult.kept` for the caller to
   say.

Errors from the client (`greader.SyncError`) end the account's sync and are
its outcome; what was done before stays done. No Textual here: the command
line and the reader's worker both call `sync_account`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.bookmarks import Bookmark, Bookmarks
from reader.config import SYNC_DAYS
from reader.library.articles import Library
from reader.library.synced import Queued, Subscribed
from reader.model import Article, make_article, synced_story_id, utc_now
from reader.state import ReadingState
from reader.sync.greader import READ, READING_LIST, STARRED, Item

if TYPE_CHECKING:
    from reader.accounts import Account
    from reader.sync.greader import GReader

__all__ = [
    "DEFAULT_DAYS",
    "FETCH_BATCH",
    "SEND_BATCH",
    "Progress",
    "SyncResult",
    "run_account",
    "sync_account",
]

DEFAULT_DAYS = SYNC_DAYS  # the window of recent items a first sync brings, read or not
FETCH_BATCH = 250  # items whose contents one request brings
SEND_BATCH = 250  # queued changes sent (and then deleted) at once
# The mark for "since the last sync" is set back by this much: the server's
# clock and ours may differ, and an id seen twice is only skipped.
MARK_SLACK = 3600
TITLE_WORDS = 12  # an untitled item is named by its first words, as a feed entry is
_TAGS = {"read": (READ, True), "unread": (READ, False), "star": (STARRED, True)}
_TAGS["unstar"] = (STARRED, False)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where an account's sync is: `stage` ("sending", "subscriptions",
    "listing", "fetching", "reconciling"), and for fetching the items stored
    so far of `total`."""

    account: str
    stage: str
    done: int = 0
    total: int = 0


@dataclass
class SyncResult:
    """What one account's sync did. `read` and `unread` are the story ids whose
    read state it changed here; `starred` the bookmarks it added, `unstarred`
    the ids whose bookmark it dropped: what a reader already open must take in.
    `kept` the bookmarks with a note the server unstarred, kept here (not a
    mark taken in: the caller says each)."""

    account: str
    sent: int = 0  # queued changes the server took
    feeds: int = 0
    new: int = 0  # stories stored for the first time
    updated: int = 0  # stories stored before whose text changed
    read: set[str] = field(default_factory=set)
    unread: set[str] = field(default_factory=set)
    starred: list[Bookmark] = field(default_factory=list)
    unstarred: set[str] = field(default_factory=set)
    kept: list[Bookmark] = field(default_factory=list)
    unsubscribed: list[tuple[str, int]] = field(default_factory=list)  # (feed, stories gone)
    reason: str = ""  # why it failed ("" when it did not)

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def marks(self) -> int:
        return len(self.read) + len(self.unread) + len(self.starred) + len(self.unstarred)


def sync_account(
    library: Library,
    client: GReader,
    account: str,
    state: ReadingState,
    bookmarks: Bookmarks,
    *,
    days: int = DEFAULT_DAYS,
    on_progress: Callable[[Progress], object] | None = None,
    now: Callable[[], float] = time.time,
) -> SyncResult:
    """Sync one account (see the module docstring). `state` and `bookmarks` are
    loaded here and saved through their own safe writes. Raises
    `greader.SyncError` (and `atomic.StoreError` when a file cannot be saved)."""

    def tell(stage: str, done: int = 0, total: int = 0) -> None:
        if on_progress is not None:
            on_progress(Progress(account, stage, done, total))

    started = int(now())
    result = SyncResult(account)
    client.login()

    tell("sending")
    result.sent = send_queue(library, client, account)

    tell("subscriptions")
    subscriptions = client.subscriptions()
    names = {s.id: s.title or s.url or s.id for s in subscriptions}
    folders = {s.id: s.folders[0] if s.folders else "" for s in subscriptions}
    result.unsubscribed = going(library, account, names)
    sources = library.sync_subscriptions(
        account, [Subscribed(s.id, names[s.id], folders[s.id]) for s in subscriptions]
    )
    result.feeds = len(sources)
    # A feed's stories go in its folder, else in a section named after the feed.
    sections = {feed: folders[feed] or names[feed] for feed in names}

    tell("listing")
    unread = set(client.item_ids(READING_LIST, exclude=READ))
    starred = set(client.item_ids(STARRED))
    window = started - days * 86400
    since = max(window, library.sync_mark(account) - MARK_SLACK)
    recent = client.item_ids(READING_LIST, newer_than=since)

    stored = library.synced_items(account)
    wanted = [i for i in dict.fromkeys([*recent, *unread, *starred]) if i not in stored]
    tell("fetching", 0, len(wanted))
    for start in range(0, len(wanted), FETCH_BATCH):
        items = client.items(wanted[start : start + FETCH_BATCH])
        new, updated = store_items(library, account, items, sources, sections, names, stored)
        result.new += new
        result.updated += updated
        tell("fetching", min(start + FETCH_BATCH, len(wanted)), len(wanted))

    tell("reconciling")
    reconcile(library, account, unread, starred, state, bookmarks, result)
    library.set_sync_mark(account, started)
    return result


def run_account(
    library: Library,
    account: Account,
    state: ReadingState,
    bookmarks: Bookmarks,
    *,
    days: int = DEFAULT_DAYS,
    on_progress: Callable[[Progress], object] | None = None,
) -> SyncResult:
    """Sync one configured account: its password fetched, a client made, and
    any failure (a wrong password, a server down, a password command that
    fails) turned into the result's `reason`, so one account's trouble never
    stops the others. What was done before a failure stays done (sent changes
    left the queue; stored stories stay)."""
    from reader.accounts import AccountError, password
    from reader.sync.greader import GReader, SyncError

    try:
        with GReader(account.api_url, account.user, password(account)) as client:
            return sync_account(
                library,
                client,
                account.name,
                state,
                bookmarks,
                days=days,
                on_progress=on_progress,
            )
    except (SyncError, AccountError) as exc:
        return SyncResult(account.name, reason=str(exc) or type(exc).__name__)


def going(library: Library, account: str, listed: Collection[str]) -> list[tuple[str, int]]:
    """The account's feeds here that the server no longer lists (unsubscribed
    there), each with how many stories it holds: what the sync removes."""
    gone = [
        s
        for s in library.sources()
        if s.kind == "synced" and s.account == account and s.location not in listed
    ]
    if not gone:
        return []
    counts = library.counts_by_source()
    return [(s.title or s.location, counts.get(s.id, 0)) for s in gone]


def send_queue(library: Library, client: GReader, account: str) -> int:
    """Send the account's queued changes, `SEND_BATCH` at a time, deleting each
    batch's rows once the server has it; how many were sent."""
    sent = 0
    groups: dict[str, list[Queued]] = {}
    for row in library.queued(account):
        groups.setdefault(row.action, []).append(row)
    for action, rows in groups.items():
        tag, add = _TAGS[action]
        for start in range(0, len(rows), SEND_BATCH):
            batch = rows[start : start + SEND_BATCH]
            ids = [row.item for row in batch]
            if add:
                client.edit(ids, add=tag)
            else:
                client.edit(ids, remove=tag)
            library.delete_queued([row.seq for row in batch])
            sent += len(batch)
    return sent


def item_article(account: str, item: Item, section: str, source: str) -> Article:
    """A server's item as a story: its HTML made Markdown and cleaned as a feed
    entry's is, its title as plain text."""
    from reader.sources.html import html_to_markdown, plain_text, web_link

    url = web_link(item.url)
    markdown = html_to_markdown(item.html, url)
    title = plain_text(item.title)
    if not title:
        words = plain_text(item.html).split()
        title = " ".join(words[:TITLE_WORDS]) + (" …" if len(words) > TITLE_WORDS else "")
    return make_article(
        section,
        title or "(untitled)",
        (),
        source,
        url=url,
        author=plain_text(item.author),
        published=item.published or item.updated,
        id=synced_story_id(account, item.id),
        markdown=markdown,
        feed_key=item.id,
    )


def store_items(
    library: Library,
    account: str,
    items: Sequence[Item],
    sources: dict[str, int],
    sections: dict[str, str],
    names: dict[str, str],
    stored: dict[str, str],
) -> tuple[int, int]:
    """Store fetched items under their feeds' sources; (new, updated). An item
    of a feed the account no longer subscribes to is left out: its source
    would go with the next sync."""
    by_source: dict[int, list[Article]] = {}
    for item in items:
        source_id = sources.get(item.feed_id)
        if source_id is None:
            continue
        article = item_article(account, item, sections[item.feed_id], names[item.feed_id])
        by_source.setdefault(source_id, []).append(article)
    new = updated = 0
    for source_id, articles in by_source.items():
        fresh = sum(1 for a in articles if a.feed_key not in stored)
        changed = library.upsert_articles(source_id, articles)
        new += fresh
        updated += max(changed - fresh, 0)
        stored.update((a.feed_key, a.id) for a in articles)
    return new, updated


def reconcile(
    library: Library,
    account: str,
    unread: Collection[str],
    starred: Collection[str],
    state: ReadingState,
    bookmarks: Bookmarks,
    result: SyncResult,
) -> None:
    """Make the account's stories read and bookmarked as the server says,
    except where a change made here is still queued, and a bookmark with a
    note, which an unstar there leaves here (see the module docstring)."""
    state.load()
    bookmarks.load()
    pending = {(row.item, _TAGS[row.action][0]) for row in library.queued(account)}
    read_now = state.read_ids()
    to_star: list[str] = []
    starred_again: list[str] = []  # kept bookmarks the server stars once more
    for item, article_id in library.synced_items(account).items():
        if (item, READ) not in pending:
            read = item not in unread
            if read and article_id not in read_now:
                result.read.add(article_id)
            elif not read and article_id in read_now:
                result.unread.add(article_id)
        if (item, STARRED) not in pending:
            star = item in starred
            mark = bookmarks.get(article_id)
            if star and mark is None:
                to_star.append(article_id)
            elif star and mark is not None and mark.unstarred_on:
                starred_again.append(article_id)
            elif not star and mark is not None and not mark.unstarred_on:
                if mark.note.strip():
                    result.kept.append(mark)
                else:
                    result.unstarred.add(article_id)
    now = utc_now()
    for article_id, (title, section, url, source) in library.bookmark_details(to_star).items():
        result.starred.append(Bookmark(article_id, title, section, source, url, now))
    if result.read:
        state.mark_many(result.read, True)
    if result.unread:
        state.mark_many(result.unread, False)
    if result.starred:
        bookmarks.restore_many(result.starred)
    if result.unstarred:
        bookmarks.remove_many(result.unstarred)
    if result.kept:
        bookmarks.set_unstarred_on([b.article_id for b in result.kept], account)
    if starred_again:
        bookmarks.set_unstarred_on(starred_again, "")
