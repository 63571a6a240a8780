"""Where the reader keeps its files, and the user's TOML config.

Paths are resolved when asked for, never at import, and nothing is created here: a
command that only reads must not leave directories behind. Each path has an
environment variable that overrides it, which the tests use to stay out of the
developer's own files.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # highlight pulls in Rich; commands that never highlight skip it
    from tomlkit import TOMLDocument  # only when the config is written

    from reader.highlight import Keyword
    from reader.triage.rules import Rule

APP_NAME = "news"
CONFIG_DIR_ENV = "NEWS_CONFIG_DIR"
DATA_DIR_ENV = "NEWS_DATA_DIR"
LIBRARY_ENV = "NEWS_LIBRARY"  # the library's file (reader.library.db), here for the CLI's help
PACKAGE_DIR = Path(__file__).resolve().parent


class ConfigError(Exception):
    """The config file exists but cannot be used; the message says why and where."""


def config_dir() -> Path:
    if env := os.environ.get(CONFIG_DIR_ENV):
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    if env := os.environ.get(DATA_DIR_ENV):
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


def bundled(name: str) -> Path:
    """A top-level folder shipped with the reader (`styles`, `seeds`).

    A wheel carries them inside the package; a source checkout has them beside it.
    """
    inside = PACKAGE_DIR / name
    return inside if inside.exists() else PACKAGE_DIR.parent / name


def seed_paths() -> list[Path]:
    return sorted(bundled("seeds").glob("*.txt"))


SYNC_DAYS = 14


@dataclass(frozen=True)
class Config:
    """What the user may set in config.toml. Unknown keys are ignored so that
    a config written for a newer version still loads."""

    # When set, only lines equal to one of these names start a new section in a dump.
    sections: tuple[str, ...] = ()
    keywords: tuple[Keyword, ...] = field(default_factory=tuple)
    # [network] allow_private: let addresses that content chose (a story's page,
    # a redirect to another site) reach loopback and private networks.
    allow_private: bool = False
    # [keys]: binding id -> the keys the person gave it, in the file's order;
    # and what in that table could not be read (the rest still applies).
    keys: tuple[tuple[str, tuple[str, ...]], ...] = ()
    key_problems: tuple[str, ...] = ()
    # [[rules]]: saved searches and mute rules (reader.triage.rules), and the entries
    # left out with their reasons (the rest still apply; the reader starts).
    rules: tuple[Rule, ...] = ()
    rule_problems: tuple[str, ...] = ()
    # [refresh] every: seconds between timed refreshes; None: no timer.
    refresh_every: int | None = None
    # [notify]: a command given each matching new story's title, section and
    # link as arguments; and "osc9" or "osc777" for a terminal notification.
    notify_command: tuple[str, ...] = ()
    notify_terminal: str = ""
    # What in [refresh] and [notify] could not be read, named: the reader
    # still starts, without that part.
    problems: tuple[str, ...] = ()
    # [sync] days: how far back a first sync brings the server's read items
    # (its unread and starred ones come whatever their age).
    sync_days: int = SYNC_DAYS


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from exc
    # Imported only when there is a file to read: the parser costs about 1.5 ms
    # of start-up, and the reader starts without a config as often as with one.
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from exc
    dump = data.get("dump", {})
    highlight = data.get("highlight", {})
    sections = dump.get("sections", []) if isinstance(dump, dict) else []
    keywords = highlight.get("keywords", []) if isinstance(highlight, dict) else []
    if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
        raise ConfigError(f"config {path}: [dump] sections must be a list of strings")
    network = data.get("network", {})
    allow_private = network.get("allow_private", False) if isinstance(network, dict) else False
    if not isinstance(allow_private, bool):
        raise ConfigError(f"config {path}: [network] allow_private must be true or false")
    from reader.highlight import KeywordError, keywords_from_config

    try:
        watched = keywords_from_config(keywords)
    except KeywordError as exc:
        raise ConfigError(f"config {path}: [highlight] {exc}") from exc
    sync = data.get("sync", {})
    sync_days = sync.get("days", SYNC_DAYS) if isinstance(sync, dict) else SYNC_DAYS
    if not isinstance(sync_days, int) or isinstance(sync_days, bool) or not 1 <= sync_days <= 3650:
        raise ConfigError(f"config {path}: [sync] days must be a whole number from 1 to 3650")
    keys, key_problems = parse_keys(data.get("keys", {}))
    rules: list[Rule] = []
    rule_problems: list[str] = []
    if "rules" in data:  # the query language is not on the way to the first screen otherwise
        from reader.triage.rules import parse_rules

        rules, rule_problems = parse_rules(data["rules"])
    problems: list[str] = []
    refresh_every = parse_refresh(data.get("refresh", {}), problems)
    notify_command, notify_terminal = parse_notify(data.get("notify", {}), problems)
    return Config(
        sections=tuple(sections),
        keywords=tuple(watched),
        allow_private=allow_private,
        keys=tuple(keys.items()),
        key_problems=tuple(key_problems),
        rules=tuple(rules),
        rule_problems=tuple(rule_problems),
        refresh_every=refresh_every,
        notify_command=notify_command,
        notify_terminal=notify_terminal,
        problems=tuple(problems),
        sync_days=sync_days,
    )


TERMINAL_NOTIFICATIONS = ("osc9", "osc777")


def parse_refresh(table: object, problems: list[str]) -> int | None:
    """``[refresh] every``: seconds, or None (absent, or named in ``problems``)."""
    from reader.triage.schedule import IntervalError, parse_interval

    if not isinstance(table, dict):
        problems.append("[refresh] must be a table; no timer")
        return None
    if "every" not in table:
        return None
    try:
        return parse_interval(table["every"])
    except IntervalError as exc:
        problems.append(f"[refresh] every: {exc}; no timer")
        return None


def parse_notify(table: object, problems: list[str]) -> tuple[tuple[str, ...], str]:
    """``[notify] command`` (a list of strings: a program and its arguments,
    never a shell line) and ``terminal`` ("osc9" or "osc777")."""
    if not isinstance(table, dict):
        problems.append("[notify] must be a table; no notifications but toasts")
        return (), ""
    command: tuple[str, ...] = ()
    given = table.get("command", [])
    if isinstance(given, list) and given and all(isinstance(a, str) and a for a in given):
        command = tuple(given)
    elif given != []:
        problems.append(
            '[notify] command must be a list of strings, the program first: ["notify-send",'
            ' "--app-name=news"] (never a shell line); no command'
        )
    terminal = table.get("terminal", "")
    if terminal not in ("", *TERMINAL_NOTIFICATIONS):
        problems.append(f'[notify] terminal: {terminal!r} is not "osc9" or "osc777"; none')
        terminal = ""
    return command, str(terminal)


def parse_keys(table: object) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """The `[keys]` table: each binding id given a key ("ctrl+n"), several
    ("j,down"), or a list of them. An entry that does not read is left out
    with its reason, so one typo does not cost the person the rest of their
    keys. Whether an id exists and a key is free is for the TUI to say: only
    it knows its bindings."""
    if not isinstance(table, dict):
        return {}, ["[keys] must be a table of binding ids and keys"]
    keys: dict[str, tuple[str, ...]] = {}
    problems: list[str] = []
    for binding_id, value in table.items():
        given = value.split(",") if isinstance(value, str) else value
        if not isinstance(given, list) or not all(isinstance(k, str) for k in given):
            problems.append(f"{binding_id!r}: a key must be a string or a list of strings")
            continue
        named = [k.strip() for k in given]
        if not named or any(not k or any(c.isspace() for c in k) for k in named):
            problems.append(f"{binding_id!r}: {value!r} names no key (an empty or spaced name)")
            continue
        keys[binding_id] = tuple(dict.fromkeys(named))
    return keys, problems


def allows_private() -> bool:
    """``[network] allow_private``, read now: the reader's fetches ask at each
    refresh, so an edit applies without a restart. A config that cannot be
    read allows nothing more than the default."""
    try:
        return load_config().allow_private
    except ConfigError:
        return False


def save_keywords(keywords: list[Keyword], path: Path | None = None) -> None:
    """Write the keywords into config.toml, keeping the rest of the file and its
    comments as the user wrote them. A keyword already in the file keeps its
    entry as written (a plain string stays one, a table keeps its spelling and
    comments); a new one is written as briefly as it can be: a plain string, or
    a table of the settings that differ from the defaults. Raises ConfigError."""
    import tomlkit

    path, doc = open_for_edit(path)
    table = table_for_edit(path, doc, "highlight")
    old = table.get("keywords")
    # Edited in place where it can be: the person's own entries, layout and comments stay.
    if not (isinstance(old, list) and _edit_in_place(old, keywords)):
        entries = tomlkit.array()
        for kw in keywords:
            entries.append(_brief_entry(kw))
        entries.multiline(len(keywords) > 3)
        table["keywords"] = entries
    write_config(path, doc)


def add_rule(rule: Rule, path: Path | None = None) -> None:
    """Append a `[[rules]]` entry to config.toml, keeping the rest of the file and
    its comments as the user wrote them (as `save_keywords` does). Raises
    ConfigError, also when a rule of that name is there already."""
    import tomlkit

    from reader.triage.rules import rule_entry

    path, doc = open_for_edit(path)
    entry = tomlkit.table()
    entry.update(rule_entry(rule))
    rules = _rules_for_a_new_one(path, doc, rule.name)
    # One blank line between tables, as a person writes them: the entry before
    # may end in that blank line already (it kept it from the table it was
    # followed by), and a table after the rules wants one after this entry.
    before_ends_blank = bool(rules) and rules[-1].as_string().endswith("\n\n")
    if not before_ends_blank and tomlkit.dumps(doc).strip():
        entry.trivia.indent = "\n"
    if list(doc.keys())[-1] != "rules":
        entry.add(tomlkit.nl())
    rules.append(entry)
    write_config(path, doc)


def remove_rule(name: str, path: Path | None = None) -> bool:
    """Take the `[[rules]]` entry of this name (case and spacing aside) out of
    config.toml, keeping the rest as written; False when there is none."""
    return take_rule(name, path) is not None


@dataclass(frozen=True)
class TakenRule:
    """A rule taken out of the config as the person wrote it (its comments and
    every field), and where it stood: what `put_rule_back` needs."""

    name: str
    index: int
    entry: object  # the tomlkit table


def take_rule(name: str, path: Path | None = None) -> TakenRule | None:
    """Remove the `[[rules]]` entry of this name, as `remove_rule` does, and give
    it back so that it can be put back. Names compare cleaned, as `parse_rules`
    reads them: the reader's name for a rule written with control characters
    finds it."""
    path, doc = open_for_edit(path)
    rules = doc.get("rules")
    index = _rule_index(rules, name) if isinstance(rules, list) else None
    if rules is None or index is None:
        return None
    entry = rules.pop(index)
    if not rules:
        del doc["rules"]
    write_config(path, doc, trim=True)
    return TakenRule(name, index, entry)


def put_rule_back(taken: TakenRule, path: Path | None = None) -> None:
    """Undo `take_rule`: the entry as it was written, at its place among the
    rules (the end, if the rules before it went since). Raises ConfigError,
    also when a rule of that name was added in the meantime."""
    path, doc = open_for_edit(path)
    rules = _rules_for_a_new_one(path, doc, taken.name)
    rules.insert(min(taken.index, len(rules)), taken.entry)
    write_config(path, doc)


def _rules_for_a_new_one(path: Path, doc: TOMLDocument, name: str) -> list[Any]:
    """The `[[rules]]` array to add a rule of this name to (made if there is
    none); ConfigError if it is not an array, or has a rule of that name."""
    import tomlkit

    rules = doc.get("rules")
    if rules is None:
        rules = tomlkit.aot()
        doc["rules"] = rules
    elif not isinstance(rules, list):
        raise ConfigError(f"cannot update config {path}: rules is not an array of tables")
    if _rule_index(rules, name) is not None:
        raise ConfigError(f"a rule named {name!r} is in {path} already")
    return rules


def _rule_index(rules: list[Any], name: str) -> int | None:
    """Where the rule of this name is among the config's entries. Names compare
    cleaned and folded, as `parse_rules` reads them: the reader's name for a
    rule written with control characters finds it."""
    from reader.folding import section_key
    from reader.sanitize import clean_line

    wanted = section_key(clean_line(name))
    for index, entry in enumerate(rules):
        if (
            isinstance(entry, MutableMapping)
            and section_key(clean_line(str(entry.get("name", "")))) == wanted
        ):
            return index
    return None


# Editing config.toml ------------------------------------------------------------------
# One way in and out for every command that writes the config (keywords, rules,
# sync accounts): the person's layout and comments kept (tomlkit), the file
# replaced whole, and every failure a ConfigError that names the file.


def open_for_edit(path: Path | None = None) -> tuple[Path, TOMLDocument]:
    """The config file (`path`, else the default) and its document, to edit and
    give to `write_config`; a missing file is an empty document."""
    import tomlkit

    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        return path, tomlkit.parse(text)
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise ConfigError(f"cannot update config {path}: {exc}") from exc


def table_for_edit(
    path: Path, doc: TOMLDocument, name: str, *, super_table: bool | None = None
) -> MutableMapping[str, Any]:
    """The document's `[name]` table, added when it is missing (`super_table`:
    written only as its sub-tables, `[accounts.home]`); ConfigError when the
    file has something else under that name."""
    import tomlkit

    if name not in doc:
        doc[name] = tomlkit.table(is_super_table=super_table)
    table = doc[name]
    if not isinstance(table, MutableMapping):
        raise ConfigError(f"cannot update config {path}: {name} is not a table ([{name}])")
    return table


def write_config(path: Path, doc: TOMLDocument, *, trim: bool = False) -> None:
    """Save the edited document; with `trim`, the blank lines a removed table
    leaves at the end of the file go with it."""
    import tomlkit

    from reader.atomic import describe, write_bytes_atomic

    text = tomlkit.dumps(doc)
    if trim:
        text = text.rstrip("\n") + "\n" if text.strip() else ""
    try:
        write_bytes_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot save config {path}: {describe(exc)}") from exc


def _edit_in_place(entries: list[object], keywords: list[Keyword]) -> bool:
    """Make the config's array say `keywords` by removing and appending entries,
    so the ones kept stay exactly as written; False when that cannot be done
    (an entry that does not read, or keywords in another order)."""
    from reader.highlight import KeywordError, keywords_from_config

    try:
        written = keywords_from_config(
            [e.unwrap() if hasattr(e, "unwrap") else e for e in entries]  # tomlkit items
        )
    except KeywordError:
        return False
    wanted = iter(keywords)
    kept: list[int] = []
    following = next(wanted, None)
    for index, keyword in enumerate(written):
        if keyword == following:
            kept.append(index)
            following = next(wanted, None)
    added = [] if following is None else [following, *wanted]
    if len(kept) + len(added) != len(keywords):
        return False
    for index in reversed(range(len(written))):
        if index not in kept:
            del entries[index]
    for keyword in added:
        entries.append(_brief_entry(keyword))
    return True


def _brief_entry(keyword: Keyword) -> object:
    """A keyword as the config's own example writes it: only what is not a default."""
    import tomlkit

    from reader.highlight import Keyword

    defaults = asdict(Keyword(keyword.word))
    changed = {k: v for k, v in asdict(keyword).items() if v != defaults[k]}
    if not changed:
        return keyword.word
    table = tomlkit.inline_table()
    table.update({"word": keyword.word, **changed})
    return table
