"""The reader's styles (`styles/*.tcss`): `app.tcss` is read at start (the app's
`CSS_PATH`), the rest by the part that needs them, the first time.

Parsing the dialogs' rules took 2.2 ms of every start and the search's 1.4 ms
(of 4.5 ms for the whole file), though neither shows on the first screen. A
screen's own `CSS_PATH` is not the way here: Textual reads it when the screen
is first shown and then parses the whole stylesheet afresh, every widget's
CSS included (11-15 ms measured, and 6-9 ms more restyling every widget). A
source added to the stylesheet is parsed alone when styles are next applied:
the stylesheet keeps the rules it parsed before. Added as the app's own CSS,
as `app.tcss` is, its rules weigh what they did there.
"""

from __future__ import annotations

from textual.app import App

from reader.config import bundled


def load(app: App[object], name: str) -> None:
    """Add `styles/NAME` to the app's stylesheet, once; call it before
    mounting (or pushing) what it styles."""
    path = bundled("styles") / name
    if not app.stylesheet.has_source(str(path)):
        css = path.read_text(encoding="utf-8")
        app.stylesheet.add_source(css, read_from=(str(path), ""), is_default_css=False)
