"""When each feed is fetched again: the refresh timer's arithmetic, without I/O.

A feed is due when its interval has passed since it was last fetched (its
own, from `news add --every`, else the config's `[refresh] every`) and the
server's wish is met. The server says how long to stay away in three ways,
all honoured: RSS's ``<ttl>`` (minutes), ``Cache-Control: max-age``
(seconds) on any answer, 304 included, and ``Retry-After`` on a 429 or 503
(seconds or an HTTP date). The longest of them sets the source's "not
before" time, capped at ``MAX_WAIT``: a feed that says "a year" must not go
silent for a year.

Every wait is stretched by up to ``JITTER`` (10%), so fifty feeds added at
once do not all fall due in the same second, and many readers told "come back
in an hour" by one server do not all come back together. The stretch is a
hash of the source and the time it was fetched, not a random draw: the same
question asked twice gets the same answer (a timer that asks every minute
does not re-roll the dice), and the tests need no seeded randomness.

Everything here takes ``now`` as an argument: the callers own the clock.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = [
    "JITTER",
    "MAX_EVERY",
    "MAX_WAIT",
    "MIN_EVERY",
    "IntervalError",
    "Timing",
    "due",
    "due_at",
    "format_interval",
    "max_age",
    "not_before",
    "parse_interval",
    "retry_after",
]

MIN_EVERY = 10  # seconds: a shorter timer would hammer the servers
MAX_EVERY = 30 * 86400  # a month
MAX_WAIT = 86400  # the longest a server's wish keeps a feed away: a day
JITTER = 0.1  # every wait is stretched by up to this fraction
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"(?:\d{1,7}[smhd])+")
_PART = re.compile(r"(\d+)([smhd])")
_MAX_AGE = re.compile(r"(?:^|,)\s*(s-)?max-age\s*=\s*\"?(\d{1,12})\"?\s*(?=,|$)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\s*(?=,|$|=)", re.IGNORECASE)


class IntervalError(ValueError):
    """An interval that does not read ("30x", "0m", "a while"): the message says why."""


def parse_interval(text: object) -> int:
    """Seconds in an interval written as the config writes it: "45s", "15m",
    "2h", "1d", or several together ("1h30m"). Raises ``IntervalError``."""
    if not isinstance(text, str):
        raise IntervalError(f'{text!r} is not a duration; write it as a string: "30m"')
    compact = text.strip().lower()
    if not _INTERVAL.fullmatch(compact):
        raise IntervalError(
            f"{text!r} is not a duration: a number and a unit (s, m, h or d), such as"
            ' "45s", "15m" or "2h"'
        )
    seconds = sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(compact))
    if seconds < MIN_EVERY:
        raise IntervalError(f"{text!r} is too short: at least {MIN_EVERY}s")
    if seconds > MAX_EVERY:
        raise IntervalError(f"{text!r} is too long: at most {MAX_EVERY // 86400}d")
    return seconds


def format_interval(seconds: int) -> str:
    """An interval as the config writes it ("30m", "1h30m", "45s")."""
    parts: list[str] = []
    for unit in ("d", "h", "m", "s"):
        size = _UNITS[unit]
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


# What servers say -------------------------------------------------------------------


def max_age(cache_control: str | None) -> int | None:
    """Seconds from ``Cache-Control: max-age`` (a shared cache's ``s-maxage``
    is for proxies, not for us); None without one, or with ``no-cache`` /
    ``no-store``, which ask for no wait at all."""
    if not cache_control or _NO_CACHE.search(cache_control):
        return None
    for shared, value in _MAX_AGE.findall(cache_control):
        if not shared:
            return int(value)
    return None


def retry_after(value: str | None, now: datetime) -> int | None:
    """Seconds from ``Retry-After``: a number of seconds, or an HTTP date
    (then counted from ``now``); None when it says neither."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return int(value[:12])
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - now).total_seconds()))


def _stretch(source_id: int, at: datetime) -> float:
    """1 plus this source's jitter for a fetch at ``at``: between 1 and 1 + JITTER."""
    digest = hashlib.blake2b(f"{source_id}@{at.isoformat()}".encode(), digest_size=8).digest()
    return 1 + JITTER * int.from_bytes(digest) / 2**64


def not_before(
    source_id: int,
    now: datetime,
    *,
    ttl_minutes: int | None = None,
    max_age_seconds: int | None = None,
    retry_after_seconds: int | None = None,
) -> datetime | None:
    """The earliest the server wants this source fetched again, after a fetch
    at ``now``: the longest of what it said, capped at ``MAX_WAIT``, with
    jitter; None when it said nothing."""
    said = [
        s
        for s in (
            ttl_minutes * 60 if ttl_minutes is not None else None,
            max_age_seconds,
            retry_after_seconds,
        )
        if s is not None and s > 0
    ]
    if not said:
        return None
    wait = min(max(said), MAX_WAIT)
    return now + timedelta(seconds=wait * _stretch(source_id, now))


# When a source is due --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    """A source's place in the timer, as the library keeps it. ``every`` is its
    own interval in seconds (0: the config's); ``checked`` when it was last
    fetched and ``not_before`` the server's wish, both ISO 8601 in UTC or ""."""

    every: int = 0
    checked: str = ""
    not_before: str = ""


def _moment(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None  # a library someone else wrote: as if never fetched
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def due_at(source_id: int, timing: Timing, default_every: int | None) -> datetime | None:
    """When the timer should fetch this source next; None when it is on no
    timer (no interval of its own and none in the config). A source never
    fetched is due at once (``datetime.min``)."""
    every = timing.every or default_every
    if not every:
        return None
    checked = _moment(timing.checked)
    wish = _moment(timing.not_before)
    start = datetime.min.replace(tzinfo=UTC)
    interval = (
        checked + timedelta(seconds=every * _stretch(source_id, checked)) if checked else start
    )
    return max(interval, wish) if wish else interval


def due(
    timings: Mapping[int, Timing],
    source_ids: Iterable[int],
    default_every: int | None,
    now: datetime,
) -> list[int]:
    """The sources among ``source_ids`` whose time has come, in the order given."""
    ready = []
    for source_id in source_ids:
        when = due_at(source_id, timings.get(source_id, Timing()), default_every)
        if when is not None and when <= now:
            ready.append(source_id)
    return ready


def next_due(
    timings: Mapping[int, Timing],
    source_ids: Iterable[int],
    default_every: int | None,
) -> datetime | None:
    """The soonest any of these sources falls due; None when none is on a timer."""
    times = [
        when
        for source_id in source_ids
        if (when := due_at(source_id, timings.get(source_id, Timing()), default_every)) is not None
    ]
    return min(times, default=None)
