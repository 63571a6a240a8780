"""Waiting in Pilot tests for what the test needs, never for a fixed time.

A fixed `pilot.pause(0.3)` is too long on a quiet machine and too short on a
loaded one; these return as soon as their condition holds and fail, saying
what was awaited, when it does not hold in time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import monotonic

from textual.pilot import Pilot

# Long enough for a loaded machine; a condition that holds returns at once.
PATIENCE = 15.0
# How often a condition is looked at again.
LOOK_EVERY = 0.01


async def until(
    pilot: Pilot[None], check: Callable[[], object], what: str = "", patience: float = PATIENCE
) -> None:
    """Until check() is true, looked at every few milliseconds."""
    deadline = monotonic() + patience
    while not check():
        if monotonic() > deadline:
            raise AssertionError(f"not within {patience} s: {what or check}")
        await pilot.pause(LOOK_EVERY)


async def painted(pilot: Pilot[None], patience: float = PATIENCE) -> None:
    """Until the screen has been painted and has done what it does right after
    its first paint (the reader screen mounts its search bar, reads the
    history, starts the rules and the refresh timer then): a callback asked for
    now runs after those, which were asked for when the screen was mounted."""
    done = asyncio.Event()
    pilot.app.screen.call_after_refresh(done.set)
    await asyncio.wait_for(done.wait(), patience)
    await pilot.pause()


async def settled(pilot: Pilot[None]) -> None:
    """Until the screen has painted, has done what it starts after its first
    paint (the rules' counts, the history) and its workers are done."""
    await painted(pilot)
    await pilot.app.screen.workers.wait_for_complete()
    await pilot.pause()
