"""Keys of your own: the `[keys]` table checked against the reader's bindings.

Textual's keymap swaps a binding's keys by its id, but takes whatever it is
given: a key handed to two actions in one place goes to one of them, and a key
taken from a binding that stays silently steals it. Here each remap is checked
first against every binding that answers in the same places, and one that
would clash is refused with the reason naming both, while the rest still apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding, BindingType
from textual.keys import REPLACED_KEYS, Keys, _character_to_key, format_key, key_to_character
from textual.screen import Screen


@dataclass(frozen=True)
class Place:
    """Where bindings answer: a widget or screen, named as the help names it."""

    name: str
    bindings: tuple[Binding, ...]
    # Textual's own keys here (Tab, Ctrl+P, Ctrl+Q, Ctrl+C): no id, so they
    # stay as they are, and a remap may not take their keys either.
    fixed: tuple[Binding, ...] = ()


@dataclass(frozen=True)
class Keymap:
    """The remaps that apply (binding id -> Textual key string) and the refusals."""

    keys: dict[str, str]
    refused: list[str]


def places() -> list[Place]:
    """Every place with bindings of its own. Imported here, not at start-up:
    only a config with a `[keys]` table pays for the dialogs' modules."""
    from reader.tui.app import NewsApp
    from reader.tui.dialogs.keywords import KeywordList, KeywordsDialog
    from reader.tui.dialogs.links import LinkPicker
    from reader.tui.dialogs.note import NoteDialog
    from reader.tui.dialogs.rules import RuleList, RulesDialog
    from reader.tui.dialogs.save_search import SaveSearchDialog
    from reader.tui.screens.help import HelpScreen
    from reader.tui.screens.reader import ReaderScreen
    from reader.tui.widgets.article_list import ArticleList
    from reader.tui.widgets.result_list import ResultList
    from reader.tui.widgets.search_bar import SearchBar
    from reader.tui.widgets.story_view import StoryView

    textual_app = [
        *App.BINDINGS,
        Binding(NewsApp.COMMAND_PALETTE_BINDING, "command_palette", "Command palette"),
    ]
    fixed: dict[str, list[BindingType]] = {"everywhere": textual_app, "the reader": Screen.BINDINGS}

    owners: list[tuple[str, type[object]]] = [
        ("everywhere", NewsApp),
        ("the reader", ReaderScreen),
        ("the sidebar", ArticleList),
        ("the reading pane", StoryView),
        ("the search bar", SearchBar),
        ("the search results", ResultList),
        ("help", HelpScreen),
        ("the keywords dialog", KeywordsDialog),
        ("the keyword list", KeywordList),
        ("the links dialog", LinkPicker),
        ("the note dialog", NoteDialog),
        ("the save-search dialog", SaveSearchDialog),
        ("the rules dialog", RulesDialog),
        ("the rule list", RuleList),
    ]
    return [
        Place(
            name,
            tuple(Binding.make_bindings(getattr(owner, "BINDINGS", []))),
            tuple(Binding.make_bindings(fixed.get(name, []))),
        )
        for name, owner in owners
    ]


# Places whose keys answer together: a key in one is shadowed by, or shadows,
# the same key in another on one line. A modal screen answers alone.
CHAINS = [
    ("everywhere", "the reader", "the sidebar"),
    ("everywhere", "the reader", "the reading pane"),
    ("everywhere", "the reader", "the search bar"),
    ("everywhere", "the reader", "the search results"),
    ("help",),
    ("the keywords dialog", "the keyword list"),
    ("the rules dialog", "the rule list"),
    ("the links dialog",),
    ("the note dialog",),
]


def binding_ids(all_places: Iterable[Place] | None = None) -> dict[str, str]:
    """Every binding id -> the place it belongs to."""
    return {
        b.id: place.name
        for place in (places() if all_places is None else all_places)
        for b in place.bindings
        if b.id
    }


def in_force(bindings: Iterable[Binding], keymap: Mapping[str, str]) -> list[Binding]:
    """`bindings` with the keymap's keys in place of their own: what help and
    the palette list, so they show the keys that work."""
    out: list[Binding] = []
    done: set[str] = set()
    for binding in bindings:
        if binding.id is None or binding.id not in keymap:
            out.append(binding)
        elif binding.id not in done:
            done.add(binding.id)
            out += [binding.with_key(k, key_display=None) for k in keymap[binding.id].split(",")]
    return out


# What Textual puts before a key's name when modifiers are held (its parser's
# order: shift, alt, ctrl, super, hyper, meta).
MODIFIERS = frozenset({"shift", "alt", "ctrl", "super", "hyper", "meta"})
# The keys Textual names with a word: its `Keys` without their modifiers
# ("pagedown", "f5", "escape"); characters are named apart, below.
NAMED = frozenset(
    name
    for key in Keys
    if len(name := key.value.rsplit("+", 1)[-1]) > 1 and name.replace("_", "").isalnum()
)


def is_key(key: str) -> bool:
    """Whether Textual can ever send `key`: modifiers (each once) before a
    printable character ("?", "J"), a character's name ("question_mark") or a
    named key ("pagedown"). A binding on anything else never fires, and what
    it is shown as goes to the terminal as it is: an ESC in it started an
    escape sequence on the help screen, and "[b]" took "/" away from search."""
    *modifiers, name = key.split("+")
    if len(set(modifiers)) != len(modifiers) or not MODIFIERS.issuperset(modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    if name in NAMED:
        return True
    character = key_to_character(REPLACED_KEYS.get(name, name))
    return (
        character is not None and character.isprintable() and _character_to_key(character) == name
    )


def normalize(key: str) -> str:
    """A key as Textual names it: "?" is "question_mark", "J" stays "J"."""
    return _character_to_key(key) if len(key) == 1 else key


def shown(key: str) -> str:
    """A key as the footer and help show it (what `App.get_key_display` makes
    of a binding without its own display): "question_mark" is "?", "ctrl+p" "^p"."""
    *modifiers, name = key.split("+")
    name = format_key(name)
    if "ctrl" in modifiers:
        modifiers.remove("ctrl")
        name = f"^{name}"
    return "+".join([*modifiers, name])


def resolve(
    requested: Mapping[str, Iterable[str]], all_places: list[Place] | None = None
) -> Keymap:
    """The remaps of `requested` that can apply, and why the others cannot.

    A clash between two remaps refuses the one listed later; a remap that takes
    a key from a binding that keeps it is refused. Refusing one remap gives
    its binding back its own keys, which may clash in turn: so until none do."""
    all_places = places() if all_places is None else all_places
    known = binding_ids(all_places)
    where = dict(known)
    default: dict[str, tuple[str, ...]] = {}
    description: dict[str, str] = {}
    for place in all_places:
        for b in place.bindings:
            if b.id:
                default[b.id] = (*default.get(b.id, ()), b.key)
                description[b.id] = b.description or b.action
        for b in place.fixed:  # named by action: "Textual's command_palette"
            name = f"Textual's {b.action.removeprefix('app.')}"
            where[name] = place.name
            default[name] = (*default.get(name, ()), b.key)
            description[name] = b.description or b.action
    refused: list[str] = []
    wanted: dict[str, tuple[str, ...]] = {}
    written: dict[tuple[str, str], str] = {}  # (id, Textual's key) -> as the person wrote it
    for binding_id, keys in requested.items():
        if binding_id not in known:
            refused.append(f"{binding_id!r} is no binding id (the README lists them)")
        elif unnamed := [k for k in keys if not is_key(k)]:
            # Its own keys stay: one bad name costs the binding nothing.
            refused.append(
                f"{binding_id} = {', '.join(repr(k) for k in unnamed)} refused: not a key's"
                " name (a character such as 'x' or '?', or a key such as 'ctrl+n', 'f5',"
                " 'pagedown')"
            )
        else:
            for k in keys:
                written.setdefault((binding_id, normalize(k)), k)
            wanted[binding_id] = tuple(dict.fromkeys(normalize(k) for k in keys))
    order = list(wanted)

    while True:
        keys_of = {**default, **wanted}
        clash = _first_clash(order, wanted, keys_of, default, where)
        if clash is None:
            break
        loser, key, other = clash
        del wanted[loser]
        also = " (remapped to it too)" if other in wanted else ""
        as_written = written.get((loser, key), shown(key))
        refused.append(
            f"{loser} = {as_written!r} refused: {where[other]} already has {shown(key)} "
            f"for {other} ({description[other]}){also}"
        )
    return Keymap({i: ",".join(keys) for i, keys in wanted.items()}, refused)


def _first_clash(
    order: list[str],
    wanted: Mapping[str, tuple[str, ...]],
    keys_of: Mapping[str, tuple[str, ...]],
    default: Mapping[str, tuple[str, ...]],
    where: Mapping[str, str],
) -> tuple[str, str, str] | None:
    """The latest-listed remap that clashes: (its id, the key, the other id)."""
    for binding_id in reversed(order):
        if binding_id not in wanted:
            continue
        for key in wanted[binding_id]:
            for chain in CHAINS:
                if where[binding_id] not in chain:
                    continue
                for other, keys in keys_of.items():
                    if other == binding_id or key not in keys or where[other] not in chain:
                        continue
                    # Two defaults sharing a key on one line were meant so; only a
                    # remap makes a clash.
                    if other not in wanted and key in default.get(binding_id, ()):
                        continue
                    if other in wanted and order.index(other) > order.index(binding_id):
                        continue  # that one is the later: found from its side
                    return binding_id, key, other
    return None
