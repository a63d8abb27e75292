"""Evidence in a document: citation markers, the reference list, identifiers and links.

Everything here works in *source* offsets so that findings point at the exact
characters: markers are found in block text and mapped with the block's
:class:`audit.model.SpanMap`; HTML ``<sup>`` markers and Markdown footnote
definitions are found in the source itself (their offsets are source offsets).

Marker types:

* ``numeric``  ``[1]``, ``[1-3]``, ``[1, 4]``
* ``footnote`` ``[^1]``, ``[^note]``
* ``superscript`` Unicode ``¹²³`` or HTML ``<sup>1</sup>``
* ``author_year`` ``(Smith, 2019)``, ``(Smith et al. 2019; Jones 2020)``
* ``link`` a hyperlink in the sentence (Markdown or HTML)
* ``identifier`` a DOI, PMID, PMCID or trial registration number in the text
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from audit.model import Block, Document

# Bounded patterns only: no nested quantifiers over unbounded input. A sentence is searched
# with them only when _may_cite finds what they need: keep the two in step.
NUMERIC_RE = re.compile(r"\[(\d{1,3}(?:\s{0,2}[-\u2013\u2014,;]\s{0,2}\d{1,3}){0,20})\]")
FOOTNOTE_RE = re.compile(r"\[\^([^\]\s]{1,40})\]")
SUPERSCRIPT_RE = re.compile(r"(?<=[\w.,;:)\]\"'\u2019\u201d])([\u2070\u00b9\u00b2\u00b3\u2074-\u2079]{1,6}(?:[\u207b,\u2013-][\u2070\u00b9\u00b2\u00b3\u2074-\u2079]{1,6}){0,10})")
SUP_HTML_RE = re.compile(
    r"<sup\b[^>]{0,200}>\s{0,5}(?:<a\b[^>]{0,300}>\s{0,5})?\[?(\d{1,3}(?:\s{0,2}[-\u2013,]\s{0,2}\d{1,3}){0,20})\]?\s{0,5}(?:</a>\s{0,5})?</sup>",
    re.IGNORECASE,
)
PAREN_RE = re.compile(r"\(([^()\n]{4,300})\)")
_YEAR_ONLY = re.compile(r"\s{0,3}((?:19|20)\d\d)[a-z]?\s{0,3}$")
#: The authors named just before a parenthesised year: group 2 is set for "et al." or "and X".
_NARRATIVE_AUTHOR = re.compile(
    r"\b([A-Z][A-Za-z'\u2019\-]{1,40})(\s{1,3}et\s{1,3}al\.?|\s{1,3}(?:and|&)\s{1,3}[A-Z][A-Za-z'\u2019\-]{1,40})?\s{0,3}$"
)
AUTHOR_YEAR_RE = re.compile(
    r"^\s*(?:see\s+|e\.g\.,?\s+|cf\.\s+)?([A-Z][A-Za-z'\u2019\-]{1,40})"
    r"(?:\s+et\s+al\.?|\s+(?:and|&)\s+[A-Z][A-Za-z'\u2019\-]{1,40})?,?\s+((?:19|20)\d\d)[a-z]?(?:\s*[,:]\s*(?:p|pp)\.?\s*\d{1,5}(?:[-\u2013]\d{1,5})?)?\s*$"
)
#: A DOI; parentheses inside it are kept when balanced ("10.1016/S0140-6736(18)31942-1"), so that
#: one written in parentheses still ends before the closing one.
DOI_RE = re.compile(r"\b(10\.\d{4,9}/(?:[^\s\"<>\])(]|\([^\s\"<>()]{0,60}\)){1,200})")
PMID_RE = re.compile(r"\bPMID:?\s{0,2}(\d{5,9})\b", re.IGNORECASE)
PMCID_RE = re.compile(r"\b(PMC\d{5,9})\b")
NCT_RE = re.compile(r"\b(NCT\d{8})\b")
URL_RE = re.compile(r"\bhttps?://(?:[^\s<>\"\])(]|\([^\s<>\"()]{0,100}\)){3,500}", re.IGNORECASE)
ISBN_RE = re.compile(r"\bISBN(?:-1[03])?:?\s{0,2}[\d\-X ]{10,17}\b", re.IGNORECASE)
#: "2019;321(4):345-356" or "2019 Mar;12:45-9": a journal locator.
JOURNAL_RE = re.compile(r"\b(?:19|20)\d\d\b[^;\n]{0,15};\s{0,2}\d{1,4}(?:\(\d{1,4}\))?:\s{0,2}[eE]?\d{1,6}")
ENTRY_NUM_RE = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)]|\^(\d{1,3})[.:]?)\s+")
FOOTDEF_RE = re.compile(r"(?m)^[ \t]{0,3}\[\^([^\]\s]{1,40})\]:[ \t]*(\S[^\r\n]{0,2000})")
YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
_SUPERSCRIPT_CHAR = re.compile("[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]")


def _may_cite(text: str) -> bool:
    """Whether ``text`` holds what any in-text marker or identifier needs (a quick test
    before the patterns above): a bracket, a parenthesis, a superscript digit, "10.",
    "PMC", "NCT" or "PMID" in any case."""
    if "[" in text or "(" in text or "10." in text or "PMC" in text or "NCT" in text:
        return True
    if not text.isascii() and _SUPERSCRIPT_CHAR.search(text):
        return True
    return _may_name_pmid(text, text.isascii())


def _may_name_pmid(text: str, ascii_text: bool) -> bool:
    """Whether :data:`PMID_RE` can match in ``text``: it holds "pmid" in any case."""
    # Dotted and dotless i match "i" in a case-insensitive pattern but lower-case differently.
    if not ascii_text and ("\u0130" in text or "\u0131" in text):
        return True
    return "pmid" in text.lower()

_SUP_DIGITS = {"\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4", "\u2075": "5", "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9", "\u207b": "-"}


def expand_numbers(spec: str) -> list[int]:
    """``"1-3, 5"`` to ``[1, 2, 3, 5]`` (ranges capped at 50 numbers)."""
    out: list[int] = []
    for part in re.split(r"[,;]", spec):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d{1,3})\s*[-\u2013\u2014]\s*(\d{1,3})", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a <= b and b - a < 50:
                out.extend(range(a, b + 1))
            else:
                out.extend([a, b])
        elif part.isdigit():
            out.append(int(part))
    return out


def locators(text: str) -> list[str]:
    """Identifiers that let a reader find a source: DOI, PMID, PMCID, NCT, URL, ISBN, journal volume:page."""
    out: list[str] = []
    for m in DOI_RE.finditer(text):
        out.append("doi:" + m.group(1).rstrip(".,;"))
    for m in PMID_RE.finditer(text):
        out.append("pmid:" + m.group(1))
    for m in PMCID_RE.finditer(text):
        out.append("pmcid:" + m.group(1))
    for m in NCT_RE.finditer(text):
        out.append("nct:" + m.group(1))
    for m in URL_RE.finditer(text):
        url = m.group(0).rstrip(".,;")
        if not any(url.endswith(x.split(":", 1)[1]) for x in out if x.startswith("doi:")):
            out.append("url:" + url)
    if ISBN_RE.search(text):
        out.append("isbn")
    if not out and JOURNAL_RE.search(text):
        out.append("journal")
    return out


def host_of(url: str) -> str:
    """Lower-case host of a URL without ``www.`` ('' for relative links)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    host = host.lower()
    return host.removeprefix("www.")


def _squash(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def classify_host(host: str, settings: Any, own_hosts: set[str]) -> str:
    """``authoritative``, ``self`` (the publisher's or a configured organisation's
    site), ``noncommercial`` (.gov, .edu, .int, .org, academic) or ``commercial``."""
    if not host:
        return "internal"
    for d in own_hosts:
        if host == d or host.endswith("." + d):
            return "self"
    squashed = _squash(host.split(":")[0])
    for org in getattr(settings, "organizations", ()) or ():
        o = org.strip().lower()
        if not o:
            continue
        if "." in o and " " not in o:
            d = o.removeprefix("www.")
            if host == d or host.endswith("." + d):
                return "self"
        else:
            so = _squash(o)
            words = [w for w in re.findall(r"[a-z0-9]+", o) if len(w) > 3]
            if (so and len(so) > 4 and so in squashed) or (len(words) >= 2 and sum(w in squashed for w in words) >= 2):
                return "self"
    for d in getattr(settings, "authoritative_domains", ()) or ():
        d = d.lower().strip()
        if d and (host == d or host.endswith("." + d)):
            return "authoritative"
    labels = host.split(".")
    tld = labels[-1]
    if tld in ("gov", "edu", "int", "mil") or "gov" in labels[:-1] or "ac" in labels[:-1] or "edu" in labels[:-1]:
        return "authoritative" if tld in ("gov", "int") or "gov" in labels[:-1] else "noncommercial"
    # .org, and a country's own second level for organisations (bhf.org.uk, cancer.org.au, or.jp).
    if tld == "org" or host.endswith("nhs.uk") or (len(tld) == 2 and len(labels) >= 3 and labels[-2] in ("org", "or")):
        return "noncommercial"
    return "commercial"


@dataclass
class Reference:
    """An entry of the reference list (or a footnote definition)."""

    key: str  # "1", "^note"
    text: str
    start: int  # source offsets
    end: int
    locators: list[str]
    section: str  # heading text ("References") or "footnotes"
    cited_by: int = 0
    author: str = ""
    year: str = ""

    def as_record(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.text, "locators": self.locators}


@dataclass
class Citation:
    """A citation marker, link or identifier found in a sentence."""

    type: str
    text: str
    start: int  # source offsets
    end: int
    keys: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    #: Keys that resolve to no entry (dangling).
    missing: list[str] = field(default_factory=list)
    url: str = ""
    link_class: str = ""
    locators: list[str] = field(default_factory=list)

    @property
    def support(self) -> str:
        """What this citation alone gives the sentence: ``cited``, ``named`` or ``none``."""
        if self.type == "link":
            if self.link_class in ("authoritative", "noncommercial"):
                return "cited"
            if self.link_class == "commercial":
                return "named"
            return "none"
        if self.type == "identifier":
            return "cited"
        if self.references:
            if any(r.locators for r in self.references):
                return "cited"
            return "named"
        if self.type == "author_year":
            return "named"
        return "none"

    def as_record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"type": self.type, "text": self.text, "support": self.support}
        if self.keys:
            rec["keys"] = self.keys
        if self.references:
            rec["references"] = [r.as_record() for r in self.references]
        if self.missing:
            rec["missing"] = self.missing
        if self.url:
            rec["url"] = self.url
            rec["link_class"] = self.link_class
        if self.locators:
            rec["locators"] = self.locators
        return rec


@dataclass
class DocumentEvidence:
    """The evidence apparatus of a whole document."""

    references: list[Reference]
    #: Blocks that belong to a reference section (not analysed as prose claims).
    reference_blocks: set[int]
    #: Index of heading blocks that open a reference section.
    reference_headings: list[int]
    own_hosts: set[str]
    #: ``<sup>N</sup>`` markers: source start and end, the numbers, and where they start.
    sup_markers: list[tuple[int, int, str, int]]
    #: Their source starts, ascending (to find a sentence's markers by bisection).
    sup_starts: list[int] = field(default_factory=list)
    has_markers: bool = False

    def by_key(self) -> dict[str, Reference]:
        """References by key (the last entry wins for a repeated key)."""
        cached = self.__dict__.get("_by_key")
        if cached is None or cached[0] != len(self.references):
            cached = (len(self.references), {r.key: r for r in self.references})
            self.__dict__["_by_key"] = cached
        return cached[1]


def _heading_text(text: str) -> str:
    t = re.sub(r"^[#\s\d.]+", "", text.strip().lower())
    return t.rstrip(":").strip()


def looks_like_heading(block: Block) -> bool:
    """A heading, or a short plain-text line without closing punctuation."""
    if block.kind == "heading":
        return True
    if block.kind != "paragraph":
        return False
    t = block.text
    if len(t) > 90 and not t[0].isspace() and not t[-1].isspace():
        return False  # too long, and stripping would not shorten it
    t = t.strip()
    if not t or len(t) > 90 or t[-1] in ".!?;,\"'\u201d)":
        return False
    words = t.split()
    if len(words) > 12:
        return False
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return caps >= max(1, (len(words) * 2 + 2) // 3)


def _next_start(blocks: list[Any], j: int, default: int, limit: int) -> int:
    """Source offset where the block after ``blocks[j]`` starts (``limit`` after the last)."""
    for nb in blocks[j + 1 :]:
        if nb.text:
            return max(default, nb.source_span()[0])
    return limit


_ENTRY_LINE = re.compile(r"(?m)^[ \t]{0,8}((?:\[\d{1,3}\]|\d{1,3}[.)])\s)")


def _entries_of(doc: Document, block: Block) -> list[tuple[int, int]]:
    """The entries of a reference-list block, as ranges of its text: the whole block, or, when
    several of its source lines start with an entry number ("[1] ...", "2. ..."; one paragraph
    in Markdown when the lines are not a list), each such line with the lines that continue it."""
    text = block.text
    whole = [(0, len(text))]
    a, b = block.source_span()
    source = doc.source[a:b]
    if "\n" not in source:
        return whole
    starts = []
    for m in _ENTRY_LINE.finditer(source):
        t = block.map.text_offset(a + m.start(1))
        if t is None:
            return whole
        starts.append(t)
    if len(starts) < 2 or text[: starts[0]].strip() or starts != sorted(starts):
        return whole
    ends = starts[1:] + [len(text)]
    return [(s, len(text[:e].rstrip())) for s, e in zip(starts, ends)]


_UNIT_BEFORE = re.compile(r"(?:\b(?:[ckmnµμ]?m|kg/m|g/m|mg/m|/m)|(?<![\d.,])10)$")


def _exponent(before: str, after: str) -> bool:
    """Whether a superscript number is a power, not a citation: after a unit (``kg/m²``, ``cm³``)
    or a base of ten (``10⁹``, ``10<sup>9</sup>/L``), or followed by a division (``⁹/L``). After
    another number it is a citation: "57 million deaths between 2000 and 2022¹"."""
    return after == "/" or _UNIT_BEFORE.search(before) is not None


def _initials_of(acronym: str, entry: str) -> bool:
    """Whether an author written as an acronym ("WHO", "NICE") abbreviates the capitalised words
    that open an entry ("World Health Organization", "National Institute for Health and Care
    Excellence"): its letters are their initials, in order, the first one first."""
    if not (acronym.isupper() and 2 <= len(acronym) <= 8):
        return False
    initials = [w[0] for w in entry.split(".", 1)[0].split()[:12] if w[:1].isupper()]
    if not initials or initials[0] != acronym[0]:
        return False
    k = 0
    for ch in initials:
        if k < len(acronym) and ch == acronym[k]:
            k += 1
    return k == len(acronym)


def _points_to_a_study(url: str) -> bool:
    """Whether a link leads to a publication itself: a DOI, PubMed or PubMed Central."""
    host = host_of(url)
    return host in ("doi.org", "dx.doi.org", "pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov") or any(
        loc.startswith(("doi:", "pmid:", "pmcid:")) for loc in locators(url)
    )


def _entry_like(doc: Document, j: int, strict: bool = False) -> bool:
    """Whether block ``j`` reads as an entry of a reference list: an item of a list, or text with
    a number in front, a year or a locator (looked for in its source up to the next block:
    readers leave bare URLs out of the text). ``strict`` (what may follow a sub-heading): a
    number in front or a locator."""
    blocks = doc.blocks
    block = blocks[j]
    text = block.text
    if ENTRY_NUM_RE.match(text):
        return True
    a, b = block.source_span()
    if locators(doc.source[a : _next_start(blocks, j, b, len(doc.source))]):
        return True
    return not strict and (block.kind == "list_item" or YEAR_RE.search(text) is not None)


def document_evidence(doc: Document, settings: Any) -> DocumentEvidence:
    """:func:`find_references` of ``doc``, worked out once: the readability measure (which leaves
    the reference list out) and the claim analysis share it."""
    ev: DocumentEvidence = doc.memo("claims:evidence", lambda d: find_references(d, settings))
    return ev


def find_references(doc: Document, settings: Any) -> DocumentEvidence:
    """Reference sections, their entries, footnote definitions and the publisher's hosts."""
    from audit.claims.lexicon import lexicons

    lex = lexicons()
    refs: list[Reference] = []
    ref_blocks: set[int] = set()
    ref_heads: list[int] = []
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if looks_like_heading(b) and _heading_text(b.text) in lex.reference_headings:
            title = _heading_text(b.text)
            ref_heads.append(i)
            level = b.level or 99
            j = i + 1
            ordinal = 0
            # The section ends at a heading of its level or above, at a sub-heading no entry
            # follows ("Try our product today"), and at prose after its entries (a call to
            # action, an author's biography, tags): all of these are the page's text again.
            entries = False
            while j < len(blocks):
                nb = blocks[j]
                if nb.kind == "heading":
                    if (nb.level or 99) <= level or j + 1 >= len(blocks) or not _entry_like(doc, j + 1, strict=True):
                        break
                    ref_blocks.add(j)  # a sub-heading of the list ("Journal articles")
                    j += 1
                    continue
                if looks_like_heading(nb) and not locators(nb.text) and b.kind != "heading":
                    break
                like = _entry_like(doc, j)  # (true for every list item)
                if entries and not like:
                    break
                entries = entries or like
                ref_blocks.add(j)
                block_end = _next_start(blocks, j, nb.source_span()[1], len(doc.source))
                entry_ranges = _entries_of(doc, nb)
                for k, (ea, eb) in enumerate(entry_ranges):
                    entry = nb.text[ea:eb]
                    text = entry.strip()
                    if not text:
                        continue
                    ordinal += 1
                    m = ENTRY_NUM_RE.match(entry)
                    key = next((g for g in m.groups() if g), str(ordinal)) if m else str(ordinal)
                    s, e = nb.map.span(ea, eb) if (ea, eb) != (0, len(nb.text)) else nb.source_span()
                    ay = re.match(r"\s*(?:\[?\d{1,3}[\].)]?\s+)?([A-Z][A-Za-z'\u2019\-]{1,40})", entry)
                    yr = YEAR_RE.search(entry)
                    # Read locators from the source up to the next entry or block, not from the
                    # prose: readers drop bare URLs from prose text.
                    # (The next entry starts where this one's source ends: bare URLs and
                    # autolinks are in the source but not in the text.)
                    upto = block_end if k + 1 == len(entry_ranges) else nb.map.start(entry_ranges[k + 1][0])
                    refs.append(Reference(
                        key=key, text=text, start=s, end=e, locators=locators(doc.source[s:upto]), section=title,
                        author=ay.group(1) if ay else "", year=yr.group(0) if yr else "",
                    ))
                j += 1
            i = j
            continue
        i += 1
    # Markdown footnote definitions, wherever the reader put (or dropped) them.
    seen = {r.key for r in refs}
    # Each footnote pattern needs "[^": most documents have none.
    footnotes = "[^" in doc.source
    code = doc.cache.get("markdown:code") or ()  # (see audit.readers.markdown.CODE_SPANS)
    for m in FOOTDEF_RE.finditer(doc.source) if footnotes else ():
        key = "^" + m.group(1)
        if key in seen or any(a <= m.start() < b for a, b in code):
            continue  # (a definition shown in a code block defines nothing)
        seen.add(key)
        text = m.group(2).strip()
        yr = YEAR_RE.search(text)
        refs.append(Reference(key=key, text=text, start=m.start(), end=m.end(), locators=locators(text), section="footnotes", year=yr.group(0) if yr else ""))
    for bi, b in enumerate(blocks):
        if bi not in ref_blocks and "[^" in b.text and FOOTNOTE_RE.match(b.text.strip()) and b.text.strip().find("]:") > 0:
            ref_blocks.add(bi)
    own: set[str] = set()
    md = doc.metadata or {}
    for key in ("url", "canonical", "og:url", "permalink", "site", "website", "domain"):
        v = md.get(key)
        if isinstance(v, str):
            h = host_of(v) if "//" in v else v.lower().strip().removeprefix("www.")
            if h and "." in h:
                own.add(h)
    # (Markdown allows inline HTML: "high risk<sup>1</sup>.")
    sups = [(m.start(), m.end(), m.group(1), m.start(1)) for m in SUP_HTML_RE.finditer(doc.source)] if doc.format in ("html", "markdown") else []
    return DocumentEvidence(refs, ref_blocks, ref_heads, own, sups, [m[0] for m in sups])


def sentence_citations(doc: Document, ev: DocumentEvidence, block: Block, a: int, b: int, settings: Any, links: list[Any]) -> list[Citation]:
    """Citations inside block text ``[a, b)`` (a sentence); ``links`` are the document links overlapping it."""
    text = block.text[a:b]
    if not _may_cite(text):
        if not links and not ev.sup_markers:
            return []
        # No bracket, parenthesis, superscript or identifier: only links and HTML markers can cite.
        text = ""
    out: list[Citation] = []
    keymap = ev.by_key()
    sm = block.map

    def resolve(c: Citation) -> None:
        for k in c.keys:
            r = keymap.get(k)
            if r is None:
                c.missing.append(k)
            else:
                r.cited_by += 1
                c.references.append(r)

    taken: list[tuple[int, int]] = []
    # Each pattern is searched only where the text holds what it needs (see _may_cite).
    ascii_text = text.isascii()
    for m in NUMERIC_RE.finditer(text) if "[" in text else ():
        s, e = sm.span(a + m.start(), a + m.end())
        c = Citation("numeric", m.group(0), s, e, keys=[str(n) for n in expand_numbers(m.group(1))])
        resolve(c)
        out.append(c)
        taken.append((m.start(), m.end()))
    for m in FOOTNOTE_RE.finditer(text) if "[^" in text else ():
        if text[m.end() : m.end() + 1] == ":":
            continue
        s, e = sm.span(a + m.start(), a + m.end())
        c = Citation("footnote", m.group(0), s, e, keys=["^" + m.group(1)])
        resolve(c)
        out.append(c)
    for m in () if ascii_text else SUPERSCRIPT_RE.finditer(text):
        if _exponent(text[max(0, m.start() - 8) : m.start()], text[m.end() : m.end() + 1]):
            continue
        digits = "".join(_SUP_DIGITS.get(ch, ch) for ch in m.group(1))
        s, e = sm.span(a + m.start(1), a + m.end(1))
        c = Citation("superscript", m.group(1), s, e, keys=[str(n) for n in expand_numbers(digits)])
        resolve(c)
        out.append(c)
    if ev.sup_markers:
        ss, se = sm.span(a, b)
        first = bisect_left(ev.sup_starts, ss)
        last = bisect_left(ev.sup_starts, se + 1)
        for s, e, spec, number_at in ev.sup_markers[first:last]:
            # The marker's number must be text of this block, not of a comment or code.
            t = sm.text_offset(number_at)
            if t is not None and block.text[t : t + 1] == spec[:1] and not _exponent(
                block.text[max(0, t - 8) : t], block.text[t + len(spec) : t + len(spec) + 1]
            ):
                c = Citation("superscript", doc.source[s:e], s, e, keys=[str(n) for n in expand_numbers(spec)])
                resolve(c)
                out.append(c)
    for m in PAREN_RE.finditer(text) if "(" in text else ():
        parts = [p for p in m.group(1).split(";") if p.strip()]
        found = []
        for p in parts:
            am = AUTHOR_YEAR_RE.match(p)
            if am:
                found.append((am.group(1), am.group(2)))
        start = m.start()
        if not found:
            # Narrative: "Smith et al. (2020) found ...", "Allen and Earley (2019)"; a single
            # capitalised word before a year ("In March (2020)") only when an entry has that author.
            ym = _YEAR_ONLY.match(m.group(1))
            nm = _NARRATIVE_AUTHOR.search(text, max(0, m.start() - 100), m.start()) if ym else None
            if ym and nm and (nm.group(2) or any(r.year == ym.group(1) and r.author.lower() == nm.group(1).lower() for r in ev.references)):
                found, start = [(nm.group(1), ym.group(1))], nm.start()
        if not found or len(found) < len(parts):
            continue
        s, e = sm.span(a + start, a + m.end())
        c = Citation("author_year", text[start : m.end()], s, e, keys=[f"{au} {yr}" for au, yr in found])
        for au, yr in found:
            r = next((r for r in ev.references if r.year == yr and (
                r.author.lower() == au.lower() or au.lower() in r.text.lower()[:200] or _initials_of(au, r.text)
            )), None)
            if r is None:
                if ev.references:
                    c.missing.append(f"{au} {yr}")
            else:
                r.cited_by += 1
                c.references.append(r)
        if c.missing and any(ln.start < e and ln.end > s and _points_to_a_study(ln.url) for ln in links):
            # "(<a href="https://doi.org/...">Fransen et al., 2015</a>)": the citation links to its
            # source itself; that the reference list (a "Further reading" list) lacks it is no fault.
            c.missing = []
        out.append(c)
    for link in links:
        url = link.url
        if url.startswith("#"):
            # In-page anchor to a reference entry ("#ref-3", "#fn1").
            nm = re.search(r"(\d{1,3})$", url)
            c = Citation("numeric", link.text or url, link.start, link.end, keys=[nm.group(1)] if nm else [], url=url, link_class="internal")
            if nm:
                resolve(c)
            out.append(c)
            continue
        host = host_of(url)
        cls = classify_host(host, settings, ev.own_hosts)
        if not host:
            cls = "internal"
        c = Citation("link", link.text or url, link.start, link.end, url=url, link_class=cls, locators=locators(url))
        if cls in ("authoritative", "noncommercial") and not c.locators:
            c.locators = ["url:" + url]
        out.append(c)
    for loc_re, kind, needs in (
        (DOI_RE, "doi", "10." in text),
        (PMID_RE, "pmid", _may_name_pmid(text, ascii_text)),
        (PMCID_RE, "pmcid", "PMC" in text),
        (NCT_RE, "nct", "NCT" in text),
    ):
        for m in loc_re.finditer(text) if needs else ():
            if any(x <= m.start() < y for x, y in taken):
                continue
            s, e = sm.span(a + m.start(), a + m.end())
            if any(c.type == "link" and c.start <= s < c.end for c in out):
                continue
            out.append(Citation("identifier", m.group(0), s, e, locators=[f"{kind}:{m.group(1)}"]))
    return out
