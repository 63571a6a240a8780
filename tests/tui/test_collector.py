"""What runs on the app's thread besides the keys stays out of their way
(issue 15): Python's cycle collector (Enter at 100,000 stories ran it about 15
times a press, and walked the whole heap every seventh or so, 8-24 ms in the
middle of a key), counted with `gc.callbacks` over Enters in the sidebar as a
person makes them; and timers, counted while the reader is left idle."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from time import monotonic

import pytest

from reader.model import Article, Block, BlockKind, make_article
from reader.tui.app import NewsApp
from reader.tui.outside_watch import CONFIG_EVERY, LIBRARY_EVERY

from .waiting import painted

ENTERS = 15


def stories() -> list[Article]:
    body = [Block(BlockKind.PARAGRAPH, f"Paragraph {n} of words to wrap. " * 12) for n in range(6)]
    return [
        make_article("Wire", f"Story {n}", body, "wire.xml", published=f"2026-03-{n % 28 + 1:02d}")
        for n in range(ENTERS + 5)
    ]


@pytest.fixture
def collections() -> Iterator[Counter[int]]:
    """Collections run, by generation, while the test counts; with Python's own
    thresholds, which `news` starts with (the suite's workers set their own:
    tests/conftest.py)."""
    counted: Counter[int] = Counter()

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            counted[info["generation"]] += 1

    workers = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    gc.callbacks.append(count)
    yield counted
    gc.callbacks.remove(count)
    gc.set_threshold(*workers)


async def test_enter_after_enter_runs_no_full_collection(collections: Counter[int]) -> None:
    app = NewsApp(stories())
    async with app.run_test(size=(120, 40)) as pilot:
        await painted(pilot)
        collections.clear()
        opened = set()
        for _ in range(ENTERS):
            await pilot.press("h", "j", "enter")
            opened.add(app.screen.story.article.id)  # type: ignore[attr-defined]
        counted = dict(collections)
    assert len(opened) == ENTERS  # each Enter opened the next story
    # Python's own thresholds ran the first generation about 15 times an
    # Enter and a full collection every seventh or so.
    assert counted.get(2, 0) == 0, counted
    assert counted.get(0, 0) <= ENTERS, counted
    assert gc.get_threshold()[0] == 700  # Python's own again once the reader has closed


async def test_the_reader_at_rest_wakes_for_no_animation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Left open and idle, the reader's thread is woken only by its own slow
    timers (the config file looked at every 2 s): the hidden activity line's
    progress bar animated itself 15 times a second, in the middle of keys too."""
    from textual.timer import Timer

    ticks: list[tuple[str, float]] = []  # each timer's name and the time it was due at
    tick = Timer._tick

    async def counted(self: Timer, *, next_timer: float, count: int) -> None:
        ticks.append((self.name, next_timer))
        await tick(self, next_timer=next_timer, count=count)

    monkeypatch.setattr(Timer, "_tick", counted)
    app = NewsApp(stories())
    async with app.run_test(size=(120, 40)) as pilot:
        await painted(pilot)
        await pilot.pause(0.3)
        started = monotonic()  # Textual's timers keep this clock (`textual._time`)
        await pilot.pause(1.0)
        ended = monotonic()
        seen = Counter(name for name, due in ticks if started <= due <= ended)
    # Only the slow timers, each as often as the time that went by allows: a
    # loaded machine stretches the second, and they tick on in it (counted by
    # when each tick was due, so one late from before the second is not in it).
    slow = {"files-watch": CONFIG_EVERY, "library-watch": LIBRARY_EVERY}
    assert set(seen) <= set(slow), seen
    elapsed = ended - started
    assert all(seen[name] <= elapsed // every + 1 for name, every in slow.items()), (seen, elapsed)
