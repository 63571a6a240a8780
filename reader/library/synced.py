"""What the library keeps for sync accounts: their subscriptions as sources,
their items as stories, the queue of changes made here, and how far each
account was synced.

A synced source is one subscription on a server (kind 'synced', location the
server's feed id, `account` its account), and its stories are the server's
items, each keyed on the item id (`feed_key`, 16 hex digits) with an id made
from the account and that id (`model.synced_story_id`), so an item fetched
again, or edited on its feed, is the same story with the same marks.

The queue (`sync_queue`) is the durable outbox: a change made here to a synced
story (read, unread, star, unstar) is written at once, in its own
transaction, and stays until the server has it; the sync engine reads the
rows, sends them and deletes exactly the rows it sent, so a change queued
while a sync runs waits for the next one. Only the newest change per item
and kind (read or star) is kept: marking read and then unread sends "unread"
once, never both in the wrong order.

Mixed into `articles.Library`; needs its `conn` and `upsert_articles`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Literal, NamedTuple, get_args

from reader.library.db import LibraryConnection, put_row, select_in, transaction
from reader.model import utc_now

__all__ = ["Action", "Queued", "Subscribed", "SyncedSources"]

Action = Literal["read", "unread", "star", "unstar"]
ACTIONS: frozenset[str] = frozenset(get_args(Action))
# Each action and the one that undoes it: only the newer of the two is kept.
_PAIR: dict[str, tuple[str, str]] = {
    "read": ("read", "unread"),
    "unread": ("read", "unread"),
    "star": ("star", "unstar"),
    "unstar": ("star", "unstar"),
}


class Subscribed(NamedTuple):
    """One subscription as the server lists it: its feed id, its title and the
    section its stories go in (its first folder, else "")."""

    feed_id: str
    title: str
    folder: str


class Queued(NamedTuple):
    """A change waiting for the server."""

    seq: int
    account: str
    item: str
    action: Action


class SyncedSources:
    """The library's sync side (see the module docstring)."""

    conn: LibraryConnection

    # -- subscriptions ------------------------------------------------------------

    def sync_subscriptions(self, account: str, feeds: Sequence[Subscribed]) -> dict[str, int]:
        """Make the account's synced sources those the server lists: new ones
        added, titles and folders brought up to date, and those the server no
        longer has removed with their stories. Each feed id's source id."""
        now = utc_now()
        with transaction(self.conn):
            for feed in feeds:
                self.conn.execute(
                    "INSERT INTO sources (kind, location, title, section_override, added, account)"
                    " VALUES ('synced', ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET"
                    " title = excluded.title, section_override = excluded.section_override",
                    (feed.feed_id, feed.title, feed.folder, now, account),
                )
            rows = self.conn.execute(
                "SELECT id, location FROM sources WHERE kind = 'synced' AND account = ?",
                (account,),
            ).fetchall()
            listed = {feed.feed_id for feed in feeds}
            gone = [(source_id,) for source_id, location in rows if location not in listed]
            # The foreign key cascades to their stories, and a trigger to the index.
            self.conn.executemany("DELETE FROM sources WHERE id = ?", gone)
        return {location: source_id for source_id, location in rows if location in listed}

    def synced_source(self, account: str, feed_id: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM sources WHERE kind = 'synced' AND account = ? AND location = ?",
            (account, feed_id),
        ).fetchone()
        return None if row is None else int(row[0])

    def drop_account(self, account: str) -> int:
        """Remove an account's sources, stories, queued changes and sync marks;
        how many stories went."""
        with transaction(self.conn):
            (count,) = self.conn.execute(
                "SELECT count(*) FROM articles WHERE source_id IN"
                " (SELECT id FROM sources WHERE kind = 'synced' AND account = ?)",
                (account,),
            ).fetchone()
            self.conn.execute(
                "DELETE FROM sources WHERE kind = 'synced' AND account = ?", (account,)
            )
            self.conn.execute("DELETE FROM sync_queue WHERE account = ?", (account,))
            self.conn.execute("DELETE FROM sync_marks WHERE account = ?", (account,))
        return int(count)

    # -- items --------------------------------------------------------------------

    def synced_items(self, account: str) -> dict[str, str]:
        """Every item of the account stored here, by item id, with its story's id."""
        rows = self.conn.execute(
            "SELECT a.feed_key, a.id FROM articles a JOIN sources s ON s.id = a.source_id"
            " WHERE s.kind = 'synced' AND s.account = ?",
            (account,),
        )
        return dict(rows)

    def bookmark_details(self, article_ids: Iterable[str]) -> dict[str, tuple[str, str, str, str]]:
        """What a bookmark keeps of each of these stories: title, section, link
        and its source's title; read from the rows, bodies left alone."""
        rows = select_in(
            self.conn,
            "SELECT a.id, a.title, a.section, a.url, coalesce(nullif(s.title, ''), s.location)"
            " FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id IN ({ids})",
            article_ids,
        )
        return {ident: (title, section, url, source) for ident, title, section, url, source in rows}

    # -- the queue ----------------------------------------------------------------

    def queue_changes(self, article_ids: Iterable[str], action: str) -> int:
        """Queue a change (an `Action`) to these stories for their servers, in
        one transaction; ids of stories that are not synced are ignored. How
        many were queued. This is `Reading`'s journal, which names the action
        as a plain string."""
        if action not in ACTIONS:
            raise ValueError(f"unknown sync action {action!r}")
        ids = list(dict.fromkeys(article_ids))
        rows = select_in(
            self.conn,
            "SELECT a.id, s.account, a.feed_key FROM articles a JOIN sources s"
            " ON s.id = a.source_id WHERE s.kind = 'synced' AND a.id IN ({ids})",
            ids,
        )
        synced = {ident: (account, item) for ident, account, item in rows}
        found = [synced[i] for i in ids if i in synced]  # in the order given
        if not found:
            return 0
        now = utc_now()
        with transaction(self.conn):
            self.conn.executemany(
                "DELETE FROM sync_queue WHERE account = ? AND item = ? AND action IN (?, ?)",
                ((account, item, *_PAIR[action]) for account, item in found),
            )
            self.conn.executemany(
                "INSERT INTO sync_queue (account, item, action, queued) VALUES (?, ?, ?, ?)",
                ((account, item, action, now) for account, item in found),
            )
        return len(found)

    def queued(self, account: str) -> list[Queued]:
        """The account's changes waiting for the server, oldest first."""
        rows = self.conn.execute(
            "SELECT seq, account, item, action FROM sync_queue WHERE account = ? ORDER BY seq",
            (account,),
        )
        return [Queued._make(row) for row in rows]

    def delete_queued(self, seqs: Collection[int]) -> None:
        """Forget changes the server has (by `Queued.seq`); a change queued
        after them for the same item has another seq and stays."""
        with transaction(self.conn):
            self.conn.executemany("DELETE FROM sync_queue WHERE seq = ?", ((s,) for s in seqs))

    # -- how far each account was synced -------------------------------------------

    def sync_mark(self, account: str) -> int:
        """The time (unix seconds) before which the server's items were seen by
        an earlier sync; 0 before the first."""
        row = self.conn.execute(
            "SELECT newer_than FROM sync_marks WHERE account = ?", (account,)
        ).fetchone()
        return 0 if row is None else int(row[0])

    def set_sync_mark(self, account: str, newer_than: int) -> None:
        put_row(
            self.conn, "sync_marks", ("account", account), newer_than=newer_than, synced=utc_now()
        )
