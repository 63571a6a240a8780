"""Driving the shared FreshRSS script (``../shared/servers/freshrss.py``) from tests.

The script is found through ``$NEWS_FRESHRSS_SCRIPT``, else beside the
repository (``<repo>/../shared/servers/freshrss.py``), else in
``/work/shared/servers``. It is run as a program, as the brief says, so a test
sees exactly what a person running it sees.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
UNAVAILABLE = 3  # the script's exit status when PHP cannot be had


class Unavailable(RuntimeError):
    """PHP (or the script) is missing here; the message says what."""


def script() -> Path:
    if env := os.environ.get("NEWS_FRESHRSS_SCRIPT"):
        return Path(env)
    beside = ROOT.parent / "shared" / "servers" / "freshrss.py"
    return beside if beside.exists() else Path("/work/shared/servers/freshrss.py")


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    path = script()
    if not path.exists():
        raise Unavailable(f"the FreshRSS script is not at {path} (set NEWS_FRESHRSS_SCRIPT)")
    return subprocess.run(
        [sys.executable, str(path), *args], capture_output=True, text=True, timeout=timeout
    )


def start(folder: Path) -> dict[str, Any]:
    """A new FreshRSS in ``folder``: the script's JSON (api, user, api_password, ...)."""
    done = _run("start", "--dir", str(folder))
    if done.returncode == UNAVAILABLE:
        raise Unavailable(done.stderr.strip().removeprefix("freshrss: ") or "no reason given")
    if done.returncode:
        raise RuntimeError(f"FreshRSS did not start: {done.stderr.strip()}")
    info: dict[str, Any] = json.loads(done.stdout)
    return info


def refresh(info: dict[str, Any]) -> None:
    """The server fetches every feed it subscribes to, now.

    FreshRSS skips a feed it fetched within its TTL (an hour) and reads its
    own copy for 800 s after that, so a feed a test changed would not be seen:
    each feed's last fetch is set back and the copies dropped first."""
    root = Path(info["dir"]) / "freshrss" / "data"
    with contextlib.closing(sqlite3.connect(root / "users" / info["user"] / "db.sqlite")) as db:
        db.execute("UPDATE feed SET lastUpdate = 1")
        db.commit()
    for copy in (root / "cache").glob("*.spc"):
        copy.unlink(missing_ok=True)
    done = _run("refresh", "--dir", info["dir"])
    assert done.returncode == 0, done.stderr


def stop(info: dict[str, Any]) -> None:
    _run("stop", "--dir", info["dir"], timeout=60)
