"""`news rules`: list, add, remove and apply the `[[rules]]` of config.toml.

Also `store_effects` and `apply_to_new`, with which `news add` and `news refresh`
run the rules over the stories they just stored.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from reader.cli.common import UserError, apply_paths, open_catalog, parser, print_json, shown
from reader.config import Config, add_rule, config_path, remove_rule
from reader.triage.rules import (
    ACTIONS,
    HIDE_STEP,
    Matched,
    Outcome,
    Rule,
    apply_rules,
    matching,
    parse_rules,
)
from reader.wording import counted

if TYPE_CHECKING:
    import sqlite3

    from reader.query import Context
    from reader.state import ReadingState
    from reader.triage.hidden import Hidden
    from reader.triage.undo import UndoStack


def cmd_rules(argv: list[str], config: Config) -> int:
    p = parser(
        "news rules",
        "Saved searches and mute rules ([[rules]] in config.toml). With no action: list them.",
    )
    p.add_argument("--json", action="store_true", help="the rules as a JSON list")
    actions = p.add_subparsers(dest="do", metavar="ACTION")
    listing = actions.add_parser("list", help="the rules (the same as no action)")
    listing.add_argument("--json", action="store_true", help="the rules as a JSON list")
    add = actions.add_parser("add", help="add a rule", allow_abbrev=False)
    add.add_argument("name", metavar="NAME", help="the rule's name (a saved search's section)")
    add.add_argument("query", metavar="QUERY", help="what it matches, in the search language")
    add.add_argument(
        "--action", choices=ACTIONS, default="section", help="what it does (default: section)"
    )
    add.add_argument("--source", default="", metavar="S", help="only this source's stories")
    add.add_argument(
        "--until", type=_date, metavar="DATE", help="the rule ends after this day (2026-12-31)"
    )
    remove = actions.add_parser("remove", help="remove a rule (a hide rule's stories show again)")
    remove.add_argument("name", metavar="NAME")
    actions.add_parser(
        "apply",
        help="run the hide, mark-read and notify rules over the stories stored now",
    )
    args = p.parse_args(argv)
    apply_paths(args)
    if args.do == "add":
        return _add(args, config)
    if args.do == "remove":
        return _remove(args.name, config)
    if args.do == "apply":
        return _apply(config)
    return _list(config, args.json)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (write it as 2026-12-31)"
        ) from None


def _problems(config: Config) -> None:
    for problem in config.rule_problems:
        print(f"news: [[rules]] {shown(problem)} (left out)", file=sys.stderr)


def _describe(rule: Rule, today: date) -> dict[str, object]:
    return {
        "name": rule.name,
        "query": rule.query,
        "action": rule.action,
        "source": rule.source or None,
        "until": rule.until.isoformat() if rule.until else None,
        "active": rule.active(today),
    }


def _list(config: Config, as_json: bool) -> int:
    _problems(config)
    today = date.today()
    rules = list(config.rules)
    if as_json:
        print_json([_describe(r, today) for r in rules])
        return 0
    if not rules:
        print(f"No rules. Add one with `news rules add NAME QUERY`, or in {config_path()}.")
        return 0
    for rule in rules:
        line = f"{rule.name} ({rule.action}): {rule.query}"
        if rule.source:
            line += f", source {rule.source}"
        if rule.until is not None:
            ended = "" if rule.active(today) else " (ended)"
            line += f", until {rule.until.isoformat()}{ended}"
        print(shown(line))
    return 0


def _add(args: argparse.Namespace, config: Config) -> int:
    entry: dict[str, object] = {"name": args.name, "query": args.query, "action": args.action}
    if args.source:
        entry["source"] = args.source
    if args.until is not None:
        entry["until"] = args.until
    rules, problems = parse_rules([entry])
    if problems:
        reason = problems[0].split("): ", 1)[-1]
        raise UserError(shown(f"rule {args.name!r} not added: {reason}"))
    rule = rules[0]
    add_rule(rule)
    print(shown(f"Added rule {rule.name!r} ({rule.action}): {rule.query}"))
    # Added as asked, but a rule that can do nothing is said: a person would
    # otherwise wait for it to act.
    if not rule.active():
        _warn(f"it ended on {rule.until}: it does nothing (--until is its last day)")
    elif rule.source and not _source_known(rule.source, config):
        _warn(f"no source is named {rule.source!r}: it finds nothing; `news sources` lists them")
    elif rule.action == "section" and _section_taken(rule.name, config):
        _warn(f"a section is named {rule.name!r} too: the sidebar shows two headers alike")
    elif rule.action != "section":
        print("It acts on new stories as they arrive; `news rules apply` runs it on the rest.")
    return 0


def _warn(text: str) -> None:
    print(f"news: warning: {shown(text)}", file=sys.stderr)


def _source_known(name: str, config: Config) -> bool:
    from reader.catalog import LibraryCatalog
    from reader.triage.rules import source_ids

    catalog = open_catalog([], config)
    try:
        return isinstance(catalog, LibraryCatalog) and bool(source_ids(catalog.library.conn, name))
    finally:
        catalog.close()


def _section_taken(name: str, config: Config) -> bool:
    from reader.query import section_key

    catalog = open_catalog([], config)
    try:
        return any(section_key(taken) == section_key(name) for taken, _ in catalog.sections())
    finally:
        catalog.close()


def _remove(name: str, config: Config) -> int:
    rule = next((r for r in config.rules if _same(r.name, name)), None)
    if not remove_rule(name):
        raise UserError(f"no rule named {name!r}; `news rules` lists them")
    print(shown(f"Removed rule {rule.name if rule else name!r}."))
    from reader.triage.hidden import Hidden

    hidden = Hidden()
    hidden.load()
    shown_again = hidden.reveal(hidden.by_rule(rule.name if rule else name))
    if shown_again:
        print(f"{counted(len(shown_again), 'story')} it hid show again.")
    return 0


def _same(a: str, b: str) -> bool:
    from reader.folding import section_key

    return section_key(a) == section_key(b)


def _apply(config: Config) -> int:
    _problems(config)
    acting = [r for r in config.rules if r.action != "section"]
    if not acting:
        print("No hide, mark-read or notify rules to apply.")
        return 0
    from reader.catalog import LibraryCatalog

    catalog = open_catalog([], config)
    assert isinstance(catalog, LibraryCatalog)
    try:
        effects = store_effects(catalog.library.queue_changes)
        context = marks(effects.state, acting)
        outcomes = apply_rules(catalog.library.conn, acting, effects, context=context)
        effects.save()
    finally:
        catalog.close()
    today = date.today()
    for rule in acting:
        if not rule.active(today):
            print(shown(f"{rule.name} ({rule.action}): ended {rule.until}, not applied"))
    for outcome in outcomes:
        print(shown(_said(outcome, everything=True)))
    return 0


def _said(outcome: Outcome, *, everything: bool = False) -> str:
    rule, found, touched = outcome.rule, len(outcome.matched), outcome.touched
    what = {"hide": "hidden", "mark-read": "marked read", "notify": "to tell of"}[rule.action]
    if rule.action == "notify" and everything:
        stories = counted(found, "story")
        return f"{rule.name} (notify): {stories} matched; it tells of new ones as they arrive"
    return f"{rule.name} ({rule.action}): {counted(found, 'story')} matched, {touched:,} {what}"


# -- the effects of rules on the stores, for the command line -------------------------


@dataclass
class StoreEffects:
    """Rules acting through the stores in the data directory: hides into
    hidden.json, reads into state.json, each kind one step `z` undoes in the
    reader (undo.json). Each file is written once, by `save()`. Matches of
    notify rules are kept in `told` for the caller. `journal` is told the
    stories marked read (`Library.queue_changes`), so a synced story's mark
    goes to its server as one made by hand does, and the next sync does not
    take the server's "unread" back in."""

    hidden: Hidden
    state: ReadingState
    undo: UndoStack
    journal: Callable[[Sequence[str], str], object] | None = None
    told: list[tuple[Rule, Matched]] = field(default_factory=list)
    _hid: dict[str, list[str]] = field(default_factory=dict)  # rule -> ids hidden now
    _read: dict[str, list[str]] = field(default_factory=dict)  # rule -> ids read now

    def hide(self, rule: Rule, stories: Sequence[Matched]) -> int:
        new = self.hidden.hide((s.id for s in stories), rule.name, save=False)
        if new:
            self._hid.setdefault(rule.name, []).extend(new)
        return len(new)

    def mark_read(self, rule: Rule, stories: Sequence[Matched]) -> int:
        read = self.state.read_ids().union(*self._read.values())
        new = [s.id for s in dict.fromkeys(stories) if s.id not in read]
        if new:
            self._read.setdefault(rule.name, []).extend(new)
        return len(new)

    def notify(self, rule: Rule, stories: Sequence[Matched]) -> int:
        self.told.extend((rule, s) for s in stories)
        return len(stories)

    def save(self) -> None:
        from reader.triage.undo import READ, Step

        hid = [i for ids in self._hid.values() for i in ids]
        read = [i for ids in self._read.values() for i in ids]
        if read:
            self.state.mark_many(read, True)
            if self.journal is not None:
                self.journal(read, "read")
        self.hidden.flush()
        steps = []
        if hid:
            label = f"{counted(len(hid), 'story')} hidden by {', '.join(self._hid)}"
            steps.append(Step(HIDE_STEP, label, tuple(hid), {"rules": ", ".join(self._hid)}))
        if read:
            label = f"{counted(len(read), 'story')} marked read by {', '.join(self._read)}"
            steps.append(Step(READ, label, tuple(read)))
        for step in steps:
            self.undo.push(step)
        self._hid, self._read = {}, {}
        for store in (self.hidden, self.state, self.undo):
            store.flush()


def marks(state: ReadingState, rules: Sequence[Rule]) -> Context:
    """What is: asks about, as it is before the rules run: the read set, and
    the bookmarks when a rule asks about them."""
    from reader.query import Context

    marked: frozenset[str] = frozenset()
    if any(rule.parsed.bookmarked is not None for rule in rules):
        from reader.bookmarks import Bookmarks

        bookmarks = Bookmarks()
        bookmarks.load()
        marked = frozenset(b.article_id for b in bookmarks.all())
    return Context(read=state.read_ids(), bookmarked=marked)


def store_effects(journal: Callable[[Sequence[str], str], object] | None = None) -> StoreEffects:
    from reader.state import ReadingState
    from reader.triage.hidden import Hidden
    from reader.triage.undo import UndoStack

    effects = StoreEffects(Hidden(), ReadingState(), UndoStack(), journal=journal)
    for store in (effects.hidden, effects.state, effects.undo):
        store.load()
        if store.problem:
            print(f"news: warning: {store.problem}", file=sys.stderr)
    return effects


def apply_to_new(
    conn: sqlite3.Connection,
    config: Config,
    since: int,
    *,
    say: bool = True,
    journal: Callable[[Sequence[str], str], object] | None = None,
) -> list[Outcome]:
    """Run the rules over the stories stored after row `since` (what `news add`,
    `news refresh` or `news sync` just stored) and say what each did, one line
    a rule that matched (unless `say` is false); notify rules list the stories
    they matched. `journal`: as `StoreEffects.journal`."""
    _problems(config)
    acting = [r for r in config.rules if r.action != "section"]
    if not acting:
        return []
    effects = store_effects(journal)
    outcomes = apply_rules(conn, acting, effects, since=since, context=marks(effects.state, acting))
    effects.save()
    for outcome in outcomes:
        if not outcome.matched or not say:
            continue
        print(shown(_said(outcome)))
        if outcome.rule.action == "notify":
            for story in outcome.matched:
                print("  " + shown(f"{story.title} ({story.section}) {story.url}"))
    return outcomes


__all__ = ["StoreEffects", "apply_to_new", "cmd_rules", "matching", "store_effects"]
