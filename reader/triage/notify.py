"""Telling the person that a new story they care about has arrived.

A new story is worth a notification when it matches a followed keyword (the
``[highlight]`` keywords, `keyword_notices`) or a ``notify`` rule
(``reader.triage.rules`` finds those and hands the matched stories to the same
callable, `Notifier.tell`). The reader always shows a toast; where the config
asks, it also sends

* a terminal notification (``[notify] terminal = "osc9"`` or ``"osc777"``):
  an escape sequence the terminal turns into a desktop notification, which
  also works over SSH since it travels with the screen's output (OSC 9 is
  iTerm2's, also read by WezTerm, Windows Terminal, kitty and foot; OSC 777
  is urxvt's ``notify``, read by foot, Ghostty and VTE terminals). It is
  written by the TUI through its driver (`osc`), never printed beside it;
* a command (``[notify] command = ["notify-send", "--app-name=news"]``): the
  program and its arguments as a list, never a shell line, with the story's
  title, section and link appended as three more arguments; or, when the
  list names them (``"{title}"``, ``"{section}"``, ``"{link}"``), put there
  instead, which suits a program that takes fewer arguments (notify-send
  takes a summary and a body, and refuses a third).

Everything sent is a story's text, and so a stranger's: cleaned of control
characters, escape sequences and bidirectional overrides (``clean_line``),
cut to a length, and a value that starts with ``-`` gets a space in front,
so no program takes a title for one of its options. A command runs with no
shell, no standard input, in a session of its own, and is stopped (with
anything it started) after ``COMMAND_TIMEOUT`` seconds; `run_command` says
what went wrong in a line, and the reader says it once, not at every story.

No Textual here: the TUI calls these from a worker thread and writes the
escape sequence itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from reader.highlight import Highlighter
from reader.sanitize import clean, clean_line
from reader.triage.notify_settings import Settings

__all__ = [
    "COMMAND_TIMEOUT",
    "MAX_FIELD",
    "Notable",
    "Notice",
    "Settings",
    "command_line",
    "keyword_notices",
    "osc",
    "run_command",
]

COMMAND_TIMEOUT = 10.0  # seconds a notify command may take before it is stopped
MAX_FIELD = 200  # characters of a title, section or link sent anywhere
_POLL = 0.1  # seconds between looks at the cancel event while a command runs
_PLACEHOLDER = re.compile(r"\{(title|section|link)\}")
_OSC_KINDS = ("osc9", "osc777")


class Notable(Protocol):
    """What a notification needs of a story: ``rules.Matched`` is one, and so
    is ``model.Article``."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def url(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Notice:
    """One story to tell of, and why ("keyword Starfall", "rule Capsules")."""

    title: str
    section: str
    url: str
    because: str
    id: str = ""

    @classmethod
    def of(cls, story: Notable, because: str) -> Notice:
        return cls(story.title, story.section, story.url, because, story.id)


def _field(text: str) -> str:
    """A story's text made safe to send: one clean line, not too long."""
    line = clean_line(text)
    return line if len(line) <= MAX_FIELD else line[: MAX_FIELD - 1] + "…"


def keyword_notices(
    stories: Iterable[tuple[Notable, str]], highlighter: Highlighter
) -> list[Notice]:
    """The stories (each with all its text) in which a followed keyword
    occurs, each told once, because of the first keyword found in it."""
    notices: list[Notice] = []
    keywords = highlighter.keywords
    for story, text in stories:
        spans = highlighter.spans(text)
        if spans:
            notices.append(Notice.of(story, f"keyword {keywords[spans[0].kind].word}"))
    return notices


# The terminal ----------------------------------------------------------------------


def osc(notice: Notice, kind: str) -> str:
    """The escape sequence that asks the terminal for a desktop notification.

    Every field is cleaned first, so nothing in a story can end the sequence
    early or start another; OSC 777's fields are separated by ``;``, so one
    in a field becomes ``,``. OSC 9's text always starts with "news:", so a
    title such as "4;3" is never read as ConEmu's progress command (OSC 9;4).
    """
    if kind not in _OSC_KINDS:
        raise ValueError(f"no terminal notification called {kind!r}")
    title, section = _field(notice.title), _field(notice.section)
    if kind == "osc9":
        return f"\x1b]9;news: {title} ({section})\x07"
    return f"\x1b]777;notify;{_osc_part('news: ' + section)};{_osc_part(title)}\x07"


def _osc_part(text: str) -> str:
    return text.replace(";", ",")


# A command ------------------------------------------------------------------------


def _argument(text: str) -> str:
    field = _field(text)
    return " " + field if field.startswith("-") else field


def command_line(command: Sequence[str], notice: Notice) -> list[str]:
    """The command's argv for one story: the story's title, section and link
    put where the command names them, else appended; each one argument,
    whatever it contains."""
    values = {
        "title": _argument(notice.title),
        "section": _argument(notice.section),
        "link": _argument(notice.url),
    }
    if any(_PLACEHOLDER.search(part) for part in command[1:]):
        # One pass over the person's own text: a title that says "{link}" stays so.
        return [command[0], *(_PLACEHOLDER.sub(lambda m: values[m[1]], p) for p in command[1:])]
    return [*command, values["title"], values["section"], values["link"]]


def run_command(
    command: Sequence[str],
    notice: Notice,
    *,
    timeout: float = COMMAND_TIMEOUT,
    cancel: threading.Event | None = None,
) -> str | None:
    """Run the notify command for one story and wait for it, at most
    ``timeout`` seconds; None when it went well, else why not, in a line.

    Called from a worker thread: it blocks, until the command ends, the
    timeout, or ``cancel`` (the reader quitting). A command still running
    then is killed with its whole process group (it runs in a session of its
    own), so a helper it started cannot keep it alive. Its error output goes
    to a file, not a pipe, which such a helper could hold open."""
    program = clean_line(command[0])
    argv = command_line(command, notice)
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
                close_fds=True,
            )
        except FileNotFoundError:
            return f"{program}: no such program"
        except PermissionError:
            return f"{program}: not allowed to run it"
        except OSError as exc:
            return f"{program}: cannot run it ({clean_line(exc.strerror or str(exc))})"
        status = _wait(process, timeout, cancel)
        if status is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            if cancel is not None and cancel.is_set():
                return f"{program} was stopped: the reader quit"
            return f"{program} took more than {timeout:g} s and was stopped"
        if status == 0:
            return None
        errors.seek(0)
        said = clean(errors.read(4096).decode("utf-8", "replace")).strip()
        first = clean_line(said.splitlines()[0]) if said else ""
        why = f"exit status {status}" if status > 0 else f"killed by signal {-status}"
        return f"{program} failed ({why})" + (f": {first[:MAX_FIELD]}" if first else "")


def _wait(
    process: subprocess.Popen[bytes], timeout: float, cancel: threading.Event | None
) -> int | None:
    """The exit status, or None at the timeout or when ``cancel`` is set."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            return process.wait(timeout=min(left, _POLL))
        except subprocess.TimeoutExpired:
            if cancel is not None and cancel.is_set():
                return None
    return process.poll()
