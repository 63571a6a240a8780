"""What ``[notify]`` in the config asks for: how to tell of a new story beside
the toast (`reader.triage.notify` does the telling).

Apart from the telling because every start reads the config into one of these,
and the telling (subprocesses, escape sequences, its patterns) is needed only
once a new story arrives: importing it took about 1.3 ms of the reader's start.
"""

from __future__ import annotations

from typing import NamedTuple


class Settings(NamedTuple):
    """``[notify]`` in the config: a command (a program and its arguments) and
    a terminal notification ("osc9", "osc777" or "" for none)."""

    command: tuple[str, ...] = ()
    terminal: str = ""
