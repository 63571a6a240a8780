"""Every test runs with its own config and data directories, so none reads or
writes the developer's own files; and with Textual's animations and cursor blink
off, so tests don't wait for a scroll to glide and snapshots don't catch a blink.

Pilot looks for an idle app in shorter slices (`_quick_idle`), and the tests
marked `long` start first, so that the suite's time is spent on work, not on
waiting (README, "the tests")."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import textual._wait
import textual.constants
from hypothesis import settings
from textual._styles_cache import StylesCache
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.widgets import Input

ROOT = Path(__file__).resolve().parent.parent

# Bytecode is cached even where the environment says not to (PYTHONDONTWRITEBYTECODE):
# each xdist worker and each of the hundred-odd `news` processes the tests start
# would otherwise compile the reader and the test modules again, about a fifth of
# the suite's CPU. Set here, before the workers start, so they inherit it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False
SEED = ROOT / "seeds" / "teslarati.txt"

# Hypothesis's deadline (200 ms an example) is a timed test: on a loaded machine
# an example that starts threads or writes files misses it now and then, and
# the suite fails for the load, not the code. Speed is measured in bench/.
# The suite draws Hypothesis' default of 100 examples a property (a test that
# needs another count asks for it with tests/properties.py's `examples`);
# `HYPOTHESIS_PROFILE=thorough python -m pytest ...` draws ten times as many,
# to look deeper after changing a parser or a cleaner.
settings.register_profile("suite", deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

# Scratch files in memory. The tests write libraries, stores, dumps and feeds into
# temporary folders, and every save is made durable as `news` makes it (atomic.py
# and SQLite call fsync): on a disk each fsync waits for the disk, shared with
# everything else on the machine, and the tests of saving waited seconds for it.
# On tmpfs fsync returns at once; the bytes written and read back are the same,
# and no test cuts the power, the one thing fsync is for. Set before pytest makes
# its temporary folders, and in the environment for the xdist workers and every
# process a test starts. A TMPDIR already set is kept, and so is the disk where
# /dev/shm is small (a container's is often 64 MB; a run writes about 50).
MEMORY = Path("/dev/shm")
if (
    "TMPDIR" not in os.environ
    and MEMORY.is_dir()
    and os.access(MEMORY, os.W_OK | os.X_OK)
    and shutil.disk_usage(MEMORY).free > 1 << 30
):
    os.environ["TMPDIR"] = tempfile.tempdir = str(MEMORY)


# Python's cycle collector in a worker: a test makes many objects that live a
# while (an app, a parsed feed, Hypothesis's examples), and at Python's own
# threshold (a young collection every 700) they are walked again and again on
# their way to the oldest generation, where every full collection walks them
# until one finds them garbage. 10,000 young objects, as the reader sets for
# itself once its first screen is up (reader/tui/app.py), let most die young;
# what collection imported (modules, test functions, strategies) is frozen out of
# the full collections until an app's end unfreezes it (the reader's own freeze,
# undone as it closes).
# The `news` processes tests start (tests/news_process.py included) keep Python's own.
YOUNG_OBJECTS = 10_000
gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """At the end, pytest collects garbage five times over to find exceptions
    raised in finalizers (its unraisable-exception check), and Python once more
    as it exits. What they would find is mostly the closed apps since the
    worker's last full collection (half a million objects for 25 Pilot tests:
    their line caches), and freeing them cost 2-3 s of CPU a worker, a tenth of
    the suite's, for a process about to end. Frozen, they are left to the exit
    and the later collections walk nothing. What is given up: an exception in a
    finalizer of an object that was still uncollected at the end goes unreported,
    as for any object alive at exit; during the run, each collection's are
    reported with the test that ran it."""
    gc.freeze()


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEWS_DATA_DIR", str(tmp_path / "data"))
    # Recorded so that a command's --library or --data-dir (which set these for
    # the process) is undone after each test.
    monkeypatch.delenv("NEWS_LIBRARY", raising=False)


@pytest.fixture(autouse=True)
def _no_early_timer_look(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The refresh timer's first look at the feeds runs a second after start,
    as a refresh: a test that presses `r` on a loaded machine could meet it and
    be told "Already refreshing". Only the timer's own tests keep it."""
    if request.node.path.name != "test_timer.py":
        from reader.tui import feeds_controller

        monkeypatch.setattr(feeds_controller, "FIRST_CHECK", 3600.0)


@pytest.fixture(autouse=True)
def _truecolour(monkeypatch: pytest.MonkeyPatch) -> None:
    # The theme's colours depend on the terminal's (at 256 colours they are held
    # to contrast as the palette shows them): every app a test starts sees the
    # same terminal, whatever TERM the machine running the tests has.
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.fixture(autouse=True)
def _still_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    # Textual reads TEXTUAL_ANIMATIONS when it is first imported (the snapshot plugin
    # imports it before this file): set the value each App starts from, and the
    # variable for apps run in a child process.
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")
    made = Input.__init__

    def still_input(self: Input, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", still_input)


@pytest.fixture(autouse=True)
def _savers_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """After the test, each app's saver is closed, as `news` closes it once the
    app has (reader/tui/run.py): the writes asked for are waited for and its
    thread ends. A thread left waiting for work keeps its app alive (through
    the error stream it was started with), and every later garbage collection
    of the worker walked every app of every test before."""
    from reader.tui.saver import Saver

    made: list[Saver] = []
    init = Saver.__init__

    def tracked(self: Saver, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(Saver, "__init__", tracked)
    yield
    for saver in made:
        saver.close()


@pytest.fixture(autouse=True)
def _no_styles_kept() -> Iterator[None]:
    """After the test, Textual's memo of each widget's inner and outer colours is
    emptied. It is an `lru_cache` on a method, so it keeps the last 1,024
    widgets' line caches alive, those of apps long closed: in a worker that has
    run a few dozen apps, half a million objects that every full garbage
    collection walked (Pilot tests used about a fifth more CPU). An app computes
    the colours again as it paints."""
    yield
    StylesCache.get_inner_outer.cache_clear()


# Pilot waits after every key until the app is idle: it sleeps a slice at a time
# until a slice passes with (almost) no CPU used by the process, its threads
# included. Textual's slice is 20 ms, so each key cost at least 40 ms of sleep
# (two waits) even when the app had long finished; the suite presses a few
# thousand keys, and a Pilot test slept more than it computed. A slice of 1 ms
# (the event loop's resolution) with a quarter of it as "busy" still calls a
# busy app busy: what the app's event loop does runs inside the slice, and a
# worker thread at work uses the whole slice. What a test asserts it still
# waits for itself (workers, a predicate: tests/tui/waiting.py).
IDLE_SLICE = 0.001
BUSY = 0.00025


@pytest.fixture(autouse=True)
def _quick_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", IDLE_SLICE)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", BUSY)


# Each app a test starts parses the same CSS again (its own, every widget's
# default CSS, and again for each theme): about a tenth of a Pilot test's CPU.
# Textual caches a parse per stylesheet, keyed by the text and where it came
# from; this keeps the parses for the whole session, keyed by the variables
# (the theme's colours) too, so a parse is the same one Textual would make.
_CSS_PARSES: dict[tuple[object, ...], list[RuleSet]] = {}
_parse_rules = Stylesheet._parse_rules
# Each set of variables as a small number, worked out once for each dict of them a
# stylesheet is given (`set_variables` gives a new one): the parses are looked up
# a hundred times an app, and sorting and hashing a hundred variables each time
# cost more than the lookups saved.
_VARIABLE_SETS: dict[tuple[tuple[str, str], ...], int] = {}
_VARIABLES_OF: dict[int, tuple[dict[str, str], int]] = {}


def _variable_set(self: Stylesheet) -> int:
    variables = self._variables
    known = _VARIABLES_OF.get(id(self))
    if known is None or known[0] is not variables:
        number = _VARIABLE_SETS.setdefault(tuple(sorted(variables.items())), len(_VARIABLE_SETS))
        known = _VARIABLES_OF[id(self)] = (variables, number)
    return known[1]


def _parse_rules_once(self: Stylesheet, css: str, *args: Any, **kwargs: Any) -> list[RuleSet]:
    key = (css, args, tuple(sorted(kwargs.items())), _variable_set(self))
    if (rules := _CSS_PARSES.get(key)) is None:
        rules = _CSS_PARSES[key] = _parse_rules(self, css, *args, **kwargs)
    return rules


Stylesheet._parse_rules = _parse_rules_once  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "long: takes many seconds of its own (a check of the whole code, many "
        "processes); started first, so no worker is left finishing it alone at the end",
    )


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` starts two workers a core. A test spends about as long waiting
    (for its app to be idle, a child process, a server, a timer) as computing:
    with one worker a core, a core is idle while its worker waits. Set
    PYTEST_XDIST_AUTO_NUM_WORKERS to choose another number."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    return 2 * len(os.sched_getaffinity(0))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The `long` tests first, then those on the real FreshRSS, each in their
    order; the rest keep theirs. Every xdist worker collects the same list, so
    each sorts it the same way. The FreshRSS tests go to one worker together
    (an xdist group, marked before xdist reads the groups), so one server is
    started, not one a worker."""
    for item in items:
        if "freshrss" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("freshrss"))
    items.sort(
        key=lambda item: (
            item.get_closest_marker("long") is None,
            item.get_closest_marker("xdist_group") is None,
        )
    )


@pytest.fixture
def seed() -> Path:
    return SEED


@pytest.fixture
def write_dump(tmp_path: Path) -> Callable[..., Path]:
    """Write a dump file from text (or bytes) and return its path."""

    def write(content: str | bytes, name: str = "dump.txt") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    return write
