"""The Textual app: wiring, styles, themes. The work happens in the screens and widgets."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from reader.atomic import StoreError
from reader.bookmarks import Bookmarks
from reader.catalog import Catalog, MemoryCatalog
from reader.config import bundled, save_keywords
from reader.highlight import Keyword
from reader.model import Article
from reader.render import story_links
from reader.sanitize import clean
from reader.state import ReadingState
from reader.triage.notify_settings import Settings
from reader.triage.undo import UndoStack
from reader.tui.dialogs.opener import opener, typing
from reader.tui.outside_watch import LibraryListed, OutsideWatch
from reader.tui.saver import SaveFailed, Saver
from reader.tui.screens.reader import ReaderScreen
from reader.tui.theme import readable_variables, story_palette
from reader.tui.toast import notify
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.story_view import StoryView

DARK, LIGHT = "textual-dark", "textual-light"
# Themes that come in a light and a dark version, each half with its other.
THEME_PAIRS = {
    "textual-dark": "textual-light",
    "solarized-dark": "solarized-light",
    "atom-one-dark": "atom-one-light",
    "ansi-dark": "ansi-light",
    "catppuccin-mocha": "catppuccin-latte",
    "rose-pine": "rose-pine-dawn",
}
COUNTERPART = {
    **THEME_PAIRS,
    **{light: dark for dark, light in THEME_PAIRS.items()},
    "catppuccin-frappe": "catppuccin-latte",
    "catppuccin-macchiato": "catppuccin-latte",
    "rose-pine-moon": "rose-pine-dawn",
}
T = TypeVar("T", Bookmarks, ReadingState)
# New objects Python's cycle collector lets pile up before it looks at them
# (its first generation's threshold; Python's own is 700). A frame makes some
# 10,000 (Textual's strips, each with seven little caches): at 700 the
# collector ran about 15 times in every Enter at 100,000 stories, each time
# finding the frame's strips still alive and moving them on to older
# generations, which it then walked too: 1.4 second-generation collections
# an Enter, 2.2 ms each, and a full one (8-24 ms) every seven or so. At
# 10,000 it runs about once every other Enter, when most of a frame's objects
# are gone already: the collector's CPU per Enter went from 6.3-6.6 ms to
# 2.5-2.9 (bench/enter_timeline.py, and in-process at a load of 8-18).
YOUNG_OBJECTS = 10_000


def _loaded(store: T) -> T:
    store.load()
    return store


class NewsApp(App[None]):
    CSS_PATH = str(bundled("styles") / "app.tcss")
    TITLE = "news"

    EVERYWHERE: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        opener("w", "keywords", "Keywords", id="app.keywords"),  # the keys behind it are the box's
        Binding("t", "toggle_theme", "Light/dark", show=False, id="app.theme"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]
    # The open story's links, numbered under it and marked [n] in it: 1-9 open
    # one and L lists them all, wherever the focus is on the reader's screen
    # (an input takes the digits first). Listed in help with the reading keys.
    LINKS: ClassVar[list[BindingType]] = [
        *[
            Binding(str(n), f"app.link({n})", "Open link n", show=False, id=f"app.link{n}")
            for n in range(1, 10)
        ],
        Binding("L", "app.links", "All links", show=False, id="app.links"),
    ]
    BINDINGS = [*EVERYWHERE, *LINKS]

    def __init__(
        self,
        catalog: Catalog | Sequence[Article],
        *,
        bookmarks: Bookmarks | None = None,
        state: ReadingState | None = None,
        undo: UndoStack | None = None,
        keywords: Sequence[Keyword] = (),
        extra_keywords: Sequence[Keyword] = (),
        warnings: Sequence[str] = (),
        keymap: Mapping[str, str] | None = None,
        refused_keys: Sequence[str] = (),
        refresh_every: int | None = None,
        alerts: Settings | None = None,
    ) -> None:
        super().__init__()
        # [refresh] every (seconds) and [notify]: the reader screen's timer and notifications.
        self.refresh_every = refresh_every
        self.alerts = alerts
        self.warnings = list(warnings)
        # [keys] from the config, checked (reader/tui/keymap.py); what was refused is told.
        self.refused_keys = list(refused_keys)
        if keymap:
            self.set_keymap(keymap)
        # A plain list of stories (tests, ad-hoc files) is a catalog in memory.
        self.catalog = catalog if not isinstance(catalog, Sequence) else MemoryCatalog(catalog)
        # Keywords from the config (which the dialog edits and saves), and those
        # given with --highlight for this run only.
        self.keywords = list(keywords)
        self.extra_keywords = [k for k in extra_keywords if k not in self.keywords]
        self.bookmarks = bookmarks or _loaded(Bookmarks())
        self.state = state or _loaded(ReadingState())
        if self.catalog.library_path() is None:  # files read: marks on a file's old id follow
            self._carry_file_marks()
        # Read when `z` (or the first undoable action) needs it, not at start.
        self.undo = undo or UndoStack()
        # What other programs change meanwhile: the config, the library.
        self.outside = OutsideWatch(self)
        self.saver = Saver(self._store_error)
        if (theme := self.state.theme) and theme in self.available_themes:
            self.theme = theme
        # The theme `t` switches to; set by the last choice (see `_theme_changed`).
        other = self.state.other_theme
        if other not in self.available_themes or self._is_dark(other) == self._is_dark(self.theme):
            other = self._opposite(self.theme, None)
        self.other_theme: str = other
        self._toggling = False

    def _carry_file_marks(self) -> None:
        from reader.identity import carry_file_marks

        try:
            stories = (e for e in self.catalog.entries() if isinstance(e, Article))
            carry_file_marks(stories, self.bookmarks, self.state)
        except StoreError as exc:  # said with the other warnings; tried again next time
            self.warnings.append(str(exc))

    def get_css_variables(self) -> dict[str, str]:
        # Every theme's text made readable (WCAG AA) on the panes it is drawn on,
        # in the colours the terminal shows (at 256, the nearest of its palette).
        eight_bit = self.console.color_system == "256"
        self.theme_variables = readable_variables(super().get_css_variables(), eight_bit)
        return self.theme_variables

    def get_default_screen(self) -> Screen[None]:
        return ReaderScreen(
            self.catalog,
            self.bookmarks,
            self.state,
            self.saver,
            [*self.keywords, *self.extra_keywords],
            self.undo,
            self.refresh_every,
            self.alerts,
        )

    def action_keywords(self) -> None:
        from reader.tui.dialogs.keywords import KeywordsDialog

        self.push_screen(KeywordsDialog(self.keywords, self._keywords_changed))

    def _keywords_changed(self, keywords: list[Keyword]) -> None:
        self.saver.submit(save_keywords, keywords)
        self.take_keywords(keywords)

    def take_keywords(self, keywords: Sequence[Keyword]) -> None:
        """Follow these keywords (the dialog's, or the config's as another
        program left it): lit up and counted on every reader screen."""
        if list(keywords) == self.keywords:
            return
        self.keywords = list(keywords)
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.keyword_control.set([*self.keywords, *self.extra_keywords])

    async def on_event(self, event: events.Event) -> None:
        # Pasted text may come from anywhere (a web page, a feed, a terminal
        # that printed one): every input gets it cleaned, as any untrusted
        # text, or it would show the escape sequences in it raw on the screen.
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = clean(event.text)
        await super().on_event(event)

    def on_mount(self) -> None:
        self.watch(self, "theme", self._theme_changed, init=False)
        self.call_after_refresh(self._first_frame_shown)

    def _first_frame_shown(self) -> None:
        # What start-up made (modules, styles, the screen) lives as long as the
        # app. Frozen, it is left out of Python's full garbage collections,
        # which otherwise walk all of it every so often in the middle of a key:
        # 30-40 ms each, about every eighth key on a 10,000-story library; 5-8 ms frozen.
        # `news` starts with the collector off (reader.cli.main): on from here.
        gc.freeze()
        self._gc_thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_OBJECTS, *self._gc_thresholds[1:])
        gc.enable()
        self._tell_problems()
        self.outside.start()

    def on_unmount(self) -> None:
        gc.unfreeze()  # the app is gone: what it froze may be collected again
        if thresholds := getattr(self, "_gc_thresholds", None):
            gc.set_threshold(*thresholds)

    def _tell_problems(self) -> None:
        # Only now: toasts raised before the first screen is up are not shown.
        for problem in (self.bookmarks.problem, self.state.problem):
            if problem:
                notify(self, problem, title="Could not load", severity="warning", timeout=15)
        for warning in self.warnings:
            notify(self, warning, severity="warning", timeout=10)
        if self.refused_keys:
            refusals = Text("\n").join(Text(reason) for reason in self.refused_keys)
            notify(self, refusals, title="Keys not changed", severity="warning", timeout=20)

    def _is_dark(self, name: str | None) -> bool:
        theme = self.get_theme(name) if name else None
        return theme.dark if theme else True

    def _opposite(self, name: str, other: str | None) -> str:
        """The theme to pair with `name`: its own other half if it has one, else
        `other` if that is of the other kind, else Textual's light or dark."""
        if (pair := COUNTERPART.get(name)) and pair in self.available_themes:
            return pair
        if other and self._is_dark(other) != self._is_dark(name):
            return other
        return LIGHT if self._is_dark(name) else DARK

    def _theme_changed(self, old: str, new: str) -> None:
        if self._toggling:  # `t`: the two swap
            self.other_theme = old
        elif COUNTERPART.get(new) or self._is_dark(old) == self._is_dark(new):
            # A theme chosen in the palette: `t` goes to its other half, else
            # keeps going to the light (or dark) one it went to before.
            self.other_theme = self._opposite(new, self.other_theme)
        else:  # chosen over one of the other kind: `t` goes back to it
            self.other_theme = old
        self._toggling = False
        self.saver.submit(self.state.set_theme, new, self.other_theme)

    def _store_error(self, message: str) -> None:
        """Called from the saver's thread. Posted, not called there and waited for:
        the event loop may itself be waiting for the saver."""
        try:
            posted = self.post_message(SaveFailed(message))
        except RuntimeError:  # the loop closed just now
            posted = False
        if not posted:  # the app has already stopped: say it on the terminal
            print(f"news: {message}", file=sys.stderr)

    @on(LibraryListed)
    def _library_listed(self) -> None:
        self.outside.look_at_library()

    @on(SaveFailed)
    def _save_failed(self, event: SaveFailed) -> None:
        notify(self, event.text, severity="error", timeout=10)

    def action_toggle_theme(self) -> None:
        """Between the light and the dark version of the chosen theme (or the
        last light and dark themes chosen, for one that comes in one kind)."""
        self._toggling = True
        self.theme = self.other_theme

    def binding_groups(self) -> list[tuple[str, list[Binding]]]:
        """Every binding with a description, grouped by the part that owns it:
        the one source for the help screen and the command palette."""
        from reader.tui.keymap import in_force  # not on the way to the first screen
        from reader.tui.widgets.result_list import ResultList
        from reader.tui.widgets.search_bar import SearchBar

        def keys(bindings: list[BindingType]) -> list[Binding]:
            # With the person's own keys in place ([keys]), as they work.
            return in_force(Binding.make_bindings(bindings), self._keymap)

        return [
            ("Everywhere", [*keys(self.EVERYWHERE), *self._palette_binding()]),
            ("Reading", keys([*ReaderScreen.BINDINGS, *self.LINKS])),
            ("Story list", keys(ArticleList.BINDINGS)),
            ("Reading pane", keys(StoryView.BINDINGS)),
            ("Search bar", keys(SearchBar.BINDINGS)),
            ("Search results", keys(ResultList.BINDINGS)),
        ]

    def _palette_binding(self) -> Iterable[Binding]:
        # Textual's own keys, listed with the reader's.
        yield Binding("tab", "focus_next", "Next pane")
        yield Binding("shift+tab", "focus_previous", "Previous pane")
        yield Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "Command palette")

    def _open_story(self) -> StoryView | None:
        """The reading pane, when the reader's screen is the one in front.
        The screen's own attribute, not a query: the footer asks this for each
        of the ten link keys on every focus change (a DOM walk each, 2 ms of
        an Enter)."""
        screen = self.screen
        if not isinstance(screen, ReaderScreen):
            return None
        story = getattr(screen, "story", None)  # made when the screen composes
        return story if isinstance(story, StoryView) and story.is_mounted else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Over a dialog the digits and L are the dialog's, not the story's.
        if action in ("link", "links"):
            return self._open_story() is not None
        return not (action == "keywords" and typing(self.focused))  # a "w" typed is text

    def action_link(self, number: int) -> None:
        from reader.tui.dialogs.links import open_link

        if (story := self._open_story()) is not None:
            article = story.whole_story()  # its links are numbered through all of it
            open_link(story, story_links(article) if article else [], number)

    def action_links(self) -> None:
        from reader.tui.dialogs.links import LinkPicker

        if (story := self._open_story()) is not None:
            article = story.whole_story()
            links = story_links(article) if article else []
            self.push_screen(LinkPicker(links, story_palette(self.theme_variables).link))

    def action_help(self) -> None:
        from reader.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.binding_groups()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's "Keys" docks a panel of its own, which Escape does not close
        # and which lists keys the reader does not use: "Help" is ours. Its
        # "Screenshot" saves to ~/Downloads, failing where there is none, and
        # says where in markup, which a folder's name could be read as.
        left_out = {"Keys", "Screenshot"}
        yield from (c for c in super().get_system_commands(screen) if c.title not in left_out)
        from reader.tui.widgets.result_list import ResultList
        from reader.tui.widgets.search_bar import SearchBar

        owners: dict[str, DOMNode] = {"Reading": screen, "Everywhere": self}
        widgets = (
            (ArticleList, "Story list"),
            (StoryView, "Reading pane"),
            (SearchBar, "Search bar"),
            (ResultList, "Search results"),
        )
        for widget_type, group in widgets:
            found = screen.query(widget_type)
            # A hidden widget's commands (the search's, with no search open)
            # would do nothing and say nothing: they are offered when it shows.
            if found and found.first().display:
                owners[group] = found.first()
        # Textual offers quit itself; the palette and focus moves make no sense from it.
        not_offered = {"quit", "command_palette", "focus_next", "focus_previous"}
        for group, bindings in self.binding_groups():
            owner = owners.get(group)
            if owner is None:
                continue
            # One command per action, with all its keys: Textual splits "escape,h,left"
            # into three bindings, which listed "Back to list" three times. A
            # description several actions share ("Open link n", keys 1-9) is left
            # out: the key is what says which; the palette offers "All links".
            keys: dict[str, list[str]] = {}
            actions: dict[str, set[str]] = {}
            for binding in bindings:
                if binding.action not in not_offered and binding.description:
                    keys.setdefault(binding.description, []).append(self.get_key_display(binding))
                    actions.setdefault(binding.description, set()).add(binding.action)
            for description, displays in keys.items():
                if len(actions[description]) > 1:
                    continue
                (action,) = actions[description]
                yield SystemCommand(
                    f"{description} ({group.lower()})",
                    f"Keys: {' '.join(displays)}" if len(displays) > 1 else f"Key: {displays[0]}",
                    partial(self.run_action, action, owner),
                )
