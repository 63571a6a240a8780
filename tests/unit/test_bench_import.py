"""`bench/import.py` times the reader of the checkout it is given (`--before`),
wherever it is run from."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEED = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>T</title>'
    + "".join(f"<item><title>Story {n}</title><guid>g{n}</guid></item>" for n in range(3))
    + "</channel></rss>\n"
)


def bench_import(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_import", module)  # for its dataclass
    spec.loader.exec_module(module)
    return module


def test_news_add_runs_the_reader_of_the_checkout_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from another checkout (here a folder whose `reader` stops at
    once), the bench still runs the reader it was given: `python -m`
    imports from the current folder first."""
    other = tmp_path / "other"
    (other / "reader").mkdir(parents=True)
    (other / "reader" / "__init__.py").write_text("raise SystemExit('the wrong reader')\n")
    (other / "reader" / "__main__.py").write_text("")
    feed = tmp_path / "feed.xml"
    feed.write_text(FEED)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(other)
    run = bench_import(monkeypatch).run_news(feed, work, ROOT)
    assert run.stored == 3
