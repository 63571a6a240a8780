"""Textual's Footer, rebuilt only when the keys it shows change.

The stock Footer recomposes on every focus change, which took most of the time
of opening a story here (bench/repro_focus_keys.py: 137 ms of CPU per Enter,
39 ms without it). The reader keeps the footer to keys that work everywhere,
so moving between the list and the story leaves it as it is.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


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
