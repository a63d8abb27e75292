"""Plain-text reader: infers headings, list items and paragraphs from layout.

Plain-text health articles are mostly scraped web pages (one paragraph per
line, headings as short bare lines, bullets as ``-``/``•``/``1.`` lines) or
hard-wrapped drafts (paragraphs broken at a fixed width). The heuristics, all
tunable through the module constants, are documented in ``docs/readers.md``.

This module also holds the prose helpers the Markdown and HTML readers share:
:class:`ProseBuilder` (whitespace collapsing and bare-URL removal on top of
:class:`audit.model.TextBuilder`), :func:`find_urls` and
:func:`assign_sections`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audit.model import Block, Document, Link, TextBuilder

#: A line of at most this many words (and no final sentence punctuation) can be a heading.
HEADING_MAX_WORDS = 12
#: Title Case lines, and the first line of the file, may be this long and still be a heading.
TITLE_MAX_WORDS = 20
#: A question is a heading (FAQ style) when it has at most this many words, or is in Title Case.
QUESTION_MAX_WORDS = 10
#: Lines longer than this (in characters) are never headings.
HEADING_MAX_CHARS = 160
#: A file whose longest prose line is at most this wide may be hard-wrapped.
WRAP_MAX_WIDTH = 100
#: In a hard-wrapped file, a line is continued on the next one when adding the next
#: line's first word would come within this many characters of the wrap width.
WRAP_SLACK = 10
#: Characters that end a sentence (a line ending with one is not a heading).
SENTENCE_END = ".!?:;,"
#: Small words that Title Case leaves in lower case.
SMALL_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or", "per", "the", "to", "vs", "via", "with", "is", "are", "its", "your", "our", "their"]
)

#: Whitespace that is not a lone space: a run of two or more, or one tab, line break, no-break space...
_SPECIAL_WS = re.compile(r"\s{2,}|[^\S ]")
# Bare URLs: a scheme or "www." followed by non-space characters (linear, no backtracking).
_URL = re.compile(r"(?:https?://|ftp://|mailto:|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?'\"*_"
_WWW = re.compile(r"www\.", re.IGNORECASE)


def find_urls(text: str) -> list[tuple[int, int]]:
    """Spans of bare URLs in ``text``, without trailing punctuation or an unmatched ``)``."""
    spans: list[tuple[int, int]] = []
    for m in _URL.finditer(text):
        a, b = m.span()
        while b > a:
            ch = text[b - 1]
            if ch in _URL_TRAIL or ch == ")" and text.count("(", a, b) < text.count(")", a, b):
                b -= 1
            else:
                break
        if b - a > len("www."):
            spans.append((a, b))
    return spans


class ProseBuilder:
    """Builds one block's prose text with an exact span map.

    Runs of whitespace (including line breaks) collapse to one space, mapped to
    the whole run with :meth:`TextBuilder.replace`; leading and trailing
    whitespace is dropped. Bare URLs are left out of the text and, when a
    ``links`` list is given, recorded there.
    """

    __slots__ = ("_has_text", "_pending", "link_text", "links", "tb")

    def __init__(self, links: list[Link] | None = None) -> None:
        self.tb = TextBuilder()
        self.links = links
        self._pending: tuple[int, int, str] | None = None
        self._has_text = False
        #: When not None, decoded text is also appended here (the text of an open link).
        self.link_text: list[str] | None = None

    @property
    def empty(self) -> bool:
        return not self._has_text

    def space(self, start: int, end: int, text: str = " ") -> None:
        """A word break standing for source ``[start, end)`` (whitespace, ``<br>``...)."""
        if self._pending is None:
            self._pending = (start, end, text)

    def _flush_space(self) -> None:
        if self._pending is not None:
            if self._has_text:
                s, e, t = self._pending
                if t == " ":
                    self.tb.copy(s, " ")
                else:
                    self.tb.replace(s, e, " ")
                if self.link_text is not None:
                    self.link_text.append(" ")
            self._pending = None

    def add(self, start: int, text: str, urls: bool = True) -> None:
        """Append ``text``, which stands verbatim in the source at ``start``.

        Text between lone spaces is copied as one run (a lone space between
        two words stands for itself); other whitespace and bare URLs split
        the runs.
        """
        if not text:
            return
        # A printable string holds no whitespace but the plain space (str.isprintable).
        if text.isprintable() and "  " not in text:
            breaks = []
        else:
            breaks = [(m.start(), m.end(), False) for m in _SPECIAL_WS.finditer(text)]
        # Every URL has "://", "mailto:" or "www.": a ":" or (any case) "www.".
        if urls and (":" in text or "." in text and _WWW.search(text) is not None):
            spans = find_urls(text)
            if spans:
                breaks.extend((a, b, True) for a, b in spans)
                breaks.sort()
        pos = 0
        for a, b, is_url in breaks:
            if a > pos:
                self._run(start, text, pos, a)
            if is_url:
                if self.links is not None:
                    url = text[a:b]
                    self.links.append(Link(url=url, text=url, start=start + a, end=start + b))
            else:
                self.space(start + a, start + b, text[a:b])
            pos = b
        if pos < len(text):
            self._run(start, text, pos, len(text))

    def _run(self, start: int, text: str, a: int, b: int) -> None:
        """Copy ``text[a:b]``, which holds no URL and no whitespace but lone spaces."""
        if text[a] == " ":
            self.space(start + a, start + a + 1)
            a += 1
            if a == b:
                return
        if text[b - 1] == " ":
            self._copy(start + a, text[a : b - 1])
            self.space(start + b - 1, start + b)
        else:
            self._copy(start + a, text[a:b])

    def _copy(self, start: int, chunk: str) -> None:
        self._flush_space()
        self.tb.copy(start, chunk)
        self._has_text = True
        if self.link_text is not None:
            self.link_text.append(chunk)

    def replace(self, start: int, end: int, text: str) -> None:
        """Append ``text`` (e.g. a decoded entity) standing for source ``[start, end)``."""
        if not text:
            return
        if text.isspace():
            self.space(start, end, "\x00")
            return
        self._flush_space()
        self.tb.replace(start, end, text)
        self._has_text = True
        if self.link_text is not None:
            self.link_text.append(text)

    def block(self, kind: str, level: int = 0) -> Block | None:
        """The finished block, or None when it holds no prose."""
        if not self._has_text:
            return None
        text, smap = self.tb.build()
        return Block(kind=kind, text=text, map=smap, level=level)


def assign_sections(blocks: list[Block]) -> None:
    """Number sections: 0 before the first heading, each heading starts the next one."""
    section = 0
    for b in blocks:
        if b.kind == "heading":
            section += 1
        b.section = section


# --------------------------------------------------------------------------- plain text

_MD_HEADING = re.compile(r"[ ]{0,3}(#{1,6})(?:[ \t]+|$)")
_LIST = re.compile(r"([ \t]*)(?:[-*+•◦▪‣·–—●○■□➢➤✓✔]|\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)](?= ))[ \t]+(?=\S)")
_DECORATION = re.compile(r"[ \t]*([-=*_~#•·])(?:[ \t]*\1){2,}[ \t]*")
_TERMINAL = ".!?:;"


@dataclass
class _Line:
    start: int  # offset of the first character of the line
    end: int  # offset just after the last non-newline character
    text: str  # the line without its line break


@dataclass
class _Unit:
    kind: str  # heading, paragraph, list_item
    lines: list[int] = field(default_factory=list)
    start: int = 0  # source offset of the prose (after any marker)
    end: int = 0
    level: int = 0
    indent: int = 0
    explicit: bool = False  # a '#' or setext heading, not an inferred one


def _split_lines(text: str) -> list[_Line]:
    lines = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        body_end = end - 1 if end > pos and text[end - 1] == "\r" else end
        lines.append(_Line(pos, body_end, text[pos:body_end]))
        if nl == -1:
            break
        pos = nl + 1
    return lines


def _first_word(s: str) -> str:
    parts = s.split(None, 1)
    return parts[0] if parts else ""


def _is_title_case(words: list[str]) -> bool:
    significant = [w for w in words if w[:1].isalpha() and w.lower().strip(",:") not in SMALL_WORDS]
    if len(significant) < 2:
        return bool(significant) and significant[0][0].isupper()
    caps = sum(1 for w in significant if w[0].isupper())
    return caps / len(significant) >= 0.75


#: A line of a reference list, not a heading: "[1] Smith J. ...", or one holding a DOI, a PMID,
#: a URL or a journal's year;volume ("2019;393:407"), which entries often end with instead of a
#: full stop.
_REFERENCE_LINE = re.compile(r"^\[\d{1,3}\]\s|\bdoi[:.]|\bPMID\b|https?://|\b(?:19|20)\d\d;\s?\d", re.IGNORECASE)


def heading_like(line: str, first: bool = False) -> bool:
    """Whether a bare line looks like a heading (short, no final punctuation)."""
    s = line.strip()
    if not s or len(s) > HEADING_MAX_CHARS:
        return False
    if _REFERENCE_LINE.search(s):
        return False
    letter = next((ch for ch in s if ch.isalpha()), "")
    if not letter or letter.islower():
        return False
    last = s.rstrip("\"'”’)]*_")[-1:] or s[-1]
    if last in SENTENCE_END and last != "?":
        return False
    words = s.split()
    title: bool | None = None
    if last == "?":
        title = _is_title_case(words)
        if not (title or len(words) <= QUESTION_MAX_WORDS):
            return False
    if not first and title is None:
        title = _is_title_case(words)
    limit = TITLE_MAX_WORDS if (first or title) else HEADING_MAX_WORDS
    return len(words) <= limit


def _ends_sentence(s: str) -> bool:
    s = s.rstrip().rstrip("\"'”’)]*_")
    return bool(s) and s[-1] in _TERMINAL


def _mid_sentence(prev: str, nxt: str) -> bool:
    """``prev`` stops mid-sentence and ``nxt`` carries on in lower case."""
    w = _first_word(nxt)
    return bool(w) and w[0].islower() and not _ends_sentence(prev)


def read_text(path: str, text: str) -> Document:
    """Read a plain-text article into a :class:`Document`."""
    doc = Document(path=path, format="text", source=text)
    lines = _split_lines(text)

    kinds: list[str] = []
    for ln in lines:
        t = ln.text
        if not t.strip():
            kinds.append("blank")
        elif _DECORATION.fullmatch(t):
            kinds.append("rule")
        elif _MD_HEADING.match(t):
            kinds.append("md_heading")
        elif _LIST.match(t):
            kinds.append("list")
        else:
            kinds.append("text")

    prose_widths = [len(ln.text.rstrip()) for ln, k in zip(lines, kinds) if k in ("text", "list")]
    width = max(prose_widths, default=0)
    wrapped = 0 < width <= WRAP_MAX_WIDTH and any(
        kinds[i] == "text" and kinds[i + 1] == "text" and _mid_sentence(lines[i].text, lines[i + 1].text)
        for i in range(len(lines) - 1)
    )

    def continues(prev: _Line, nxt: _Line) -> bool:
        if _mid_sentence(prev.text, nxt.text):
            return True
        return wrapped and len(prev.text.rstrip()) + 1 + len(_first_word(nxt.text)) > width - WRAP_SLACK

    units: list[_Unit] = []
    cur: _Unit | None = None
    for i, ln in enumerate(lines):
        k = kinds[i]
        t = ln.text
        if k == "blank":
            cur = None
            continue
        if k == "rule":
            ch = t.strip()[0]
            if cur is not None and cur.kind == "paragraph" and len(cur.lines) == 1 and ch in "=-":
                cur.kind, cur.level, cur.explicit = "heading", (1 if ch == "=" else 2), True
            cur = None
            continue
        if k == "md_heading":
            m = _MD_HEADING.match(t)
            assert m is not None
            body = t[m.end() :].rstrip()
            closing = re.search(r"(?:^|[ \t])#+$", body)
            if closing:
                body = body[: closing.start()].rstrip()
            start = ln.start + m.end()
            units.append(_Unit("heading", [i], start, start + len(body), len(m.group(1)), explicit=True))
            cur = None
            continue
        if k == "list":
            m = _LIST.match(t)
            assert m is not None
            cur = _Unit("list_item", [i], ln.start + m.end(), ln.start + len(t.rstrip()), indent=len(m.group(1)))
            units.append(cur)
            continue
        # An ordinary text line.
        if cur is not None:
            prev = lines[cur.lines[-1]]
            indent = len(t) - len(t.lstrip())
            joined = continues(prev, ln)
            if cur.kind == "list_item" and not joined and indent > cur.indent and kinds[i - 1] != "blank":
                joined = True
            if joined and cur.kind != "heading":
                cur.lines.append(i)
                cur.end = ln.start + len(t.rstrip())
                continue
        lead = len(t) - len(t.lstrip())
        cur = _Unit("paragraph", [i], ln.start + lead, ln.start + len(t.rstrip()))
        units.append(cur)

    # Inferred headings: a single bare line, heading-like, followed by more text.
    for n, u in enumerate(units):
        if u.kind != "paragraph" or len(u.lines) != 1 or n == len(units) - 1:
            continue
        first = n == 0 and u.lines[0] == next(i for i, k in enumerate(kinds) if k != "blank")
        if heading_like(text[u.start : u.end], first=first):
            u.kind = "heading"
            u.level = 1 if first else 2

    # List nesting from indentation.
    indents: list[int] = []
    prev_unit: _Unit | None = None
    for u in units:
        if u.kind != "list_item":
            indents = []
        else:
            if prev_unit is None or prev_unit.kind != "list_item":
                indents = []
            while indents and indents[-1] > u.indent:
                indents.pop()
            if not indents or indents[-1] < u.indent:
                indents.append(u.indent)
            u.level = len(indents)
        prev_unit = u

    for u in units:
        pb = ProseBuilder(doc.links)
        pb.add(u.start, text[u.start : u.end])
        block = pb.block(u.kind, u.level)
        if block is not None:
            doc.blocks.append(block)
    assign_sections(doc.blocks)
    return doc
