"""Reading state: which stories are read, where the reader stopped in each, the
story open last and the chosen theme.

Kept in `state.json` in the data directory,
`{"version": 1, "read": [ids], "positions": {id: scroll_y}, "last": id or null,
"theme": name or null, "other_theme": name or null}` (`other_theme` is the theme
`t` switches to; a file without it loads), and `"places": {id: [part, offset]}`,
where the reader stopped in a story as a block and an offset into it, which
survives the terminal changing width (a file without it loads, and a story
with only a line in `positions` reopens at that line), `"recent": [ids]`, the
stories open last, newest first (the reader reopens the first one its sources
hold: `news PATH` on some files, then `news`, reopens the library's story),
and `"unread_only": true` while
the sidebar lists only unread stories (absent otherwise), with the same care as bookmarks (see
`atomic.Document`): another copy of the reader saving meanwhile loses nothing, and a file that
cannot be used is set aside rather than overwritten. Every string in it is
cleaned as it is read (`sanitize.clean_line`), as any text from outside is.

Read, unread, last story, theme and the unread-only view are saved at once
(a story opened is one save: its read mark, the story to reopen, and the place
in the one left). Scroll positions change
with every scroll, so `set_position` only records them: the UI calls `flush()`
when the user leaves a story and when the app exits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.atomic import Document
from reader.config import data_dir
from reader.sanitize import clean_line

FILENAME = "state.json"


@dataclass
class Value:
    """The reading state as its file holds it."""

    read: set[str] = field(default_factory=set)
    positions: dict[str, int] = field(default_factory=dict)
    last: str | None = None
    theme: str | None = None
    other_theme: str | None = None
    places: dict[str, tuple[int, int]] = field(default_factory=dict)
    unread_only: bool = False
    recent: list[str] = field(default_factory=list)  # `last` first, then those before it


# How many stories `recent` keeps: enough for the library and a few files read between.
RECENT = 20


class ReadingState(Document[Value]):
    """Call `load()` first. Methods that save raise StoreError when they cannot;
    the change is kept and saved by the next change or `flush()`."""

    label = "reading state"

    @classmethod
    def default_path(cls) -> Path:
        return data_dir() / FILENAME

    def _empty(self) -> Value:
        return Value()

    def _parse(self, data: dict[str, Any]) -> Value:
        read = data.get("read", [])
        if not isinstance(read, list) or not all(isinstance(i, str) for i in read):
            raise ValueError('"read" is not a list of ids')
        positions = data.get("positions", {})
        if not isinstance(positions, dict) or not all(
            isinstance(y, int) and not isinstance(y, bool) for y in positions.values()
        ):
            raise ValueError('"positions" does not map ids to whole numbers')
        last, theme = data.get("last"), data.get("theme")
        if last is not None and not isinstance(last, str):
            raise ValueError('"last" is not an id')
        other = data.get("other_theme")
        for key, value in (("theme", theme), ("other_theme", other)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f'"{key}" is not a name')
        places = data.get("places", {})
        if not isinstance(places, dict) or not all(
            isinstance(p, list)
            and len(p) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in p)
            for p in places.values()
        ):
            raise ValueError('"places" does not map ids to [part, offset]')
        unread_only = data.get("unread_only", False)
        if not isinstance(unread_only, bool):
            raise ValueError('"unread_only" is not true or false')
        recent = data.get("recent", [])
        if not isinstance(recent, list) or not all(isinstance(i, str) for i in recent):
            raise ValueError('"recent" is not a list of ids')
        last, theme, other = (None if v is None else clean_line(v) for v in (last, theme, other))
        return Value(
            {clean_line(i) for i in read},
            {clean_line(str(i)): y for i, y in positions.items()},
            last,
            theme,
            other,
            places={clean_line(str(i)): (p[0], p[1]) for i, p in places.items()},
            unread_only=unread_only,
            recent=_recent(last, [clean_line(i) for i in recent]),
        )

    def _dump(self, value: Value) -> dict[str, Any]:
        data: dict[str, Any] = {
            "read": sorted(value.read),
            "positions": dict(sorted(value.positions.items())),
            "last": value.last,
            "theme": value.theme,
        }
        if value.other_theme is not None:  # written only once `t` has a choice to keep
            data["other_theme"] = value.other_theme
        if value.places:
            data["places"] = {i: list(p) for i, p in sorted(value.places.items())}
        if value.unread_only:  # written only once `U` has turned it on
            data["unread_only"] = True
        if len(value.recent) > 1:  # more than `last` says
            data["recent"] = value.recent
        return data

    def read_ids(self) -> frozenset[str]:
        return frozenset(self._value.read)

    def is_read(self, article_id: str) -> bool:
        return article_id in self._value.read

    def mark_read(self, article_id: str, read: bool = True, *, save: bool = True) -> None:
        """`save=False` keeps the change for the next save (`flush`), as a
        story opened does: its read mark and the story to reopen are one write."""
        if self.is_read(article_id) == read:
            return

        def op(value: Value) -> None:
            if read:
                value.read.add(article_id)
            else:
                value.read.discard(article_id)

        self._change(op, key=("read", article_id), save=save)

    def mark_many(self, article_ids: Iterable[str], read: bool = True) -> None:
        """Mark many stories read (or unread) in one write: a bulk mark of
        10,000 stories is one save, not 10,000."""
        ids = frozenset(article_ids)
        if not ids:
            return

        def op(value: Value) -> None:
            if read:
                value.read.update(ids)
            else:
                value.read.difference_update(ids)

        self._change(op)

    def toggle_read(self, article_id: str) -> bool:
        """Returns True if the story is now read."""
        now_read = not self.is_read(article_id)
        self.mark_read(article_id, now_read)
        return now_read

    def position(self, article_id: str) -> int:
        """The scroll offset to reopen the story at; 0, the top, when unknown."""
        return self._value.positions.get(article_id, 0)

    def set_position(self, article_id: str, y: float) -> None:
        """Record where the reader is in a story without saving (see the module
        docstring): only the newest position of each story waits in the log.
        Textual's scroll offsets are floats; whole lines are enough here."""
        y = max(0, int(y))
        if self.position(article_id) == y:
            return

        def op(value: Value) -> None:
            if y:
                value.positions[article_id] = y
            else:  # the top is the default; keep the file small
                value.positions.pop(article_id, None)

        self._change(op, key=("position", article_id), save=False)

    def place(self, article_id: str) -> tuple[int, int] | None:
        """Where the reader stopped in a story: (part, offset), see the module
        docstring; None when only a line (`position`) or nothing is known."""
        return self._value.places.get(article_id)

    def set_place(self, article_id: str, place: tuple[int, int] | None) -> None:
        """Record where the reader is in a story without saving, as
        `set_position` does; None is the top. It replaces a line kept before."""
        if self.place(article_id) == place and article_id not in self._value.positions:
            return

        def op(value: Value) -> None:
            value.positions.pop(article_id, None)
            if place is None:  # the top is the default; keep the file small
                value.places.pop(article_id, None)
            else:
                value.places[article_id] = place

        self._change(op, key=("place", article_id), save=False)

    def story_ids(self) -> set[str]:
        """Every story this file keeps something on: read, a place, the last ones."""
        value = self._value
        return value.read | value.positions.keys() | value.places.keys() | set(value.recent)

    def rekey(self, moves: Mapping[str, str]) -> int:
        """Carry what is kept on each old id in `moves` (read, its place, last
        story) to the story's new id; how many ids moved. What the new id has
        already is kept. Saved at once (raises StoreError); replaying it on
        another process's copy does the same."""
        found = {old: new for old, new in moves.items() if old in self.story_ids()}
        if not found:
            return 0

        def op(value: Value) -> None:
            for old, new in found.items():
                if old in value.read:
                    value.read.discard(old)
                    value.read.add(new)
                if (line := value.positions.pop(old, None)) is not None:
                    value.positions.setdefault(new, line)
                if (place := value.places.pop(old, None)) is not None:
                    value.places.setdefault(new, place)
                if value.last == old:
                    value.last = new
                value.recent = _recent(None, [new if i == old else i for i in value.recent])

        self._change(op)
        return len(found)

    @property
    def last(self) -> str | None:
        """The story open when the reader last closed, to reopen it."""
        return self._value.last

    @property
    def recent(self) -> tuple[str, ...]:
        """The stories open last, newest first: the reader reopens the first
        one its sources hold."""
        return tuple(self._value.recent)

    def set_last(self, article_id: str | None, *, save: bool = True) -> None:
        if article_id == self._value.last:
            return

        def op(value: Value) -> None:
            value.last = article_id
            value.recent = _recent(article_id, value.recent)

        self._change(op, key="last", save=save)

    @property
    def theme(self) -> str | None:
        return self._value.theme

    @property
    def other_theme(self) -> str | None:
        """The theme `t` switches to: the light one while a dark one is shown."""
        return self._value.other_theme

    @property
    def unread_only(self) -> bool:
        """The sidebar lists only unread stories (`U`)."""
        return self._value.unread_only

    def set_unread_only(self, on: bool) -> None:
        if on == self._value.unread_only:
            return

        def op(value: Value) -> None:
            value.unread_only = on

        self._change(op, key="unread_only")

    def set_theme(self, name: str | None, other: str | None = None) -> None:
        if (name, other) == (self._value.theme, self._value.other_theme):
            return

        def op(value: Value) -> None:
            value.theme = name
            value.other_theme = other

        self._change(op, key="theme")


def _recent(last: str | None, before: list[str]) -> list[str]:
    """`last` in front of the stories open before it, each once, at most RECENT."""
    ids = [last, *before] if last else before
    return list(dict.fromkeys(ids))[:RECENT]
