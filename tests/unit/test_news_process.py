"""The forked `news` the command tests run (tests/news_process.py) gives what a
process of its own gives: the same bytes on output and error, the same status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import news_process
import pytest


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("list", "--json"), b""),
        (("show", "no such id \x1b]0;t\x07"), b""),  # status 2, the id cleaned on error
        (("list", "--bogus"), b""),  # argparse's usage and SystemExit(2)
        (("--version",), b""),
        (("remove", "Anything"), b"y\n"),  # asks only at a terminal: a pipe is not one
        (("account", "add", "http://127.0.0.1:9/api", "--user", "u", "--password-stdin"), b"pw\n"),
    ],
)
def test_a_fork_writes_and_exits_as_its_own_process(
    args: tuple[str, ...], stdin: bytes, tmp_path: Path
) -> None:
    forked = news_process.news(*args, stdin=stdin, cwd=tmp_path)
    real = subprocess.run(
        [sys.executable, "-m", "reader", *args],
        input=stdin,
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert (forked.returncode, forked.stdout, forked.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    )
    assert forked.stdout or forked.stderr


def test_a_fork_leaves_the_files_a_process_of_its_own_leaves(tmp_path: Path) -> None:
    """What a command leaves open is closed as the interpreter ends: `news
    list` leaves its library to that, and closing it puts its write-ahead log
    into the file (a fork that skipped it left `-wal` and `-shm` beside a
    library of one page)."""
    forked, real = tmp_path / "forked", tmp_path / "real"
    for folder in (forked, real):
        folder.mkdir()
    done = news_process.news("--library", str(forked / "library.sqlite"), "list")
    assert done.returncode == 0, done.stderr
    subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(real / "library.sqlite"), "list"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert sorted(p.name for p in forked.iterdir()) == sorted(p.name for p in real.iterdir())
