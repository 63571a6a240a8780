"""The plain-text dump layout: sections, titles and one paragraph a line.

A dump is UTF-8 text. It starts with a section line; after a section line comes
a title line, then the story's paragraphs one a line, until the next section
line. Blank lines carry no meaning and are skipped; CRLF line ends and a BOM are
accepted.

Nothing in a dump marks which lines are sections, so the rule is:

* the first line is a section;
* after that, a line is a section when it is short (at most 4 words and 40
  characters), does not end like a sentence or a label (. , ; : ? ! or their
  full-width forms 。，；：？！、, whatever closing quotes or emoji follow), the line
  after it looks like a title (at most 25 words, not ending in . , ; : 。，；：、), and
  the line after that is a paragraph of the story (it does not look like a
  title or a label itself) or the end of the file.

When the config names the sections (`[dump] sections = [...]`), only lines
equal to one of those names start a section, and the rule is not used.

Inside a story, lines become typed blocks:

* the standfirst: the first line under the title when it is one sentence of
  at most 30 words, and not the text of a post (an attribution alone on the
  line after it);
* embedded posts: an attribution "— Name (@handle) Date" (on its own line, or
  right after a pic.twitter.com link) closes a post; its text is the line it
  ends plus up to three short lines (under 150 characters) right before it;
* labels: a line of at most 4 words ending in a colon ("Summary:");
* quotes: a line wholly inside quotation marks;
* related-story lines: a headline-like line (at most 20 words, not ending in
  . , ; :) inside the body;
* the footer: a last line that gives a tip address or asks for news tips;
* everything else is a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reader.model import Article, Block, BlockKind, article_id, make_article
from reader.sanitize import clean_line
from reader.sources.local import LocalFileError, decode_text, read_local

# Far more than any dump written by hand or exported (the bundled one is 60 KB).
MAX_DUMP_BYTES = 256 * 2**20
SECTION_MAX_WORDS = 4
SECTION_MAX_CHARS = 40
TITLE_MAX_WORDS = 25
STANDFIRST_MAX_WORDS = 30
RELATED_MAX_WORDS = 20
POST_LINE_MAX_CHARS = 150
POST_MAX_EXTRA_LINES = 3

_RELATED_LEAD_IN = re.compile(r"(?i)related(?: story)?:\s*")
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’)」』）]*$")
# Latin sentences are parted by a space; Chinese and Japanese ones are not.
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+[\"'“‘(]?[A-Z0-9]|[。！？][」』）]*(?=\S)")
# Closing quotes, brackets and emoji after a line's last punctuation ("…集まりました。🚄").
# Each pattern searched on a whole line may only start where a run of its first
# characters starts (the lookbehinds): else every position of a long run is tried
# again to its end, and a 40,000-character line took seconds (quadratic time).
_TRAILING_CHARS = "\\s\"'”’)»」』）\u2600-\u27bf\ufe0f\u200d\U0001f000-\U0001faff"
_TRAILING = re.compile(f"(?<![{_TRAILING_CHARS}])[{_TRAILING_CHARS}]+$")
# Full-width forms of the same marks, as Chinese and Japanese text writes them.
_CLAUSE_ENDS = (".", ",", ";", ":", "。", "，", "；", "：", "、")
_SECTION_NOT_ENDS = (*_CLAUSE_ENDS, "?", "!", "…", "？", "！")
_ATTRIBUTION = re.compile(
    r"(?:^|(?<=\S))\s*[—–]\s*(?P<who>[^—–()]{1,80}\(@\w{1,30}\))"
    r"\s*(?P<when>[A-Z][a-z]+ \d{1,2}, \d{4})?\s*$"
)
_DATE_LINE = re.compile(r"^[A-Z][a-z]+ \d{1,2}, \d{4}$")
_POST_LINK = re.compile(r"pic\.twitter\.com/\w+|https?://(?:t\.co|x\.com|twitter\.com)/\S+")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
_TIP = re.compile(r"\bnews tips?\b|\btip line\b|\bcontact us\b", re.IGNORECASE)
_LINE_END = re.compile(r"\r\n|\r|\n")
_OPEN_QUOTES = "\"“‘'«"
_CLOSE_QUOTES = "\"”’'»"


class DumpError(Exception):
    """A dump that cannot be read at all; the message names the file."""


@dataclass(frozen=True)
class ParseResult:
    articles: list[Article]
    warnings: list[str]


def read_dump(path: Path, sections: Iterable[str] = ()) -> ParseResult:
    """Read and parse a dump file, naming the file in every error and warning."""
    try:
        raw = read_local(path, MAX_DUMP_BYTES)
    except LocalFileError as exc:
        raise DumpError(str(exc)) from None
    text, warnings = decode_text(raw, str(path))
    # The source is the file wherever it was named from: `x.txt` and `dir/x.txt`
    # are the same dump, shown "from x" (catalog.source_name).
    found: list[str] = []
    articles = parse(text, source=str(path.absolute()), sections=sections, warnings=found)
    warnings += [f"{path}: {warning}" for warning in found]
    if not articles and not text.strip():
        raise DumpError(f"{path}: empty: no stories found")
    if not articles:
        raise DumpError(
            f"{path}: no stories found: not a feed, nor a dump in the seed layout"
            " (a section line, a title line, then the story's lines)"
        )
    return ParseResult(articles, warnings)


def parse(
    text: str,
    source: str = "<dump>",
    sections: Iterable[str] = (),
    warnings: list[str] | None = None,
) -> list[Article]:
    """The dump's stories; what looks wrong goes to `warnings`, when given."""
    # Only CR and LF end lines: str.splitlines would also split on NEL, U+2028
    # and other characters that are text (or garbage to drop) in a dump.
    lines = [clean_line(line) for line in _LINE_END.split(text)]
    lines = [line for line in lines if line]
    known = {s.casefold() for s in (clean_line(s) for s in sections) if s}
    starts = _section_starts(lines, known)
    if warnings is not None and not known:
        warnings.extend(_sections_too_long(lines, starts))
    articles: list[Article] = []
    seen: set[str] = set()
    for begin, end in zip(starts, [*starts[1:], len(lines)][: len(starts)], strict=True):
        chunk = lines[begin:end]
        if len(chunk) < 2:
            continue  # a section line with no title: nothing to show
        section, title, body = chunk[0], chunk[1], chunk[2:]
        article = _article(section, title, body, source)
        if article.id in seen:  # the same title twice in a section: tell them apart stably
            salt = body[0] if body else str(len(articles))
            article = _article(section, title, body, source, salt=salt)
        seen.add(article.id)
        articles.append(article)
    return articles


def _section_starts(lines: list[str], known: set[str]) -> list[int]:
    if not lines:
        return []
    if known:
        starts = [i for i, line in enumerate(lines) if line.casefold() in known]
        return starts if starts and starts[0] == 0 else [0, *starts]
    starts = [0]
    for i in range(2, len(lines) - 1):
        if i - starts[-1] < 3:  # a story needs a title and at least one line
            continue
        following = lines[i + 2] if i + 2 < len(lines) else None
        if _is_section(lines[i], lines[i + 1], following):
            starts.append(i)
    return starts


def _sections_too_long(lines: list[str], starts: list[int]) -> list[str]:
    """The lines that stand as a section line does, but are too long for one:
    read as a story's line, they join two stories into one, silently."""
    found = []
    for i in range(2, len(lines) - 1):
        line = lines[i]
        if i in starts or (_words(line) <= SECTION_MAX_WORDS and len(line) <= SECTION_MAX_CHARS):
            continue
        following = lines[i + 2] if i + 2 < len(lines) else None
        if _is_section(line, lines[i + 1], following, long=True):
            shown = line if len(line) <= 60 else line[:59] + "…"
            found.append(
                f"“{shown}” stands where a section line would, but a section line has"
                f" at most {SECTION_MAX_WORDS} words and {SECTION_MAX_CHARS} characters:"
                " it is read as part of the story before it (name the sections in the"
                " config's [dump] sections to read it as one)"
            )
    return found


def _words(line: str) -> int:
    return len(line.split())


def _is_section(line: str, title: str, following: str | None, long: bool = False) -> bool:
    """Whether `line` starts a section (`long`: whatever its length)."""
    return (
        (long or (_words(line) <= SECTION_MAX_WORDS and len(line) <= SECTION_MAX_CHARS))
        and not _ending(line).endswith(_SECTION_NOT_ENDS)
        and line[0] not in _OPEN_QUOTES + "—–-"
        and _is_title(title)
        and (following is None or not (_is_title(following) or _is_label(following)))
    )


def _is_title(line: str) -> bool:
    return (
        _words(line) <= TITLE_MAX_WORDS
        and not _ending(line).endswith(_CLAUSE_ENDS)
        and not _has_attribution(line)
        and line[0] not in _OPEN_QUOTES + "—–-"
    )


def _ending(line: str) -> str:
    """The line without what may follow its last punctuation mark."""
    return _TRAILING.sub("", line) or line


def _has_attribution(line: str) -> re.Match[str] | None:
    # The pattern is costly on long lines; "(@" is cheap to look for first.
    return _ATTRIBUTION.search(line) if "(@" in line else None


def _is_label(line: str) -> bool:
    return line.endswith((":", "：")) and _words(line) <= SECTION_MAX_WORDS


def _is_one_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line)) and not _SENTENCE_BREAK.search(line)


def _is_quote(line: str) -> bool:
    body = line.rstrip(".,;")
    return len(body) > 2 and body[0] in _OPEN_QUOTES and body[-1] in _CLOSE_QUOTES


def _article(section: str, title: str, body: list[str], source: str, salt: str = "") -> Article:
    standfirst = ""
    if (
        len(body) > 1
        and _is_one_sentence(body[0])
        and _words(body[0]) <= STANDFIRST_MAX_WORDS
        and not _attributes(body, 1)
    ):
        standfirst, body = body[0], body[1:]
    return make_article(
        section,
        title,
        _blocks(body),
        source,
        standfirst=standfirst,
        id=article_id(section, title, salt),
    )


def _attributes(lines: list[str], i: int) -> bool:
    """Whether line `i` is an attribution that stands alone ("— Name (@handle)
    Date", or its date on the next line): the line before it is the post's text,
    not a standfirst (an attribution under no text would quote nothing)."""
    match = _has_attribution(lines[i]) if i < len(lines) else None
    return match is not None and not lines[i][: match.start()].strip()


def _blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        # An attribution split over two lines: "— Name (@handle)" then the date.
        if i + 1 < len(lines) and _DATE_LINE.match(lines[i + 1]) and _has_attribution(line):
            line = f"{line} {lines[i + 1]}"
            i += 1
        match = _has_attribution(line)
        if match:
            blocks = _close_post(blocks, line, match)
        elif i == len(lines) - 1 and (_EMAIL.search(line) or _TIP.search(line)):
            blocks.append(Block(BlockKind.FOOTER, line))
        elif _is_label(line):
            blocks.append(Block(BlockKind.LABEL, line))
        elif _is_quote(line):
            blocks.append(Block(BlockKind.QUOTE, line))
        elif (related := _related(line)) is not None:
            blocks.append(Block(BlockKind.RELATED, related))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, line))
        i += 1
    return blocks


def _related(line: str) -> str | None:
    """The headline a related-story line names, or None when the line is not one.

    A dump may spell the lead-in itself ("Related: Another storm"); the renderer
    adds its own, so the line's is taken off rather than shown twice.
    """
    if lead_in := _RELATED_LEAD_IN.match(line):
        line = line[lead_in.end() :]
        if not line:
            return None
    if _words(line) <= RELATED_MAX_WORDS and _is_title(line) and not _SENTENCE_END.search(line):
        return line
    return None


def _close_post(blocks: list[Block], line: str, match: re.Match[str]) -> list[Block]:
    """Turn the attribution and the short lines before it into one post block."""
    attribution = " ".join(p for p in (match["who"], match["when"]) if p)
    own_text = line[: match.start()].strip()
    parts = [own_text] if own_text else []
    taken = 0
    while (
        blocks
        and taken < POST_MAX_EXTRA_LINES
        and blocks[-1].kind is not BlockKind.POST
        and len(blocks[-1].text) < POST_LINE_MAX_CHARS
    ):
        parts.insert(0, blocks.pop().text)
        taken += 1
    if not parts and blocks and blocks[-1].kind is not BlockKind.POST:
        parts.insert(0, blocks.pop().text)  # a long post is still a post
    text = "\n".join(parts)
    link = _POST_LINK.search(text)
    return [
        *blocks,
        Block(BlockKind.POST, text, attribution=attribution, url=link.group() if link else ""),
    ]
