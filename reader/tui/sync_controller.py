"""Syncing the accounts for the reader screen (`r`): each account's sync in a
worker, what it changed taken in, and what it did said in a toast.

A sync writes state.json and bookmarks.json through stores of its own
(`reader.sync.engine`), on a thread with a `Library` of its own; the screen's
`Reading` then takes in what it changed (`Reading.take_in`) and the sidebar
redraws its marks, its cursor staying on its story. The screen's read and
bookmark changes reach the sync queue through `journal`. What the server did
that a person would not see otherwise is said: a feed it unsubscribed (gone
here with its stories), a bookmark with a note it unstarred (kept here).

The refresh timer syncs too (`sync_timing`): with `[refresh] every`, once
that long has passed since the accounts' last sync (`Library.sync_mark`, kept
across runs, set by `r` and `news sync` too) and since this screen last began
one, so a server that is down is tried that often, not at every look. It is
quiet: a toast when stories or marks came in, a failure only when it is new.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.tui.toast import notify
from reader.wording import counted

if TYPE_CHECKING:
    from reader.library.articles import Library
    from reader.sync.engine import SyncResult
    from reader.sync.journal import QueueJournal
    from reader.tui.saver import Saver
    from reader.tui.screens.reader import ReaderScreen


class SyncController:
    """The account syncs of one reader screen; its workers run on the screen."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen
        self._journal: QueueJournal | None = None
        self._failed: dict[str, str] = {}  # the timer's last failure per account
        self.begun = 0.0  # when this screen last began a sync (Unix seconds)

    def _library_path(self) -> str | None:
        return self.screen.catalog.library_path()

    def journal(self, saver: Saver) -> QueueJournal | None:
        """What queues the screen's read and bookmark changes for the servers;
        None for files given on the command line."""
        from reader.catalog import LibraryCatalog

        catalog = self.screen.catalog
        if not isinstance(catalog, LibraryCatalog):
            return None
        from reader.sync.journal import QueueJournal

        self._journal = QueueJournal(catalog.library.conn, saver.submit)
        return self._journal

    def sync(self, timed: bool = False) -> None:
        """Sync every account, in a worker (none configured: nothing is said);
        `timed`: the timer's, said quietly."""
        path = self._library_path()
        if path is None or any(w.group == "sync" and w.is_running for w in self.screen.workers):
            return
        since = self._journal.tick if self._journal is not None else 0
        self.begun = datetime.now(UTC).timestamp()
        self.screen.run_worker(partial(self._sync, path, since, timed), thread=True, group="sync")

    def _sync(self, path: str, since: int, timed: bool = False) -> None:
        """In a thread: each account in turn, each reported as it ends."""
        from reader.accounts import accounts
        from reader.atomic import StoreError
        from reader.bookmarks import Bookmarks
        from reader.config import ConfigError, load_config
        from reader.library.articles import Library
        from reader.state import ReadingState
        from reader.sync.engine import FETCH_BATCH, Progress, run_account

        screen = self.screen
        app = screen.app
        cancel = get_current_worker().cancelled_event  # set at quit
        try:
            chosen = accounts()
            days = load_config().sync_days
        except ConfigError as exc:
            app.call_from_thread(notify, screen, f"Sync: {exc}", severity="warning", timeout=8)
            return
        if not chosen:
            return

        def told(step: Progress) -> None:
            # A long first sync says so when it starts, rather than look idle.
            first = step.stage == "fetching" and not step.done
            if first and step.total > FETCH_BATCH and not timed:
                message = f"{step.account}: fetching {counted(step.total, 'story')}…"
                app.call_from_thread(notify, screen, message, timeout=4)

        # Stores of its own on the same files: the screen's are the saver's.
        state = ReadingState(screen.reading.state.path)
        bookmarks = Bookmarks(screen.reading.bookmarks.path)
        library = Library.open(path)
        try:
            for account in chosen:
                if cancel.is_set():
                    return
                try:
                    result = run_account(
                        library, account, state, bookmarks, days=days, on_progress=told
                    )
                except StoreError as exc:  # the files could not be written: said, kept queued
                    message = f"Sync of {account.name}: {exc}"
                    app.call_from_thread(notify, screen, message, severity="error", timeout=10)
                    continue
                if not cancel.is_set():
                    app.call_from_thread(self._account_synced, result, since, timed)
        finally:
            library.close()
            if self._journal is not None and not cancel.is_set():
                app.call_from_thread(self._journal.forget, since)

    def _account_synced(self, result: SyncResult, since: int, timed: bool = False) -> None:
        screen = self.screen
        if not result.ok:
            # The timer says a failure once, not at every interval it lasts.
            told = timed and self._failed.get(result.account) == result.reason
            self._failed[result.account] = result.reason
            if not told:
                message = f"{result.account}: {result.reason}"
                notify(screen, message, title="Sync failed", severity="warning", timeout=10)
            return
        self._failed.pop(result.account, None)
        # A story changed here while the sync ran keeps that change: it is queued.
        mine = self._journal.touched_since(since) if self._journal is not None else set()
        screen.reading.take_in(
            result.read - mine,
            result.unread - mine,
            [b for b in result.starred if b.article_id not in mine],
            result.unstarred - mine,
        )
        screen.stories_changed()
        screen.marks.changed_behind({b.article_id for b in result.starred} | result.unstarred)
        summary = f"{result.account} synced: {counted(result.new, 'new story', 'new stories')}"
        if result.sent:
            summary += f", {counted(result.sent, 'change')} sent"
        if result.marks:
            summary += f", {counted(result.marks, 'mark')} taken in"
        if not timed or result.new or result.marks:
            notify(screen, summary, timeout=4)
        for title, count in result.unsubscribed:  # its stories left the sidebar: said
            stories = counted(count, "story")
            message = f"{title} was unsubscribed on {result.account}: {stories} removed"
            notify(screen, message, title="Feed removed", timeout=10)
        for mark in result.kept:  # a note is never dropped by the server: said
            title = mark.title or mark.article_id
            message = f"{title} was unstarred on {result.account}: its bookmark and note stay here"
            notify(screen, message, title="Bookmark kept", timeout=10)


def sync_timing(
    library: Library, every: int | None, begun: float = 0.0
) -> tuple[bool, datetime | None]:
    """In the timer's thread: whether the accounts are due a sync (`every`
    seconds, `[refresh] every`, since the least recent account's last one and
    since `begun`, when this screen last began one), and when the timer should
    look again for them. (False, None) with no `[refresh] every` or no account."""
    from reader.accounts import accounts
    from reader.config import ConfigError

    if not every:
        return False, None
    try:
        names = [account.name for account in accounts()]
    except ConfigError:
        return False, None  # said by `r`'s sync, which names what is wrong
    if not names:
        return False, None
    now = datetime.now(UTC).timestamp()
    due = max(min(library.sync_mark(name) for name in names), begun) + every
    if due <= now:
        return True, datetime.fromtimestamp(now + every, UTC)
    return False, datetime.fromtimestamp(due, UTC)
