"""The story's links, numbered as under the story, to open any of them by keyboard.

The keys 1-9 in the reading pane open the first nine; this dialog (`L`) reaches
all of them. Only http and https links open (`reader.urls.clickable`); any other
is left out of the list (`story_links`), so every number shown opens.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.tui.dialogs.dialog import Dialog, framed
from reader.tui.toast import notify
from reader.urls import clickable

Link = tuple[str, str]  # (label, url), as `reader.render.story_links` gives them


def open_link(node: DOMNode, links: Sequence[Link], number: int) -> None:
    """Open link `number` (counted from 1) in the browser, or say why not."""
    if not 1 <= number <= len(links):
        notify(node, f"This story has no link {number}", timeout=2)
        return
    _, url = links[number - 1]
    target = clickable(url)
    if not target:
        notify(
            node,
            f"Link {number} is not a web address: only http and https links open",
            severity="warning",
            timeout=4,
        )
        return
    open_url(node, target)


def open_url(node: DOMNode, url: str) -> None:
    """Open a clickable `url` in the browser on a thread, saying so."""
    notify(node, f"Opening {url}", timeout=2)
    app = node.app
    app.run_worker(lambda: _open_in_browser(app, url), thread=True, group="browser")


def _open_in_browser(app: App[object], url: str) -> None:
    import webbrowser  # starting a browser can block: never on the event loop

    if not webbrowser.open(url):
        app.call_from_thread(_no_browser, app, url)


def _no_browser(app: App[object], url: str) -> None:
    """Say the address, to copy by hand, and put it on the clipboard where the
    terminal takes one (OSC 52: over ssh too): on a server there is no browser."""
    app.copy_to_clipboard(url)
    notify(app, f"No browser to open it in; copied: {url}", severity="warning", timeout=15)


class LinkPicker(Dialog[None]):
    """Pick a link with ↑ ↓ and Enter; Escape closes."""

    BINDINGS = [Binding("escape", "dismiss", "Close", id="links.close")]

    def __init__(self, links: Sequence[Link], url_style: Style | str = "") -> None:
        super().__init__()
        self.links = list(links)
        self.url_style = url_style

    def compose(self) -> ComposeResult:
        with framed(Vertical(id="links-body"), "Links", "Enter opens · Esc closes"):
            options = [
                Option(self._prompt(number, label, url))
                for number, (label, url) in enumerate(self.links, start=1)
            ]
            if not options:
                options = [Option(Text("This story has no links"), disabled=True)]
            yield OptionList(*options, id="link-list")

    def _prompt(self, number: int, label: str, url: str) -> Text:
        # Text built from plain strings: labels and addresses come from feeds.
        prompt = Text(f"{number:>2}. ")
        if label and label != url:
            prompt.append(label)
            prompt.append("\n    ")
        prompt.append(url, style=self.url_style)
        return prompt

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        if self.links:
            listing.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss()
        open_link(self.app, self.links, event.option_index + 1)
