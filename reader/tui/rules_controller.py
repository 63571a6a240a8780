"""Rules on the reader screen: saved searches as sections, hide, mark-read and
notify rules run over the stories a refresh brings, "N hidden" and `H`.

The rules are read from the config when the screen has drawn its first frame;
each saved search's stories are found on a worker thread (a connection of its
own) and listed below the bookmarks, folded to their header with its unread
count. When stories arrive (`new_stories`, from the screen's `stories_changed`)
only the rows stored since the last look are searched, for the acting rules
and for the saved searches alike. What a rule does goes through the screen's
`Reading` (reads, and the undo stack: a rule's hide is a step `z` undoes) and
the saver thread (hidden.json), never a file write on a keypress.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.catalog import LibraryCatalog
from reader.triage.hidden import Hidden
from reader.triage.undo import Step
from reader.tui.toast import notify
from reader.wording import counted, first_up

if TYPE_CHECKING:  # the query language is not on the way to the first screen
    from reader.model import Entry
    from reader.query import Context
    from reader.triage.rules import Matched, Rule
    from reader.triage.saved import Key, SavedStories
    from reader.tui.dialogs.rules import Removed
    from reader.tui.screens.reader import ReaderScreen


@dataclass
class ScreenEffects:
    """What the acting rules do on the reader screen (see `rules.Effects`)."""

    control: RulesController
    hidden_now: list[str] = field(default_factory=list)

    def hide(self, rule: Rule, stories: Sequence[Matched]) -> int:
        new = self.control.hide([s.id for s in stories], rule.name)
        self.hidden_now.extend(new)
        return len(new)

    def mark_read(self, rule: Rule, stories: Sequence[Matched]) -> int:
        screen = self.control.screen
        marked = screen.reading.mark_many([s.id for s in stories])
        if marked is None:
            return 0
        screen.marks.show(marked)
        return len(marked.ids)

    def notify(self, rule: Rule, stories: Sequence[Matched]) -> int:
        # Told as a followed keyword's stories are: a toast, and the terminal's
        # notification and the [notify] command where the config asks for them.
        self.control.screen.feeds.tell(stories, f"rule {rule.name}")
        return len(stories)


class RulesController:
    """The rules of one reader screen."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen
        self.rules: list[Rule] = []
        self.problems: list[str] = []  # the entries the config could not use, why
        self.saved: dict[str, SavedStories] = {}
        self.store = Hidden()
        self.hidden: set[str] = set()
        self._since: int | None = None  # the newest row the rules have seen

    @property
    def newest_seen(self) -> int | None:
        """The newest row listed and run through the rules (None: no library,
        or not started yet): stories stored after it are new to this reader."""
        return self._since

    @property
    def catalog(self) -> LibraryCatalog | None:
        catalog = self.screen.catalog
        return catalog if isinstance(catalog, LibraryCatalog) else None

    # -- start ------------------------------------------------------------------------

    def start(self) -> None:
        """Read the rules and the hidden stories; find the saved searches' stories
        on a worker. Files given on the command line have no rules."""
        catalog = self.catalog
        if catalog is None:
            self.show()  # the top row says whether the list is filtered
            return
        from reader.config import ConfigError, load_config

        try:
            config = load_config()
        except ConfigError:
            return  # said at start-up already, by the command line
        for problem in config.rule_problems:
            notify(self.screen, f"{problem} (left out)", title="Rules", severity="warning")
        self.rules = list(config.rules)
        self.problems = list(config.rule_problems)
        self.store.load()
        if self.store.problem:
            notify(self.screen, self.store.problem, severity="warning", timeout=15)
        self.hidden = set(self.store.ids())
        from reader.triage.rules import HIDE_STEP, watermark
        from reader.tui.outside_watch import LibraryListed

        self.screen.reading.undoers[HIDE_STEP] = self._undo_hide
        self._since = watermark(catalog.library.conn)
        self.screen.post_message(LibraryListed())
        if self.hidden != catalog.hidden:
            catalog.set_hidden(self.hidden)
            self._relist()
        if not self._search_saved(catalog, self.rules):
            self.show()

    def _search_saved(self, catalog: LibraryCatalog, rules: Sequence[Rule]) -> bool:
        """The saved searches among `rules` searched on the worker; False if none."""
        sections = [r for r in rules if r.action == "section"]
        if sections:
            self.screen.run_worker(
                partial(self._find_saved, catalog, sections, self.marks()),
                thread=True,
                group="saved",
            )
        return bool(sections)

    def _find_saved(self, catalog: LibraryCatalog, rules: list[Rule], context: Context) -> None:
        """In a thread: each saved search's stories, on a connection of its own."""
        from reader.library.articles import Library
        from reader.library.db import reopen
        from reader.triage.saved import keys_for

        worker = get_current_worker()
        library = Library(reopen(catalog.library.conn, check_same_thread=False))
        try:
            found = {rule.name: keys_for(library, rule, context=context) for rule in rules}
        finally:
            library.close()
        if not worker.is_cancelled:
            self.screen.app.call_from_thread(self._saved_found, found)

    def _saved_found(self, found: dict[str, list[Key]]) -> None:
        from reader.triage.saved import SavedStories

        catalog = self.catalog
        if catalog is None:
            return
        hidden = catalog.hidden if catalog.hiding else ()
        for name, keys in found.items():
            self.saved[name] = SavedStories(catalog.library, keys, hidden)
        self.show()

    def take_in(self, rules: Sequence[Rule], problems: Sequence[str]) -> None:
        """The config's rules changed under the reader (`news rules add` or
        `remove` in another terminal, an editor): taken in as a restart would
        read them. A rule gone leaves the sidebar and shows the stories it hid;
        a saved search new or changed is searched again on the worker; the
        acting rules act on the stories that arrive from now on."""
        catalog = self.catalog
        if catalog is None or self._since is None:  # files, or not started yet
            return
        for problem in problems:
            if problem not in self.problems:
                notify(self.screen, f"{problem} (left out)", title="Rules", severity="warning")
        before = self.rules
        gone = [r for r in before if r not in set(rules)]
        new = [r for r in rules if r not in set(before)]
        self.rules, self.problems = list(rules), list(problems)
        from reader.tui.dialogs.rules import RulesDialog

        for dialog in self.screen.app.screen_stack:  # `R` open: its list follows
            if isinstance(dialog, RulesDialog):
                dialog.take_in(self.rules, self.problems)
        if not gone and not new:  # the reader's own write, or only the order changed
            if before != self.rules:
                self.show()
            return
        names, old_names = {r.name for r in rules}, {r.name for r in before}
        removed = [r.name for r in gone if r.name not in names]
        sections = {r.name for r in rules if r.action == "section"}
        self.saved = {name: found for name, found in self.saved.items() if name in sections}
        shown = [i for name in removed for i in self.store.by_rule(name) if i in self.hidden]
        if shown:
            self.hidden.difference_update(shown)
            self.screen.reading.save(self.store.reveal, shown)
            self._apply_hidden()
        if not self._search_saved(catalog, new):
            self.show()
        counts = (
            (sum(r.name not in old_names for r in new), "added"),
            (sum(r.name in old_names for r in new), "changed"),
            (len(removed), "removed"),
        )
        said = ", ".join(f"{count} {what}" for count, what in counts if count)
        notify(self.screen, f"Rules changed in the config: {said}", timeout=4)

    def take_in_hidden(self, hidden: Collection[str]) -> tuple[int, int]:
        """hidden.json as another `news` left it (`news rules apply`), nothing of
        this reader's waiting to be written: listed as a restart would, the store
        read again behind it. How many stories it hid, and showed again."""
        now = set(hidden)
        if self.catalog is None or self._since is None or now == self.hidden:
            return 0, 0  # files, not started yet, or nothing new
        hid, shown = len(now - self.hidden), len(self.hidden - now)
        self.hidden = now
        self.screen.reading.save(self.store.follow)
        self._apply_hidden()
        return hid, shown

    def stories_removed(self) -> None:
        """Another `news` removed a source: saved searches searched again (or keep its rows)."""
        if (catalog := self.catalog) is not None and self._since is not None:
            self._search_saved(catalog, self.rules)

    # -- the sidebar ----------------------------------------------------------------

    def show(self) -> None:
        """List the saved searches (in the config's order) and the note on hidden stories."""
        groups: list[tuple[str, Sequence[Entry]]] = [
            (r.name, self.saved[r.name]) for r in self.rules if r.name in self.saved
        ]
        screen = self.screen
        totals: dict[str, int] | None = None
        if screen.unread_only and groups:  # U: their unread stories, as the sections
            from reader.triage.unread import unread_sections

            opened = screen.story.article if screen.is_mounted else None
            keep = {opened.id} if opened is not None else set()
            shown, _ = unread_sections(groups, screen.reading.read, keep)
            unread = dict(shown)
            totals = {name: len(stories) for name, stories in groups}  # headers count them all
            groups = [(name, unread.get(name, ())) for name, _ in groups]
        screen.sidebar.set_saved(groups, self.unread(), self.note(), totals)

    def unread(self) -> dict[str, int]:
        read = self.screen.reading.read
        return {name: stories.unread(read) for name, stories in self.saved.items()}

    def counts_changed(self) -> None:
        """Stories were read or unread: the saved searches' counts follow."""
        if self.saved:
            self.screen.sidebar.set_saved_unread(self.unread())

    def note(self) -> str:
        """The sidebar's top row: the list filtered (`U`, remembered from the
        last run, so said for as long as it is on), and the stories hidden (`H`)."""
        catalog = self.catalog
        count = catalog.hidden_count() if catalog is not None and self.hidden else 0
        hidden = ""
        if catalog is not None and count:
            hidden = f"{count:,} hidden, shown · H hides them"
            if not catalog.revealing:
                hidden = f"{count:,} hidden · H shows them"
        if not self.screen.unread_only:
            return hidden
        return f"Unread only · {hidden}" if hidden else "Unread only · U lists all"

    def toggle_revealed(self) -> None:
        """`H`: list the hidden stories after all, or leave them out again."""
        catalog = self.catalog
        if catalog is None or not catalog.hidden_count():
            notify(self.screen, "No hidden stories: a hide rule hides them", timeout=2)
            return
        catalog.set_hidden(self.hidden, revealing=not catalog.revealing)
        self._rehide_saved()
        self._relist()
        n = catalog.hidden_count()
        said = f"{counted(n, 'hidden story', 'hidden stories')} shown · H hides them"
        if not catalog.revealing:
            said = f"{counted(n, 'story', 'stories')} hidden again · H shows them"
        notify(self.screen, first_up(said), timeout=3)

    def _rehide_saved(self) -> None:
        if (catalog := self.catalog) is not None:
            hidden = catalog.hidden if catalog.hiding else ()
            self.saved = {name: stories.hiding(hidden) for name, stories in self.saved.items()}

    def _relist(self) -> None:
        """The sections again (the hidden set changed), with their counts, and
        the hidden stories marked while `H` lists them."""
        self._mark_hidden()
        self.screen.reading.count_read()
        self.screen.panes.show_sections()
        self.show()

    def _mark_hidden(self) -> None:
        catalog = self.catalog
        if catalog is not None:
            shown = catalog.hidden if catalog.revealing else frozenset()
            self.screen.sidebar.set_hidden(shown)

    # -- hiding ---------------------------------------------------------------------

    def hide(self, ids: Sequence[str], rule: str) -> list[str]:
        """Hide these stories for a rule, as a step `z` undoes; the ids newly hidden."""
        new = [i for i in dict.fromkeys(ids) if i not in self.hidden]
        if not new:
            return []
        self.hidden.update(new)
        reading = self.screen.reading
        reading.save(self.store.hide, new, rule)
        from reader.triage.rules import HIDE_STEP

        label = f"{counted(len(new), 'story')} hidden by {rule}"
        reading.remember(Step(HIDE_STEP, label, tuple(new), {"rule": rule}))
        return new

    def _undo_hide(self, step: Step) -> bool:
        """`z` on a rule's hide: its stories listed again (False: none is hidden now)."""
        shown = [i for i in step.ids if i in self.hidden]
        if shown:
            self.hidden.difference_update(shown)
            self.screen.reading.save(self.store.reveal, shown)
            self._apply_hidden()
        return bool(shown)

    def _apply_hidden(self) -> None:
        catalog = self.catalog
        if catalog is not None:
            catalog.set_hidden(self.hidden)
            self._rehide_saved()
            self._relist()

    # -- new stories ------------------------------------------------------------------

    def new_stories(self) -> None:
        """A refresh stored stories: the rules over those rows only, and the saved searches'."""
        catalog = self.catalog
        if catalog is None or self._since is None:
            return
        from reader.triage.rules import apply_rules, watermark

        conn = catalog.library.conn
        since, self._since = self._since, watermark(conn)
        if self._since <= since:
            return
        effects = ScreenEffects(self)
        context = self.marks()
        outcomes = apply_rules(conn, self.rules, effects, since=since, context=context)
        for outcome in outcomes:  # said, with the way back (notify rules tell for themselves)
            done = {"hide": "hidden", "mark-read": "marked read"}.get(outcome.rule.action)
            if done and outcome.touched:
                stories = counted(outcome.touched, "new story", "new stories")
                notify(self.screen, f"{outcome.rule.name}: {stories} {done} · z to undo", timeout=4)
        if effects.hidden_now:
            catalog.set_hidden(self.hidden)
            self._mark_hidden()
            self.screen.reading.count_read()
        from reader.triage.saved import keys_for

        hidden = catalog.hidden if catalog.hiding else ()
        for rule in self.rules:
            if rule.action == "section" and rule.name in self.saved:
                keys = keys_for(catalog.library, rule, since=since, context=context)
                self.saved[rule.name] = self.saved[rule.name].added(keys, hidden)

    def marks(self) -> Context:
        """The read set and the bookmarks as they are now, for is: in a rule."""
        from reader.query import Context

        reading = self.screen.reading
        return Context(read=frozenset(reading.read), bookmarked=frozenset(reading.pins))

    # -- saving a search --------------------------------------------------------------

    def save_search(self, query: str) -> None:
        """Ctrl+S in the search bar: ask a name, write the rule to the config, and
        list the search below the bookmarks. A query that cannot be saved is said
        before a name is asked; a name taken, in the dialog, open for another."""
        from reader.tui.dialogs.save_search import SaveSearchDialog

        if self.catalog is None:
            notify(self.screen, "Saved searches work on the library, not on files", timeout=3)
            return
        if not query.strip():
            notify(self.screen, "Type a search first, then Ctrl+S saves it", timeout=3)
            return
        from reader.query import saved_form

        query = saved_form(query)  # finds what the bar found: `rock` typed is `rock*`
        if (problem := self._refusal(None, query)) is not None:
            notify(self.screen, problem, title="Not saved", severity="warning", timeout=6)
            return

        def named(name: str | None) -> None:
            if name is not None:
                self._save(name, query)

        refusal = partial(self._refusal, query=query)
        self.screen.app.push_screen(SaveSearchDialog(query, refusal), named)

    def _refusal(self, name: str | None, query: str) -> str | None:
        from reader.triage.rules import saved_search_refusal

        sections = [name for name, _ in self.catalog.sections()] if self.catalog else []
        return saved_search_refusal(name, query, self.rules, sections)

    def _save(self, name: str, query: str) -> None:
        from reader.config import ConfigError, add_rule
        from reader.triage.rules import parse_rules

        catalog = self.catalog
        assert catalog is not None
        rules, _ = parse_rules([{"name": name, "query": query, "action": "section"}])
        try:
            add_rule(rules[0])
        except ConfigError as exc:
            notify(self.screen, str(exc), title="Not saved", severity="error", timeout=10)
            return
        rule = rules[0]
        self.rules.append(rule)
        self._find_now(catalog, rule)
        self.show()
        notify(self.screen, f"Saved as {rule.name} (below the bookmarks)", timeout=3)

    def _find_now(self, catalog: LibraryCatalog, rule: Rule) -> None:
        """A saved search's stories, found here and now: one search, on a
        keypress that asked for it (saving, putting back)."""
        from reader.triage.saved import SavedStories, keys_for

        hidden = catalog.hidden if catalog.hiding else ()
        keys = keys_for(catalog.library, rule, context=self.marks())
        self.saved[rule.name] = SavedStories(catalog.library, keys, hidden)

    # -- the rules dialog -------------------------------------------------------------

    def open_dialog(self) -> None:
        """`R`: the rules in a list, Delete removing one."""
        from reader.tui.dialogs.rules import RulesDialog

        if self.catalog is None:
            notify(self.screen, "Rules work on the library, not on files", timeout=3)
            return
        self.screen.app.push_screen(
            RulesDialog(self.rules, self.problems, self.remove, self.put_back)
        )

    def remove(self, rule: Rule) -> Removed | None:
        """Take a rule out of the config (as `news rules remove` does) and out
        of the reader now: its section goes, the stories it hid show again.
        What came out, for `put_back`; None if it could not."""
        from reader.config import ConfigError, take_rule

        try:
            taken = take_rule(rule.name)
        except ConfigError as exc:
            notify(self.screen, str(exc), title="Not removed", severity="error", timeout=10)
            return None
        if taken is None:  # edited away by hand since the reader read it
            notify(self.screen, f"{rule.name} is no longer in the config", timeout=4)
        place = self.rules.index(rule)
        del self.rules[place]
        self.saved.pop(rule.name, None)
        shown = [i for i in self.store.by_rule(rule.name) if i in self.hidden]
        if shown:
            self.hidden.difference_update(shown)
            self.screen.reading.save(self.store.reveal, shown)
            self._apply_hidden()
        else:
            self.show()
        said = f"Removed rule {rule.name}"
        if shown:
            said += f" · {counted(len(shown), 'story')} it hid shown again"
        notify(self.screen, f"{said} · z puts it back", timeout=4)
        from reader.tui.dialogs.rules import Removed

        return Removed(rule, place, taken, tuple(shown))

    def put_back(self, removed: Removed) -> bool:
        """Undo `remove`: the rule in the config as it was written and at its
        place, its section listed, the stories it hid hidden again."""
        from reader.config import ConfigError, put_rule_back

        rule = removed.rule
        if removed.taken is not None:
            try:
                put_rule_back(removed.taken)
            except ConfigError as exc:
                notify(self.screen, str(exc), title="Not put back", severity="error", timeout=10)
                return False
        self.rules.insert(min(removed.place, len(self.rules)), rule)
        catalog = self.catalog
        if rule.action == "section" and catalog is not None:
            self._find_now(catalog, rule)
        again = [i for i in removed.shown if i not in self.hidden]
        if again:
            self.hidden.update(again)
            self.screen.reading.save(self.store.hide, again, rule.name)
            self._apply_hidden()
        else:
            self.show()
        notify(self.screen, f"Put back rule {rule.name}", timeout=3)
        return True
