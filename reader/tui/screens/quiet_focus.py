"""A screen that does not repaint itself whole when the focus moves.

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
"""

from __future__ import annotations

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget


class QuietFocusScreen(Screen[None]):
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

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
