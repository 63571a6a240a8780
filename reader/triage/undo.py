"""Undo: the last things a person did, each kept as a step that says how to take
it back, in `undo.json` in the data directory so `z` still works after a restart.

A step names what was done (`kind`), to which stories (`ids`, only those it
changed: undoing "143 marked read" marks those 143 unread, not the ones that
were read before), a label for the toast ("143 marked read") and what else the
way back needs (`data`, strings: the bookmark that was removed, the note that
was replaced). The reading actions (reader/reading.py) push and undo their own
kinds (`READ`, `UNREAD`, `BOOKMARK`, `UNBOOKMARK`, `NOTE`); another part of the
reader pushes a kind of its own with `UndoStack.push` (or `Reading.remember`)
and says how to undo it with `Reading.undoers[kind] = ...` (a function of the
step that shows what it undid and returns whether anything changed: a step
that changes nothing any more is passed over, as the reading actions' are).

The file is an `atomic.Document`, written as bookmarks and the reading state
are: another copy of the reader pushing meanwhile loses nothing, a crash
mid-write leaves the old file whole, and a file that cannot be used is set
aside. Operations only add a step by its id or drop one by its id, so replaying
them on what another process wrote is harmless. Only the last `MAX_STEPS` steps
are kept, and no more than `MAX_IDS` story ids across them (the newest step is
always kept whole), so the file stays small enough to read at a keypress.

`{"version": 1, "steps": [{"id", "at", "kind", "label", "ids": [...], "data": {...}}]}`,
oldest first. Every string is cleaned as it is read, as any text from outside is.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.atomic import Document
from reader.config import data_dir
from reader.sanitize import clean, clean_line

FILENAME = "undo.json"
MAX_STEPS = 50
MAX_IDS = 200_000

# The reading actions' kinds (reader/reading.py undoes these itself).
READ = "read"  # stories marked read: undone by marking them unread
UNREAD = "unread"
BOOKMARK = "bookmark"  # a bookmark added: undone by removing it
UNBOOKMARK = "unbookmark"  # a bookmark removed: `data` holds it, to put back
NOTE = "note"  # a note changed: `data["note"]` is the one before


def _now() -> str:
    """To the microsecond, so steps taken in one second keep their order."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Step:
    """One thing done, and what undoing it needs."""

    kind: str
    label: str  # what the toast says was done: "143 marked read"
    ids: tuple[str, ...] = ()
    data: Mapping[str, str] = field(default_factory=dict)
    id: str = field(default_factory=_new_id)
    at: str = field(default_factory=_now)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "kind": self.kind,
            "label": self.label,
            "ids": list(self.ids),
            "data": dict(self.data),
        }

    @classmethod
    def from_json(cls, item: object) -> Step:
        if not isinstance(item, dict):
            raise ValueError("a step is not a JSON object")
        text: dict[str, str] = {}
        for name in ("id", "at", "kind", "label"):
            value = item.get(name)
            if not isinstance(value, str):
                raise ValueError(f"a step's {name!r} is not a string")
            text[name] = clean_line(value)
        ids = item.get("ids", [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError("a step's 'ids' is not a list of ids")
        data = item.get("data", {})
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ValueError("a step's 'data' does not map names to strings")
        if not text["id"]:
            raise ValueError("a step has no id")
        return cls(
            kind=text["kind"],
            label=text["label"],
            ids=tuple(clean_line(i) for i in ids),
            data={clean_line(str(k)): clean(v) for k, v in data.items()},
            id=text["id"],
            at=text["at"],
        )


def trimmed(steps: Iterable[Step]) -> list[Step]:
    """Oldest first, one of each id, the last `MAX_STEPS`, and older steps
    dropped while the ids they hold pass `MAX_IDS` (the newest always kept)."""
    unique = {step.id: step for step in steps}
    ordered = sorted(unique.values(), key=lambda s: (s.at, s.id))[-MAX_STEPS:]
    kept: list[Step] = []
    total = 0
    for step in reversed(ordered):
        total += len(step.ids)
        if kept and total > MAX_IDS:
            break
        kept.append(step)
    kept.reverse()
    return kept


Value = list[Step]


class UndoStack(Document[Value]):
    """The steps to undo, oldest first. Call `load()` first; `push` and `drop`
    save at once and raise StoreError when they cannot (the change is kept and
    saved by the next one or `flush()`)."""

    label = "undo history"

    @classmethod
    def default_path(cls) -> Path:
        return data_dir() / FILENAME

    def _empty(self) -> Value:
        return []

    def _parse(self, data: dict[str, Any]) -> Value:
        steps = data.get("steps", [])
        if not isinstance(steps, list):
            raise ValueError('"steps" is not a list')
        return trimmed(Step.from_json(item) for item in steps)

    def _dump(self, value: Value) -> dict[str, Any]:
        return {"steps": [step.to_json() for step in value]}

    def steps(self) -> list[Step]:
        """Oldest first."""
        return list(self._value)

    def top(self) -> Step | None:
        """The step `z` undoes next."""
        return self._value[-1] if self._value else None

    def push(self, step: Step) -> None:
        def op(value: Value) -> None:
            if all(s.id != step.id for s in value):
                value[:] = trimmed([*value, step])

        self._change(op)

    def drop(self, step_id: str) -> None:
        """Forget a step (it was undone)."""

        def op(value: Value) -> None:
            value[:] = [s for s in value if s.id != step_id]

        self._change(op)
