"""The main screen: the sidebar of stories beside the reading pane."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from reader.model import Article
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.story_view import StoryView

NARROW_BELOW = 70  # columns under which the sidebar folds away


class ReaderScreen(Screen[None]):
    """Wires the sidebar to the reading pane: messages come up from the
    widgets, and the screen calls their methods to change them."""

    BINDINGS = [
        Binding("right_square_bracket", "next_story", "Next story", key_display="]", id="next"),
        Binding(
            "left_square_bracket", "previous_story", "Prev story", key_display="[", id="previous"
        ),
        Binding("s", "toggle_sidebar", "Sidebar", id="sidebar"),
    ]

    narrow: reactive[bool] = reactive(False)
    sidebar_open: reactive[bool] = reactive(True)

    def __init__(self, articles: list[Article], first: Article | None = None) -> None:
        super().__init__()
        self.articles = articles
        self.first = first or (articles[0] if articles else None)

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            sidebar = ArticleList(self.articles, id="sidebar")
            if self.first is not None:
                sidebar.highlight(self.first.id)
                sidebar.open_id = self.first.id
            yield sidebar
            yield StoryView(self.first, id="story")
        yield Footer()

    @property
    def sidebar(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def story(self) -> StoryView:
        return self.query_one(StoryView)

    def on_mount(self) -> None:
        (self.sidebar if self.sidebar_open else self.story).focus()

    def on_resize(self) -> None:
        self.narrow = self.size.width < NARROW_BELOW

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        # Folding away when the terminal gets narrow; coming back when it widens.
        self.sidebar_open = not narrow

    def watch_sidebar_open(self, shown: bool) -> None:
        self.set_class(not shown, "-sidebar-hidden")
        if shown and self.narrow:
            self.sidebar.focus()
        elif not shown and self.focused in (self.sidebar, None):
            self.story.focus()

    def open(self, article: Article) -> None:
        self.story.article = article
        self.sidebar.open_id = article.id
        self.sidebar.highlight(article.id)

    @on(ArticleList.Selected)
    def _selected(self, event: ArticleList.Selected) -> None:
        self.open(event.article)
        if self.narrow:
            self.sidebar_open = False
        self.story.focus()

    @on(StoryView.Back)
    def _back(self) -> None:
        self.sidebar_open = True
        self.sidebar.focus()

    def _step(self, step: int) -> None:
        stories = self.sidebar.articles()
        if not stories:
            return
        current = self.story.article
        ids = [a.id for a in stories]
        index = ids.index(current.id) if current is not None and current.id in ids else -step
        target = index + step
        if 0 <= target < len(stories):
            self.open(stories[target])
        else:
            self.notify("No more stories this way", timeout=2)

    def action_next_story(self) -> None:
        self._step(1)

    def action_previous_story(self) -> None:
        self._step(-1)

    def action_toggle_sidebar(self) -> None:
        self.sidebar_open = not self.sidebar_open
