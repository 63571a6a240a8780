"""Textual's Footer, rebuilt only when the keys it shows change.

Below 80 columns it is compact (one space between keys, not three), so that
at 60 columns every key still shows whole, "q Quit" included.

The stock Footer recomposes on every focus change, which took most of the time
of opening a story here (bench/repro_focus_keys.py: 137 ms of CPU per Enter,
39 ms without it). The reader keeps the footer to keys that work everywhere,
so moving between the list and the story leaves it as it is.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Footer

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

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
