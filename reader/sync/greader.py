"""A client for the Google Reader API, as FreshRSS, Miniflux, Inoreader, The Old
Reader and BazQux serve it.

One protocol covers all of them, so one client does: log in
(``accounts/ClientLogin`` gives an Auth token), list subscriptions and folders,
list item ids of a stream, fetch items by id, tag items read or starred, and
subscribe or unsubscribe. It knows nothing of the library: the sync engine
decides what to ask for and what to keep.

Why it is built as it is:

* The account's address is one the person gave, so it may be on their own
  machine or network; there is no address policy here, only the feed
  timeouts and User-Agent of ``reader.net`` and a cap on an answer's size.
  Redirects are not followed: a POST that is redirected loses its body, so a
  redirect is named as a wrong address instead.
* Every failure is a ``SyncError`` of one kind with a short reason a person can
  read (``WrongPassword``, ``Unreachable``, ``RateLimited``, ``BadAnswer``).
  The password is never in one, nor in a repr.
* An expired Auth or edit token (HTTP 401) logs in again once, by itself.
* HTTP 429 (or 503) with ``Retry-After`` is waited out when the wait is short
  (``MAX_WAIT`` in all for one request, told to ``on_wait`` first); a longer
  wait is raised as ``RateLimited`` with the seconds asked for.
* Item ids come in three spellings (``tag:google.com,2005:reader/item/<hex>``,
  the signed decimal "short form" of item refs, and plain hex); every id this
  client returns is the 16-hex-digit form, and that is what it takes back.
* What the server says that may reach a screen (titles, folder names,
  authors, addresses, error messages) is cleaned by ``reader.sanitize`` here,
  where it enters.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, TypedDict, Unpack

import httpx

from reader.net import CONNECT_TIMEOUT, READ_TIMEOUT, TOTAL_TIMEOUT, USER_AGENT, ssl_context
from reader.net_errors import error_reason
from reader.sanitize import clean_line, unescape_html
from reader.sync.answers import (
    ITEM_PREFIX,
    REASON_CHARS,
    Answer,
    BadAnswer,
    Item,
    NotHere,
    RateLimited,
    Subscription,
    SyncError,
    Unreachable,
    WrongPassword,
    folder_name,
    item_from,
    item_id,
    list_at,
    object_of,
    page_or,
    retry_after,
    short,
    subscription_from,
    text_at,
    web_page,
)

# The names of reader.sync.answers that are this client's API too.
__all__ = [
    "ITEM_PREFIX",
    "BadAnswer",
    "Item",
    "RateLimited",
    "Subscription",
    "SyncError",
    "Unreachable",
    "WrongPassword",
    "item_id",
    "retry_after",
]

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LABEL = "user/-/label/"

IDS_PAGE = 10_000  # item ids asked for per page (a server that gives fewer says "continuation")
CONTENTS_BATCH = 250  # items fetched per POST
EDIT_BATCH = 250  # items tagged per POST
MAX_WAIT = 30.0  # seconds of Retry-After waited out for one request; more is raised
RATE_LIMIT_DEFAULT = 60.0  # a 429 that names no wait
MAX_BYTES = 64 * 1024 * 1024  # one answer (a batch of items with their bodies)
_HEX_ID = re.compile(r"[0-9a-f]{16}")


# Item ids going out -----------------------------------------------------------------


def _outgoing(ids: Iterable[str]) -> list[str]:
    """Ids given to the client (the form it returned, or the long form) as the
    long form every server accepts. A decimal id is refused: 16 decimal digits
    are also 16 hex digits, so it could not be told apart."""
    out = []
    for one in ids:
        text = one.strip().lower()
        if text.startswith(ITEM_PREFIX):
            text = item_id(one)
        if not _HEX_ID.fullmatch(text):
            raise ValueError(f"not an item id of this client: {one!r}")
        out.append(ITEM_PREFIX + text)
    return out


# Requests and answers ----------------------------------------------------------------


class _Request(TypedDict, total=False):
    """The options of `GReader._call`, which `_json` passes through as they are."""

    params: Mapping[str, Any] | None  # the query string
    data: Mapping[str, Any] | None  # the form of a POST
    edit: bool  # the request changes something: it carries the edit token
    slow: bool  # the server works before it answers: only the whole-request limit


def _unexpected(body: bytes, reason: str) -> BadAnswer:
    """The error for a 2xx answer that is not what the API gives: a web page is
    named as one (the address is not the API root); anything else, `reason`."""
    return page_or(Answer(200, httpx.Headers(), body), reason)


# The client -------------------------------------------------------------------------


class GReader:
    """One account on one server. Not for use from two threads at once.

    ``timeout`` bounds each request as a whole; connecting and each read are
    bounded by the feed timeouts of ``reader.net`` too. ``on_wait(seconds)``
    is told before a Retry-After is waited out, so the caller can say so.
    """

    def __init__(
        self,
        api_url: str,
        user: str,
        password: str,
        *,
        client: httpx.Client | None = None,
        timeout: float = TOTAL_TIMEOUT,
        max_wait: float = MAX_WAIT,
        on_wait: Callable[[float], object] | None = None,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        try:
            parsed = httpx.URL(api_url.strip())
        except (httpx.InvalidURL, UnicodeError):
            raise SyncError("the API URL is not a valid address") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise SyncError("the API URL must be an http or https address")
        self.api_url = str(parsed).rstrip("/")
        self.user = user
        self.__password = password
        self.host = clean_line(parsed.host + (f":{parsed.port}" if parsed.port else ""))
        self._timeout = timeout
        self._max_wait = max_wait
        self._on_wait = on_wait
        self._sleep = sleep
        self._own_client = client is None
        self._client = client or httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(
                min(READ_TIMEOUT, timeout), connect=min(CONNECT_TIMEOUT, timeout)
            ),
            headers={"User-Agent": USER_AGENT},
            verify=ssl_context(),
        )
        self._auth: str | None = None
        self._token: str | None = None

    def __repr__(self) -> str:
        return f"GReader({self.api_url!r}, user={self.user!r})"

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def __enter__(self) -> GReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # Logging in ---------------------------------------------------------------------

    def login(self) -> None:
        """Log in with the user name and password; WrongPassword when refused."""
        self._auth = self._token = None
        answer = self._send(
            "POST", "accounts/ClientLogin", data={"Email": self.user, "Passwd": self.__password}
        )
        if answer.status in (400, 401, 403):
            raise WrongPassword()
        if answer.status != 200:
            raise self._refused(answer, "accounts/ClientLogin")
        text = answer.body.decode("utf-8", "replace")
        for line in text.splitlines():
            if line.startswith("Auth=") and line[5:].strip():
                self._auth = line[5:].strip()
                return
        raise page_or(answer, "the login answer has no Auth token")

    def _edit_token(self) -> str:
        if self._token is None:
            body = self._call("GET", "reader/api/0/token")
            token = body.decode("utf-8", "replace").strip()
            if not token or len(token) > 1000 or any(c.isspace() or c == "<" for c in token):
                raise BadAnswer("the server's edit token is not one")
            self._token = token
        return self._token

    # Reading ------------------------------------------------------------------------

    def subscriptions(self) -> list[Subscription]:
        data = self._json("GET", "reader/api/0/subscription/list", params={"output": "json"})
        return [subscription_from(entry) for entry in list_at(data, "subscriptions")]

    def folders(self) -> list[str]:
        """The folder names the server has (tag/list), in its order."""
        data = self._json("GET", "reader/api/0/tag/list", params={"output": "json"})
        names = []
        for entry in list_at(data, "tags"):
            tag = text_at(object_of(entry, "a tag"), "id", required=True)
            kind = entry.get("type")
            if "/label/" in tag and kind in (None, "folder"):
                names.append(folder_name(tag))
        return names

    def item_ids(
        self,
        stream: str,
        *,
        exclude: str | Sequence[str] | None = None,
        newer_than: int | float | datetime | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """The ids in ``stream`` (``READING_LIST``, ``STARRED``, a feed or a
        label), newest first, following continuations: without those tagged
        ``exclude`` (``xt``, e.g. ``READ``), only those the server got after
        ``newer_than`` (``ot``, Unix seconds or a datetime), at most ``limit``."""
        params: dict[str, Any] = {"s": stream, "output": "json"}
        if exclude:
            params["xt"] = [exclude] if isinstance(exclude, str) else list(exclude)
        if newer_than is not None:
            stamp = newer_than.timestamp() if isinstance(newer_than, datetime) else newer_than
            params["ot"] = int(stamp)
        ids: dict[str, None] = {}
        seen: set[str] = set()
        while limit is None or len(ids) < limit:
            params["n"] = IDS_PAGE if limit is None else min(IDS_PAGE, limit - len(ids))
            data = self._json("GET", "reader/api/0/stream/items/ids", params=params)
            refs = data.get("itemRefs") or []
            if not isinstance(refs, list):
                raise BadAnswer("itemRefs is not a list")
            for ref in refs:
                value = object_of(ref, "an item ref").get("id")
                if isinstance(value, int) and not isinstance(value, bool):
                    value = str(value)
                if not isinstance(value, str):
                    raise BadAnswer("an item ref has no id")
                ids[item_id(value)] = None
            more = data.get("continuation")
            if not refs or not isinstance(more, str | int) or not str(more) or str(more) in seen:
                break
            seen.add(str(more))
            params["c"] = str(more)
        found = list(ids)
        return found if limit is None else found[:limit]

    def items(self, ids: Sequence[str]) -> list[Item]:
        """The items with these ids, fetched ``CONTENTS_BATCH`` a POST. An id the
        server no longer has is left out."""
        wanted = _outgoing(ids)
        found: list[Item] = []
        for start in range(0, len(wanted), CONTENTS_BATCH):
            batch = wanted[start : start + CONTENTS_BATCH]
            data = self._json(
                "POST",
                "reader/api/0/stream/items/contents",
                params={"output": "json"},
                data={"i": batch},
            )
            found.extend(item_from(entry) for entry in list_at(data, "items"))
        return found

    # Changing -----------------------------------------------------------------------

    def edit(self, ids: Sequence[str], add: str | None = None, remove: str | None = None) -> None:
        """Tag items (``add=READ``, ``add=STARRED``) or untag them, ``EDIT_BATCH``
        a POST."""
        if not add and not remove:
            return
        wanted = _outgoing(ids)
        for start in range(0, len(wanted), EDIT_BATCH):
            form: dict[str, Any] = {"i": wanted[start : start + EDIT_BATCH]}
            if add:
                form["a"] = add
            if remove:
                form["r"] = remove
            self._ok("reader/api/0/edit-tag", form)

    def subscribe(self, url: str, folder: str | None = None) -> Subscription:
        """Subscribe the account to the feed at ``url`` (in ``folder``, if given)."""
        # The server fetches the feed before it answers: as long as a feed fetch.
        data = self._json(
            "POST",
            "reader/api/0/subscription/quickadd",
            data={"quickadd": url},
            edit=True,
            slow=True,
        )
        stream = data.get("streamId")
        if not data.get("numResults") or not isinstance(stream, str) or not stream:
            said = data.get("error")
            why = f": {short(said)}" if isinstance(said, str) and said.strip() else ""
            raise SyncError(f"the server could not subscribe to {clean_line(url)}{why}")
        if folder:
            self.move(stream, folder)
        for sub in self.subscriptions():
            if sub.id == clean_line(stream):
                return sub
        title = data.get("streamName")
        return Subscription(
            clean_line(stream),
            clean_line(unescape_html(title)) if isinstance(title, str) else "",
            clean_line(url),
            "",
            (folder,) if folder else (),
        )

    def unsubscribe(self, feed_id: str) -> None:
        self._ok("reader/api/0/subscription/edit", {"ac": "unsubscribe", "s": feed_id})

    def move(self, feed_id: str, folder: str, *, out_of: str | None = None) -> None:
        """Put a subscription in ``folder`` (taking it out of ``out_of``)."""
        form = {"ac": "edit", "s": feed_id, "a": LABEL + folder}
        if out_of:
            form["r"] = LABEL + out_of
        self._ok("reader/api/0/subscription/edit", form)

    # Requests -----------------------------------------------------------------------

    def _ok(self, path: str, form: Mapping[str, Any]) -> None:
        """A POST whose answer is "OK"."""
        body = self._call("POST", path, data=form, edit=True)
        if body.strip() != b"OK":
            raise _unexpected(body, f"unexpected answer to {path}: {short(body)}")

    def _json(self, method: str, path: str, **request: Unpack[_Request]) -> dict[str, Any]:
        """A request (as `_call` sends it) whose answer is a JSON object."""
        body = self._call(method, path, **request)
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            raise _unexpected(body, f"the answer to {path} is not JSON") from None
        if not isinstance(parsed, dict):
            raise BadAnswer(f"the answer to {path} is not a JSON object")
        return parsed

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        edit: bool = False,
        slow: bool = False,
    ) -> bytes:
        """A request as the logged-in user (logging in first if needed); on a
        401, log in again once and repeat it. ``slow``: the server works before
        it answers, so the whole-request limit is the only one."""
        for attempt in (1, 2):
            if self._auth is None:
                self.login()
            form = dict(data or {})
            if edit:
                form["T"] = self._edit_token()
            headers = {"Authorization": f"GoogleLogin auth={self._auth}"}
            answer = self._send(
                method, path, params=params, data=form or None, headers=headers, slow=slow
            )
            if answer.status == 401:
                self._auth = self._token = None
                if attempt == 1:
                    continue
                raise SyncError(
                    f"{self.host}: not authorised (HTTP 401) even after logging in again"
                )
            if not 200 <= answer.status < 300:
                raise self._refused(answer, path)
            return answer.body
        raise AssertionError("unreachable")

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        slow: bool = False,
    ) -> Answer:
        """One request, waiting out a short Retry-After; transport failures,
        server errors and redirects raised as their kind."""
        url = f"{self.api_url}/{path}"
        waited = 0.0
        while True:
            answer = self._exchange(method, url, params, data, headers, slow)
            if answer.status in (429, 503):
                wait = retry_after(answer.headers.get("retry-after"), time.time())
                if wait is None:
                    if answer.status == 503:
                        raise Unreachable(f"{self.host}: server unavailable (HTTP 503)")
                    wait = RATE_LIMIT_DEFAULT
                if waited + wait > self._max_wait:
                    raise RateLimited(wait, self.host)
                if self._on_wait is not None:
                    self._on_wait(wait)
                self._sleep(wait)
                waited += wait
                continue
            if 300 <= answer.status < 400:
                where = clean_line(answer.headers.get("location", ""))[:REASON_CHARS]
                raise NotHere(
                    f"the server redirects {path} to {where or 'elsewhere'}:"
                    " the API URL is not its Google Reader API root",
                    f"a redirect to {where or 'elsewhere'}",
                )
            if answer.status == 501:  # "not implemented": a web server without this API
                raise NotHere(f"{self.host}: {method} not served (HTTP 501)", "HTTP 501")
            if answer.status >= 500:
                raise Unreachable(f"{self.host}: server error (HTTP {answer.status})")
            return answer

    def _exchange(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        data: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        slow: bool,
    ) -> Answer:
        deadline = time.monotonic() + self._timeout
        wait = (
            httpx.Timeout(self._timeout, connect=min(CONNECT_TIMEOUT, self._timeout))
            if slow
            else httpx.USE_CLIENT_DEFAULT
        )
        try:
            with self._client.stream(
                method, url, params=params, data=data, headers=headers, timeout=wait
            ) as response:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise BadAnswer(f"the answer is too large (over {MAX_BYTES // 2**20} MB)")
                    if time.monotonic() > deadline:
                        raise Unreachable(f"{self.host}: timed out")
                    chunks.append(chunk)
                return Answer(response.status_code, response.headers, b"".join(chunks))
        except httpx.HTTPError as exc:
            raise Unreachable(f"{self.host}: {error_reason(exc)}") from None
        except (httpx.InvalidURL, UnicodeError):
            raise SyncError("the API URL is not a valid address") from None

    def _refused(self, answer: Answer, path: str) -> SyncError:
        """A 4xx other than 401, as an error."""
        if page := web_page(answer):
            return NotHere(f"HTTP {answer.status}: {page}", f"a web page (HTTP {answer.status})")
        if answer.status in (404, 405):
            why = f"for {path}: is the API URL the server's Google Reader API root?"
            return NotHere(f"HTTP {answer.status} {why}", f"HTTP {answer.status}")
        said = short(answer.body)
        return BadAnswer(f"HTTP {answer.status} for {path}" + (f": {said}" if said else ""))


# Reading answers --------------------------------------------------------------------
