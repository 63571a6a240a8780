"""Start the TUI: the only place the command line reaches into Textual."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from reader.atomic import StoreError
from reader.catalog import Catalog
from reader.config import data_dir
from reader.highlight import Keyword
from reader.sanitize import clean
from reader.triage.notify_settings import Settings

# Frames a second the reader paints at most: Textual's default of 60 made a
# search's answer wait up to 17 ms for its frame (a third of what the least
# Textual search costs, ../shared/bench/minsearch.py); at 240 the wait is 4 ms
# at most. More (480, 1,000) was slower: more in-between frames, each a render
# pass that competes with the next key. Textual reads the rate from
# TEXTUAL_FPS once, when it is first imported, so it is set here, before
# that; a TEXTUAL_FPS of the person's own is kept.
FRAME_RATE = 240
os.environ.setdefault("TEXTUAL_FPS", str(FRAME_RATE))

from reader.tui.app import NewsApp  # noqa: E402  (after the frame rate is set)
from reader.tui.stderr_guard import LOG_NAME, native_stderr_to  # noqa: E402


def run_tui(
    catalog: Catalog,
    keywords: list[Keyword],
    extra_keywords: list[Keyword],
    warnings: list[str],
    keys: Mapping[str, Sequence[str]] | None = None,
    key_problems: Sequence[str] = (),
    refresh_every: int | None = None,
    alerts: Settings | None = None,
) -> int:
    refused = list(key_problems)
    keymap: dict[str, str] = {}
    if keys:  # only then are the bindings of every dialog imported to check them
        from reader.tui.keymap import resolve

        resolved = resolve(keys)
        keymap, refused = resolved.keys, [*refused, *resolved.refused]
    # Said on the command line too, where it stays once the reader has closed.
    for reason in refused:
        print(f"news: [keys] {clean(reason)}", file=sys.stderr)
    app = NewsApp(
        catalog,
        keywords=keywords,
        extra_keywords=extra_keywords,
        warnings=warnings,
        keymap=keymap,
        refused_keys=refused,
        refresh_every=refresh_every,
        alerts=alerts,
    )
    with native_stderr_to(data_dir() / LOG_NAME):
        app.run()
    # Every write asked for while the app ran, then one last try at anything
    # that could not be saved then (a disk that was full, say).
    app.saver.close()
    failed = bool(app.saver.lost)
    app.saver.print_lost()
    for store in (app.bookmarks, app.state, app.undo):
        try:
            store.flush()
        except StoreError as exc:
            print(f"news: {exc}", file=sys.stderr)
            failed = True
    catalog.close()
    # Textual returns normally after an unhandled exception; its return code tells.
    # A change that could not be saved is a failure too, for scripts and for CI.
    return app.return_code or (1 if failed else 0)
