"""The document model every stage shares.

Readers turn a file into a :class:`Document`: the decoded ``source`` text, its
``metadata`` (front matter, HTML meta tags) and a list of prose :class:`Block`
objects. A block's ``text`` is the prose a reader sees (markup removed,
entities decoded); its :class:`SpanMap` maps every character of that text back
to the exact character offsets in ``source``. Rules work on block text and
report :class:`Hit` objects in *source* offsets; the engine turns those into
:class:`Finding` records with 1-based lines and columns (Unicode characters).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType
from typing import Any

BLOCK_KINDS = ("heading", "paragraph", "list_item", "quote", "table_cell")
SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
CATEGORIES = ("readability", "claims", "evidence", "promotion", "seo", "provenance", "input")


class SpanMap:
    """Maps offsets in extracted text to offsets in the original source.

    Stored as segments ``(text_start, text_len, src_start, src_len)``. A copy
    segment has ``text_len == src_len`` and maps character by character; a
    replacement segment (an entity, a collapsed line break) maps as a whole.
    """

    __slots__ = ("_segs", "_src_starts", "_starts")

    def __init__(self, segs: list[tuple[int, int, int, int]]) -> None:
        self._segs = segs
        self._starts = [s[0] for s in segs]
        self._src_starts: list[int] | None = None

    def _seg(self, t: int) -> tuple[int, int, int, int]:
        i = bisect.bisect_right(self._starts, t) - 1
        if i < 0:  # noqa: PLR1730 (a comparison is cheaper than max() here)
            i = 0
        return self._segs[i]

    def start(self, t: int) -> int:
        """Source offset where text character ``t`` begins."""
        ts, tl, ss, sl = self._seg(t)
        if tl == sl:
            return ss + min(t - ts, tl)
        return ss

    def end(self, t: int) -> int:
        """Source offset just after text character ``t``."""
        ts, tl, ss, sl = self._seg(t)
        if tl == sl:
            return ss + min(t - ts, tl - 1) + 1
        return ss + sl

    def text_offset(self, src: int) -> int | None:
        """The text offset of the character copied from source offset ``src``; None when the
        text holds no copy of it (markup, a comment, code left out of the text)."""
        if self._src_starts is None:
            # Readers add segments in source order, so their source starts ascend; should a
            # map not, every segment is looked at ([] below).
            starts = [s[2] for s in self._segs]
            self._src_starts = starts if all(a <= b for a, b in pairwise(starts)) else []
        if self._src_starts:
            i = bisect.bisect_right(self._src_starts, src) - 1
            # (A replacement segment may share its start with the copy beside it: look at both.)
            candidates = self._segs[max(0, i - 1) : i + 1]
        else:
            candidates = self._segs
        for ts, tl, ss, sl in candidates:
            if tl == sl and ss <= src < ss + sl:
                return ts + src - ss
        return None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source ``(start, end)`` of the text span ``[start, end)``."""
        if not self._segs:
            return (0, 0)
        if end <= start:
            s = self.start(start)
            return (s, s)
        return (self.start(start), self.end(end - 1))


class TextBuilder:
    """Accumulates extracted text together with its :class:`SpanMap`."""

    __slots__ = ("_len", "_parts", "_segs")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._segs: list[tuple[int, int, int, int]] = []
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def copy(self, src_start: int, text: str) -> None:
        """Append ``text`` that stands verbatim in the source at ``src_start``."""
        if not text:
            return
        n = len(text)
        if self._segs:
            ts, tl, ss, sl = self._segs[-1]
            if tl == sl and ts + tl == self._len and ss + sl == src_start:
                self._segs[-1] = (ts, tl + n, ss, sl + n)
                self._parts.append(text)
                self._len += n
                return
        self._segs.append((self._len, n, src_start, n))
        self._parts.append(text)
        self._len += n

    def replace(self, src_start: int, src_end: int, text: str) -> None:
        """Append ``text`` standing for the source span ``[src_start, src_end)``."""
        if not text:
            return
        if len(text) == src_end - src_start:
            # Same length (e.g. a newline read as a space): keep per-char mapping.
            self._segs.append((self._len, len(text), src_start, len(text)))
        else:
            self._segs.append((self._len, len(text), src_start, src_end - src_start))
        self._parts.append(text)
        self._len += len(text)

    def text(self) -> str:
        return "".join(self._parts)

    def build(self) -> tuple[str, SpanMap]:
        return self.text(), SpanMap(list(self._segs))


@dataclass(eq=False)
class Sentence:
    """A sentence inside a block; ``start``/``end`` are offsets in ``block.text``."""

    block: Block
    start: int
    end: int
    #: Word tokens as ``(start, end)`` offsets in ``block.text``.
    tokens: list[tuple[int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.block.text[self.start : self.end]

    def words(self) -> list[str]:
        t = self.block.text
        return [t[a:b] for a, b in self.tokens]

    def source_span(self, start: int | None = None, end: int | None = None) -> tuple[int, int]:
        """Source offsets of this sentence, or of ``[start, end)`` relative to it."""
        a = self.start if start is None else self.start + start
        b = self.end if end is None else self.start + end
        return self.block.map.span(a, b)


@dataclass(eq=False)
class Block:
    """A unit of prose: heading, paragraph, list item, quote or table cell."""

    kind: str
    text: str
    map: SpanMap
    level: int = 0
    #: Index of the section (heading to heading) this block belongs to.
    section: int = 0
    #: Filled by :func:`audit.nlp.segment` on first use.
    sentences: list[Sentence] = field(default_factory=list)

    def source_span(self, start: int = 0, end: int | None = None) -> tuple[int, int]:
        return self.map.span(start, len(self.text) if end is None else end)


@dataclass(frozen=True)
class Link:
    """A hyperlink found by a reader; offsets are into ``Document.source``."""

    url: str
    text: str
    start: int
    end: int


@dataclass(eq=False)
class Document:
    """A checked file: decoded source, metadata, prose blocks and links."""

    path: str
    format: str
    source: str
    metadata: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    #: Spans of the source that are inline suppression comments etc.: ``(start, end, text)``.
    comments: list[tuple[int, int, str]] = field(default_factory=list)
    #: Per-document results shared between rules (analyses, scores), keyed by name.
    cache: dict[str, Any] = field(default_factory=dict)
    _line_starts: list[int] | None = field(default=None, repr=False)
    _segmented: bool = field(default=False, repr=False)

    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            src = self.source
            i = src.find("\n")
            while i != -1:
                starts.append(i + 1)
                i = src.find("\n", i + 1)
            self._line_starts = starts
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based ``(line, column)`` of a source offset; columns count characters."""
        starts = self.line_starts()
        i = bisect.bisect_right(starts, offset) - 1
        return i + 1, offset - starts[i] + 1

    def sentences(self) -> Iterator[Sentence]:
        """All sentences of the document, in order (segmenting on first use)."""
        if not self._segmented:
            from audit.nlp import segment

            segment(self)
            self._segmented = True
        for block in self.blocks:
            yield from block.sentences

    def memo(self, key: str, compute: Any) -> Any:
        """Compute a per-document value once and share it between rules."""
        if key not in self.cache:
            self.cache[key] = compute(self)
        return self.cache[key]


#: ``data`` entry of a finding about the whole document (no author, no date, grade too high...).
#: Such a finding is shown at the document's start, but what it reports does not depend on the
#: text there: its fingerprint (:mod:`audit.gating.fingerprint`) is its rule alone, so a new
#: title does not make it look new to a baseline or waiver.
WHOLE_DOCUMENT: Mapping[str, str] = MappingProxyType({"scope": "document"})


def about_whole_document(finding: Any) -> bool:
    """Whether a finding (or hit) is about the whole document: its ``data`` holds :data:`WHOLE_DOCUMENT`."""
    data = finding.data
    return isinstance(data, dict) and data.get("scope") == "document"


@dataclass(frozen=True)
class Hit:
    """What a rule reports: a source span, a message and an optional fix."""

    start: int
    end: int
    message: str
    fix: str | None = None
    #: Overrides the rule's severity for this hit (e.g. hedged vs unhedged claims).
    severity: str | None = None
    data: dict[str, Any] | None = None


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. Sortable and comparable; positions are 1-based."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    category: str = field(compare=True)
    severity: str = field(compare=True)
    message: str = field(compare=True)
    match: str = field(compare=True)
    name: str = field(default="", compare=False)
    fix: str | None = field(default=None, compare=False)
    #: Source character offsets of the span (for reports and fingerprints).
    offset: int = field(default=0, compare=False)
    end_offset: int = field(default=0, compare=False)
    data: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    #: Set by gating (suppressions, baselines, waivers): why this finding does not count.
    status: str = field(default="open", compare=False)
    status_detail: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    #: Its fingerprint (:func:`audit.gating.fingerprint.fingerprint`, without the occurrence
    #: index), when the run that checked it was asked for one; "" otherwise. Made where the
    #: file was checked, which has its text, and stored in the cache with the finding.
    fingerprint: str = field(default="", compare=False, repr=False)

    def as_record(self) -> dict[str, Any]:
        """The JSON form every output format is built from."""
        rec: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "match": self.match,
            "message": self.message,
            "fix": self.fix,
        }
        if self.data:
            rec["data"] = self.data
        if self.status != "open":
            rec["status"] = self.status
            if self.status_detail:
                rec["status_detail"] = self.status_detail
        return rec
