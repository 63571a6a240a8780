"""The rules dialog (R): the config's rules listed, Delete removing one for good."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli.common import open_catalog
from reader.config import load_config
from reader.tui.app import NewsApp
from reader.tui.dialogs.rules import RuleList, RulesDialog
from reader.tui.screens.reader import ReaderScreen

from .given import seeded, write_config
from .shown import Said, sidebar_lines
from .waiting import settled, until

SIZE = (100, 30)

CONFIG = """\
# my reader
[highlight]
keywords = ["Tesla"]  # followed

[[rules]]
name = "Capsules"
query = "starfall OR starship"

[[rules]]
name = "No trademarks"
query = "trademark"
action = "hide"
until = 2099-12-31

[[rules]]
name = "[bold red]Loud[/] \\u001b[2J"
query = "semi"
source = "Teslarati"

[[rules]]
name = "Broken"
query = "tesla"
action = "mute"
"""


def rules_app(tmp_path: Path, config: str, *, with_keywords: bool = False) -> tuple[Path, NewsApp]:
    """The config written, a seeded library with `news rules apply` run over it,
    and the reader on it (following the config's keywords if asked)."""
    path = write_config(config)
    library = tmp_path / "library.sqlite"
    seeded(library).close()
    assert main(["rules", "apply", "--library", str(library)]) == 0
    keywords = load_config().keywords if with_keywords else ()
    return path, NewsApp(open_catalog([], load_config()), keywords=keywords)


def line_of(app: NewsApp, start: str) -> str:
    return next(line for line in sidebar_lines(app) if line.lstrip("▸ ").startswith(start))


def dialog_lines(app: NewsApp) -> list[str]:
    listing = app.screen.query_one(RuleList)
    return [listing.render_line(y).text.rstrip() for y in range(listing.size.height)]


async def test_r_lists_the_rules_and_delete_removes_one_from_the_file_and_the_reader(
    tmp_path: Path,
) -> None:
    path, app = rules_app(tmp_path, CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert line_of(app, "Capsules").split()[-1] == "1/1"
        assert sidebar_lines(app)[0] == "1 hidden · H shows them"

        await pilot.press("R")
        assert isinstance(app.screen, RulesDialog)
        lines = dialog_lines(app)
        assert "Capsules           section  starfall OR starship" in lines[0]
        assert "No trademarks      hide     trademark  until 2099-12-31" in lines[1]
        # Markup and an escape in a name: the brackets shown as typed, the
        # escape character gone (cleaned where the config is read), nothing styled red.
        assert "[bold red]Loud[/]  section  semi  source Teslarati" in lines[2]
        # The queries in one column.
        queries = ("starfall", "trademark  ", "semi ")
        starts = [line.index(q) for line, q in zip(lines[:3], queries, strict=True)]
        assert len(set(starts)) == 1
        loud = app.screen.query_one(RuleList).render_line(2)
        assert not any("Loud" in s.text and s.style and s.style.color
                       and s.style.color.name == "red" for s in loud)  # fmt: skip
        # The entry the config could not use, with its reason.
        assert "left out" in lines[3] and "action 'mute' is not one of" in lines[3]

        # The hide rule goes: out of the file (the rest kept as written), its
        # story back in the list.
        await pilot.press("down", "delete")
        assert "No trademarks" not in "".join(dialog_lines(app))
        text = path.read_text(encoding="utf-8")
        assert "No trademarks" not in text
        assert text.startswith('# my reader\n[highlight]\nkeywords = ["Tesla"]  # followed\n')
        assert 'action = "mute"' in text  # the broken entry left for the person to fix
        # The section rule goes too; the file still reads.
        await pilot.press("up", "delete")
        names = [r["name"] for r in tomllib.loads(path.read_text(encoding="utf-8"))["rules"]]
        assert names == ["[bold red]Loud[/] \x1b[2J", "Broken"]
        # The cleaned name the reader shows finds the entry written with the escape.
        await pilot.press("delete")
        names = [r["name"] for r in tomllib.loads(path.read_text(encoding="utf-8"))["rules"]]
        assert names == ["Broken"]
        assert "left out" in dialog_lines(app)[0]

        await pilot.press("escape")
        await settled(pilot)
        lines = sidebar_lines(app)
        assert not any(line.lstrip("▸ ").startswith("Capsules") for line in lines)
        assert "hidden" not in lines[0]
        assert any("trademarked" in line for line in lines)


async def test_z_puts_a_removed_rule_back_as_it_was_written_and_where_it_was(
    tmp_path: Path,
) -> None:
    commented = CONFIG.replace('name = "No trademarks"', '# seen too often\nname = "No trademarks"')
    path, app = rules_app(tmp_path, commented)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("R")
        await pilot.press("z")  # nothing removed yet: nothing changes
        assert path.read_text(encoding="utf-8") == commented

        # Remove the hide rule, then the section rule; both come back, the last first.
        await pilot.press("down", "delete", "up", "delete")
        assert [line.split()[0] for line in dialog_lines(app)[:1]] == ["[bold"]
        await pilot.press("z")
        assert "Capsules" in dialog_lines(app)[0]
        await pilot.press("z")
        assert "No trademarks" in dialog_lines(app)[1]
        # The file is as the person wrote it: the comment and the order kept.
        assert path.read_text(encoding="utf-8") == commented

        await pilot.press("escape")
        await settled(pilot)
        # The section is listed again, and the story the hide rule hid is hidden again.
        assert line_of(app, "Capsules").split()[-1] == "1/1"
        assert sidebar_lines(app)[0] == "1 hidden · H shows them"
        assert not any("trademarked" in line for line in sidebar_lines(app))


async def test_rules_and_keywords_changed_in_another_terminal_reach_the_running_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.tui import outside_watch

    monkeypatch.setattr(outside_watch, "CONFIG_EVERY", 0.05)
    path, app = rules_app(tmp_path, CONFIG, with_keywords=True)
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await settled(pilot)
        assert sidebar_lines(app)[0] == "1 hidden · H shows them"

        # `news rules add` and `news rules remove`, as from another terminal.
        assert main(["rules", "add", "Semis", "semi"]) == 0
        await until(pilot, lambda: any(line.startswith("▸ Semis") for line in sidebar_lines(app)))
        assert "Rules changed in the config: 1 added" in said.messages()
        assert line_of(app, "Semis").split()[-1] == "1/1"
        assert main(["rules", "remove", "No trademarks"]) == 0
        await until(pilot, lambda: any("trademarked" in line for line in sidebar_lines(app)))
        assert "hidden" not in sidebar_lines(app)[0]
        # A section rule edited by hand: searched again under its name.
        text = path.read_text(encoding="utf-8")
        text = text.replace('"Semis"\nquery = "semi"', '"Semis"\nquery = "semi OR trademark"')
        path.write_text(text, encoding="utf-8")
        await until(pilot, lambda: line_of(app, "Semis").split()[-1] == "2/2")

        # Keywords edited: followed at once; a half-written file keeps them, said.
        path.write_text(text.replace('keywords = ["Tesla"]', 'keywords = ["Shanghai"]'), "utf-8")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        followed = screen.keyword_control
        await until(pilot, lambda: [k.word for k in followed.keywords] == ["Shanghai"])
        path.write_text("[highlight\n", encoding="utf-8")
        await until(pilot, lambda: any("is not valid TOML" in m for m in said.messages()))
        assert [k.word for k in followed.keywords] == ["Shanghai"]


async def test_the_open_dialog_follows_rules_added_and_removed_in_another_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.tui import outside_watch

    monkeypatch.setattr(outside_watch, "CONFIG_EVERY", 0.05)
    _, app = rules_app(tmp_path, CONFIG)
    said = Said()
    async with app.run_test(size=SIZE, message_hook=said) as pilot:
        await settled(pilot)
        await pilot.press("R", "down")  # on "No trademarks"
        assert isinstance(app.screen, RulesDialog)
        assert not any("Semis" in line for line in dialog_lines(app))

        assert main(["rules", "add", "Semis", "semi"]) == 0  # as from another terminal
        await until(pilot, lambda: any(line.startswith("Semis ") for line in dialog_lines(app)))
        await until(pilot, lambda: "Rules changed in the config: 1 added" in said.messages())
        lines = dialog_lines(app)
        # In the config's order, before the entry left out; the highlight stays put.
        assert [line.split()[0] for line in lines[:5]] == [
            "Capsules", "No", "[bold", "Semis", "left"
        ]  # fmt: skip
        assert app.screen.query_one(RuleList).highlighted == 1

        assert main(["rules", "remove", "Capsules"]) == 0
        await until(pilot, lambda: not any("Capsules" in line for line in dialog_lines(app)))
        assert app.screen.query_one(RuleList).highlighted == 0  # still "No trademarks"
        await pilot.press("delete")  # removes the rule it shows, not another
        await until(pilot, lambda: not any("No trademarks" in ln for ln in dialog_lines(app)))
        assert [r.name for r in load_config().rules] == ["[bold red]Loud[/]", "Semis"]
        # A change arriving while the dialog has no list (being built or
        # closing: it failed once so under load) is kept, not a crash.
        dialog = app.screen
        assert isinstance(dialog, RulesDialog)
        await dialog.query_one(RuleList).remove()
        dialog.take_in(load_config().rules[:1], [])
        assert [r.name for r in dialog.rules] == ["[bold red]Loud[/]"]
