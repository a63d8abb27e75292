"""HTML reader: the article's prose, with exact source positions.

Built on the standard library's :class:`html.parser.HTMLParser` with
``convert_charrefs=False``: it reports the line and column of every tag, text
run, entity and character reference, so each extracted character maps back to
the source exactly (lxml, selectolax and html5lib report no positions, or only
line numbers). The parser is a flat event stream and this module keeps its own
explicit element stack, so unclosed or mis-nested tags and thousands of nesting
levels never recurse.

Only the article is read: the first ``<main>`` if there is one, else every
``<article>``, else the whole ``<body>``; navigation, page headers and footers,
scripts, forms, hidden elements and similar boilerplate are always left out.
See ``docs/readers.md``.
"""

from __future__ import annotations

import html as _html
import json
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

from audit.model import Block, Document, Link
from audit.readers.text import ProseBuilder, assign_sections


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Elements whose content is never prose.
EXCLUDED_TAGS = _names(
    "script style noscript template svg math nav aside button select option textarea iframe object "
    "embed canvas video audio map pre code kbd samp var head dialog"
)
#: A whole ``class`` name or ``id`` that marks what is not the article, inside ``<main>`` too:
#: other articles ("related-posts"), share buttons, the comments, breadcrumbs, cookie notices.
#: Whole names only: "related-conditions", "social-anxiety", "tag-social-media" (WordPress puts
#: its tags on the article) and "cookies-not-set" (a plugin's, on <body>) are content.
_BOILERPLATE_NAME = re.compile(
    r"(?:related|yarpp)[-_](?:posts?|articles?|content|stories|links|reading|items)|related"
    r"|share|sharing|share[-_](?:buttons?|links|bar|tools|icons)|social[-_](?:share|sharing|links|icons|buttons|bar)"
    r"|comments?[-_](?:area|list|section|wrapper)|comments|breadcrumbs?|breadcrumb[-_](?:nav|trail|list)"
    r"|cookies?[-_](?:banner|notice|consent|bar|popup|law)|cookie|consent[-_](?:banner|notice|bar|popup)"
)
#: Elements whose class names describe the whole page or article, never boilerplate.
_NEVER_BOILERPLATE = frozenset({"html", "body", "main", "article"})
#: Metadata key of the first ``<time datetime>`` date of an HTML page.
TIME_KEY = "html:time"
_DATE_VALUE = re.compile(r"(?:19|20)\d\d(?:-\d\d(?:-\d\d)?)?(?:[T ]|$)")
#: ``role`` values that mark page boilerplate.
BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary", "menu", "menubar"})
#: Elements that start a new block of prose.
BLOCK_TAGS = _names(
    "p li h1 h2 h3 h4 h5 h6 blockquote td th dd dt figcaption caption div section article main body html "
    "header footer ul ol dl table tr tbody thead tfoot figure address details summary fieldset legend center hr"
)
#: Block elements that hold prose of their own kind (others only group blocks).
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
VOID_TAGS = _names("area base br col embed hr img input link meta param source track wbr keygen")
#: Start tags that close an open ``<p>``.
_CLOSES_P = _names(
    "p div ul ol dl h1 h2 h3 h4 h5 h6 blockquote table pre section article main header footer nav aside "
    "figure form address details fieldset hr"
)
_P_SCOPE = _names("div li td th blockquote section article main body dd dt table button figure")
_HEAD_CONTENT = _names("title meta link script style noscript base template object")
_SECTIONING = frozenset({"article", "main", "section"})
#: How far up the open-element stack implied end tags look (keeps pathological nesting linear).
IMPLIED_END_SEARCH = 64

# Element flags.
_EXCL = 1
_BLOCK = 2
_MAIN = 4
_ARTICLE = 8
_SECT = 16
_ANCHOR = 32
_LDJSON = 64
_TITLE = 128


class _Extractor(HTMLParser):
    """Event handler that turns a page (or a fragment of one) into blocks."""

    def __init__(self, source: str, base: int = 0, fragment: bool = False) -> None:
        super().__init__(convert_charrefs=False)
        self.src = source
        self.base = base
        self.fragment = fragment
        starts = [0]
        i = source.find("\n")
        while i != -1:
            starts.append(i + 1)
            i = source.find("\n", i + 1)
        self._line_starts = starts
        self.metadata: dict[str, Any] = {}
        self.links: list[tuple[tuple[int, bool], Link]] = []
        self.comments: list[tuple[int, int, str]] = []
        self.blocks: list[tuple[tuple[int, bool], Block]] = []
        self.stack: list[tuple[str, int]] = []
        self.open_counts: Counter[str] = Counter()
        self.excluded = 0
        self.sectioning = 0
        self.mains_seen = 0
        self.main_id = -1
        self.main_open = 0
        self.article_open = 0
        # Block contexts: (kind, level) of open block elements.
        self.contexts: list[tuple[str, int]] = []
        self.lists = 0
        self.pb: ProseBuilder | None = None
        self._raw_links: list[Link] = []
        self.anchor: tuple[int, str, list[str], tuple[int, bool]] | None = None
        self.title: list[str] | None = None
        self.ldjson: list[str] | None = None

    # ----------------------------------------------------------------- positions
    def _pos(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _scope(self) -> tuple[int, bool]:
        return (self.main_id if self.main_open else -1, self.article_open > 0)

    # ----------------------------------------------------------------- blocks
    def _builder(self) -> ProseBuilder:
        if self.pb is None:
            self.pb = ProseBuilder(self._raw_links)
            if self.anchor is not None:
                self.pb.link_text = self.anchor[2]
        return self.pb

    def _flush(self) -> None:
        pb = self.pb
        self.pb = None
        if pb is None:
            return
        kind, level = self.contexts[-1] if self.contexts else ("paragraph", 0)
        block = pb.block(kind, level)
        if block is not None:
            self.blocks.append((self._scope(), block))
        if self._raw_links:
            scope = self._scope()
            self.links.extend((scope, lk) for lk in self._raw_links)
            self._raw_links.clear()

    def _context_for(self, tag: str) -> tuple[str, int]:
        if tag in _HEADINGS:
            return ("heading", _HEADINGS[tag])
        if tag == "li":
            return ("list_item", max(1, self.lists))
        if tag == "blockquote":
            return ("quote", 0)
        if tag in ("td", "th"):
            return ("table_cell", 0)
        if self.contexts and self.contexts[-1][0] != "paragraph":
            return self.contexts[-1]
        return ("paragraph", 0)

    # ----------------------------------------------------------------- stack
    def _push(self, tag: str, flags: int) -> None:
        self.stack.append((tag, flags))
        self.open_counts[tag] += 1

    def _pop(self, end: int) -> None:
        tag, flags = self.stack.pop()
        self.open_counts[tag] -= 1
        if flags & _ANCHOR and self.anchor is not None:
            start, href, parts, scope = self.anchor
            self.anchor = None
            if self.pb is not None:
                self.pb.link_text = None
            text = " ".join("".join(parts).split())
            self.links.append((scope, Link(url=href, text=text, start=self.base + start, end=self.base + end)))
        if flags & _BLOCK:
            self._flush()
            self.contexts.pop()
        if tag in ("ul", "ol"):
            self.lists -= 1
        if flags & _EXCL:
            self.excluded -= 1
        if flags & _SECT:
            self.sectioning -= 1
        if flags & _MAIN:
            self.main_open -= 1
        if flags & _ARTICLE:
            self.article_open -= 1
        if flags & _TITLE and self.title is not None:
            if "title" not in self.metadata:
                self.metadata["title"] = " ".join("".join(self.title).split())
            self.title = None
        if flags & _LDJSON and self.ldjson is not None:
            try:
                data = json.loads("".join(self.ldjson))
            except ValueError:
                data = None
            if isinstance(data, list):
                self.metadata.setdefault("json_ld", []).extend(d for d in data if isinstance(d, dict))
            elif isinstance(data, dict):
                self.metadata.setdefault("json_ld", []).append(data)
            self.ldjson = None

    def _close_implied(self, target: set[str] | frozenset[str], scope: frozenset[str] | set[str]) -> None:
        """Close the nearest open ``target`` element unless a ``scope`` element comes first."""
        if not any(self.open_counts[t] for t in target):
            return
        depth = len(self.stack)
        for k in range(depth - 1, max(-1, depth - 1 - IMPLIED_END_SEARCH), -1):
            tag = self.stack[k][0]
            if tag in target:
                pos = self._pos()
                while len(self.stack) > k:
                    self._pop(pos)
                return
            if tag in scope:
                return

    # ----------------------------------------------------------------- events
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._pos()
        raw = self.get_starttag_text() or ""
        end = start + len(raw)
        a = {k: (v if v is not None else "") for k, v in attrs}
        if not self.fragment:
            self._metadata_tag(tag, a)
        if self.open_counts["head"] and tag not in _HEAD_CONTENT:
            self._close_implied({"head"}, frozenset())  # content before <body>: the head has ended
        if tag in _CLOSES_P:
            self._close_implied({"p"}, _P_SCOPE)
        if tag == "li":
            self._close_implied({"li"}, frozenset({"ul", "ol", "menu"}))
        elif tag in ("dt", "dd"):
            self._close_implied({"dt", "dd"}, frozenset({"dl"}))
        elif tag in ("td", "th"):
            self._close_implied({"td", "th"}, frozenset({"tr", "table"}))
        elif tag == "tr":
            self._close_implied({"tr", "td", "th"}, frozenset({"table"}))
        if tag == "a":
            self._close_implied({"a"}, frozenset())
        if tag in VOID_TAGS:
            if self.excluded:
                return
            if tag == "br":
                self._builder().space(self.base + start, self.base + end, "<br>")
            elif tag == "hr":
                self._flush()
            return
        flags = 0
        if self._is_excluded(tag, a):
            flags |= _EXCL
            if tag in BLOCK_TAGS or tag in ("nav", "aside", "form", "pre", "noscript", "iframe", "template"):
                self._flush()
            self.excluded += 1
        if tag in _SECTIONING:
            flags |= _SECT
            self.sectioning += 1
        if tag == "main":
            flags |= _MAIN
            if not self.main_open:
                self.main_id = self.mains_seen
                self.mains_seen += 1
            self.main_open += 1
        elif tag == "article":
            flags |= _ARTICLE
            self.article_open += 1
        if tag in ("ul", "ol"):
            self.lists += 1
        if tag == "title" and "title" not in self.metadata and not self.open_counts["svg"] and not self.fragment:
            flags |= _TITLE
            self.title = []
        if tag == "script" and a.get("type", "").strip().lower() == "application/ld+json" and not self.fragment:
            flags |= _LDJSON
            self.ldjson = []
        if tag in BLOCK_TAGS and not flags & _EXCL:
            self._flush()
            flags |= _BLOCK
            self.contexts.append(self._context_for(tag))
        if tag == "a" and not self.excluded and a.get("href"):
            flags |= _ANCHOR
            self.anchor = (start, a["href"].strip(), [], self._scope())
            if self.pb is not None:
                self.pb.link_text = self.anchor[2]
        self._push(tag, flags)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.stack and self.stack[-1][0] == tag:
            self._pop(self._pos() + len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        start = self._pos()
        gt = self.src.find(">", start)
        end = len(self.src) if gt == -1 else gt + 1
        if tag == "br":
            if not self.excluded:
                self._builder().space(self.base + start, self.base + end, "<br>")
            return
        if not self.open_counts[tag]:
            if tag == "p" and not self.excluded:
                self._flush()
            return
        while self.stack:
            top = self.stack[-1][0]
            self._pop(end if top == tag else start)
            if top == tag:
                break

    def _is_excluded(self, tag: str, a: dict[str, str]) -> bool:
        if tag in EXCLUDED_TAGS:
            return True
        # (A ``hidden`` element is published text a click away: a collapsed accordion or tab
        # panel. ``aria-hidden`` marks decorative duplicates, and inline ``display:none`` mostly
        # templates and modals.)
        if a.get("aria-hidden", "").strip().lower() == "true":
            return True
        if a.get("role", "").strip().lower() in BOILERPLATE_ROLES:
            return True
        if tag not in _NEVER_BOILERPLATE and (a.get("class") or a.get("id")):
            names = (a.get("class", "") + " " + a.get("id", "")).lower().split()
            if any(_BOILERPLATE_NAME.fullmatch(n) for n in names):
                return True
        style = a.get("style")
        if style and "display:none" in style.replace(" ", "").lower():
            return True
        return tag in ("header", "footer") and not self.sectioning

    def _metadata_tag(self, tag: str, a: dict[str, str]) -> None:
        if tag == "html" and a.get("lang") and "lang" not in self.metadata:
            self.metadata["lang"] = a["lang"].strip()
        elif tag == "time" and _DATE_VALUE.match(a.get("datetime", "").strip()) and not self.excluded:
            # <time datetime="2024-03-01">: the first date outside boilerplate (a byline's) dates
            # the page, and one marked by microdata as the publication or modification date names
            # it so. ("PT4M", "09:00": a reading time, opening hours.)
            value = a["datetime"].strip()
            self.metadata.setdefault(TIME_KEY, value)
            prop = a.get("itemprop", "").strip().lower()
            if prop in ("datepublished", "datemodified", "datecreated"):
                self.metadata.setdefault(prop, value)
        elif tag == "meta" and "content" in a:
            key = (a.get("name") or a.get("property") or a.get("itemprop") or "").strip().lower()
            if key:
                value = a["content"].strip()
                old = self.metadata.get(key)
                if old is None:
                    self.metadata[key] = value
                elif isinstance(old, list):
                    old.append(value)
                else:
                    self.metadata[key] = [old, value]
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            self.metadata.setdefault("canonical", a["href"].strip())

    def handle_data(self, data: str) -> None:
        if self.ldjson is not None:
            self.ldjson.append(data)
            return
        if self.title is not None:
            self.title.append(data)
            return
        if self.excluded:
            return
        start = self._pos()
        if not self.src.startswith(data, start):
            return  # never map text to a position we cannot verify
        self._builder().add(self.base + start, data)

    def _reference(self, prefix: str, name: str) -> None:
        start = self._pos()
        raw = prefix + name
        if self.src.startswith(raw + ";", start):
            raw += ";"
        elif not self.src.startswith(raw, start):
            return
        decoded = _html.unescape(raw)
        if self.ldjson is not None:
            self.ldjson.append(raw)
            return
        if self.title is not None:
            self.title.append(decoded)
            return
        if self.excluded:
            return
        pb = self._builder()
        if decoded == raw:
            pb.add(self.base + start, raw)
        else:
            pb.replace(self.base + start, self.base + start + len(raw), decoded)

    def handle_entityref(self, name: str) -> None:
        self._reference("&", name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#", name)

    def handle_comment(self, data: str) -> None:
        start = self._pos()
        if self.src.startswith("<!--" + data, start):
            end = start + 4 + len(data)
            for closer in ("-->", "--!>", ">"):
                if self.src.startswith(closer, end):
                    end += len(closer)
                    break
        else:
            return  # a bogus comment such as <!x>: not a place for suppressions
        self.comments.append((self.base + start, self.base + end, data))

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """``<![...]>``; a malformed one (where the standard library asserts) is skipped to ``>`` like a browser's bogus comment."""
        pos = self.lineno, self.offset
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.lineno, self.offset = pos  # the failed scan had already moved the position
            j = self.rawdata.find(">", i + 3)
            return -1 if j == -1 else j + 1

    def finish(self) -> None:
        """Close everything still open at the end of the input."""
        self.close()
        end = len(self.src)
        while self.stack:
            self._pop(end)
        self._flush()


def extract_fragment(
    source: str, start: int, end: int, fragment: str | None = None
) -> tuple[list[Block], list[Link], list[tuple[int, int, str]]]:
    """Blocks, links and comments of the HTML in ``source[start:end]`` (e.g. a Markdown HTML block).

    Every position is an offset into ``source``. Boilerplate elements are left
    out as in a page, but there is no main/article selection and no metadata.
    ``fragment`` (optional, of the same length) is parsed instead of
    ``source[start:end]``: the same text with characters that are not part of
    the HTML (a Markdown quote's ``>`` markers) blanked.
    """
    if fragment is None:
        fragment = source[start:end]
    elif len(fragment) != end - start:
        raise ValueError("the fragment must have the length of source[start:end]")
    ex = _Extractor(fragment, base=start, fragment=True)
    ex.feed(fragment)
    ex.finish()
    return [b for _, b in ex.blocks], [lk for _, lk in ex.links], ex.comments


def read_html(path: str, text: str) -> Document:
    """Read an HTML page (or fragment) into a :class:`Document`."""
    doc = Document(path=path, format="html", source=text)
    ex = _Extractor(text)
    ex.feed(text)
    ex.finish()
    if ex.mains_seen:
        keep = [b for (main, _), b in ex.blocks if main == 0]
        links = [lk for (main, _), lk in ex.links if main == 0]
    elif any(art for (_, art), _ in ex.blocks) or any(art for (_, art), _ in ex.links):
        keep = [b for (_, art), b in ex.blocks if art]
        links = [lk for (_, art), lk in ex.links if art]
    else:
        keep = [b for _, b in ex.blocks]
        links = [lk for _, lk in ex.links]
    doc.blocks = keep
    doc.links = sorted(links, key=lambda lk: lk.start)
    doc.comments = ex.comments
    doc.metadata = ex.metadata
    assign_sections(doc.blocks)
    return doc
