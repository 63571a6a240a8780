"""`news` in a process of its own, as a script runs it, without starting
Python each time.

A test that reads the bytes `news` writes and the status it exits with runs
it in its own process: `python -m reader ARGS` with standard input a pipe,
output and error captured, the environment and folder the test gives.
Starting Python and importing the command line cost about 0.1 s of CPU a
command, paid again by each of the suite's hundred-odd commands. Here a
starter process imports the command line once, and each command is a fork of
it that runs `reader/__main__.py` as the interpreter runs a `-m` module: its
own file descriptors 0, 1 and 2, `sys.argv`, environment and working folder;
an uncaught exception printed by `sys.excepthook`, status 1; `SystemExit`'s
code as the status; then the interpreter's end (other threads waited for,
`atexit`, what is left in reference cycles collected, the streams flushed: a
failed flush of the output is status 120).
The starter also imports what each command imported (in the order it did),
so the next fork has it.

What Python reads only as it starts (the locale and `PYTHON*` variables: the
streams' encoding and buffering) is the starter's, so there is a starter for
each set of those values. Tests of start-up itself (what gets imported, the
console script, `python -m reader`) and of a terminal run a real process.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import json
import os
import runpy
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

# Read by the interpreter as it starts: a fork inherits what the starter read.
_AT_START = ("LANG", "LC_ALL", "LC_CTYPE")


def _start_key(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted((k, v) for k, v in env.items() if k in _AT_START or k.startswith("PYTHON"))
    )


class _Starter:
    """One starter process; commands go to it one at a time."""

    def __init__(self, env: Mapping[str, str]) -> None:
        requests_r, self._requests = os.pipe()
        self._answers, answers_w = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(requests_r), str(answers_w)],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            pass_fds=(requests_r, answers_w),
        )
        os.close(requests_r)
        os.close(answers_w)
        self._to: IO[str] = os.fdopen(self._requests, "w")
        self._unread = b""  # read from the starter, past the last line taken
        self.lock = threading.Lock()
        self.cpu = 0.0  # seconds of CPU its commands used, all told

    def run(self, request: dict[str, Any], timeout: float) -> int:
        with self.lock:
            self._to.write(json.dumps(request) + "\n")
            self._to.flush()
            forked = self._line(timeout)
            if forked is None:
                raise RuntimeError("the starter of `news` processes did not fork")
            pid = json.loads(forked)["pid"]
            answer = self._line(timeout)
            if answer is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                self._line(10)  # the starter's word that it has ended
                raise subprocess.TimeoutExpired(request["args"], timeout)
            ended = json.loads(answer)
            self.cpu += ended["cpu"]
            status: int = ended["status"]
            return status

    def _line(self, timeout: float) -> str | None:
        """The starter's next line, or None if none comes within `timeout` s.
        Read from the descriptor itself: a buffered reader may already hold
        the line `select` would wait for."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._unread:
            left = max(0.0, deadline - time.monotonic())
            if not select.select([self._answers], [], [], left)[0]:
                return None
            if not (chunk := os.read(self._answers, 65536)):
                raise RuntimeError("the starter of `news` processes has ended")
            self._unread += chunk
        line, self._unread = self._unread.split(b"\n", 1)
        return line.decode()

    def close(self) -> None:
        self._to.close()
        os.close(self._answers)
        self.process.wait(timeout=10)


_starters: dict[tuple[tuple[str, str], ...], _Starter] = {}
_starters_lock = threading.Lock()


def news(
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: bytes = b"",
    cwd: str | Path | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """`python -m reader ARGS`, standard input a pipe holding `stdin`, output
    and error captured: what `subprocess.run(..., input=stdin,
    capture_output=True)` gives."""
    assert len(stdin) < 65536, "more than a pipe holds before it is read"
    env = dict(os.environ if env is None else env)
    key = _start_key(env)
    with _starters_lock:
        starter = _starters.get(key)
        if starter is None or starter.process.poll() is not None:
            if not _starters:
                atexit.register(_stop_starters)
            starter = _starters[key] = _Starter(env)
    with tempfile.TemporaryDirectory(prefix="news-") as folder:
        files = {name: os.path.join(folder, name) for name in ("out", "err", "learned")}
        request = {
            "args": list(args),
            "stdin": stdin.decode("latin-1"),
            "env": env,
            "cwd": str(cwd or os.getcwd()),
            **files,
        }
        status = starter.run(request, timeout)
        out, err = Path(files["out"]).read_bytes(), Path(files["err"]).read_bytes()
    return subprocess.CompletedProcess(["news", *args], status, out, err)


def _stop_starters() -> None:
    for starter in _starters.values():
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            starter.close()


# --- the starter process -------------------------------------------------------


def _serve(requests_fd: int, answers_fd: int) -> None:
    from reader.cli import COMMANDS

    for module in {spec.split(":")[0] for spec in COMMANDS.values()}:
        importlib.import_module(f"reader.cli.{module}")
    gc.collect()
    gc.freeze()  # what the starter made is not copied by each fork's collector
    answers = os.fdopen(answers_fd, "w")
    with os.fdopen(requests_fd) as requests:
        for line in requests:
            request = json.loads(line)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                os.close(requests.fileno())
                os.close(answers.fileno())
                os._exit(_command(request))
            answers.write(json.dumps({"pid": pid}) + "\n")
            answers.flush()
            _, wait_status, usage = os.wait4(pid, 0)
            status = os.waitstatus_to_exitcode(wait_status)
            cpu = usage.ru_utime + usage.ru_stime
            # Read before the answer: the folder it is in goes once the answer is
            # read (read after, it was often gone, and each command imported
            # again what the one before had: 0.2 s, not 0.05, a `news add URL`).
            learned = _learned(request["learned"])
            answers.write(json.dumps({"status": status, "cpu": cpu}) + "\n")
            answers.flush()
            _learn(learned)


def _learned(path: str) -> list[str]:
    """The modules the last command imported, as it wrote them."""
    try:
        return Path(path).read_text().split()
    except OSError:
        return []


def _learn(names: list[str]) -> None:
    """Import what the last command imported, so the next fork has it already."""
    for name in names:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    gc.freeze()


def _command(request: dict[str, Any]) -> int:
    """In the fork: `python -m reader ARGS` from here on, to the end of the process."""
    status = 1
    try:
        given = request["stdin"].encode("latin-1")
        read_end, write_end = os.pipe()  # standard input a pipe, as subprocess gives it
        os.write(write_end, given)
        os.close(write_end)
        os.dup2(read_end, 0)
        os.close(read_end)
        for fd, name in ((1, "out"), (2, "err")):
            opened = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[0] = os.getcwd()  # as `python -m` sets it
        status = _as_main(request["args"], request["learned"])
    finally:
        os._exit(status)


def _as_main(args: list[str], learned_at: str) -> int:
    """What the interpreter does for `python -m reader ARGS` after it started."""
    import reader

    sys.argv = [os.path.join(os.path.dirname(reader.__file__), "__main__.py"), *args]
    known = set(sys.modules)
    try:
        runpy.run_module("reader", run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as done:
        status = _exit_status(done.code)
    except BaseException:
        sys.excepthook(*sys.exc_info())
        status = 1
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    # The interpreter's end collects what is left in reference cycles, and
    # their finalizers close what a command left open: a SQLite connection is
    # one such cycle (with its statement cache), and `news list` leaves its
    # library to be closed then, its write-ahead log put into the file.
    gc.collect()
    try:
        sys.stdout.flush()
    except Exception:
        traceback.print_exc()
        status = 120
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    # In the order they were imported: some modules expect another imported first.
    ran = ("__main__", "reader.__main__")
    learned = [name for name in sys.modules if name not in known and name not in ran]
    with contextlib.suppress(OSError):
        Path(learned_at).write_text("\n".join(learned))
    return status


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.path.pop(0)  # this file's folder: the reader is imported as installed
    _serve(int(sys.argv[1]), int(sys.argv[2]))
