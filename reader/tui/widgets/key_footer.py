"""Textual's Footer, rebuilt only when the keys it shows change.

Below 80 columns it is compact (one space between keys, not three), so that
at 60 columns every key still shows whole, "q Quit" included. Narrower, the
keys that do not fit whole left of the command palette's are not shown:
Textual's footer lays them out under it, and the letters of a hidden label
showed through in the column the palette's key leaves at the right
("▏^p palettei" at 45 columns).

The stock Footer recomposes on every focus change, which took most of the time
of opening a story here (bench/repro_focus_keys.py: 137 ms of CPU per Enter,
39 ms without it). The reader keeps the footer to keys that work everywhere,
so moving between the list and the story leaves it as it is.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

COMPACT_BELOW = 80  # columns: the keys with their usual spacing need about 63


class KeyFooter(Footer):
    _shown: tuple[tuple[str, str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        shown = tuple(
            (binding.key, binding.action, binding.description, enabled)
            for (_, binding, enabled, _) in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown and self._bindings_ready:
            return
        self._shown = shown
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        # Each key is made as compact as the footer is. A FooterKey starts
        # compact and takes the footer's value (`data_bind`) once mounted, so at
        # 80 columns and more each key was restyled twice as it mounted (on,
        # then off): about 5 ms of every start's 80-90 (CPU, tests/tui). The
        # command palette's key is not bound to the footer and stays compact.
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
        # Measured once the keys have taken the new spacing.
        self.call_after_refresh(self._fit)

    async def recompose(self) -> None:
        await super().recompose()
        self._fit()

    def _fit(self) -> None:
        """Show the keys, in order, up to the first that would not fit whole
        beside the command palette's key; none after it."""
        keys = list(self.query_children(FooterKey))
        if sum(map(self._at_most, keys)) <= self.size.width:
            # All fit, by a bound that renders nothing: measuring each key
            # renders it, a few ms of every start (and of every test's app).
            for key in keys:
                key.display = True
            return
        room = self.size.width - sum(
            self._width(key) for key in keys if key.has_class("-command-palette")
        )
        for key in keys:
            if not key.has_class("-command-palette"):
                width = self._width(key)
                # The space after the last key shown may be the palette's border.
                key.display = width - key.styles.margin.right <= room
                room -= width

    @staticmethod
    def _at_most(key: FooterKey) -> int:
        """The most columns `key` can take: its two texts, the three spaces a
        key pads them with at most, its gutter and margins."""
        texts = cell_len(key.key_display) + cell_len(key.description)
        return texts + 3 + key.styles.gutter.width + key.styles.margin.width

    def _width(self, key: FooterKey) -> int:
        """The columns `key` takes with its margins, shown or not."""
        size = self.size
        text = key.get_content_width(size, self.app.size)
        return text + key.styles.gutter.width + key.styles.margin.width
