"""Keys of your own: the `[keys]` table through the reader (Pilot)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.sources.dump import read_dump
from reader.tui.app import NewsApp
from reader.tui.keymap import binding_ids, is_key, resolve
from reader.tui.screens.help import HelpScreen

from .shown import screen_text, toasts
from .test_app import SIZE, parts
from .waiting import painted, until

README = Path(__file__).resolve().parents[2] / "README.md"


def app_with(seed: Path, keys: dict[str, list[str]]) -> NewsApp:
    resolved = resolve(keys)
    return NewsApp(read_dump(seed).articles, keymap=resolved.keys, refused_keys=resolved.refused)


async def test_j_remapped_moves_the_sidebar_and_j_no_longer_does(seed: Path) -> None:
    app = app_with(seed, {"sidebar.down": ["x"]})
    async with app.run_test(size=SIZE) as pilot:
        _, sidebar, _ = parts(app)
        first = sidebar.highlighted.title
        await pilot.press("j", "j")
        assert sidebar.highlighted.title == first  # j was replaced
        await pilot.press("x", "x")
        assert sidebar.highlighted.title.startswith("Tesla just trademarked MEGAPOD")
        await pilot.press("k")  # the keys not remapped still work
        assert sidebar.highlighted.title != first


async def test_a_key_taken_from_a_binding_that_stays_is_refused_naming_both(seed: Path) -> None:
    # j stays the sidebar's "next story": giving it to "previous" is refused;
    # the other remap in the table still applies.
    app = app_with(seed, {"sidebar.up": ["j"], "app.quit": ["ctrl+x"]})
    assert len(app.refused_keys) == 1
    reason = app.refused_keys[0]
    assert "sidebar.up" in reason and "sidebar.down" in reason and "'j'" in reason
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: any("Keys not changed" in t for t in toasts(app)), "a toast")
        _, sidebar, _ = parts(app)
        shown = " ".join(" ".join(t.split()) for t in toasts(app))
        assert "Keys not changed" in shown and reason in shown
        first = sidebar.highlighted.title
        await pilot.press("j")
        assert sidebar.highlighted.title != first  # j still moves down
        await pilot.press("q")
        assert app.is_running  # q was given away to ctrl+x
        await pilot.press("ctrl+x")
    assert not app.is_running


def test_two_remaps_to_one_key_in_one_place_refuse_the_later() -> None:
    resolved = resolve({"sidebar.first": ["x"], "sidebar.last": ["x"], "story.top": ["x"]})
    # The reading pane is another place: x is free there.
    assert resolved.keys == {"sidebar.first": "x", "story.top": "x"}
    (reason,) = resolved.refused
    assert reason.startswith("sidebar.last = 'x' refused")
    assert "sidebar.first" in reason and "remapped to it too" in reason


def test_an_app_key_given_a_key_the_sidebar_keeps_is_refused() -> None:
    resolved = resolve({"app.quit": ["j"]})
    assert resolved.keys == {}
    assert "app.quit" in resolved.refused[0] and "sidebar.down" in resolved.refused[0]


def test_unknown_ids_are_refused_and_swaps_are_not_clashes() -> None:
    resolved = resolve(
        {"sidebar.sideways": ["x"], "sidebar.down": ["k", "down"], "sidebar.up": ["j", "up"]}
    )
    assert resolved.keys == {"sidebar.down": "k,down", "sidebar.up": "j,up"}
    assert resolved.refused == ["'sidebar.sideways' is no binding id (the README lists them)"]


async def test_help_footer_and_palette_show_the_keys_in_force(seed: Path) -> None:
    app = app_with(seed, {"sidebar.down": ["x"], "app.quit": ["ctrl+x"], "app.help": ["f1"]})
    assert app.refused_keys == []
    async with app.run_test(size=SIZE) as pilot:
        await painted(pilot)
        footer = next(line for line in screen_text(app).splitlines() if "Quit" in line)
        assert "^x Quit" in footer and "f1 Help" in footer
        assert "q Quit" not in footer
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Next story (story list)"] == "Key: x"
        assert commands["Help (everywhere)"] == "Key: f1"
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)  # ? is no longer help
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert re.search(r"\bx\s+Next story", shown)
        assert not re.search(r"↓ j\s+Next story|down j\s+Next story", shown)
        assert re.search(r"\^x\s+Quit", shown)


def test_every_binding_has_an_id_and_ids_are_unique() -> None:
    from reader.tui.keymap import places

    seen: dict[str, str] = {}
    for place in places():
        for binding in place.bindings:
            assert binding.id, f"{place.name}: {binding.key} has no id"
            assert seen.setdefault(binding.id, place.name) == place.name, binding.id


def test_the_readme_lists_every_binding_id() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [i for i in binding_ids() if f"`{i}`" not in readme]
    assert not missing, f"README's 'Keys of your own' lacks {missing}"


@pytest.mark.parametrize("key", ["?", "question_mark"])
def test_a_key_is_named_as_textual_names_it(key: str) -> None:
    assert resolve({"app.help": [key]}).keys == {"app.help": "question_mark"}


def test_textuals_own_keys_are_not_taken() -> None:
    resolved = resolve({"sidebar.down": ["tab"], "app.help": ["ctrl+p"], "sidebar.up": ["ctrl+k"]})
    assert resolved.keys == {"sidebar.up": "ctrl+k"}
    assert any("Textual's focus_next" in r and "sidebar.down" in r for r in resolved.refused)
    assert any("Textual's command_palette" in r and "app.help" in r for r in resolved.refused)


def test_a_refusal_names_keys_as_written_and_as_the_footer_shows_them() -> None:
    # Textual's names ('question_mark') are not what a person typed or sees.
    (reason,) = resolve({"app.links": ["?"]}).refused
    assert reason == "app.links = '?' refused: everywhere already has ? for app.help (Help)"
    (reason,) = resolve({"sidebar.down": ["ctrl+p"]}).refused
    assert reason.startswith("sidebar.down = 'ctrl+p' refused: everywhere already has ^p for")
    (reason,) = resolve({"app.links": ["question_mark"]}).refused
    assert reason.startswith("app.links = 'question_mark' refused: everywhere already has ? ")


@pytest.mark.parametrize(
    "key", ["\x1b[31m", "[b]", "ctrl++", "ctrl+ctrl+n", "cmd+n", "\u202e", "xy"]
)
def test_a_name_no_key_has_is_refused_naming_it_and_the_binding_keeps_its_keys(key: str) -> None:
    resolved = resolve({"sidebar.down": ["ctrl+n", key], "app.quit": ["ctrl+x"]})
    assert resolved.keys == {"app.quit": "ctrl+x"}
    (reason,) = resolved.refused
    assert reason.startswith(f"sidebar.down = {key!r} refused: not a key's name")
    assert reason.isprintable()  # the name as data: an ESC is written \x1b


@pytest.mark.parametrize(
    "key", ["x", "J", "?", "question_mark", "slash", "ctrl+n", "ctrl+shift+up", "f5", "alt+x"]
)
def test_every_name_textual_sends_is_a_key(key: str) -> None:
    assert is_key(key)


async def test_an_escape_or_markup_for_a_key_reaches_neither_help_nor_footer(seed: Path) -> None:
    # The tester's table: help wrote the raw ESC to the terminal, and "[b]"
    # took "/" away from search and showed in the footer.
    app = app_with(seed, {"sidebar.down": ["ctrl+n", "\x1b[31m"], "reader.search": ["[b]"]})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: any("Keys not changed" in t for t in toasts(app)), "a toast")
        shown = " ".join(" ".join(t.split()) for t in toasts(app))
        assert "sidebar.down = '\\x1b[31m' refused" in shown
        assert "reader.search = '[b]' refused" in shown
        await until(pilot, lambda: "? Help" in screen_text(app), "the footer")
        footer = next(line for line in screen_text(app).splitlines() if "? Help" in line)
        assert "/ Search" in footer and "[b]" not in footer
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app)
        rows = [line for line in help_text.splitlines() if "Next story" in line]
        assert "\x1b" not in help_text and not any("[31m" in row for row in rows)
        assert re.search(r"↓ j\s+Next story", help_text)  # its own keys kept
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen), "help closed")
        await pilot.press("slash")
        await until(
            pilot, lambda: app.focused is not None and app.focused.id == "search-input", "search"
        )
