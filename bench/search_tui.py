"""Search in the TUI on libraries of 10,000 and 100,000 articles: from the last
keystroke of a word to its result count painted in the search bar, and from
Enter to the story painted at its first match.

    /work/venv/bin/python bench/search_tui.py [--articles 10000,100000] [--runs 9]
        [--size 120x40] [--workdir DIR] [--reuse /tmp/lib{n}.sqlite]

The words are corpus.py's: quokkapolis (~1 article in 1,000), wallabyville (1 in
30), dingotown (9 in 10). Their counts come first from `news search WORD
--library FILE --json` ("total"); the bar must then show the same count
("11 stories", "9,000 stories", "1 story", "nothing found") beside
the whole word, with no "searching…".

Each of --runs sessions (a fresh process and data directory, tmux 120x40):
`/` (and, once the app is done with the focus change, which the footer
shows), the word typed with a single tmux send-keys (the TUI searches as
each letter arrives, as it would for a person typing fast), timed from the
return of that call; Enter, timed to the chosen story painted (the first of
the screens that show it up to the end: the table says when another story was
painted before it) and to "match 1 of" in the bar. Then for each
word in turn: `/`, ctrl+u, wait for the empty bar, type, time, Enter, time. The
first search of a session (rotating through the words) also opens the
searcher's connection and is reported apart as "first in session"; the table's
main figures are the later ones. Medians over sessions; the geometric mean is
of the three words' medians.

Beside the reader, in the same run and taking turns with it session by session
(see search_floor.py), at the sizes in --compare (default 10,000):
`../shared/bench/minsearch.py` with TEXTUAL_FPS=240 (the floor: the same words
typed in one go, last key to its count painted) and newsboat 2.21 (`/`, the
word, Enter to its search results), each with a first search per session that
is not counted, as the reader's. The ratios printed are of the geometric means
of the medians. --no-newsboat leaves newsboat out (the README's figure is then
quoted); --no-floor leaves minsearch out.

Goals (issue 15): at 10,000, the geometric mean at most 1.5x the floor's and at
most 0.5x newsboat's; under 100 ms at 100,000; Enter to the first match under
50 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import search_floor
import textual
from tui_common import (
    ROOT,
    Timeout,
    Tui,
    bar_line,
    compile_reader,
    corpus_file,
    ensure_library,
    fresh_env,
    median,
    news_cmd,
    p95,
    quit_app,
    revision,
    scratch,
    settle,
    story_number,
    wait_for,
)

FIRST_STORY = r"Generated story number 0\."
WORDS = ["quokkapolis", "wallabyville", "dingotown"]
# ../shared/bench/README.md, 10,000 items, measured 11-30, interleaved: quoted when not measured
NEWSBOAT_MS = {"quokkapolis": 40, "wallabyville": 57, "dingotown": 365}
GOAL_FLOOR, GOAL_NEWSBOAT = 1.5, 0.5  # at most these times the floor's, newsboat's
GOAL_MS = {100_000: 100.0}
GOAL_ENTER_MS = 50


def geomean(values: list[float]) -> float:
    return math.prod(values) ** (1 / len(values))


def cli_total(library: Path, word: str, env: dict[str, str]) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "reader", "search", word, "--library", str(library), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
    )
    if done.returncode not in (0, 1):  # 1: nothing found, like grep
        sys.exit(f"news search {word} failed:\n{done.stderr}")
    return int(json.loads(done.stdout)["total"])


def count_pattern(total: int) -> re.Pattern[str]:
    if total == 0:
        return re.compile("nothing found")
    return re.compile(rf"(?<![\d,]){total:,} stor{'y' if total == 1 else 'ies'}\b")


def search_once(
    tui: Tui, word: str, total: int, clear: bool, problems: list[str], pid: int
) -> dict[str, object] | None:
    """ms from the typed word to its count; from Enter to the chosen story
    painted and to 'match 1 of'; other stories painted in between."""
    tui.send("/")
    if clear:
        tui.send("C-u")
    # The bar open and empty (its placeholder shows), and the app done with the
    # focus change (the footer, rebuilt on each, shows the bar's keys).
    wait_for(
        tui,
        lambda s: "Search: words" in bar_line(s),
        time.perf_counter(),
        timeout=10,
    )
    settle(tui, quiet=0.1, timeout=1)
    wanted = count_pattern(total)
    typed = re.compile(rf"^\s*/\s+{word}\b")

    def counted(screen: str) -> bool:
        line = bar_line(screen)
        return bool(typed.match(line) and wanted.search(line) and "searching" not in line)

    spent = search_floor.cpu_ms(pid)
    key = tui.type(word)
    try:
        found, _ = wait_for(tui, counted, key, timeout=15)
        cpu = search_floor.cpu_ms(pid) - spent
    except Timeout:
        problems.append(
            f"{word}: no '{wanted.pattern}' within 15 s; bar: {bar_line(tui.screen())!r}"
        )
        return None
    settle(tui, quiet=0.1, timeout=1)
    key = tui.send("Enter")
    # Every screen until "match 1 of": the story on each (the pane is hidden
    # behind the results before Enter, so None there).
    seen: list[tuple[float, int | None]] = []
    deadline = key + 10
    while True:
        screen = tui.screen()
        seen.append((time.perf_counter() - key, story_number(screen)))
        if "match 1 of" in bar_line(screen):
            break
        if time.perf_counter() > deadline or "Traceback" in screen:
            problems.append(f"{word}: Enter, no 'match 1 of'; bar: {bar_line(screen)!r}")
            return None
        time.sleep(0.004)
    opened, chosen = seen[-1]
    painted = opened  # the start of the last run of screens showing the chosen story
    for seconds, number in reversed(seen):
        if number != chosen:
            break
        painted = seconds
    stale = sorted({n for _, n in seen if n is not None and n != chosen})
    settle(tui)  # the app is done with the Enter
    return {
        "count": found * 1000,
        "cpu": cpu,
        "story": painted * 1000,
        "match": opened * 1000,
        "stale": stale,
    }


def bench_size(
    n: int,
    library: Path,
    runs: int,
    size: tuple[int, int],
    homes: Path,
    others: dict[str, Callable[..., list[tuple[str, float]]]],
) -> dict[str, object]:
    cmd = news_cmd(library)
    env = fresh_env(homes)
    totals = {word: cli_total(library, word, env) for word in WORDS}  # seeds the library too
    print(f"  news:    {cmd}")
    print(
        "  counts:  "
        + ", ".join(f"{w} {t:,}" for w, t in totals.items())
        + "  (news search --json)"
    )
    # per word: lists of ms ("first": the session's first search), and stale stories seen
    timed: dict[str, dict[str, list]] = {
        w: {"count": [], "cpu": [], "story": [], "match": [], "first": [], "stale": []}
        for w in WORDS
    }
    # the programs compared, in the same sessions: name -> word -> ms
    beside: dict[str, dict[str, list[float]]] = {name: {w: [] for w in WORDS} for name in others}
    beside_cpu: dict[str, dict[str, list[float]]] = {
        name: {w: [] for w in WORDS} for name in others
    }
    problems: list[str] = []
    with Tui(cmd, size=size, env=fresh_env(homes)) as tui:  # warms the file cache
        tui.wait(FIRST_STORY, timeout=60)
        quit_app(tui)
    for run in range(runs):
        with Tui(cmd, size=size, env=fresh_env(homes)) as tui:
            tui.wait(FIRST_STORY, timeout=60)
            settle(tui)
            pid = search_floor.pane_pid(tui, b"reader")
            cold = WORDS[run % len(WORDS)]
            shift = (run + 1) % len(WORDS)  # the next word first: never the same twice running
            order = WORDS[shift:] + WORDS[:shift]
            try:
                if got := search_once(tui, cold, totals[cold], False, problems, pid):
                    timed[cold]["first"].append(got["count"])
                for word in order:
                    if got := search_once(tui, word, totals[word], True, problems, pid):
                        for what in ("count", "cpu", "story", "match"):
                            timed[word][what].append(got[what])
                        if got["stale"]:
                            timed[word]["stale"].append(got["stale"])
            except Timeout as exc:
                problems.append(f"session {run}: {exc}")
            code, traceback = quit_app(tui)
            if code != 0 or traceback:
                problems.append(f"session {run}: exit status {code}, traceback: {traceback}")
        for name, session in others.items():  # the same words, in the same order
            spent: dict[str, list[float]] = {}
            got = session(size, [cold, *order], totals, problems, spent)
            if got and got[0][0] == cold:  # the session's first search: apart, as the reader's
                got = got[1:]
                if spent.get(cold):
                    spent[cold].pop(0)
            for word, ms in got:
                beside[name][word].append(ms)
            for word, values in spent.items():
                beside_cpu[name][word].extend(values)
    return {
        "totals": totals,
        "timed": timed,
        "beside": beside,
        "cpu": beside_cpu,
        "problems": problems,
    }


def cell(values: list[float]) -> str:
    return f"{median(values):4.0f} ({p95(values):3.0f})" if values else "-"


def comparators(
    n: int, workdir: Path, floor: bool, newsboat: bool
) -> dict[str, Callable[..., list[tuple[str, float]]]]:
    """The programs run beside the reader at this size, ready to run a session."""
    others: dict[str, Callable[..., list[tuple[str, float]]]] = {}
    if floor:
        fts = search_floor.build_floor(corpus_file(n, workdir), workdir)
        others["minsearch@240"] = partial(search_floor.floor_session, fts)
    if newsboat:
        home = search_floor.newsboat_home(corpus_file(n, workdir, "rss"), workdir)
        if home is not None:
            others["newsboat"] = partial(search_floor.newsboat_session, home)
    return others


def report(n: int, r: dict[str, Any]) -> None:
    timed, totals, beside = r["timed"], r["totals"], r["beside"]
    names = list(beside)
    print(
        f"  {'articles':>8} {'word':14} {'count':>7} {'typed->count':>13} {'first':>10}"
        f" {'Enter->story':>13} {'Enter->match 1':>15}" + "".join(f" {name:>14}" for name in names)
    )
    for word in WORDS:
        t = timed[word]
        first = f"{median(t['first']):4.0f} (n={len(t['first'])})" if t["first"] else "-"
        print(
            f"  {n:>8,} {word:14} {totals[word]:>7,} {cell(t['count']):>13} {first:>10}"
            f" {cell(t['story']):>13} {cell(t['match']):>15}"
            + "".join(f" {cell(beside[name][word]):>14}" for name in names)
        )
    if not all(timed[w]["count"] for w in WORDS):
        return
    geo = geomean([median(timed[w]["count"]) for w in WORDS])
    story = [x for w in WORDS for x in timed[w]["story"]]
    match = [x for w in WORDS for x in timed[w]["match"]]
    geos = {
        name: geomean([median(beside[name][w]) for w in WORDS])
        for name in names
        if all(beside[name][w] for w in WORDS)
    }
    print(
        f"  {n:>8,} {'geometric mean':14} {'':>7} {geo:13.0f} {'':>10}"
        f" {cell(story):>13} {cell(match):>15}"
        + "".join(f" {geos.get(name, float('nan')):14.0f}" for name in names)
        + "   (Enter: all words)"
    )
    goals = [f"Enter -> match 1 < {GOAL_ENTER_MS} ms: {met(median(match) < GOAL_ENTER_MS)}"]
    if n in GOAL_MS:
        goals.append(f"geometric mean < {GOAL_MS[n]:.0f} ms: {met(geo < GOAL_MS[n])}")
    if n == 10_000:
        if "minsearch@240" in geos:
            ratio = geo / geos["minsearch@240"]
            goals.append(
                f"{ratio:.2f}x minsearch@240 (goal <= {GOAL_FLOOR}): {met(ratio <= GOAL_FLOOR)}"
            )
        newsboat = geos.get("newsboat")
        quoted = newsboat is None
        if quoted:
            newsboat = geomean(list(NEWSBOAT_MS.values()))
        ratio = geo / newsboat
        goals.append(
            f"{ratio:.2f}x newsboat{' (quoted from README)' if quoted else ''}"
            f" (goal <= {GOAL_NEWSBOAT}): {met(ratio <= GOAL_NEWSBOAT)}"
        )
    print(f"  {'':8} " + "; ".join(goals))
    # CPU time each program spent from the last key (newsboat: Enter) to its answer
    # on screen, all threads: what it costs, whatever else the machine is doing.
    ours_cpu = [median(timed[w]["cpu"]) for w in WORDS if timed[w]["cpu"]]
    if len(ours_cpu) == len(WORDS):
        cpus = {"news": geomean(ours_cpu)}
        for name in names:
            values = [median(r["cpu"][name][w]) for w in WORDS if r["cpu"][name][w]]
            if len(values) == len(WORDS) and all(values):
                cpus[name] = geomean(values)
        words = ", ".join(f"{w} {median(timed[w]['cpu']):.1f}" for w in WORDS)
        print(
            f"  {'':8} CPU ms to the answer, geometric mean of medians: "
            + ", ".join(f"{name} {ms:.1f}" for name, ms in cpus.items())
            + "".join(
                f"; news/{name} {cpus['news'] / ms:.2f}x"
                for name, ms in cpus.items()
                if name != "news"
            )
            + f" (news: {words})"
        )
    stale = [(w, x) for w in WORDS for x in timed[w]["stale"]]
    if stale:
        print(
            f"  {'':8} {len(stale)} of {len(match)} Enters painted another story first"
            f" (story numbers {', '.join(str(x) for _, s in stale[:6] for x in s)}...)"
        )


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="10000,100000")
    parser.add_argument("--runs", type=int, default=9, help="sessions per library size")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--workdir", type=Path, help="keep libraries here (default: a temp dir)")
    parser.add_argument("--reuse", help="a ready library to copy, with {n}: /tmp/lib{n}.sqlite")
    parser.add_argument("--compare", default="10000", help="sizes to run the others at too")
    parser.add_argument("--no-floor", action="store_true", help="leave minsearch.py out")
    parser.add_argument("--no-newsboat", action="store_true", help="leave newsboat out")
    args = parser.parse_args()
    size = (int(args.size.split("x")[0]), int(args.size.split("x")[1]))
    workdir = args.workdir or scratch("bench-search-tui-")
    workdir.mkdir(parents=True, exist_ok=True)
    homes = scratch("bench-homes-")
    started = time.perf_counter()
    compile_reader()
    print(
        f"search in the news TUI: tmux {args.size}, Python {platform.python_version()},"
        f" textual {textual.__version__}; workdir {workdir}; {args.runs} sessions a size;"
        f" news at {revision()}; load {os.getloadavg()[0]:.1f}"
    )
    compare = {int(a) for a in args.compare.split(",") if a}
    results = {}
    for n in (int(a) for a in args.articles.split(",")):
        library = ensure_library(n, workdir, args.reuse)
        others = (
            comparators(n, workdir, not args.no_floor, not args.no_newsboat) if n in compare else {}
        )
        results[n] = bench_size(n, library, args.runs, size, homes, others)

    print(
        "\nms: median (p95) over sessions; 'first': the session's first search, median (n);"
        " the others in the same sessions, taking turns"
    )
    for n, r in results.items():
        report(n, r)
    for n, r in results.items():
        for problem in r["problems"]:
            print(f"\nPROBLEM at {n:,}: {problem}")
    print(
        f"\n(benchmark took {time.perf_counter() - started:.0f} s; load {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
