"""Refreshing the feeds, syncing the accounts and fetching a story's full
text, for the reader screen.

All reach the network and write the library, so all run in thread workers
with a `Library` of their own (a connection is used by one thread only), stop
at once when the screen goes (the worker's cancelled event is passed down to
the HTTP client), and report back on the event loop: the activity line moves
with each feed, new stories show up without waiting for the slowest feed, and
a failure is a toast that names the feed (or account) and why.

`r` refreshes the feeds and, beside them in a worker of its own, syncs the
accounts (`reader.sync.engine`). A sync writes state.json and bookmarks.json
through stores of its own; the screen's `Reading` then takes in what it
changed (`Reading.take_in`) and the sidebar redraws its marks, its cursor
staying on its story. The screen's read and bookmark changes reach the sync
queue through `journal`.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.tui.toast import notify
from reader.wording import counted

if TYPE_CHECKING:
    from reader.refresh import FeedOutcome
    from reader.sync.engine import SyncResult
    from reader.sync.journal import QueueJournal
    from reader.tui.saver import Saver
    from reader.tui.screens.reader import ReaderScreen


class FeedsController:
    """The r and f keys of one reader screen. Its workers run on the screen
    (they end with it)."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen
        self._journal: QueueJournal | None = None

    def _library_path(self) -> str | None:
        """Where the library lives, for a worker's own connection (a Library is
        used by one thread only); None for files given on the command line."""
        return self.screen.catalog.library_path()

    # -- refresh --------------------------------------------------------------------

    def refresh(self) -> None:
        screen = self.screen
        path = self._library_path()
        if path is None:
            notify(screen, "Refresh works on the library, not on files given to news", timeout=3)
            return
        if any(w.group == "refresh" and w.is_running for w in screen.workers):
            notify(screen, "Already refreshing", timeout=2)
            return
        screen.run_worker(
            partial(self._refresh, path), thread=True, exclusive=True, group="refresh"
        )
        self.sync()

    def _refresh(self, path: str) -> None:
        """In a thread: every feed, each reported as it ends."""
        from reader.config import allows_private
        from reader.library.articles import Library
        from reader.net import Cancelled
        from reader.refresh import refresh

        app = self.screen.app
        # Set by Textual when the worker is cancelled (the screen goes at quit):
        # the refresh stops at once instead of waiting out a slow feed.
        cancel = get_current_worker().cancelled_event

        def progress(outcome: FeedOutcome) -> None:
            if not cancel.is_set():  # the app may be gone
                app.call_from_thread(self._feed_done, outcome)

        library = Library.open(path)
        try:
            feeds = sum(1 for source in library.sources() if source.kind == "feed")
            # mypy solves call_from_thread's `T | Awaitable[T]` for a coroutine as Never.
            app.call_from_thread(self._refresh_started, feeds, _has_accounts())  # type: ignore[arg-type]
            if not feeds:
                return
            outcomes = refresh(
                library,
                on_progress=progress,
                allow_private=allows_private(),
                cancel=cancel,
            )
        except Cancelled:
            return
        finally:
            library.close()
        app.call_from_thread(self._refresh_finished, outcomes)

    async def _refresh_started(self, feeds: int, syncing: bool = False) -> None:
        await self.screen.mount_extras()
        if not feeds:
            if not syncing:  # accounts bring stories too: the sync says how it went
                notify(self.screen, "No feeds yet: add one with `news add URL`", timeout=4)
            return
        self.screen.activity.start(f"Refreshing {counted(feeds, 'feed')}", feeds)

    def _feed_done(self, outcome: FeedOutcome) -> None:
        self.screen.activity.advance()
        if outcome.new or outcome.updated:
            # Show the new stories now, without waiting for the slowest feed.
            self.screen.stories_changed()

    def _refresh_finished(self, outcomes: list[FeedOutcome]) -> None:
        screen = self.screen
        screen.activity.stop()
        new = sum(o.new for o in outcomes)
        failed = [o for o in outcomes if not o.ok]
        updated = sum(o.updated for o in outcomes)
        feeds = counted(len(outcomes), "feed")
        summary = f"{feeds} refreshed: {counted(new, 'new story', 'new stories')}"
        if updated:
            summary += f", {updated} updated"
        notify(screen, summary, timeout=4)
        for outcome in failed:
            message = f"{outcome.name}: {outcome.reason}"
            notify(screen, message, title="Feed failed", severity="warning", timeout=10)

    # -- sync -----------------------------------------------------------------------

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

    def sync(self) -> None:
        """Sync every account, in a worker (none configured: nothing is said)."""
        path = self._library_path()
        if path is None or any(w.group == "sync" and w.is_running for w in self.screen.workers):
            return
        since = self._journal.tick if self._journal is not None else 0
        self.screen.run_worker(partial(self._sync, path, since), thread=True, group="sync")

    def _sync(self, path: str, since: int) -> None:
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
            if step.stage == "fetching" and not step.done and step.total > FETCH_BATCH:
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
                    app.call_from_thread(self._account_synced, result, since)
        finally:
            library.close()
            if self._journal is not None and not cancel.is_set():
                app.call_from_thread(self._journal.forget, since)

    def _account_synced(self, result: SyncResult, since: int) -> None:
        screen = self.screen
        if not result.ok:
            message = f"{result.account}: {result.reason}"
            notify(screen, message, title="Sync failed", severity="warning", timeout=10)
            return
        # A story changed here while the sync ran keeps that change: it is queued.
        mine = self._journal.touched_since(since) if self._journal is not None else set()
        screen.reading.take_in(
            result.read - mine,
            result.unread - mine,
            [b for b in result.starred if b.article_id not in mine],
            result.unstarred - mine,
        )
        screen.stories_changed()
        screen.marks_changed({b.article_id for b in result.starred} | result.unstarred)
        summary = f"{result.account} synced: {counted(result.new, 'new story', 'new stories')}"
        if result.sent:
            summary += f", {counted(result.sent, 'change')} sent"
        if result.marks:
            summary += f", {counted(result.marks, 'mark')} taken in"
        notify(screen, summary, timeout=4)

    # -- full text ------------------------------------------------------------------

    def full_text(self) -> None:
        screen = self.screen
        article = screen.story.article
        path = self._library_path()
        if article is None:
            return
        if path is None:
            notify(screen, "Full text is stored in the library; these are files", timeout=3)
            return
        if not article.url:
            notify(screen, "This story has no link to fetch", timeout=2)
            return
        notify(screen, "Fetching the whole article…", timeout=2)
        screen.run_worker(
            partial(self._full_text, path, article.id), thread=True, group="full-text"
        )

    def _full_text(self, path: str, article_id: str) -> None:
        """In a thread: the story's web page, its text stored in the library."""
        from reader.config import allows_private
        from reader.library.articles import Library
        from reader.net import Cancelled
        from reader.refresh import FulltextError, fetch_fulltext

        screen = self.screen
        app = screen.app
        cancel = get_current_worker().cancelled_event  # set at quit: stop at once
        library = Library.open(path)
        try:
            fetch_fulltext(library, article_id, allow_private=allows_private(), cancel=cancel)
        except Cancelled:
            return
        except FulltextError as exc:
            message = f"Full text: {exc}; the teaser stays"
            app.call_from_thread(notify, screen, message, severity="warning", timeout=6)
            return
        finally:
            library.close()
        app.call_from_thread(self._full_text_done, article_id)

    def _full_text_done(self, article_id: str) -> None:
        screen = self.screen
        story = screen.story
        if story.article is None or story.article.id != article_id:
            notify(screen, "Full text saved", timeout=2)
            return
        if (article := screen.catalog.article(article_id)) is not None:
            story.show(
                article,
                scroll_y=round(story.scroll_y),
                note=screen.reading.note_for(article_id),
                origin=screen.catalog.origin(article_id),
            )
            notify(screen, "Full text saved: it reads offline and is searchable", timeout=3)


def _has_accounts() -> bool:
    """Whether any sync account is set up (read in a worker: it reads the config)."""
    from reader.accounts import accounts
    from reader.config import ConfigError

    try:
        return bool(accounts())
    except ConfigError:
        return True  # the sync worker names what is wrong with it
