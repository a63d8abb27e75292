"""Markdown reader: markdown-it-py tokens mapped back to exact source offsets.

markdown-it gives each block a line range (``token.map``) but no offsets for
inline content. This reader walks every inline token in order with a cursor
into the source, finding each text run at or after the cursor within the
block's lines. Entities and backslash escapes arrive as separate
``text_special`` tokens (the ``text_join`` rule is disabled) and map as
replacements; soft and hard line breaks become one space mapped to the line
break; emphasis markers, link destinations, images, inline code and raw HTML
are skipped. When a text run cannot be found where it must be, it is left out
rather than given a wrong position.

Front matter (YAML ``---`` or TOML ``+++``) is parsed into metadata and blanked
out, keeping every offset, before the rest is parsed.
"""

from __future__ import annotations

import re
from typing import Any

from audit.model import Document, Link
from audit.readers.frontmatter import ERROR_KEY, split_front_matter
from audit.readers.html import EXCLUDED_TAGS, extract_fragment
from audit.readers.text import ProseBuilder, assign_sections

_MD: Any = None
_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_WORD = re.compile(r"\S+")
_SPACE = re.compile(r"\s")
_NON_SPACE = re.compile(r"\S")
_EMPHASIS = frozenset({"em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"})


def _parser() -> Any:
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")
    return _MD


def _line_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def _close_bracket(src: str, k: int, limit: int) -> int:
    """Index of the ``]`` closing the ``[`` just before ``k`` (escape and nesting aware), or -1."""
    depth = 1
    while k < limit:
        ch = src[k]
        if ch == "\\":
            k += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return -1


def _link_tail(src: str, j: int, limit: int) -> int:
    """Offset just after a link or image whose text ends with the ``]`` at ``j``."""
    k = j + 1
    if k < limit and src[k] == "(":
        depth = 1
        quote = ""
        k += 1
        while k < limit:
            ch = src[k]
            if ch == "\\":
                k += 2
                continue
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "\"'" and src[k - 1] in " \t\n":
                quote = ch
            elif ch == "<" and src[k - 1] == "(":
                gt = src.find(">", k, limit)
                if gt != -1:
                    k = gt
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return j + 1
    if k < limit and src[k] == "[":
        end = src.find("]", k + 1, limit)
        if end != -1:
            return end + 1
    return j + 1


class _Inline:
    """Walks one inline token's children, filling a :class:`ProseBuilder`."""

    def __init__(self, src: str, doc: Document, start: int, limit: int) -> None:
        self.src = src
        self.doc = doc
        self.c = start
        self.limit = limit
        self.first = True
        self.pb = ProseBuilder(doc.links)
        #: Open inline elements whose content is not prose (<script>, <code>...).
        self.hidden = 0

    def _find(self, needle: str, check_gap: bool = True) -> int:
        """Find ``needle`` at or after the cursor; -1 if absent or if prose would be skipped."""
        i = self.src.find(needle, self.c, self.limit)
        if i < 0:
            return -1
        if check_gap and not self.first and any(ch.isalnum() for ch in self.src[self.c : i]):
            return -1  # something we did not account for lies in between: do not guess
        return i

    def _find_html(self, content: str) -> tuple[int, int]:
        """Where inline HTML ``content`` stands in the source, ``(-1, -1)`` if nowhere.

        A tag or comment that spans lines is given with its line breaks as ``\n`` and without
        the container's prefix of each continuation line (``> `` in a quotation, a list item's
        indent), so in a CRLF file, a quotation or a list item it is not the source's text: it
        is matched line by line then, with any CR, blanks and ``>`` between lines. (Not finding
        it would leave the cursor before the tag and lose the rest of the paragraph.)
        """
        i = self._find(content, check_gap=False)
        if i >= 0:
            return i, i + len(content)
        if "\n" not in content:
            return -1, -1
        lines = content.split("\n")
        pattern = re.escape(lines[0]) + "".join(r"\r?\n[ \t>]*" + re.escape(line.lstrip(" \t")) for line in lines[1:])
        m = re.compile(pattern).search(self.src, self.c, self.limit)
        return (m.start(), m.end()) if m else (-1, -1)

    def run(self, children: list[Any]) -> None:
        src = self.src
        pb = self.pb
        # Open links: (start, href, text parts, kind) with kind "md", "auto" or "html".
        anchors: list[tuple[int, str, list[str], str]] = []
        saved_links = pb.links
        for ch in children:
            ty = ch.type
            if ty in ("text", "text_special") and self.hidden:
                i = self._find(ch.markup or ch.content, check_gap=False)
                if i >= 0:
                    self.c = i + len(ch.markup or ch.content)
                continue
            if ty == "text":
                if not ch.content or (anchors and anchors[-1][3] == "auto"):
                    continue
                i = self._find(ch.content)
                if i < 0:
                    if not ("|" in ch.content and self._escaped_pipes(ch.content)):
                        self._text_piecewise(ch.content)
                else:
                    pb.add(i, ch.content)
                    self.c = i + len(ch.content)
            elif ty == "text_special":
                i = self._find(ch.markup)
                if i < 0:
                    continue
                if ch.content == ch.markup:
                    pb.add(i, ch.content, urls=False)  # a backslash that escapes nothing stays as written
                else:
                    pb.replace(i, i + len(ch.markup), ch.content)
                self.c = i + len(ch.markup)
            elif ty in ("softbreak", "hardbreak"):
                nl = src.find("\n", self.c, self.limit)
                if nl < 0:
                    continue
                gap = src[self.c : nl].strip()
                pb.space(self.c if gap in ("", "\\") else nl, nl + 1, "\n")
                self.c = nl + 1
            elif ty in _EMPHASIS:
                i = self._find(ch.markup)
                if i >= 0:
                    self.c = i + len(ch.markup)
            elif ty == "code_inline":
                i = self._find(ch.markup)
                if i < 0:
                    continue
                j = i + len(ch.markup)
                while True:
                    j = src.find(ch.markup, j, self.limit)
                    if j < 0 or not src.startswith("`", j + len(ch.markup)):
                        break
                    j += len(ch.markup)
                    while src.startswith("`", j):
                        j += 1
                if j < 0:
                    continue
                end = j + len(ch.markup)
                pb.space(i, end, "`")  # code is not prose, but it separates words
                self.c = end
            elif ty == "image":
                i = self._find("![")
                if i < 0:
                    continue
                j = _close_bracket(src, i + 2, self.limit)
                if j < 0:
                    continue
                self.c = _link_tail(src, j, self.limit)
            elif ty == "link_open":
                href = str(ch.attrs.get("href", ""))
                if ch.markup == "autolink":
                    i = self._find("<")
                    kind = "auto"
                else:
                    i = self._find("[")
                    kind = "md"
                if i < 0:
                    anchors.append((-1, href, [], kind))
                    continue
                parts: list[str] = []
                anchors.append((i, href, parts, kind))
                self.c = i + 1
                pb.link_text = parts
                pb.links = None  # a URL used as link text is not a second link
            elif ty == "link_close":
                if not anchors:
                    continue
                start, href, parts, kind = anchors.pop()
                pb.link_text = None
                pb.links = saved_links
                if start < 0:
                    continue
                if kind == "auto":
                    gt = src.find(">", self.c, self.limit)
                    end = self.c if gt < 0 else gt + 1
                else:
                    j = src.find("]", self.c, self.limit)
                    end = self.c if j < 0 else _link_tail(src, j, self.limit)
                self.c = end
                text = href if kind == "auto" else " ".join("".join(parts).split())
                self.doc.links.append(Link(url=href, text=text, start=start, end=end))
            elif ty == "html_inline":
                i, end = self._find_html(ch.content)
                if i < 0:
                    continue
                self._html_inline(ch.content, i, end, anchors)
                self.c = end
            else:
                continue
            self.first = False
        pb.links = saved_links

    def _escaped_pipes(self, content: str) -> bool:
        r"""Add a table cell's text run in which the table parser read each ``\|`` as ``|``.

        False (nothing added) when the source does not hold the run written that way.
        """
        i = self._find(content.replace("|", "\\|"))
        if i < 0:
            return False
        for k, piece in enumerate(content.split("|")):
            if k:
                self.pb.replace(i, i + 2, "|")
                i += 2
            if piece:
                self.pb.add(i, piece)
                i += len(piece)
        self.c = i
        return True

    def _text_piecewise(self, content: str) -> None:
        """Fallback for a text run that differs from the source (e.g. a NUL read as U+FFFD).

        Words found right after the cursor are kept; a word that cannot be found
        is left out and the cursor skips to the next whitespace in the source.
        """
        src = self.src
        for m in _WORD.finditer(content):
            word = m.group()
            i = src.find(word, self.c, self.limit)
            if i >= 0 and (self.first or not src[self.c : i].strip()):
                if m.start() and self.c < i:
                    self.pb.space(self.c, i, src[self.c : i])
                self.pb.add(i, word)
                self.c = i + len(word)
            else:
                # Skip the source word this one stands for: past any white space at the
                # cursor, to the white space after the next word.
                word_start = _NON_SPACE.search(src, self.c, self.limit)
                ws = _SPACE.search(src, word_start.end(), self.limit) if word_start else None
                if ws is None:
                    return
                self.c = ws.start()
            self.first = False

    def _html_inline(self, tag: str, start: int, end: int, anchors: list[tuple[int, str, list[str], str]]) -> None:
        low = tag[:4].lower()
        pb = self.pb
        if tag.startswith("<!--"):
            inner = tag[4:-3] if tag.endswith("-->") else tag[4:]
            self.doc.comments.append((start, end, inner))
        elif low.startswith("<a") and (len(tag) > 2 and not tag[2].isalnum()):
            m = _HREF.search(tag)
            if m:
                href = next(g for g in m.groups() if g is not None)
                parts: list[str] = []
                anchors.append((start, href, parts, "html"))
                pb.link_text = parts
        elif low.startswith("</a") and anchors and anchors[-1][3] == "html":
            a_start, href, parts, _ = anchors.pop()
            pb.link_text = None
            self.doc.links.append(Link(url=href, text=" ".join("".join(parts).split()), start=a_start, end=end))
        elif low.startswith("<br"):
            pb.space(start, end, tag)
        else:
            m = _TAG_NAME.match(tag)
            if m and m.group(2).lower() in EXCLUDED_TAGS and not tag.endswith("/>"):
                self.hidden = max(0, self.hidden + (-1 if m.group(1) else 1))


#: ``doc.cache`` key of the source spans of a Markdown document's code blocks: ``[(start, end)]``.
CODE_SPANS = "markdown:code"


def _blank(text: str) -> str:
    """``text`` with every character but line breaks turned into a space (same length)."""
    return "".join(ch if ch in "\r\n" else " " for ch in text)


def read_markdown(path: str, text: str) -> Document:
    """Read a Markdown article (CommonMark, tables, strikethrough, front matter)."""
    doc = Document(path=path, format="markdown", source=text)
    fm = split_front_matter(text)
    body = text
    if fm.end:
        body = _blank(text[: fm.end]) + text[fm.end :]
        doc.metadata.update(fm.data)
    if fm.error:
        doc.metadata = {ERROR_KEY: fm.error}
    tokens = _parser().parse(body)
    starts = _line_starts(text)
    n = len(text)

    def offset(line: int) -> int:
        return starts[line] if line < len(starts) else n

    containers: list[str] = []
    lists = 0
    pending: tuple[str, int] | None = None
    cursor = 0
    for tok in tokens:
        ty = tok.type
        if ty == "blockquote_open":
            containers.append("quote")
        elif ty == "list_item_open":
            containers.append("list_item")
        elif ty in ("blockquote_close", "list_item_close"):
            if containers:
                containers.pop()
        elif ty in ("bullet_list_open", "ordered_list_open"):
            lists += 1
        elif ty in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif ty == "heading_open":
            pending = ("heading", int(tok.tag[1:]))
        elif ty == "paragraph_open":
            if containers and containers[-1] == "list_item":
                pending = ("list_item", max(1, lists))
            elif containers:
                pending = ("quote", 0)
            else:
                pending = ("paragraph", 0)
        elif ty in ("th_open", "td_open"):
            pending = ("table_cell", 0)
        elif ty == "inline" and tok.map and pending is not None:
            kind, level = pending
            pending = None
            start = max(offset(tok.map[0]), cursor)
            walker = _Inline(text, doc, start, offset(tok.map[1]))
            walker.run(tok.children or [])
            cursor = max(cursor, walker.c)
            block = walker.pb.block(kind, level)
            if block is not None:
                doc.blocks.append(block)
        elif ty == "html_block" and tok.map:
            start, end = offset(tok.map[0]), offset(tok.map[1])
            cursor = max(cursor, end)
            fragment = _without_markers(text[start:end], tok.content) if containers else None
            if containers and fragment is None:
                _comments_only(text, start, end, doc)
            else:
                blocks, links, comments = extract_fragment(text, start, end, fragment)
                if containers:
                    # The block sits in a list item or quote: its prose is of that kind.
                    kind = "list_item" if containers[-1] == "list_item" else "quote"
                    for block in blocks:
                        if block.kind == "paragraph":
                            block.kind, block.level = kind, (max(1, lists) if kind == "list_item" else 0)
                doc.blocks.extend(blocks)
                doc.links.extend(links)
                doc.comments.extend(comments)
        elif ty in ("fence", "code_block") and tok.map:
            cursor = max(cursor, offset(tok.map[1]))
            # Where code stands, for the checks that read the source itself (footnote definitions).
            doc.cache.setdefault(CODE_SPANS, []).append((offset(tok.map[0]), offset(tok.map[1])))
    doc.links.sort(key=lambda lk: lk.start)
    assign_sections(doc.blocks)
    return doc


def _without_markers(region: str, content: str) -> str | None:
    """The source lines of an HTML block nested in a list item or quote, with what the
    container adds at the start of each line (``>`` markers, list indentation) blanked.

    ``content`` is the block's HTML as markdown-it hands it over, one line for each line of
    ``region``, each with the container's prefix removed. The result has the length of
    ``region`` and its line breaks, so offsets into it are offsets into the source. None
    when a line does not end with its content line (markdown-it changed more than a
    prefix, e.g. expanded a tab): then only the block's comments are read.
    """
    lines = region[:-1].split("\n") if region.endswith("\n") else region.split("\n")
    want = content[:-1].split("\n") if content.endswith("\n") else content.split("\n")
    if len(lines) != len(want):
        return None
    out = []
    for line, html in zip(lines, want):
        body = line.removesuffix("\r")
        if not body.endswith(html):
            return None
        cut = len(body) - len(html)
        out.append(" " * cut + line[cut:])
    return "\n".join(out) + ("\n" if region.endswith("\n") else "")


def _comments_only(src: str, start: int, end: int, doc: Document) -> None:
    """Record the HTML comments of an HTML block nested in a list or quote."""
    i = src.find("<!--", start, end)
    while i != -1:
        j = src.find("-->", i + 4)
        close = len(src) if j == -1 else j + 3
        doc.comments.append((i, close, src[i + 4 : close - 3 if j != -1 else close]))
        i = src.find("<!--", close, end)
