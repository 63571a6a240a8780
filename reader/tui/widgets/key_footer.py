"""The keys in force, on the bottom line: one widget that draws them all.

It draws what Textual's Footer draws, cell for cell (its colours, its spacing,
the command palette's key at the right edge), from the screen's active
bindings. Textual's Footer is a container of one widget a key, made again
whenever the bindings change: mounting, styling and laying out a dozen widgets
after the first screen cost about a fifth of every start's CPU (17 ms of 80,
tests/tui), and the stock Footer made them again on every focus change, which
took most of the time of opening a story (bench/repro_focus_keys.py: 137 ms of
CPU per Enter, 39 ms without it). Here a change of the keys is a repaint.

Below 80 columns it is compact (one space between keys, not three), so that at
60 columns every key still shows whole, "q Quit" included. Narrower, the keys
that do not fit whole beside the palette's are not shown, rather than cut.
A key is pressed by clicking it, as in Textual's Footer; it lights up under
the mouse.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

COMPACT_BELOW = 80  # columns: the keys with their usual spacing need about 63
EDGE = "▏"  # the palette key's left border (Textual's `vkey`)


class Key(NamedTuple):
    key: str  # as the app is sent it
    display: str  # as the person reads it
    description: str
    enabled: bool


class Drawn(NamedTuple):
    """A key's place on the line, for the mouse."""

    start: int
    end: int
    key: Key


class KeyFooter(Widget, can_focus=False):
    COMPONENT_CLASSES = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--edge",
        "key-footer--hover",
    }
    ALLOW_SELECT = False

    compact: reactive[bool] = reactive(False)
    _hover: reactive[str | None] = reactive(None)  # the key under the mouse

    def __init__(self) -> None:
        super().__init__()
        self._keys: tuple[Key, ...] = ()
        self._palette: Key | None = None
        self._drawn: list[Drawn] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """The keys in force, in order, one a command (its first key), as
        Textual's Footer lists them; drawn again only if they changed."""
        app = self.app
        keys: dict[str, Key] = {}
        palette: Key | None = None
        for _, binding, enabled, _ in screen.active_bindings.values():
            key = Key(binding.key, app.get_key_display(binding), binding.description, enabled)
            if binding.key == app.COMMAND_PALETTE_BINDING:
                palette = key if app.ENABLE_COMMAND_PALETTE else None
            if binding.show:
                keys.setdefault(binding.action, key)
        shown = tuple(keys.values())
        if (shown, palette) != (self._keys, self._palette):
            self._keys, self._palette = shown, palette
            self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW

    def render_line(self, y: int) -> Strip:
        # Drawn as strips, not returned from `render`: a widget's text is given
        # its own colour everywhere, and Textual draws the gaps between its
        # Footer's keys in the background colour alone.
        if y:
            return Strip.blank(self.size.width, Style(bgcolor=self.rich_style.bgcolor))
        line = self._line()
        return Strip(line.render(self.app.console), line.cell_len)

    def _line(self) -> Text:
        compact = self.compact
        # Between and after the keys only the footer's background, as Textual
        # draws a container's margins; each key on the footer's colours.
        blank = Style(bgcolor=self.rich_style.bgcolor)
        line = Text(no_wrap=True, overflow="crop", end="")
        width = self.size.width
        palette = self._palette_text() if self._palette else Text()
        # Compact, a key is followed by a space (the palette's too, at the far right).
        gap = 1 if compact else 0
        room = width - palette.cell_len - gap * bool(palette)
        self._drawn = []
        for key in self._keys:
            text = self._key_text(key, compact)
            if line.cell_len + text.cell_len > room:
                break  # this one and those after it do not fit whole
            self._drawn.append(Drawn(line.cell_len, line.cell_len + text.cell_len, key))
            line.append_text(text)
            line.append(" " * gap, blank)
        if palette:
            # At the right edge; its border may stand where the space after the
            # last key shown would be.
            start = max(0, width - palette.cell_len - gap)
            if line.cell_len > start:
                line.right_crop(line.cell_len - start)
            line.append(" " * (start - line.cell_len), blank)
            line.append_text(palette)
            assert self._palette is not None
            self._drawn.append(Drawn(start, line.cell_len, self._palette))
            line.append(" " * gap, blank)
        line.append(" " * (width - line.cell_len), blank)
        return line

    def _key_text(self, key: Key, compact: bool) -> Text:
        """A key as Textual's FooterKey draws it: the key in bold, then what it does."""
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        if not key.description:
            text = Text(key.display, key_style)
        elif compact:
            text = Text.assemble(
                (key.display, key_style), (" " + key.description, description_style)
            )
        else:
            text = Text.assemble(
                (f" {key.display} ", key_style), (key.description + " ", description_style)
            )
        if not key.enabled:
            text.stylize(Style(dim=True))
        text.stylize_before(self.rich_style)
        if key.key == self._hover:
            text.stylize(Style(bgcolor=self.get_component_rich_style("key-footer--hover").bgcolor))
        return text

    def _palette_text(self) -> Text:
        """The command palette's key: always compact, after a thin border, and a
        space after it when the keys are not."""
        assert self._palette is not None
        edge = Text(EDGE, self.get_component_rich_style("key-footer--edge"))
        key = self._key_text(self._palette, True)
        padding = Text("" if self.compact else " ", Style(bgcolor=self.rich_style.bgcolor))
        return Text.assemble(edge, key, padding)

    def _key_at(self, x: int) -> Key | None:
        for drawn in self._drawn:
            if drawn.start <= x < drawn.end:
                return drawn.key
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        self._hover = None if key is None else key.key

    def on_leave(self) -> None:
        self._hover = None
