"""A library file made elsewhere, escapes and all: what the reader and the
command line read from one must be cleaned again on the way out."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def tamper(library: Path) -> str:
    """Write escapes into a library the way someone else's copy could hold them;
    the id of the story changed."""
    conn = sqlite3.connect(library)
    with conn:
        (story,) = conn.execute("SELECT id FROM articles ORDER BY ordinal LIMIT 1").fetchone()
        # The plain text keeps its length (its outline still fits); the Markdown grows.
        conn.execute(
            "UPDATE articles SET title = ?, author = ?, text = replace(text, ?, ?),"
            " body = replace(body, ?, ?) WHERE id = ?",
            (
                "Evil\x1b]0;pwned\x07 title \u202ex",
                "A\x9d B",
                "Tesla China",
                "Tesla\x1bChina",
                "Tesla China",
                "Tesla \x1b[2JChina",
                story,
            ),
        )
        conn.execute("UPDATE sections SET name = 'Ne\x9dws\u2066' WHERE key = 'news'")
    conn.close()
    return str(story)
