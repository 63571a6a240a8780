"""Rules: saved searches and mute rules, from `[[rules]]` in config.toml.

    [[rules]]
    name = "Capsules"                 # what the rule is called (a section's name)
    query = "starfall OR starship"    # the search language (reader.query)
    action = "section"                # section | hide | mark-read | notify
    source = "Orbital Gazette"        # optional: only this source's stories
    until = 2026-12-31                # optional: the rule ends after this day

A `section` rule is a saved search, shown as a section of its own in the
sidebar. The others act on stories: `hide` takes them out of every list (kept
in `hidden.json`, see `reader.triage.hidden`), `mark-read` marks them read, `notify`
hands them to a notifier. They act on stories as they are stored (`since`: the
rows a refresh or an import added, found by FTS5 over those rows alone, never a
scan of the library) and on the whole library when asked (`news rules apply`).

A rule that does not read (no name, a query the language refuses, an unknown
action, a date that is not one) is left out with its reason, so one typo costs
the person that rule and not the reader: `parse_rules` returns the problems
beside the rules, and the reader and `news rules` say them.

No Textual here: the TUI and the command line both use this module.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple, Protocol, cast, get_args

from reader.library.db import in_chunks
from reader.query import NO_CONTEXT, Context, Query, QueryError, fold, parse, section_key
from reader.sanitize import clean_line, shown_line

__all__ = [
    "ACTIONS",
    "HIDE_STEP",
    "Action",
    "Effects",
    "Matched",
    "Outcome",
    "Rule",
    "apply_rules",
    "matching",
    "parse_rules",
    "rule_entry",
    "saved_search_refusal",
    "watermark",
]

Action = Literal["section", "hide", "mark-read", "notify"]
ACTIONS: tuple[Action, ...] = get_args(Action)
# The kind of undo step (reader/triage/undo.py) a rule's hide is: the reader undoes it
# by showing the stories again (reader/tui/rules_controller.py).
HIDE_STEP = "hide"
# Names the sidebar already gives a section of its own.
RESERVED_NAMES = frozenset({"bookmarks"})


@dataclass(frozen=True, slots=True)
class Rule:
    """One `[[rules]]` entry, read and checked. `parsed` is its query, parsed
    once here so a rule that cannot run never gets as far as the library."""

    name: str
    query: str
    action: Action = "section"
    source: str = ""  # a source's title or address; "" for every source
    until: date | None = None
    parsed: Query = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.parsed is None:
            object.__setattr__(self, "parsed", parse(self.query))

    def active(self, today: date | None = None) -> bool:
        """Whether the rule still acts: through its `until` day, then no more."""
        return self.until is None or (today or date.today()) <= self.until


def parse_rules(entries: object) -> tuple[list[Rule], list[str]]:
    """The `[[rules]]` array as rules, and a line for each entry left out
    ("rule 2 ("Capsules"): action 'mute' is not one of …"). Names are unique
    (by `section_key`): a second rule of a name already taken is left out."""
    if entries is None:
        return [], []
    if not isinstance(entries, list):
        return [], ["rules must be an array of tables ([[rules]])"]
    rules: list[Rule] = []
    problems: list[str] = []
    taken: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        try:
            rule = _rule(entry)
        except ValueError as exc:
            label = f"rule {number}"
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                label += f" ({clean_line(entry['name'])!r})"
            problems.append(f"{label}: {exc}")
            continue
        key = section_key(rule.name)
        if key in taken:
            problems.append(f"rule {number} ({rule.name!r}): another rule has that name")
            continue
        taken.add(key)
        rules.append(rule)
    return rules, problems


def _rule(entry: object) -> Rule:
    """One entry as a Rule, or ValueError saying what is wrong with it."""
    if not isinstance(entry, dict):
        raise ValueError("must be a table with name, query and action")
    name, query = entry.get("name"), entry.get("query")
    if not isinstance(name, str) or not clean_line(name).strip():
        raise ValueError("needs a name (a string)")
    if not isinstance(query, str) or not query.strip():
        raise ValueError("needs a query (a string in the search language)")
    action = entry.get("action", "section")
    if action not in ACTIONS:
        raise ValueError(f"action {action!r} is not one of {', '.join(ACTIONS)}")
    source = entry.get("source", "")
    if not isinstance(source, str):
        raise ValueError("source must be a source's title or address (a string)")
    until = _until(entry.get("until"))
    name = " ".join(clean_line(name).split())
    if action == "section" and section_key(name) in RESERVED_NAMES:
        raise ValueError(f"{name!r} is the bookmarks' section; give the search another name")
    query = clean_line(query)
    try:
        parsed = parse(query)
    except QueryError as exc:
        raise ValueError(f"query {query!r} cannot be read: {exc}") from None
    return Rule(name, query, cast(Action, action), clean_line(source).strip(), until, parsed)


def _until(value: object) -> date | None:
    """A TOML date (`until = 2026-12-31`) or the same as a string."""
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"until {value!r} is not a date (write it as 2026-12-31)")


def saved_search_refusal(
    name: str | None, query: str, rules: Iterable[Rule], sections: Iterable[str]
) -> str | None:
    """Why a search cannot be saved as a section of this name (None: the query
    alone), None if it can. A section's name is taken as a rule's is: two
    headers alike in the sidebar cannot be told apart when folded."""
    if name is not None:
        key = section_key(name)
        if any(section_key(r.name) == key for r in rules):
            return f"a rule named {name!r} is there already"
        if any(section_key(section) == key for section in sections):
            return f"a section named {name!r} is in the sidebar already"
    name = name or "search"
    _, problems = parse_rules([{"name": name, "query": query, "action": "section"}])
    return problems[0].removeprefix(f"rule 1 ({name!r}): ") if problems else None


def rule_entry(rule: Rule) -> dict[str, object]:
    """A rule as the config writes it: only what is not the default."""
    entry: dict[str, object] = {"name": rule.name, "query": rule.query, "action": rule.action}
    if rule.source:
        entry["source"] = rule.source
    if rule.until is not None:
        entry["until"] = rule.until
    return entry


# -- finding the stories a rule matches -----------------------------------------------


class Matched(NamedTuple):
    """A story a rule matched: what a notification or a count needs of it."""

    seq: int
    id: str
    title: str
    section: str
    url: str
    source: str


def watermark(conn: sqlite3.Connection) -> int:
    """The newest row stored now: the stories stored after this are `since` it."""
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0])


def stored_since(
    conn: sqlite3.Connection,
    since: int,
    leaving_out: Collection[str] = (),
    *,
    not_from: Collection[int] = (),
) -> int:
    """How many stories were stored after the row `since` (a watermark), not
    counting those `leaving_out` names (the hidden ones: not to be seen) nor
    those of the sources `not_from` names."""
    if not leaving_out and not not_from:
        return int(
            conn.execute("SELECT count(*) FROM articles WHERE seq > ?", (since,)).fetchone()[0]
        )
    rows = conn.execute("SELECT id, source_id FROM articles WHERE seq > ?", (since,))
    return sum(ident not in leaving_out and source not in not_from for ident, source in rows)


def source_ids(conn: sqlite3.Connection, name: str) -> list[int]:
    """The sources a rule's `source` names: by title or address, case and
    spacing aside (there may be two feeds of one title)."""
    wanted = " ".join(fold(name).split())
    rows = conn.execute("SELECT id, title, location FROM sources ORDER BY id")
    return [
        int(i)
        for i, title, location in rows
        if wanted in (" ".join(fold(title).split()), " ".join(fold(location).split()))
    ]


def matching(
    conn: sqlite3.Connection,
    rule: Rule | Query,
    *,
    since: int = 0,
    source: str = "",
    context: Context = NO_CONTEXT,
) -> list[Matched]:
    """The stories a rule (or a bare query) matches, oldest stored first; only
    those stored after row `since` when it is given. Text goes through FTS5 with
    `rowid > since`, which FTS5 turns into a seek in each doclist: 1,000 new
    stories cost what 1,000 stories cost, whatever the library holds. `context`
    gives is:unread and is:bookmarked the person's marks."""
    from reader.library.search import match_rowids

    query = rule.parsed if isinstance(rule, Rule) else rule
    source = rule.source if isinstance(rule, Rule) else source
    sources: list[int] | None = None
    if source:
        sources = source_ids(conn, source)
        if not sources:
            return []
    seqs = match_rowids(conn, query, since=since, context=context)
    return _rows(conn, seqs, sources)


def _rows(
    conn: sqlite3.Connection, seqs: Sequence[int], sources: list[int] | None
) -> list[Matched]:
    found: list[Matched] = []
    only = f" AND a.source_id IN ({', '.join(map(str, sources))})" if sources is not None else ""
    for chunk, marks in in_chunks(seqs):
        rows = conn.execute(
            "SELECT a.seq, a.id, a.title, s.name, a.url, coalesce(nullif(o.title, ''), o.location)"
            " FROM articles a JOIN sections s ON s.id = a.section_id"
            " JOIN sources o ON o.id = a.source_id"
            f" WHERE a.seq IN ({marks}){only} ORDER BY a.seq",
            chunk,
        )
        found.extend(
            Matched(
                seq, id_, shown_line(title), shown_line(section), shown_line(url), shown_line(src)
            )
            for seq, id_, title, section, url, src in rows
        )
    return found


# -- acting on them ---------------------------------------------------------------------


class Effects(Protocol):
    """What a rule's action does, given by the caller: the command line writes
    the stores, the reader goes through its `Reading` and shows toasts. Each
    returns how many stories it changed (a story hidden or read already is not
    counted again)."""

    def hide(self, rule: Rule, stories: Sequence[Matched]) -> int: ...

    def mark_read(self, rule: Rule, stories: Sequence[Matched]) -> int: ...

    def notify(self, rule: Rule, stories: Sequence[Matched]) -> int: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one rule did: the stories it matched, and how many it changed."""

    rule: Rule
    matched: tuple[Matched, ...]
    touched: int


def apply_rules(
    conn: sqlite3.Connection,
    rules: Iterable[Rule],
    effects: Effects,
    *,
    since: int = 0,
    today: date | None = None,
    context: Context = NO_CONTEXT,
) -> list[Outcome]:
    """Run the acting rules (not `section`, not past their `until`) over the
    stories stored after row `since` (all of them for 0), in the config's
    order; a story hidden by one rule is still read or told by the next.
    `context` holds the marks is: asks about, as they were before the rules."""
    actions: dict[Action, Callable[[Rule, Sequence[Matched]], int]] = {
        "hide": effects.hide,
        "mark-read": effects.mark_read,
        "notify": effects.notify,
    }
    outcomes: list[Outcome] = []
    for rule in rules:
        if rule.action == "section" or not rule.active(today):
            continue
        found = matching(conn, rule, since=since, context=context)
        touched = actions[rule.action](rule, found) if found else 0
        outcomes.append(Outcome(rule, tuple(found), touched))
    return outcomes
