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
