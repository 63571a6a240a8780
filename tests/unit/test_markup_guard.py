"""No markup from data anywhere in the reader, by construction.

`test_cli_markup.py` keeps the command line's one console and progress bar;
this is its sibling for the rest of `reader/`, the TUI above all. Textual
parses markup in more places than Rich: `notify`, `Label` and `Static` given a
string, a widget's `update`, `border_title`, an `Option`'s prompt. A feed
title such as `[@click=app.quit]` that reaches one of them becomes an action
on a click, and `Ars [/] Technica` a crash. The rule is read off the source:
untrusted text goes in as `Text` or `Content`, or with `markup=False`, and a
string a call parses may only be written out in the code itself.

A new surface that builds a markup string from data fails here, naming the
line; each way is shown to be caught below.
"""

from __future__ import annotations

import ast
from collections.abc import Set as AbstractSet
from pathlib import Path

import pytest

READER = Path(__file__).resolve().parents[2] / "reader"

# Calls that parse markup whatever they are given.
ALWAYS = {"from_markup", "render_markup", "TextColumn"}
# Widgets whose first argument is parsed as markup when it is a string.
WIDGETS = {"Label", "Static", "Button", "Option", "Tooltip", "Markdown", "Link"}
# Attributes that Textual parses as markup when given a string.
TITLES = {"border_title", "border_subtitle", "title", "sub_title", "tooltip"}
# Where Textual's own notify may be called: the plain-text wrapper.
NOTIFY_HOME = Path("tui") / "toast.py"
# Functions of ours that return renderables, never markup strings.
RENDERABLE_CALLS = {"binding_table"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _markup_off(call: ast.Call) -> bool:
    return any(
        k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )


def _renderable_call(node: ast.expr, ours: AbstractSet[str] = frozenset()) -> bool:
    """`Text(...)`, `Content(...)`, `Text.assemble(...)`, a `Table(...)`: a
    class or one of its constructors, never a string; or one of ours, named in
    RENDERABLE_CALLS or declared in the module to return `Text` or `Content`."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("Text", "Content")
    ):
        return func.attr != "from_markup"
    name = _name(func)
    return name[:1].isupper() or name in RENDERABLE_CALLS or name in ours


def _renderable_functions(tree: ast.AST) -> set[str]:
    """Functions of the module whose return annotation is `Text` or `Content`:
    mypy holds them to it, so their result is never a markup string."""
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and node.returns is not None
        and _name(node.returns) in ("Text", "Content")
    }


def _renderable_names(tree: ast.AST, ours: AbstractSet[str]) -> set[str]:
    """Variables assigned only renderables in the module (`label = Text(...)`)."""
    assigned: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                ok = _renderable_call(node.value, ours)
                assigned[target.id] = assigned.get(target.id, True) and ok
    return {name for name, ok in assigned.items() if ok}


def _built_string(
    node: ast.expr,
    safe: AbstractSet[str] = frozenset(),
    ours: AbstractSet[str] = frozenset(),
) -> bool:
    """Could this be a string made from data at run time? A literal written in
    the code is ours; `Text(...)`, `Content(...)` and other renderables are not
    parsed; anything else (an f-string, a variable, a concatenation, `.format`)
    may be a stranger's text."""
    if isinstance(node, ast.Constant):
        return False
    if isinstance(node, ast.Name) and node.id in safe:
        return False
    if isinstance(node, ast.IfExp):
        return _built_string(node.body, safe, ours) or _built_string(node.orelse, safe, ours)
    return not _renderable_call(node, ours)  # JoinedStr, BinOp, Name, .format(), str() ...


def problems(path: Path, relative: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours = _renderable_functions(tree)
    safe = _renderable_names(tree, ours)
    found = []
    for node in ast.walk(tree):
        where = f"{relative}:{getattr(node, 'lineno', 0)}"
        # Only a widget, screen or app has these as Textual's; elsewhere a
        # `.title` is a story's.
        if isinstance(node, ast.Assign | ast.AnnAssign) and relative.parts[0] == "tui":
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in TITLES
                    and node.value is not None
                    and _built_string(node.value, safe, ours)
                ):
                    found.append(f"{where}: {target.attr} = a built string parses markup")
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        first = node.args[0] if node.args else None
        if name in ALWAYS:
            found.append(f"{where}: {name} parses markup")
        for keyword in node.keywords:
            if keyword.arg == "markup" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                found.append(f"{where}: markup= must be False")
        if isinstance(node.func, ast.Attribute) and name == "notify":
            if relative != NOTIFY_HOME:
                found.append(f"{where}: Textual's notify parses markup; use reader.tui.toast")
            elif not _markup_off(node):
                found.append(f"{where}: notify without markup=False")
        if (
            isinstance(node.func, ast.Attribute)
            and name == "print"
            and not _markup_off(node)
            and any(_built_string(arg, safe, ours) for arg in node.args)
        ):
            found.append(f"{where}: print of a built string without markup=False")
        if (
            name in WIDGETS
            and first is not None
            and _built_string(first, safe, ours)
            and not _markup_off(node)
        ):
            found.append(f"{where}: {name}() of a built string without markup=False")
        if (
            isinstance(node.func, ast.Attribute)
            and name == "update"
            and first is not None
            and isinstance(first, ast.JoinedStr | ast.BinOp)
        ):
            found.append(f"{where}: update() of a built string may parse markup")
    return found


def test_nothing_in_the_reader_parses_markup_from_data() -> None:
    found = [
        problem
        for path in sorted(READER.rglob("*.py"))
        if path.parent.name != "cli"  # test_cli_markup.py holds the command line
        for problem in problems(path, path.relative_to(READER))
    ]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "self.app.notify(f'{title} failed')\n",
        "app.notify(message)\n",
        "self.notify(message, markup=False)\n",  # Textual's, outside toast.py
        "Text.from_markup(title)\n",
        "Content.from_markup(f'Opening {url}')\n",
        "from rich.progress import TextColumn\nTextColumn('{task.description}')\n",
        "console.print(story.title)\n",
        "console.print(f'{title}')\n",
        "widget.update(f'[b]{title}[/b]')\n",
        "Label(f'{title}')\n",
        "Label(title)\n",
        "Static('Feed: ' + title)\n",
        "Static('{}'.format(title))\n",
        "Label(Text(title), markup=True)\n",
        "Option(f'{keyword.word}')\n",
        "label = Text.from_markup(word)\nOption(label)\n",
        "label = Text(word)\nlabel = word\nOption(label)\n",
        "self.border_title = f'Note on {story.title}'\n",
        "self.sub_title = story.title\n",
        "def prompt(word: str) -> str:\n    return word\nOption(prompt(word))\n",
    ],
)
def test_the_check_catches_each_way_back(tmp_path: Path, source: str) -> None:
    path = tmp_path / "new_widget.py"
    path.write_text(source)
    assert problems(path, Path("tui") / "widgets" / "new_widget.py")


@pytest.mark.parametrize(
    "source",
    [
        "Label(title, markup=False)\n",
        "Label(Text(title))\n",
        "label = Text.assemble((word, style))\nOption(label)\n",
        "Static(Content(title))\n",
        "Label('/')\n",
        "console.print(Text(title))\n",
        "self.border_title = 'Keys'\n",
        "notify(self, f'Opening {url}')\n",  # the reader's own: plain text
        "def prompt(word: str) -> Text:\n    return Text(word)\nOption(prompt(word))\n",
    ],
)
def test_what_is_safe_passes(tmp_path: Path, source: str) -> None:
    path = tmp_path / "new_widget.py"
    path.write_text(source)
    assert problems(path, Path("tui") / "widgets" / "new_widget.py") == []


def test_a_title_outside_the_tui_is_data_not_textual(tmp_path: Path) -> None:
    path = tmp_path / "feed.py"
    path.write_text("entry.title = item.get('title')\n")
    assert problems(path, Path("sources") / "feed.py") == []
