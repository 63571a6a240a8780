"""A progress bar for the command line whose words are never read as markup.

Rich's `TextColumn`, and any string given to `Progress` as a column, parse
Rich markup: a feed titled `[/]` crashed `news refresh`, and one titled
`[link=file:///etc/passwd]` put a terminal hyperlink on the screen. Here every
column is drawn from plain text, and the task's description (what is being
worked on, often a feed's title) is cleaned and shown as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
)
from rich.text import Text

from reader.sanitize import clean_line

if TYPE_CHECKING:
    from rich.console import Console

DESCRIPTION_WIDTH = 40  # characters of the current item shown after the count


class PlainColumn(ProgressColumn):
    """Fixed words, or the task's description, as plain text."""

    def __init__(self, words: str | None = None) -> None:
        super().__init__()
        self.words = words

    def render(self, task: Task) -> Text:
        if self.words is not None:
            return Text(self.words)
        text = clean_line(task.description)
        if len(text) > DESCRIPTION_WIDTH:
            text = text[: DESCRIPTION_WIDTH - 1] + "…"
        return Text(text, no_wrap=True, overflow="ellipsis")


def plain_progress(out: Console, label: str, *, in_bytes: bool = False) -> Progress:
    """`label`, a bar, done/total (or megabytes read, `in_bytes`) and the item
    just done; gone when finished."""
    return Progress(
        PlainColumn(label),
        BarColumn(),
        DownloadColumn() if in_bytes else MofNCompleteColumn(),
        PlainColumn(),
        console=out,
        transient=True,
    )
