"""Stories a `hide` rule took out of the lists: `hidden.json` in the data directory.

    {"version": 1, "hidden": {"<story id>": "<the rule's name>", ...}}

Hiding is something the person decided, like reading a story, so it is kept
beside `state.json` in the data directory rather than in the library: it
survives a library rebuilt by `news doctor`, and the library stays the stories
as their sources gave them. Each id keeps the name of the rule that hid it, so
a person can see why a story went, and undoing a rule's hide (or removing the
rule) brings back only that rule's stories. The same care as bookmarks and
reading state (`atomic.Document`): several readers may save at once, and a
file that cannot be used is set aside rather than overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reader.atomic import Document
from reader.config import data_dir
from reader.sanitize import clean_line

FILENAME = "hidden.json"


class Hidden(Document[dict[str, str]]):
    """Call `load()` first. `hide` and `reveal` save at once (StoreError when
    they cannot; the change is kept and saved with the next one)."""

    label = "hidden stories"

    @classmethod
    def default_path(cls) -> Path:
        return data_dir() / FILENAME

    def _empty(self) -> dict[str, str]:
        return {}

    def _parse(self, data: dict[str, Any]) -> dict[str, str]:
        hidden = data.get("hidden", {})
        if not isinstance(hidden, dict) or not all(isinstance(r, str) for r in hidden.values()):
            raise ValueError('"hidden" does not map story ids to rule names')
        return {clean_line(str(i)): clean_line(r) for i, r in hidden.items()}

    def _dump(self, value: dict[str, str]) -> dict[str, Any]:
        return {"hidden": dict(sorted(value.items()))}

    def ids(self) -> frozenset[str]:
        return frozenset(self._value)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._value

    def __len__(self) -> int:
        return len(self._value)

    def rule_of(self, article_id: str) -> str | None:
        """The rule that hid a story, None if it is not hidden."""
        return self._value.get(article_id)

    def hide(self, article_ids: Iterable[str], rule: str, *, save: bool = True) -> list[str]:
        """Hide these stories for `rule`; the ids that were not hidden before
        (a story hidden already keeps the rule that hid it first). With `save`
        false the file is written by the next save or `flush()`."""
        new = [i for i in dict.fromkeys(article_ids) if i not in self._value]
        if not new:
            return []

        def op(value: dict[str, str]) -> None:
            for article_id in new:
                value.setdefault(article_id, rule)

        self._change(op, save=save)
        return new

    def reveal(self, article_ids: Iterable[str]) -> list[str]:
        """Show these stories again; the ids that were hidden."""
        gone = [i for i in dict.fromkeys(article_ids) if i in self._value]
        if not gone:
            return []

        def op(value: dict[str, str]) -> None:
            for article_id in gone:
                value.pop(article_id, None)

        self._change(op)
        return gone

    def rekey(self, moves: Mapping[str, str]) -> int:
        """Keep each story hidden under an old id in `moves` hidden under its
        new id, by the same rule (`reader.identity`); how many moved. Saved at
        once (raises StoreError); replayed on another process's copy it does
        the same."""
        found = {old: new for old, new in moves.items() if old in self._value}
        if not found:
            return 0

        def op(value: dict[str, str]) -> None:
            for old, new in found.items():
                if (rule := value.pop(old, None)) is not None:
                    value.setdefault(new, rule)

        self._change(op)
        return len(found)

    def by_rule(self, rule: str) -> list[str]:
        """The stories one rule hid."""
        return [i for i, r in self._value.items() if r == rule]
