"""No Rich markup from data on the command line, by construction.

Every command prints through `reader.cli.common.console()`, which parses no
markup, emoji codes or highlights, and every progress bar through
`reader.cli.progress`, whose columns are plain text. This test reads the
source of `reader/cli/` and fails when a new surface parses strings again.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parents[2] / "reader" / "cli"

# Where a call may stand: the one console, and the one progress bar.
ALLOWED = {"Console": {"common.py"}, "Progress": {"progress.py"}}
# Calls that parse markup whatever their arguments.
FORBIDDEN = {"from_markup", "TextColumn", "render_markup"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "rich"
            and any(alias.name == "print" for alias in node.names)
        ):
            found.append(f"{path.name}:{node.lineno}: rich's print parses markup")
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        where = f"{path.name}:{node.lineno}"
        if name in FORBIDDEN:
            found.append(f"{where}: {name} parses markup")
        if name in ALLOWED and path.name not in ALLOWED[name]:
            found.append(f"{where}: {name}() outside {sorted(ALLOWED[name])}")
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg in ("markup", "emoji") and not (
                isinstance(value, ast.Constant) and value.value is False
            ):
                found.append(f"{where}: {keyword.arg}= must be False")
        if name == "Console":
            off = {
                k.arg
                for k in node.keywords
                if isinstance(k.value, ast.Constant) and k.value.value is False
            }
            if not {"markup", "emoji", "highlight"} <= off:
                found.append(f"{where}: Console() without markup, emoji and highlight off")
    return found


def test_the_cli_never_parses_markup() -> None:
    problems = [p for path in sorted(CLI.glob("*.py")) for p in _problems(path)]
    assert problems == []


@pytest.mark.parametrize(
    "source",
    [
        "from rich.console import Console\nConsole(highlight=False).print(title)\n",
        "from rich.text import Text\nText.from_markup(title)\n",
        "from rich.progress import TextColumn\nTextColumn('{task.description}')\n",
        "from rich.progress import Progress\nProgress('Refreshing')\n",
        "out.print(title, markup=True)\n",
        "from rich import print\n",
    ],
)
def test_the_check_catches_each_way_back(tmp_path: Path, source: str) -> None:
    path = tmp_path / "new_command.py"
    path.write_text(source)
    assert _problems(path)
