"""Contracts of the codebase: lint clean, layers kept, and the core works
without Textual. The types are checked by mypy as a step of its own after the
suite (the README's test command and `.ci/run`), not in it: a cold mypy is
about 10 s of one core the suite's workers would wait for."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Importing every core module in a fresh interpreter (reader.__main__ would run the CLI).
IMPORT_THE_CORE = """
import json, pkgutil, sys
import reader
names = [
    m.name for m in pkgutil.walk_packages(reader.__path__, "reader.")
    if not (m.name == "reader.tui" or m.name.startswith("reader.tui."))
    and m.name != "reader.__main__"
]
for name in names:
    __import__(name)
textual = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(json.dumps({"imported": names, "textual": textual}))
"""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_core_does_not_import_textual() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_THE_CORE], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    # The walk reached every module outside reader/tui/, so none escapes the check.
    on_disk = {
        _module_name(path)
        for path in (ROOT / "reader").rglob("*.py")
        if "tui" not in path.relative_to(ROOT / "reader").parts and path.stem != "__main__"
    }
    assert on_disk - {"reader"} <= set(seen["imported"])
    assert seen["textual"] == []


def test_layer_contracts_hold() -> None:
    """The contracts in pyproject.toml: sources and library apart, Textual only in tui."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    if not lint_imports.exists():
        pytest.fail("lint-imports is not installed: pip install -e '.[test]'")
    done = subprocess.run([lint_imports], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


MYPY = "mypy reader tests"


def test_ci_and_the_readme_run_mypy_after_the_suite() -> None:
    """The types stay checked in CI: `.ci/run` and the README's test command
    run mypy (strict for the core, set in pyproject.toml) once the suite passed."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    suite = next(n for n, line in enumerate(ci) if "-m pytest" in line and not line.startswith("#"))
    assert any(MYPY in line and not line.startswith("#") for line in ci[suite + 1 :])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pip install '.[test]' && .venv/bin/pytest && .venv/bin/{MYPY}" in readme


def test_ruff_is_clean() -> None:
    if shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists():
        pytest.skip("ruff is not installed (it comes with the test extras)")
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "reader", "tests", "bench"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# A module past this many lines does more than one thing (issue 14): split it
# by concern before it grows further.
MOST_LINES = 500


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "reader").rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert long == {}


def test_the_reader_screen_wires_and_stays_short() -> None:
    """The screen hands each key and message to a controller (issue 14): past
    300 lines it has started doing a controller's job."""
    screen = ROOT / "reader" / "tui" / "screens" / "reader.py"
    assert len(screen.read_text(encoding="utf-8").splitlines()) < 300
