"""Set-up the reader's tests share: the config file a test writes (in the
`NEWS_CONFIG_DIR` conftest gives each test) and a library holding the
bundled news."""

from __future__ import annotations

import os
from pathlib import Path

from reader.catalog import LibraryCatalog
from reader.config import seed_paths
from reader.library.articles import Library
from reader.seeding import ensure_seeded


def config_file() -> Path:
    return Path(os.environ["NEWS_CONFIG_DIR"]) / "config.toml"


def write_config(text: str) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def seeded(path: Path) -> LibraryCatalog:
    """The library file at `path`, made and seeded with the bundled news."""
    library = Library.open(path)
    ensure_seeded(library, seed_paths())
    return LibraryCatalog(library)
