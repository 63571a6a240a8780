"""A hostile corpus: every kind of input `news` reads, written by an attacker.

Each text a stranger controls (titles, links, categories, authors, bodies,
image alt text, enclosure and redirect addresses, file names, front matter,
bookmark fields, HTTP reasons and headers) carries `HOSTILE`: escape sequences
that would clear or retitle the terminal, write the clipboard or make a link,
BEL, C1 controls (a lone U+009D too), bidirectional overrides raw and as a
character reference, Rich markup and Textual actions. The files are made by
`write`, in a folder of the test's, because the feeds name the address of the
test's own servers.

What a person should see of each is its printable words: `MARKERS` are words
from inside the payload that must reach the output as text (nothing printable
is lost), and `forbidden` finds what must never reach a terminal.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from unit.feed_server import FEEDS, FeedServer

# One of each trick. Rich markup and Textual actions are printable text and
# must stay visible, literally; the rest must go.
ESCAPES = (
    "\x1b[2J\x1b[31m"  # CSI: clear the screen, red
    "\x1b]0;retitled\x07"  # OSC 0: window title, ended by BEL
    "\x1b]8;;http://evil.example/\x1b\\osc8link\x1b]8;;\x1b\\"  # OSC 8: a hidden link
    "\x1b]52;c;Y3VybCBldmlsfHNo\x07"  # OSC 52: write the clipboard
    "\x07"  # BEL
    "\x9b31m\x9d"  # C1: an 8-bit CSI, and a lone OSC (mojibake of a closing quote)
    "\u202egnp.exe\u202c\u2066iso\u2069"  # bidi override and isolate
)
MARKUP = "[bold]bolded[/] [/] [link=file:///etc/passwd]passwd[/link] [@click=app.quit]quitter[/]"
HOSTILE = f"{ESCAPES} {MARKUP}"
# The same as an XML document may carry it: XML 1.0 has no C0 controls, even
# as references, so these go as character references a parser decodes.
XML_HOSTILE = "&#x202E;gnp.exe&#x202C; \x85\x9d " + MARKUP.replace("&", "&amp;")
MARKERS = ("bolded", "[/]", "[link=file:///etc/passwd]", "[@click=app.quit]", "quitter")

_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def forbidden(data: bytes) -> list[str]:
    """What in `data` could drive a terminal or reorder its text: ESC, BEL and
    the other C0 controls, DEL, C1 (as UTF-8), bidi controls; with where."""
    text = data.decode("utf-8", errors="surrogateescape")
    return [
        f"{m.group()!r} at {m.start()}: {text[max(0, m.start() - 30) : m.end() + 30]!r}"
        for m in _FORBIDDEN.finditer(text.replace("\r\n", "\n"))
    ][:5]


def h(tag: str) -> str:
    """A hostile text that says where it came from."""
    return f"{tag} {HOSTILE}"


def x(tag: str) -> str:
    """The same for XML."""
    return f"{tag} {XML_HOSTILE}"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass(frozen=True)
class Corpus:
    folder: Path
    dump: Path
    markdown: Path
    bookmarks: Path
    opml: Path
    rss: str  # feed addresses on the allowed server
    atom: str
    json_feed: str
    encoded: tuple[str, ...]  # the RSS feed in UTF-16 and UTF-7
    feed_files: tuple[Path, ...]  # the same feeds as files, which are read as a stream
    secret: str  # a file's words that must never be read into the library


def _rss(base: str, forbidden_base: str) -> bytes:
    """RSS with raw controls: not well-formed, so the lenient parser reads it."""
    items = []
    for n, link in enumerate(
        [
            f"{base}/page.html",  # fetchable: its page is hostile too
            f"{forbidden_base}/admin?rss",  # another local port: never fetched
            f"{base}/\x1b]0;t\x07[/]x",
        ]
    ):
        items.append(
            f"<item><title>{_cdata(h(f'rss item {n}'))}</title>"
            f"<link>{link}</link><guid>rss-{n}</guid>"
            f"<category>{_cdata(h('rss category'))}</category>"
            f"<author>x@example.org ({_cdata(h('rss author'))})</author>"
            f'<enclosure url="{forbidden_base}/enclosure.mp3?\x1b[2J" type="audio/mpeg"/>'
            f"<description>{_cdata(_body(f'rss {n}', forbidden_base))}</description>"
            "<pubDate>Mon, 30 Nov 2026 01:00:00 GMT</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{_cdata(h('rss feed'))}</title><link>{base}/</link>{''.join(items)}"
        "</channel></rss>"
    ).encode()


def _body(tag: str, forbidden_base: str) -> str:
    """Entry HTML: the payload as text, as character references, in an image's
    alt text and a link's address; an image on the forbidden server."""
    return (
        f"<p>{h(tag + ' body')}</p>"
        f"<p>{tag} refs &#x1b;]0;refs&#x07; &#x202E;gnp.exe &#x9d; &amp;#x1b;[2J</p>"
        f'<p><img alt="{h(tag + " alt")}" src="{forbidden_base}/pixel.png?{tag}"></p>'
        f'<p><a href="javascript:alert(1)">js link</a> '
        f'<a href="http://x.example/\x1b]8;;">esc link</a> '
        f'<a href="https://example.org/[/]x">markup link</a></p>'
    )


def _xml_refs(text: str) -> str:
    """ESC and BEL, which XML cannot carry, as HTML references inside escaped HTML."""
    return text.replace("\x1b", "&amp;#x1b;").replace("\x07", "&amp;#x07;")


def _atom(base: str, forbidden_base: str) -> bytes:
    """Well-formed Atom: bidi and C1 as XML allows, markup everywhere."""
    from html import escape

    entries = "".join(
        f"<entry><title>{x(f'atom entry {n}')}</title>"
        f'<link href="{escape(link)}"/><id>atom-{n}</id>'
        f'<category term="{x("atom category")}"/>'
        f"<author><name>{x('atom author')}</name></author>"
        f'<link rel="enclosure" href="{forbidden_base}/enclosure?atom"/>'
        "<updated>2026-11-30T02:00:00Z</updated>"
        f'<content type="html">{_xml_refs(escape(_body(f"atom {n}", forbidden_base)))}</content>'
        "</entry>"
        for n, link in enumerate([f"{base}/page.html?atom", f"{base}/[@click=app.quit]"])
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{x('atom feed')}</title><id>urn:hostile</id>"
        f"<updated>2026-11-30T02:00:00Z</updated>{entries}</feed>"
    ).encode()


def _json_feed(base: str, forbidden_base: str) -> bytes:
    """JSON Feed: it can carry anything, a lone surrogate included."""
    items: list[object] = [
        {
            "id": f"json-{n}\ud800",
            "url": link,
            "title": h(f"json item {n}") + " \ud800",
            "tags": [h("json tag"), "\udfff"],
            "authors": [{"name": h("json author") + "\ud83d"}],
            "content_html": _body(f"json {n}", forbidden_base),
            "image": f"{forbidden_base}/image?json",
            "attachments": [{"url": f"{forbidden_base}/attachment?\x1b[2J", "mime_type": "x/y"}],
            "date_published": "2026-11-30T03:00:00Z",
        }
        for n, link in enumerate([f"{base}/page.html?json", "javascript:alert('\x1b]0;t\x07')"])
    ]
    items.append("not an object \x1b[2J")
    items.append({"id": "json-text", "title": "json text", "content_text": h("json plain text")})
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": h("json feed"),
        "home_page_url": f"{base}/\x1b]8;;",
        "items": items,
    }
    # ensure_ascii writes each lone surrogate as \\udXXX, which JSON allows.
    return json.dumps(document).encode()


def _page() -> bytes:
    """A real article page with the payload in its title and a paragraph, the
    escapes written as character references (an HTML page can carry them so)."""
    payload = h("page paragraph").replace("\x1b", "&#x1b;").replace("\x07", "&#x07;")
    html = (FEEDS / "article.html").read_text(encoding="utf-8")
    html = html.replace("<p>The plant now", f"<p>{payload}</p><p>The plant now", 1)
    return html.replace("<h1>Giga factory", f"<h1>{payload} Giga factory", 1).encode()


def _wire(text: str) -> str:
    """A header as its UTF-8 bytes go on the wire (http.server writes Latin-1)."""
    return text.encode().decode("latin-1")


def serve(server: FeedServer, forbidden_base: str) -> dict[str, str]:
    """The hostile routes on the allowed server; returns name -> address."""
    base = server.base
    routes = {
        "rss": server.serve("/rss.xml", _rss(base, forbidden_base)),
        "atom": server.serve(
            "/atom.xml", _atom(base, forbidden_base), content_type="application/atom+xml"
        ),
        "json": server.serve(
            "/feed.json",
            _json_feed(base, forbidden_base),
            content_type="application/feed+json",
            # Validators a later refresh sends back: control characters in them.
            etag='"\x1b]0;etag\x07"',
            last_modified="\x1b[2J Mon, 30 Nov 2026",
        ),
        # The same items in encodings where ESC is not the byte 0x1b (UTF-16) or
        # is letters until decoded (UTF-7): cleaning has to come after decoding.
        **{
            name: server.serve(
                f"/{name}.xml",
                _rss(base, forbidden_base)
                .decode()
                .replace("rss ", f"{name} ")
                .replace('encoding="UTF-8"', f'encoding="{name.upper()}"')
                .encode(name),
            )
            for name in ("utf-16", "utf-7")
        },
        "page": server.serve("/page.html", _page(), content_type="text/html"),
        # A failing feed whose reason and headers are hostile.
        "failing": server.serve(
            "/failing.xml",
            b"",
            status=503,
            reason=_wire(h("reason")),
            headers={"X-Evil": _wire(h("header"))},
        ),
        "redirect-escape": server.serve(
            "/redirect-escape.xml", b"", status=302, location=f"{base}/\x1b]0;loc\x07[/]"
        ),
        "redirect-js": server.serve(
            "/redirect-js.xml", b"", status=302, location="javascript:alert('[@click=app.quit]')"
        ),
        "redirect-away": server.serve(
            "/redirect-away.xml", b"", status=302, location=f"{forbidden_base}/admin?redirect"
        ),
        "redirect-port": server.serve(
            "/redirect-port.xml", b"", status=301, location="http://127.0.0.1:99999/x"
        ),
        "bad-type": server.serve(
            "/bad-type.xml", b"\x1b]0;not a feed\x07 [/] text", content_type=_wire(h("type"))
        ),
    }
    # The same routes a second time, with the page under its other queries.
    for query in ("atom", "json"):
        server.routes[f"/page.html?{query}"] = server.routes["/page.html"]
    return routes


def _dump() -> str:
    return "\n".join(
        [
            h("dump section")[:30],
            h("dump title one"),
            h("dump standfirst") + ".",
            h("dump paragraph") + " and more words to make it a paragraph, not a title.",
            f"— {h('dump attribution')} (@\x1b[2Jhandle) November 30, 2026",
            "News",
            h("dump title two"),
            "A plain paragraph \x9d with a lone C1 after which words stay.",
            f"Tips: {h('dump footer')} tips@example.org",
        ]
    )


def _markdown(folder: Path, secret: Path) -> None:
    section = folder / "\x1b]0;dir\x07[bold]section[@click=app.quit]\u202e"
    section.mkdir(parents=True)
    (section / "\x1b]0;file\x07[@click=app.quit]note\u202e.md").write_text(
        "---\n"
        f"title: {h('front title')}\n"
        f"section: {h('front section')}\n"
        "date: \x1b[2J2026-11-30\n"
        f"url: http://x.example/\x1b]8;;\n"
        "---\n"
        f"{h('markdown body')}\n\n"
        f"![{h('markdown alt')}](http://127.0.0.1:1/pixel.png)\n\n"
        "&#x202E;gnp.exe &#x1b;]0;ref&#x07; [link text](javascript:alert(1))\n",
        encoding="utf-8",
    )
    (folder / "[Blog] \x9d plain.md").write_text(
        f"# {h('markdown heading')}\n\nWords.\n", encoding="utf-8"
    )
    (folder / "outside.md").symlink_to(secret)
    (folder / "zero.md").symlink_to("/dev/zero")


def _bookmarks(base: str) -> list[dict[str, str]]:
    return [
        {
            "article_id": "deadbeef" * 2,
            "title": h("bookmark title"),
            "section": h("bookmark section"),
            "source": h("bookmark source"),
            "url": f"http://evil.example/\x1b]8;;\x1b\\{MARKUP}",
            "added": "2026-11-30T00:00:00Z\x1b[2J",
            "note": h("bookmark note") + "\nsecond line \ud800",
        },
        {
            "article_id": "feedface" * 2,
            "title": h("bookmark js"),
            "url": "javascript:alert('[@click=app.quit]')",
            "note": "",
        },
    ]


def _opml(routes: dict[str, str]) -> str:
    """Titles and a folder as XML allows them (`XML_HOSTILE` is safe in an attribute)."""
    from html import escape

    feeds = [
        (routes[name], x(f"opml {name}"))
        for name in (
            "failing",
            "redirect-escape",
            "redirect-js",
            "redirect-away",
            "redirect-port",
            "bad-type",
        )
    ]
    outlines = "".join(
        f'<outline type="rss" text="{title}" title="{title}"'
        f' xmlUrl="{escape(url)}" htmlUrl="javascript:alert(1)"/>'
        for url, title in feeds
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0">'
        f"<head><title>{x('opml head')}</title></head><body>"
        f'<outline text="{x("opml folder")}">{outlines}</outline>'
        "</body></opml>"
    )


def write(folder: Path, server: FeedServer, forbidden_base: str) -> Corpus:
    """Every hostile input, in `folder`, served where it is a feed."""
    routes = serve(server, forbidden_base)
    secret = folder / "secret.txt"
    secret.write_text("SECRETWORD the markdown folder must not read this\n", encoding="utf-8")
    dump = folder / "\x1b]0;dump\x07[bold]dump[link=x]\u202e.txt"
    # With a line that is not UTF-8: its warning names the file.
    dump.write_bytes(_dump().encode() + b"\nNot UTF-8 \xff\xfe\x9d here, the words stay.\n")
    markdown = folder / "notes \x1b[2J[@click=app.quit]"
    _markdown(markdown, secret)
    bookmarks = folder / "bookmarks \x1b]0;b\x07.json"
    bookmarks.write_text(json.dumps({"version": 1, "bookmarks": _bookmarks(server.base)}))
    opml = folder / "subscriptions [bold] \x1b[2J.opml"
    opml.write_text(_opml(routes), encoding="utf-8")
    # Raw escapes, which XML cannot hold: refused, naming the file.
    (folder / "broken \x1b]0;t\x07.opml").write_text(_opml(routes).replace("opml head", h("")))
    feed_files = []
    for route, name in (("/rss.xml", "rss \x1b[2J.xml"), ("/atom.xml", "atom [/].xml")):
        feed_files.append(folder / name.replace("/", ""))
        feed_files[-1].write_bytes(server.routes[route].body)
    feed_files.append(folder / "feed.json")
    feed_files[-1].write_bytes(server.routes["/feed.json"].body)
    return Corpus(
        folder=folder,
        dump=dump,
        markdown=markdown,
        bookmarks=bookmarks,
        opml=opml,
        rss=routes["rss"],
        atom=routes["atom"],
        json_feed=routes["json"],
        encoded=(routes["utf-16"], routes["utf-7"]),
        feed_files=tuple(feed_files),
        secret="SECRETWORD",
    )
