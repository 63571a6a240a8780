"""Refreshing the feeds and Markdown folders (on `r` and on the timer),
syncing the accounts, telling of new stories that matter, and fetching a
story's full text, for the reader screen.

All reach the network and write the library, so all run in thread workers
with a `Library` of their own (a connection is used by one thread only), stop
at once when the screen goes (the worker's cancelled event is passed down to
the HTTP client), and report back on the event loop: the activity line moves
with each feed, new stories show up without waiting for the slowest feed, and
a failure is a toast that names the feed (or account) and why.

`r` refreshes the feeds and, beside them in a worker of its own, syncs the
accounts (`reader.tui.sync_controller`).

The timer (`[refresh] every`, a feed's own `--every`) wakes when the next
feed falls due (`reader.triage.schedule`; at least every `IDLE_CHECK` seconds, so a
feed added meanwhile from the command line is seen) and refreshes only the
feeds that are due, quietly: no activity line, a toast only when stories came
in ("3 new stories") or a feed fails for a reason it did not fail for last
time. New stories join the sidebar with the cursor on the story it was on,
at the same height on the screen, and the open story is not touched.
With `[refresh] every` the timer syncs the accounts too, when that long has
passed since their last sync (`sync_controller.sync_timing`), as quietly.

New stories that match a followed keyword, or that a `notify` rule hands to
`tell`, are told of (`reader.triage.notify`): a toast, and where the config asks a
terminal notification written through Textual's driver and a command run in
a worker (a failing or hanging one is said once, never waited for).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.worker import get_current_worker

from reader.catalog import LibraryCatalog
from reader.triage.notify_settings import Settings
from reader.tui.sync_controller import SyncController, sync_timing
from reader.tui.toast import notify
from reader.wording import counted, feeds_and_folders, refresh_summary

if TYPE_CHECKING:  # the telling is imported when there is something to tell
    from reader.library.articles import Library
    from reader.refresh import FeedOutcome
    from reader.sync.journal import QueueJournal
    from reader.triage.notify import Notable, Notice
    from reader.tui.saver import Saver
    from reader.tui.screens.reader import ReaderScreen

FIRST_CHECK = 1.0  # seconds after start before the timer first looks at the feeds
MIN_WAIT = 1.0  # the shortest the timer sleeps, however overdue a feed is
IDLE_CHECK = 300.0  # the longest: a feed added from the command line is seen by then
BUSY_RETRY = 30.0  # a refresh is running when the timer wakes: look again after this
TOLD_AT_ONCE = 3  # new stories told one by one; past these, one toast for the rest


def _new_stories(count: int) -> str:
    return counted(count, "new story", "new stories")


class FeedsController:
    """The r and f keys of one reader screen, its refresh timer and its
    notifications. Its workers run on the screen (they end with it)."""

    def __init__(
        self,
        screen: ReaderScreen,
        every: int | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.screen = screen
        self.every = every  # [refresh] every, in seconds; None: only feeds' own
        self.settings = settings or Settings()
        self._timer: Timer | None = None
        self._told: set[str] = set()  # stories told of this run
        self._command_failed = False  # said once; the command is not run again
        self.accounts = SyncController(screen)
        # The feeds the refresh under way fetches (set by its thread): stories
        # of other sources stored meanwhile are another program's (outside_watch).
        self.fetching: frozenset[int] = frozenset()

    def _library_path(self) -> str | None:
        """Where the library lives, for a worker's own connection (a Library is
        used by one thread only); None for files given on the command line."""
        return self.screen.catalog.library_path()

    # -- refresh --------------------------------------------------------------------

    def start_timer(self) -> None:
        """Look at the feeds soon after start, then whenever one falls due. The
        first look ends the timer when no feed is on one (no `[refresh] every`,
        and none with an interval of its own); files given on the command line
        have none."""
        if self._library_path() is not None:
            self._arm(FIRST_CHECK)

    def _arm(self, delay: float) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.screen.set_timer(delay, self._tick, name="refresh-timer")

    def _arm_for(self, when: datetime | None) -> None:
        """Wake when the next feed falls due, within the bounds above."""
        if self._timer is None:
            return  # no timer on this screen (`r` alone)
        if when is None and not self.every:
            self._timer.stop()  # no feed on a timer of its own, and none in the config
            self._timer = None
            return
        wait = IDLE_CHECK if when is None else (when - datetime.now(UTC)).total_seconds()
        self._arm(min(max(wait, MIN_WAIT), IDLE_CHECK))

    def _tick(self) -> None:
        path = self._library_path()
        if path is None:
            return
        if any(w.group == "refresh" and w.is_running for w in self.screen.workers):
            self._arm(BUSY_RETRY)
            return
        self.screen.run_worker(
            partial(self._refresh, path, timed=True), thread=True, exclusive=True, group="refresh"
        )

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

    def _refresh(self, path: str, timed: bool = False) -> None:
        """In a thread: every feed (on the timer, those due), each reported as
        it ends; then the new stories worth telling of, and when to wake next.
        The timer's look finds what is due before the network's modules are
        imported: a look that finds nothing costs a query, not their import."""
        from reader.library.articles import REFRESHED_KINDS, Library
        from reader.triage import schedule

        app = self.screen.app
        # Set by Textual when the worker is cancelled (the screen goes at quit):
        # the refresh stops at once instead of waiting out a slow feed.
        cancel = get_current_worker().cancelled_event

        def progress(outcome: FeedOutcome) -> None:
            if not cancel.is_set():  # the app may be gone
                app.call_from_thread(self._feed_done, outcome, timed)

        library = Library.open(path)
        try:
            sources = library.sources()
            failing = {s.id: s.last_error for s in sources}
            feeds = [s.id for s in sources if s.kind in REFRESHED_KINDS]
            folders = sum(s.kind == "markdown" for s in sources)
            chosen: list[int] | None = None
            sync_wake: datetime | None = None
            if timed:
                sync_now, sync_wake = sync_timing(library, self.every, self.accounts.begun)
                if sync_now:
                    app.call_from_thread(self.accounts.sync, True)
                timings = library.timings()
                chosen = schedule.due(timings, feeds, self.every, datetime.now(UTC))
                if not chosen:
                    wake = schedule.next_due(timings, feeds, self.every)
                    app.call_from_thread(self._arm_for, _earliest(wake, sync_wake))
                    return
            else:
                # mypy solves call_from_thread's `T | Awaitable[T]` for a coroutine as Never.
                started = partial(self._refresh_started, len(feeds) - folders, folders)
                app.call_from_thread(started, _has_accounts())  # type: ignore[arg-type]
                if not feeds:
                    return
            from reader.config import allows_private
            from reader.net import Cancelled
            from reader.refresh import next_feed_due, refresh

            self.fetching = frozenset(chosen if chosen is not None else feeds)
            try:
                outcomes = refresh(
                    library,
                    on_progress=progress,
                    allow_private=allows_private(),
                    cancel=cancel,
                    source_ids=chosen,
                )
            except Cancelled:
                return
            finally:
                self.fetching = frozenset()
            notices = self._keyword_notices(library, outcomes)
            wake = _earliest(next_feed_due(library, self.every), sync_wake)
        finally:
            library.close()
        app.call_from_thread(self._refresh_finished, outcomes, timed, failing, notices, wake)

    def _keyword_notices(self, library: Library, outcomes: list[FeedOutcome]) -> list[Notice]:
        """In the refresh's thread: the new stories a followed keyword occurs in."""
        from reader.highlight import Highlighter
        from reader.triage.notify import keyword_notices

        keywords = self.screen.keyword_control.keywords
        new = [story_id for outcome in outcomes for story_id in outcome.new_ids]
        if not keywords or not new:
            return []
        return keyword_notices(library.headlines(new), Highlighter(keywords))

    async def _refresh_started(self, feeds: int, folders: int, syncing: bool = False) -> None:
        if not feeds + folders:
            if not syncing:  # accounts bring stories too: the sync says how it went
                notify(self.screen, "No feeds yet: add one with `news add URL`", timeout=4)
            return
        await self._mount_activity()
        self.screen.activity.start(
            f"Refreshing {feeds_and_folders(feeds, folders)}", feeds + folders
        )

    async def _mount_activity(self) -> None:
        """The activity line below the panes, mounted by the first refresh that
        shows it, not after every start: five widgets (a label, a progress bar
        and its parts) that many sessions never show, about 7 ms of CPU."""
        screen = self.screen
        await screen.search_control.mount_extras()  # the search bar sits above it
        if not screen.query("#activity"):
            from reader.tui.widgets.activity import Activity

            await screen.mount(Activity(id="activity"))

    def _feed_done(self, outcome: FeedOutcome, timed: bool = False) -> None:
        if not timed:
            self.screen.activity.advance()
        if outcome.new or outcome.updated:
            # Show the new stories now, without waiting for the slowest feed.
            self.screen.stories_changed()

    def _refresh_finished(
        self,
        outcomes: list[FeedOutcome],
        timed: bool = False,
        failing: dict[int, str] | None = None,
        notices: Sequence[Notice] = (),
        wake: datetime | None = None,
    ) -> None:
        screen = self.screen
        self._arm_for(wake)
        self._tell(notices)
        new = sum(o.new for o in outcomes)
        failed = [o for o in outcomes if not o.ok]
        if timed:
            # Quiet: what came in (to be seen: not what a hide rule hid, which
            # the rule tells of), and a failure only when it is news.
            catalog = screen.catalog
            if isinstance(catalog, LibraryCatalog) and catalog.hiding:
                new = sum(i not in catalog.hidden for o in outcomes for i in o.new_ids)
            if new:
                notify(screen, _new_stories(new), timeout=4)
            before = failing or {}
            for outcome in failed:
                if before.get(outcome.source_id) != outcome.reason:
                    _say_failed(screen, outcome)
            return
        screen.activity.stop()
        # As `news refresh` says it: "2 feeds: 1 changed, 1 failed. 3 new stories."
        read = len(failed) < len(outcomes)
        notify(
            screen,
            refresh_summary(outcomes),
            timeout=4,
            severity="information" if read else "warning",
        )
        for outcome in failed:
            _say_failed(screen, outcome)

    # -- sync (reader.tui.sync_controller) ----------------------------------------

    def journal(self, saver: Saver) -> QueueJournal | None:
        """What queues the screen's read and bookmark changes for the servers."""
        return self.accounts.journal(saver)

    def sync(self) -> None:
        """Sync every account, in a worker."""
        self.accounts.sync()

    # -- telling of new stories ---------------------------------------------------

    def tell(self, stories: Sequence[Notable], because: str) -> None:
        """Tell the person of these new stories ("rule Capsules" says why):
        the callable a `notify` rule hands its matched stories to. Safe from
        any thread."""
        from reader.triage.notify import Notice

        notices = [Notice.of(story, because) for story in stories]
        if threading.current_thread() is threading.main_thread():
            self._tell(notices)
        else:
            self.screen.app.call_from_thread(self._tell, notices)

    def _tell(self, notices: Sequence[Notice]) -> None:
        """A toast for each (the first few), the terminal's notification and
        the command, each story once however many reasons it matched."""
        fresh = []
        for notice in notices:
            if notice.id and notice.id in self._told:
                continue
            self._told.add(notice.id)
            fresh.append(notice)
        if not fresh:
            return
        shown, rest = fresh[:TOLD_AT_ONCE], fresh[TOLD_AT_ONCE:]
        for notice in shown:
            notify(self.screen, f"{notice.title} ({notice.section})", title=notice.because)
        if rest:
            more = counted(len(rest), "more new story", "more new stories")
            notify(self.screen, f"and {more} you follow")
        if self.settings.terminal:
            self._terminal(shown, len(rest))
        if self.settings.command and not self._command_failed:
            self.screen.run_worker(
                partial(self._run_command, shown), thread=True, group="notify-command"
            )

    def _terminal(self, notices: Sequence[Notice], more: int) -> None:
        """The terminal's own notification, written with the screen's output
        (so it reaches a terminal over SSH too), never printed beside it."""
        from reader.triage.notify import Notice, osc

        driver = self.screen.app._driver
        if driver is None:
            return
        for notice in notices:
            driver.write(osc(notice, self.settings.terminal))
        if more:
            summary = counted(more, "more new story", "more new stories")
            driver.write(osc(Notice(summary, "news", "", ""), self.settings.terminal))
        driver.flush()

    def _run_command(self, notices: Sequence[Notice]) -> None:
        """In a thread: the command for each story, one after another, each
        stopped if it hangs; the first failure is said and ends it for the run."""
        from reader.triage.notify import run_command

        cancel = get_current_worker().cancelled_event
        for notice in notices:
            problem = run_command(self.settings.command, notice, cancel=cancel)
            if cancel.is_set():
                return
            if problem is not None:
                self._command_failed = True
                self.screen.app.call_from_thread(
                    notify,
                    self.screen,
                    f"{problem}; it is not run again until the reader restarts",
                    title="Notify command",
                    severity="warning",
                    timeout=10,
                )
                return

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


def _say_failed(screen: ReaderScreen, outcome: FeedOutcome) -> None:
    title = "Folder failed" if outcome.folder else "Feed failed"
    message = f"{outcome.name}: {outcome.reason}"
    notify(screen, message, title=title, severity="warning", timeout=10)


def _earliest(*times: datetime | None) -> datetime | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _has_accounts() -> bool:
    """Whether any sync account is set up (read in a worker: it reads the config)."""
    from reader.accounts import accounts
    from reader.config import ConfigError

    try:
        return bool(accounts())
    except ConfigError:
        return True  # the sync worker names what is wrong with it
