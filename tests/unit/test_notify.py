"""Notifications: a real command receiving hostile titles as plain arguments,
commands that fail or hang, and terminal escape sequences with nothing of a
story's left in them that a terminal would act on."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from recording import recording_program

from reader.highlight import Highlighter, Keyword
from reader.sanitize import UNSAFE
from reader.triage.notify import MAX_FIELD, Notice, command_line, keyword_notices, osc, run_command

HOSTILE_TITLES = [
    "$(touch {marker})",
    "`touch {marker}`; touch {marker}",
    "a && touch {marker} | cat",
    "[bold red]markup[/] [@click=app.quit]x[/]",
    "\x1b]0;owned\x07title \x1b[2J cleared \u202eevil",
    "--icon=/etc/passwd",
    "-rf",
    "{{link}}",
    'it\'s "quoted" \\ back',
]


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[list[str], Path]:
    """A real program that writes the arguments it was given to a file."""
    script, out = recording_program(tmp_path)
    return [script, "--app-name=news"], out


def recorded(out: Path) -> list[list[str]]:
    return [json.loads(line) for line in out.read_text().splitlines()]


@pytest.mark.parametrize("template", HOSTILE_TITLES)
def test_a_command_gets_hostile_titles_as_plain_arguments(
    template: str, tmp_path: Path, recorder: tuple[list[str], Path]
) -> None:
    command, out = recorder
    marker = tmp_path / "pwned"
    title = template.format(marker=marker)
    notice = Notice(title, "News; rm -rf ~", "https://example.org/a?b=1&c=$(id)", "keyword x")
    assert run_command(command, notice) is None
    [argv] = recorded(out)
    assert len(argv) == 4  # --app-name=news, then title, section and link: one argument each
    assert argv[0] == "--app-name=news"
    assert argv[2:] == ["News; rm -rf ~", "https://example.org/a?b=1&c=$(id)"]
    shown = argv[1]
    assert not UNSAFE.search(shown) and "\u202e" not in shown
    if title.startswith("-"):
        assert shown == " " + title  # never taken for an option
    elif "\x1b" not in title:
        assert shown == title  # exactly what the feed said, no shell ever read it
    assert not marker.exists()


def test_placeholders_put_the_story_where_the_command_wants_it(
    recorder: tuple[list[str], Path],
) -> None:
    command, out = recorder
    notice = Notice("{section} $(id)", "Space", "https://example.org/x", "rule Capsules")
    assert run_command([*command, "{title}", "{section}: {link}"], notice) is None
    assert recorded(out) == [["--app-name=news", "{section} $(id)", "Space: https://example.org/x"]]


def test_long_fields_are_cut() -> None:
    [_, title, _, _] = command_line(["cmd"], Notice("x" * 5000, "s", "", "k"))
    assert len(title) == MAX_FIELD and title.endswith("…")


def test_a_failing_command_says_why(tmp_path: Path) -> None:
    script = tmp_path / "fail.sh"
    script.write_text(
        "#!/bin/sh\necho 'Invalid number of options.\x1b[31m' >&2\necho more >&2\nexit 3\n"
    )
    script.chmod(0o755)
    reason = run_command([str(script)], Notice("t", "s", "l", "k"))
    assert reason == f"{script} failed (exit status 3): Invalid number of options."
    missing = run_command([str(tmp_path / "nothing-here")], Notice("t", "s", "l", "k"))
    assert missing == f"{tmp_path / 'nothing-here'}: no such program"


def test_a_command_that_hangs_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = tmp_path / "hang.sh"
    # A helper in the background that holds the error output open, then the command hangs.
    script.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pids}\nsleep 60\n")
    script.chmod(0o755)
    started = time.monotonic()
    reason = run_command([str(script)], Notice("t", "s", "l", "k"), timeout=0.5)
    took = time.monotonic() - started
    assert reason == f"{script} took more than 0.5 s and was stopped"
    assert took < 5
    helper = int(pids.read_text())
    for _ in range(50):  # the kill is delivered at once; reaping by init may lag
        if not _alive(helper):
            break
        time.sleep(0.05)
    assert not _alive(helper)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# The terminal -----------------------------------------------------------------------


@given(st.text(), st.text())
def test_osc_sequences_carry_nothing_a_terminal_acts_on(title: str, section: str) -> None:
    notice = Notice(title, section, "https://example.org", "keyword x")
    nine = osc(notice, "osc9")
    assert nine.startswith("\x1b]9;news: ") and nine.endswith("\x07")
    assert not UNSAFE.search(nine[1:-1])
    seven = osc(notice, "osc777")
    assert seven.startswith("\x1b]777;notify;news: ") and seven.endswith("\x07")
    assert not UNSAFE.search(seven[1:-1])
    assert seven.count(";") == 3  # notify;title;body, whatever the story said


def test_osc_of_a_hostile_title() -> None:
    notice = Notice("\x1b]0;owned\x07Rocket\x1b\\ lands\x9c; \u202eok", "Space", "", "k")
    assert osc(notice, "osc9") == "\x1b]9;news: Rocket lands; ok (Space)\x07"
    assert osc(notice, "osc777") == "\x1b]777;notify;news: Space;Rocket lands, ok\x07"
    with pytest.raises(ValueError, match="no terminal notification"):
        osc(notice, "bell")


# Which stories ------------------------------------------------------------------------


@dataclass
class Story:
    id: str
    title: str
    section: str
    url: str
    text: str


def test_keyword_notices_name_the_keyword() -> None:
    stories = [
        Story("a1", "Starfall lands", "Space", "https://e.org/1", "Quiet text."),
        Story("a2", "A new sedan", "Cars", "", "Nothing here about stars."),
        Story("a3", "Other news", "Space", "", "The STARSHIP flies, then starfall."),
    ]
    highlighter = Highlighter([Keyword("starfall"), Keyword("Starship")])
    notices = keyword_notices(((s, f"{s.title}\n{s.text}") for s in stories), highlighter)
    assert [(n.id, n.title, n.because) for n in notices] == [
        ("a1", "Starfall lands", "keyword starfall"),
        ("a3", "Other news", "keyword Starship"),
    ]


def test_a_command_is_stopped_when_the_reader_quits(tmp_path: Path) -> None:
    script = tmp_path / "slow.sh"
    script.write_text("#!/bin/sh\nsleep 60\n")
    script.chmod(0o755)
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    reason = run_command([str(script)], Notice("t", "s", "l", "k"), timeout=30, cancel=cancel)
    assert reason == f"{script} was stopped: the reader quit"
    assert time.monotonic() - started < 3
