"""The main screen: the sidebar of stories beside the reading pane.

The screen owns what the person has done (read, bookmarked, where they left
each story) as plain sets and dicts on the event loop, so the sidebar redraws
at once; the stores on disk are updated behind it through the `Saver`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from reader.bookmarks import Bookmark, Bookmarks
from reader.highlight import Highlighter, Keyword
from reader.model import Article, Block, BlockKind, make_article
from reader.state import ReadingState
from reader.tui.saver import Saver
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.story_view import StoryView

NARROW_BELOW = 70  # columns under which the sidebar folds away


def missing_story(bookmark: Bookmark) -> Article:
    """A stand-in for a bookmarked story that no source holds any more."""
    where = f" from {bookmark.source}" if bookmark.source else ""
    text = (
        f"This story is no longer in your sources. It was bookmarked{where} "
        f"on {bookmark.added[:10]}."
    )
    blocks = [Block(BlockKind.PARAGRAPH, text)]
    if bookmark.url:
        blocks.append(Block(BlockKind.RELATED, bookmark.url, url=bookmark.url))
    return make_article(
        bookmark.section,
        bookmark.title or bookmark.article_id,
        blocks,
        bookmark.source,
        url=bookmark.url,
        id=bookmark.article_id,
    )


class ReaderScreen(Screen[None]):
    """Wires the sidebar to the reading pane: messages come up from the
    widgets, and the screen calls their methods to change them."""

    BINDINGS = [
        Binding("right_square_bracket", "next_story", "Next story", key_display="]", id="next"),
        Binding(
            "left_square_bracket", "previous_story", "Prev story", key_display="[", id="previous"
        ),
        Binding("full_stop", "next_unread", "Next unread", key_display=".", id="next_unread"),
        Binding("b", "toggle_bookmark", "Bookmark", id="bookmark"),
        Binding("B", "bookmarks", "Bookmarks", id="bookmarks"),
        Binding("e", "edit_note", "Note", id="note"),
        Binding("u", "toggle_read", "Read/unread", id="read"),
        Binding("s", "toggle_sidebar", "Sidebar", id="sidebar"),
    ]

    narrow: reactive[bool] = reactive(False)
    sidebar_open: reactive[bool] = reactive(True)

    def __init__(
        self,
        articles: Sequence[Article],
        bookmarks: Bookmarks,
        state: ReadingState,
        saver: Saver,
        keywords: Sequence[Keyword] = (),
    ) -> None:
        super().__init__()
        self.keywords = list(keywords)
        self.keyword_highlighter: Highlighter | None = None
        self.articles = list(articles)
        self.bookmarks = bookmarks
        self.state = state
        self.saver = saver
        self._by_id = {a.id: a for a in self.articles}
        # What the person has done, as the UI sees it; the stores follow behind.
        self._read: set[str] = {a.id for a in self.articles if state.is_read(a.id)}
        self._pins: dict[str, Bookmark] = {b.article_id: b for b in bookmarks.all()}
        self._positions: dict[str, int] = {}
        last = state.last
        self.first = self._by_id.get(last or "") or (self.articles[0] if self.articles else None)

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            self._sidebar = sidebar = ArticleList(self.articles, id="sidebar")
            self._update_sidebar(sidebar)
            if self.first is not None:
                sidebar.highlight(self.first.id)
                sidebar.open_id = self.first.id
            yield sidebar
            self._story = story = StoryView(id="story")
            if self.first is not None:
                story.show(
                    self.first,
                    scroll_y=self.state.position(self.first.id),
                    note=self._note_for(self.first.id),
                )
            yield story
        yield Footer()

    @property
    def sidebar(self) -> ArticleList:
        return self._sidebar

    @property
    def story(self) -> StoryView:
        return self._story

    def on_mount(self) -> None:
        (self.sidebar if self.sidebar_open else self.story).focus()
        if self.keywords:
            self.set_keywords(self.keywords)

    # -- keywords ---------------------------------------------------------------------

    def set_keywords(self, keywords: Sequence[Keyword]) -> None:
        """Light up these keywords in the story and the sidebar, and count them."""
        self.keywords = list(keywords)
        highlighter = Highlighter(self.keywords) if self.keywords else None
        self.keyword_highlighter = highlighter
        self.story.set_highlighters(*([highlighter.styled] if highlighter else []))
        self.sidebar.set_keywords(highlighter)
        if highlighter is not None:
            self._count_hits(highlighter)

    @work(thread=True, exclusive=True, group="keyword-hits")
    def _count_hits(self, highlighter: Highlighter) -> None:
        worker = get_current_worker()
        hits: dict[str, int] = {}
        for article in self.articles:
            if worker.is_cancelled:
                return
            texts = (article.title, article.standfirst, *(b.text for b in article.blocks))
            if count := sum(highlighter.count(t) for t in texts if t):
                hits[article.id] = count
        self.app.call_from_thread(self.sidebar.set_hits, hits)

    def on_unmount(self) -> None:
        self._leave_story()

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

    # -- what the person has done -------------------------------------------------

    def _note_for(self, article_id: str) -> str | None:
        pin = self._pins.get(article_id)
        return pin.note if pin is not None else None

    def _update_sidebar(self, sidebar: ArticleList | None = None) -> None:
        sidebar = sidebar or self.sidebar
        pins = sorted(self._pins.values(), key=lambda b: b.added, reverse=True)
        pinned = [self._by_id.get(b.article_id) or missing_story(b) for b in pins]
        missing = frozenset(b.article_id for b in pins if b.article_id not in self._by_id)
        sidebar.set_articles(self.articles, pinned, missing)
        sidebar.set_marks(self._read, set(self._pins))

    def current(self) -> Article | None:
        """The story a key means: the highlighted one in the sidebar, else the open one."""
        if self.sidebar.has_focus and self.sidebar.highlighted is not None:
            return self.sidebar.highlighted
        return self.story.article

    def _leave_story(self) -> None:
        """Remember where the open story was left, and write it down."""
        article = self.story.article
        if article is not None:
            y = round(self.story.scroll_y)
            self._positions[article.id] = y
            self.saver.submit(self.state.set_position, article.id, y)
            self.saver.submit(self.state.flush)

    def open(self, article: Article) -> None:
        if self.story.article is not None and self.story.article.id != article.id:
            self._leave_story()
        position = self._positions.get(article.id, self.state.position(article.id))
        self.story.show(article, scroll_y=position, note=self._note_for(article.id))
        self.sidebar.open_id = article.id
        self.sidebar.highlight(article.id)
        self.saver.submit(self.state.set_last, article.id)
        if article.id not in self._read:
            self._read.add(article.id)
            self.sidebar.set_marks(self._read, set(self._pins))
            self.saver.submit(self.state.mark_read, article.id, True)

    # -- messages from the widgets --------------------------------------------------

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

    # -- actions ----------------------------------------------------------------------

    def _step(self, step: int) -> None:
        current = self.story.article
        target = self.sidebar.step_from(current.id if current else None, step)
        if target is None:
            self.notify("No more stories this way", timeout=2)
        else:
            self.open(target)

    def action_next_story(self) -> None:
        self._step(1)

    def action_previous_story(self) -> None:
        self._step(-1)

    def action_next_unread(self) -> None:
        target = self.sidebar.next_unread()
        if target is None:
            self.notify("Everything is read", timeout=2)
        else:
            self.open(target)

    def action_toggle_read(self) -> None:
        article = self.current()
        if article is None:
            return
        now_read = article.id not in self._read
        (self._read.add if now_read else self._read.discard)(article.id)
        self.sidebar.set_marks(self._read, set(self._pins))
        self.saver.submit(self.state.mark_read, article.id, now_read)
        self.notify("Marked read" if now_read else "Marked unread", timeout=1.5)

    def action_toggle_bookmark(self) -> None:
        article = self.current()
        if article is None:
            return
        if article.id in self._pins:
            del self._pins[article.id]
            self.saver.submit(self.bookmarks.remove, article.id)
            self.notify("Bookmark removed", timeout=1.5)
        else:
            self._pins[article.id] = Bookmark.of(article)
            self.saver.submit(self.bookmarks.add, article)
            self.notify("Bookmarked · B lists bookmarks · e adds a note", timeout=2)
        self._update_sidebar()
        if self.story.article is not None and self.story.article.id == article.id:
            self.story.set_note(self._note_for(article.id))

    def action_bookmarks(self) -> None:
        if not self._pins:
            self.notify("No bookmarks yet: b bookmarks a story", timeout=2)
            return
        self.sidebar_open = True
        self.sidebar.jump_to_bookmarks()
        self.sidebar.focus()

    def action_edit_note(self) -> None:
        from reader.tui.dialogs.note import NoteDialog

        article = self.current()
        if article is None:
            return
        note = self._note_for(article.id) or ""

        def done(new: str | None) -> None:
            if new is None:
                return
            if article.id not in self._pins:
                self._pins[article.id] = Bookmark.of(article, new)
                self.saver.submit(self.bookmarks.add, article, new)
            else:
                self._pins[article.id] = replace(self._pins[article.id], note=new)
                self.saver.submit(self.bookmarks.set_note, article.id, new)
            self._update_sidebar()
            if self.story.article is not None and self.story.article.id == article.id:
                self.story.set_note(new)
            self.notify("Note saved" if new else "Note cleared", timeout=1.5)

        self.app.push_screen(NoteDialog(article.title, note), done)

    def action_toggle_sidebar(self) -> None:
        self.sidebar_open = not self.sidebar_open
