"""What the screen shows, read through Textual's public API.

Toasts are found by their widget's type name and read as they render (title,
then message), so a test sees what a person sees and nothing Textual keeps
behind it.
"""

from __future__ import annotations

from typing import Any

from textual.app import App


def toasts(app: App[Any]) -> list[str]:
    """The text of each toast on the screen now, title and message on their own lines."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]
