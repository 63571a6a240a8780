"""The messages the search bar and the result list post, apart from the widgets.

The reader screen handles them with `@on(..., "#id")`, which needs the classes
when the screen is defined; the widgets themselves are imported only after the
first paint (start-up imports what the first screen needs). So the messages
live here, importing nothing but `FromWidget` (a Textual `Message`), and the widgets name them
as their own (`SearchBar.Changed`, `ResultList.Selected`). The namespaces keep
the handler names (`on_search_bar_changed`) they had as nested classes. Each
carries the widget that sent it as `control`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.tui.widgets.from_widget import FromWidget

if TYPE_CHECKING:
    from reader.library.search import Hit
    from reader.tui.dialogs.opener import TypeAhead
    from reader.tui.widgets.result_list import ResultList
    from reader.tui.widgets.search_bar import SearchBar


class Changed(FromWidget["SearchBar"], namespace="search_bar"):
    """The query or the scope changed: search again."""

    def __init__(self, bar: SearchBar, text: str, scope: str) -> None:
        super().__init__(bar)
        self.text = text
        self.scope = scope


class Move(FromWidget["SearchBar"], namespace="search_bar"):
    """Down/Up (a result or a match at a time) or PageDown/PageUp (a page of results)."""

    def __init__(self, bar: SearchBar, step: int, page: bool = False) -> None:
        super().__init__(bar)
        self.step = step
        self.page = page


class Closed(FromWidget["SearchBar"], namespace="search_bar"):
    """Escape in the bar: out of the search."""


class MarkRead(FromWidget["SearchBar"], namespace="search_bar"):
    """Ctrl+R: mark every story the search found read."""


class SaveAsked(FromWidget["SearchBar"], namespace="search_bar"):
    """Ctrl+S in the bar: save the query as a section of the sidebar."""

    def __init__(self, bar: SearchBar, text: str, typed: TypeAhead) -> None:
        super().__init__(bar)
        self.text = text
        self.typed = typed  # the keys typed behind Ctrl+S, for the name


class Selected(FromWidget["ResultList"], namespace="result_list"):
    """Enter or a click on a result: open its story."""

    def __init__(self, result_list: ResultList, item: Hit) -> None:
        super().__init__(result_list)
        self.item = item


class MarkResultsRead(FromWidget["ResultList"], namespace="result_list"):
    """A in the results: mark every story the search found read."""


class NeedMore(FromWidget["ResultList"], namespace="result_list"):
    """The person is nearing the last hit the list has: fetch the hits from
    `offset` on (answered with `add_items`)."""

    def __init__(self, result_list: ResultList, offset: int) -> None:
        super().__init__(result_list)
        self.offset = offset
