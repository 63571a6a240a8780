"""A list in a dialog whose rows can be removed with Delete: the keywords and
the rules dialogs each show one.

What the two lists share is here once: the message that asks the dialog to
remove a row (the dialog owns the data and says whether it could), keeping the
highlight in place when the rows are redrawn, and showing where Delete would
act as soon as the list has the focus. Each list keeps its own binding for
Delete, with its own description and id, since user keymaps name them apart.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.tui.widgets.from_widget import FromWidget


class RemovableList(OptionList):
    """Rows to remove one at a time; disabled rows (hints, problems) stay."""

    class Remove(FromWidget["RemovableList"]):
        """Delete on row `index`: the dialog removes it and redraws the rows."""

        def __init__(self, listing: RemovableList, index: int) -> None:
            super().__init__(listing)
            self.index = index

    def action_remove(self) -> None:
        if self.highlighted is not None and not self.get_option_at_index(self.highlighted).disabled:
            self.post_message(self.Remove(self, self.highlighted))

    def on_focus(self) -> None:
        # Tabbed into, the list shows which row Delete would remove: the first.
        if self.highlighted is None and self.option_count:
            self.action_first()

    def show_rows(self, rows: Iterable[Option], removable: int) -> None:
        """Replace the rows; the first `removable` of them can be removed. With
        the focus here, the highlight stays where it was (on the row after
        one just removed), moving up past the end."""
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(rows)
        if removable and self.has_focus:
            self.highlighted = min(highlighted or 0, removable - 1)
