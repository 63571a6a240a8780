"""A screen that does not repaint itself whole when the focus moves, nor lay
itself out again for a resize to the size it has.

Textual's `Screen.focused` is a reactive with the default `repaint=True`, so
each focus change (Enter moves it from the sidebar to the story) marks the
whole screen dirty and the next frame is a full-screen update: every widget
composed again and the whole terminal rewritten, after the paint that showed
the story or, one Enter in five here, before it. Nothing the screen itself
draws depends on the focus: the widgets that gain and lose it restyle and
repaint themselves (`Widget._on_focus`, `:focus` rules). So this screen
declares the same reactive without the repaint; its watcher (the bindings
refreshed for the footer) is Textual's, unchanged. Textual 8.2, checked by
tests/tui/test_sidebar_redraw.py (the footer is not drawn again on Enter).

Textual lays a screen out and paints it whole for every Resize it is sent,
whatever the size: at start three come of the size it already has (the app's
first, the same again once the app is idle, and the one the screen's first
layout sends itself), three full layouts and paints after the first one,
about 8 ms of CPU. A resize to another size is laid out as before.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget


class QuietFocusScreen(Screen[None]):
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def _screen_resized(self, size: Size) -> None:
        if size != self._compositor.size:
            super()._screen_resized(size)

    def focus_now(self, widget: Widget) -> None:
        """Focus `widget` within the key being handled.

        `Widget.focus` moves the focus a moment later, from the app's queue:
        after the keys typed right behind this one were handed to the widget
        focused before, which took them (j behind Enter moved the list instead
        of scrolling the story Enter opened). A widget that cannot take the
        focus yet (shown by a class this same key set) is focused that way."""
        if widget.focusable:
            self.set_focus(widget)
        else:
            widget.focus()
