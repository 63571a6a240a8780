"""Contracts of the codebase: lint clean, and the core works without Textual."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = [
    "reader.model",
    "reader.sanitize",
    "reader.sources.dump",
    "reader.render",
    "reader.config",
    "reader.cli",
    "reader.query",
    "reader.highlight",
    "reader.bookmarks",
    "reader.state",
    "reader.net",
    "reader.sources.feed",
    "reader.sources.opml",
    "reader.sources.markdown_dir",
    "reader.markdown",
    "reader.library.articles",
    "reader.library.search",
    "reader.catalog",
]


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE!r}: __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


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
