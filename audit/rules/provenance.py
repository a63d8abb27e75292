"""Provenance rules (PV): who wrote it, when, on what sources, who pays for it.

Document-level checks after the JAMA benchmarks (Silberg et al. 1997:
authorship, attribution, disclosure, currency), HONcode principles 1, 4, 7 and
8, and DISCERN's fair-balance questions. They apply only to documents that make
medical claims (the claim analysis of :mod:`audit.claims`).

Evidence is read from ``doc.metadata`` (front matter keys, HTML meta tags,
JSON-LD under ``metadata["json_ld"]``) and from the text ("Written by Dr. ...",
"Medically reviewed by", "Last reviewed: March 2024", "Sponsored by").
Findings about the whole document point at its first line, or at the words
that triggered them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from functools import lru_cache
from itertools import product
from typing import Any

from audit.claims import evidence_of
from audit.claims.lexicon import lexicons
from audit.model import WHOLE_DOCUMENT, Document, Hit
from audit.rules.base import Context, Example, Option, Rule, register
from audit.rules.claims import claims_of

AUTHOR_KEYS = ("author", "authors", "byline", "writer", "written_by", "reviewed_by", "medically_reviewed_by", "reviewer", "dc.creator", "article:author", "citation_author")
DATE_KEYS = (
    "date", "updated", "last_reviewed", "reviewed", "last_updated", "modified", "published", "date_published",
    "date_modified", "lastmod", "article:published_time", "article:modified_time", "dc.date", "citation_date",
    "citation_publication_date", "datepublished", "datemodified", "review_date",
    # Dublin Core, Open Graph and a <time datetime> of the page (audit.readers.html).
    "dc.date.issued", "dc.date.modified", "dcterms.issued", "dcterms.modified", "dcterms.created", "dcterms.date",
    "og:updated_time", "html:time",
)
SOURCE_KEYS = ("sources", "references", "citations", "bibliography")
SPONSOR_KEYS = ("sponsor", "sponsored_by", "disclosure", "disclosures", "funding", "conflicts", "conflict_of_interest", "publisher", "owner")

# AUTHOR_RE and DATE_RE are tried only where one of _AUTHOR_STARTS / _DATE_STARTS begins
# (see _has_match): a new alternative must add the word it starts with there.
AUTHOR_RE = re.compile(
    r"\b(?i:written|authored|reviewed|medically reviewed|fact[- ]checked|edited)\s+(?i:by):?\s+(?:(?i:the)\s+)?(?:Dr\.?\s+)?[A-Z][\w.'\-]{1,30}(?:\s+[A-Z][\w.'\-]{0,30}){0,3}"
    r"|\b(?i:author):\s{0,3}[A-Z][\w.'\-]{1,30}"
    r"|^[Bb]y\s+(?:Dr\.?\s+)?[A-Z][\w.'\-]{1,30}(?:\s+[A-Z][\w.'\-]{0,30}){0,3}",
    re.MULTILINE,
)
DATE_RE = re.compile(
    r"\b(?:last\s+(?:reviewed|updated|modified)|reviewed|updated|published|posted|revised"
    r"|date(?:\s+of\s+(?:publication|issue|review|last\s+review))?"
    # "Medically reviewed by Dan Brennan, MD on June 06, 2023", "... MD — Mar 1, 2024" (a
    # reviewer's line only: "updated by an expert committee on 3 March 2021" dates a guideline)
    r"|reviewed\s+by\s+[^\n]{1,80}?(?=\s+on\s|\s*[\u2014\u2013|,]\s))"
    r"\s{0,3}(?:on|:|[\u2014\u2013|,])?\s{0,3}"
    r"(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d\d"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.?,?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d-\d\d(?:-\d\d)?|\d{1,2}/\d{1,2}/(?:19|20)?\d\d|\d{1,2}\.\d{1,2}\.(?:19|20)\d\d)",
    re.IGNORECASE,
)


def _meta_value(md: dict[str, Any], keys: Iterable[str]) -> Any:
    low = {str(k).lower(): v for k, v in md.items()}
    for k in keys:
        v = low.get(k)
        if v not in (None, "", [], {}):
            return v
    return None


def _json_ld(md: dict[str, Any]) -> list[dict[str, Any]]:
    raw = md.get("json_ld")
    # A copy: the walk below pops from it, and the document's metadata is shared by every rule.
    items: list[Any] = list(raw) if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    out: list[dict[str, Any]] = []
    while items:
        it = items.pop()
        if isinstance(it, dict):
            out.append(it)
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart"):
                inner = it.get(key)
                if isinstance(inner, list):
                    items.extend(inner)
                elif isinstance(inner, dict):
                    items.append(inner)
    return out


def _ld_has(md: dict[str, Any], keys: Iterable[str]) -> bool:
    keys = tuple(keys)
    return any(any(obj.get(k) for k in keys) for obj in _json_ld(md))


def _text(doc: Document) -> str:
    """The prose of the document, one block a line (computed once per document)."""
    text: str = doc.memo("provenance:text", lambda d: "\n".join(b.text for b in d.blocks))
    return text


def _lower(doc: Document) -> str:
    """:func:`_text` lower-cased (computed once per document)."""
    low: str = doc.memo("provenance:lower", lambda d: _text(d).lower())
    return low


#: Non-ASCII letters that Python's case-insensitive matching equates with ASCII letters
#: (dotted and dotless I, long s, Kelvin sign): their presence disables the quick test below.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def _has_match(doc: Document, pattern: re.Pattern[str], starts: tuple[str, ...], cased: tuple[str, ...] = ()) -> bool:
    """Whether ``pattern`` matches somewhere in :func:`_text`.

    Every match of ``pattern`` must also match where one of ``starts`` (in any case) or
    ``cased`` (as written) begins: the pattern is tried only there, which is much faster
    than searching every position.
    """
    text = _text(doc)
    if not text.isascii() and any(c in text for c in _FOLDS_TO_ASCII):
        return pattern.search(text) is not None
    low = _lower(doc)
    if len(low) != len(text):
        return pattern.search(text) is not None
    at: set[int] = set()
    for hay, needles in ((low, starts), (text, cased)):
        for w in needles:
            i = hay.find(w)
            while i >= 0:
                at.add(i)
                i = hay.find(w, i + 1)
    return any(pattern.match(text, i) for i in sorted(at))


#: Where a match of :data:`AUTHOR_RE` can begin ("medically reviewed by X" also matches at
#: "reviewed"; ``By`` as written).
_AUTHOR_STARTS = ("written", "authored", "author", "reviewed", "fact", "edited")
#: Where a match of :data:`DATE_RE` can begin.
_DATE_STARTS = ("last", "reviewed", "updated", "published", "posted", "revised", "date")


def _first_line(doc: Document) -> tuple[int, int]:
    """Source span of the first prose block (or the first line)."""
    if doc.blocks:
        return doc.blocks[0].source_span()
    end = doc.source.find("\n")
    return 0, (end if end >= 0 else len(doc.source))


def _makes_claims(doc: Document, ctx: Context) -> int:
    """Number of medical claims in the document."""
    return sum(1 for sa in claims_of(doc, ctx) if sa.claim)


#: A word (letters, digits, apostrophes, hyphens) or one punctuation character.
_TOKEN = re.compile(r"[\w'\-]+|[^\w\s]")


def _words(text: str) -> list[str]:
    """Lower-case tokens of ``text``."""
    if text.isascii():
        # ASCII lower-casing keeps every character's class, so the tokens are the same.
        return _TOKEN.findall(text.lower())
    return list(map(str.lower, _TOKEN.findall(text)))


class _BlockWords:
    """A block's lower-case tokens, those of them that can start an entry of the provenance
    lexicons, and (worked out on first use) where these stand."""

    __slots__ = ("_at", "here", "words")

    def __init__(self, words: list[str], here: AbstractSet[str]) -> None:
        self.words = words
        self.here = here
        self._at: list[int] | None = None

    @property
    def at(self) -> list[int]:
        if self._at is None:
            here = self.here
            self._at = [k for k, w in enumerate(self.words) if w in here] if here else []
        return self._at


def _block_words(doc: Document) -> list[_BlockWords]:
    """Per block (computed once per document): its :class:`_BlockWords`."""

    def compute(d: Document) -> list[_BlockWords]:
        starters = _starters()
        out = []
        for b in d.blocks:
            words = _words(b.text)
            out.append(_BlockWords(words, starters.intersection(words)))
        return out

    blocks: list[_BlockWords] = doc.memo("provenance:words", compute)
    return blocks


@lru_cache(maxsize=1)
def _starters() -> frozenset[str]:
    """Every word an entry of the lexicons matched over whole blocks can start with."""
    lex = lexicons()
    return frozenset().union(*(m.by_first for m in (lex.disclosure, lex.commercial, lex.risks)))


#: A word token (the first alternative of :data:`_TOKEN`), and one of its characters.
_WORD_TOKEN = re.compile(r"[\w'\-]+")
_WORD_CHAR = re.compile(r"[\w'\-]")


def _is_word(form: str) -> bool:
    return _WORD_TOKEN.fullmatch(form) is not None


@lru_cache(maxsize=8)
def _needles(matcher: Any) -> tuple[tuple[str, bool, bool], ...] | None:
    """Strings one of which :func:`_flat` holds wherever ``matcher`` matches a block (None: no such list).

    One or more per entry: its first words as they read there, with whether the first and the
    last is a word token (then no word character stands next to it). A match's tokens are
    consecutive; two word tokens in a row are separated by whitespace only, one space in
    :func:`_flat`. Words are added while they are word tokens and their alternatives few.
    """
    if matcher.num_first:
        return None
    out: dict[str, tuple[bool, bool]] = {}
    seen: set[int] = set()
    for patterns in matcher.by_first.values():
        for p in patterns:
            if id(p) in seen:
                continue
            seen.add(id(p))
            slots = p.slots
            if not isinstance(slots[0], frozenset) or not all(f and f.isascii() for f in slots[0]):
                return None
            run = [slots[0]]
            size = len(slots[0])
            for slot in slots[1:]:
                if not isinstance(slot, frozenset) or size * len(slot) > 16:
                    break
                if not all(f and f.isascii() and _is_word(f) for f in slot | run[-1]):
                    break
                run.append(slot)
                size *= len(slot)
            for combo in product(*run):
                out[" ".join(combo)] = (_is_word(combo[0]), _is_word(combo[-1]))
    return tuple((needle, left, right) for needle, (left, right) in out.items())


def _flat(doc: Document) -> str:
    """:func:`_lower` with every run of whitespace made one space (computed once per document)."""
    flat: str = doc.memo("provenance:flat", lambda d: " ".join(_lower(d).split()))
    return flat


def _may_match(doc: Document, matcher: Any) -> bool:
    """False when ``matcher`` matches no block of the document (a quick test on the whole text).

    A token the matcher compares with an (ASCII) entry word is the same string in :func:`_lower`:
    lower-casing character by character gives one ASCII character for each of its characters
    there too. Whitespace stays whitespace when lower-cased, and no other character becomes
    whitespace or a word character, so the token's neighbours in :func:`_flat` are no word
    characters either.
    """
    needles = _needles(matcher)
    if needles is None:
        return True
    flat = _flat(doc)
    n = len(flat)
    for needle, left, right in needles:
        i = flat.find(needle)
        while i >= 0:
            j = i + len(needle)
            if not (left and i and _WORD_CHAR.match(flat, i - 1)) and not (right and j < n and _WORD_CHAR.match(flat, j)):
                return True
            i = flat.find(needle, i + 1)
    return False


def _block_matches(doc: Document, matcher: Any) -> Iterator[tuple[int, int, str]]:
    """Source spans of lexicon matches in every block."""
    if not _may_match(doc, matcher):
        return
    first = matcher.by_first.keys()
    narrow = first <= _starters()  # ``here`` and ``at`` cover its entries
    for b, bw in zip(doc.blocks, _block_words(doc)):
        if narrow:
            if first.isdisjoint(bw.here):
                continue  # no entry can start in the block
            found = matcher.find(bw.words, present=bw.here, at=bw.at)
        else:
            found = matcher.find(bw.words)
        if not found:
            continue
        text = b.text
        spans = [m.span() for m in _TOKEN.finditer(text)]
        for m in found:
            a, e = spans[m.i][0], spans[m.j - 1][1]
            s, se = b.map.span(a, e)
            yield s, se, text[a:e]


_MIN = Option("min_claims", int, 1, "Check only documents with at least this many medical claims.")


@register
class MissingAuthor(Rule):
    id = "PV001"
    name = "missing-author"
    category = "provenance"
    severity = "warning"
    options = (_MIN,)
    what = "Reports a document that makes medical claims but names no author or medical reviewer (metadata or a byline)."
    why = (
        "Readers judge health information by who stands behind it: the JAMA benchmarks and HONcode principle 1 "
        "require authors and their credentials; Google's quality guidelines treat health pages without "
        "them as low-trust."
    )
    example = "(an article with no 'author' metadata and no 'Written by' line)"
    instead = "Add a byline with credentials: 'Written by Dr. Jane Smith, MD, vascular surgeon. Medically reviewed by ...'"
    references = ("Silberg WM et al. JAMA 1997;277:1244-5 (authorship)", "HONcode principle 1 (Authoritative)")
    fail_examples = (Example("Iron supplements cure restless legs."),)
    pass_examples = (
        Example("---\nauthor: Dr. Jane Smith, MD\n---\nIron supplements may help some people with restless legs."),
        Example("Written by Dr. Jane Smith, MD\n\nIron supplements may help some people with restless legs."),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if _makes_claims(doc, ctx) < ctx.options["min_claims"]:
            return
        md = doc.metadata or {}
        if _meta_value(md, AUTHOR_KEYS) or _ld_has(md, ("author", "reviewedBy", "creator")):
            return
        if _has_match(doc, AUTHOR_RE, _AUTHOR_STARTS, ("By", "by")):
            return
        s, e = _first_line(doc)
        yield Hit(
            s, e,
            "no author or medical reviewer: the article makes medical claims but says nobody wrote or checked it",
            "Add 'author' (and 'medically_reviewed_by') to the front matter or a byline with credentials (MD, RN, PhD).",
            data=dict(WHOLE_DOCUMENT),
        )


@register
class MissingDate(Rule):
    id = "PV002"
    name = "missing-date"
    category = "provenance"
    severity = "warning"
    options = (_MIN,)
    what = "Reports a document that makes medical claims but gives no date written, updated or last reviewed."
    why = "Medical knowledge changes; the JAMA benchmarks (currency) and HONcode principle 4 require dates so readers can tell if advice is current."
    example = "(no 'date'/'last_reviewed' metadata and no 'Last reviewed: ...' line)"
    instead = "Add 'last_reviewed: 2024-03-01' to the front matter, or 'Last reviewed: March 2024' under the title."
    references = ("Silberg WM et al. JAMA 1997;277:1244-5 (currency)", "HONcode principle 4 (Attribution: dates)")
    fail_examples = (Example("Iron supplements cure restless legs."),)
    pass_examples = (Example("Last reviewed: March 2024\n\nIron supplements may help some people with restless legs."),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if _makes_claims(doc, ctx) < ctx.options["min_claims"]:
            return
        md = doc.metadata or {}
        if _meta_value(md, DATE_KEYS) or _ld_has(md, ("datePublished", "dateModified", "lastReviewed", "dateCreated")):
            return
        if _has_match(doc, DATE_RE, _DATE_STARTS):
            return
        s, e = _first_line(doc)
        yield Hit(s, e, "no date: the article does not say when it was written, updated or medically reviewed",
                  "Add 'date' and 'last_reviewed' to the front matter, or a 'Last reviewed: Month YYYY' line.",
                  data=dict(WHOLE_DOCUMENT))


@register
class MissingSources(Rule):
    id = "PV003"
    name = "missing-sources"
    category = "provenance"
    severity = "warning"
    options = (Option("min_claims", int, 3, "Check only documents with at least this many medical claims."),)
    what = "Reports a document that makes medical claims but cites no source at all: no references section, no citation, no link to evidence."
    why = "The JAMA attribution benchmark and HONcode principle 4 require that health content give its sources; without any, no claim can be checked."
    example = "(an article with claims and no References section, citation or evidence link)"
    instead = "Add a References section and cite it where each claim is made."
    references = ("Silberg WM et al. JAMA 1997;277:1244-5 (attribution)", "HONcode principle 4 (Attribution)")
    fail_examples = (Example("Iron supplements cure restless legs. Exercise reduces symptoms. Caffeine causes flare-ups."),)
    pass_examples = (
        Example(
            "Iron supplements help some people [1]. Exercise reduces symptoms [1]. Caffeine may worsen symptoms [1].\n\n## References\n\n"
            "1. Allen RP. Sleep Med. 2018;41:27-44. doi:10.1016/j.sleep.2017.11.1126\n"
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        analysis = claims_of(doc, ctx)
        n = sum(1 for sa in analysis if sa.claim)
        if n < ctx.options["min_claims"]:
            return
        ev = evidence_of(doc)
        if ev and ev.references:
            return
        if _meta_value(doc.metadata or {}, SOURCE_KEYS):
            return
        if any(sa.support in ("cited", "named") for sa in analysis):
            return
        s, e = _first_line(doc)
        yield Hit(s, e, f"no sources: {n} medical claims and not one citation, reference or evidence link",
                  "Add a References section (with DOIs, PMIDs or links) and cite it where each claim is made.",
                  data={"claims": n, **WHOLE_DOCUMENT})


def _organisation_signals(doc: Document, settings: Any) -> list[tuple[int, int, str]]:
    """The first mention of each configured organisation (``organizations``), as a source span and its text."""
    out = []
    for org in getattr(settings, "organizations", ()) or ():
        o = org.strip()
        if not o:
            continue
        # (Matched in the text itself: lower-casing can change a text's length, "İ" -> "i̇".)
        pattern = re.compile(re.escape(o), re.IGNORECASE)
        for b in doc.blocks:
            m = pattern.search(b.text)
            if m:
                s, e = b.map.span(m.start(), m.end())
                out.append((s, e, m.group()))
                break
    return out


@register
class UndisclosedCommercialInterest(Rule):
    id = "PV004"
    name = "undisclosed-commercial-interest"
    category = "provenance"
    severity = "error"
    options = (_MIN,)
    what = (
        "Reports a page that sells or promotes the treatments it describes (your organisation named, 'our team', "
        "'schedule a consultation') without a disclosure of that interest."
    )
    why = (
        "A reader must know when health information comes from someone who profits from the choice it "
        "recommends: JAMA benchmark 'disclosure', HONcode principles 7-8 (financial disclosure, advertising "
        "policy), FTC endorsement guides."
    )
    example = "Our team at example-clinic.com specializes in advanced vascular techniques ... schedule a consultation."
    instead = "Add a disclosure: 'This article is published by Example Vein Clinic, which provides the treatments described.'"
    references = (
        "Silberg WM et al. JAMA 1997;277:1244-5 (disclosure)",
        "HONcode principles 7 (financial disclosure) and 8 (advertising policy)",
        "FTC Guides Concerning Use of Endorsements and Testimonials (16 CFR 255)",
    )
    fail_examples = (Example("Our team offers laser therapy that relieves leg pain. Schedule a consultation today."),)
    pass_examples = (
        Example("Our team offers laser therapy that may relieve leg pain. Schedule a consultation today.\n\nDisclosure: this page is published by Example Vein Clinic, which provides these treatments."),
        Example("Laser therapy may relieve leg pain in some people."),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        if _makes_claims(doc, ctx) < ctx.options["min_claims"]:
            return
        md = doc.metadata or {}
        # (Not JSON-LD's "publisher": SEO plugins add it to every page, and readers never see it.)
        if _meta_value(md, SPONSOR_KEYS) or _ld_has(md, ("sponsor", "funder")):
            return
        lex = lexicons()
        # Without a signal there is nothing to report, disclosed or not: look for the
        # disclosure only then.
        signals = list(_block_matches(doc, lex.commercial)) + _organisation_signals(doc, ctx.settings)
        if not signals or next(_block_matches(doc, lex.disclosure), None) is not None:
            return
        s, e, words = signals[0]
        others = sorted({w for _, _, w in signals[1:]} - {words})[:3]
        more = (" (also " + ", ".join(f"'{w}'" for w in others) + ")") if others else ""
        yield Hit(
            s, e,
            f"the page promotes the provider of the treatments it describes ('{words}'{more}) but discloses no commercial interest",
            "Disclose who publishes the page and that it provides the treatments described (a 'Disclosure' or 'About us' note, or 'sponsor'/'disclosure' metadata).",
            data={"signals": len(signals), **WHOLE_DOCUMENT},
        )


@register
class MissingRiskInformation(Rule):
    id = "PV005"
    name = "missing-risk-information"
    category = "provenance"
    severity = "warning"
    options = (Option("min_treatment_claims", int, 2, "Check only documents with at least this many efficacy or safety claims."),)
    what = "Reports a document that presents treatments or procedures with their benefits but never mentions risks, side effects, complications or alternatives."
    why = (
        "Fair balance: DISCERN (questions 11-13) and HealthNewsReview (criteria 3 and 5) rate health "
        "information by whether it describes harms and alternatives; FDA and EU rules require risk information "
        "alongside benefit claims in promotion."
    )
    example = "(an article listing vein ablation, angioplasty and bypass surgery as improving symptoms, with no word about risks)"
    instead = "Add what can go wrong and what else can be done: 'Ablation can cause bruising and, rarely, blood clots; compression stockings are an alternative.'"
    references = (
        "Charnock D et al. DISCERN. J Epidemiol Community Health 1999;53:105-11 (questions 11-13)",
        "HealthNewsReview.org criteria 3 (harms) and 5 (alternatives)",
        "21 CFR 202.1(e)(5) (fair balance in prescription drug advertising)",
    )
    fail_examples = (Example("Vein ablation relieves leg pain. Angioplasty improves circulation. Iron supplementation restores dopamine function."),)
    pass_examples = (
        Example("Vein ablation relieves leg pain. Angioplasty improves circulation. Side effects include bruising, and compression stockings are an alternative."),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        analysis = claims_of(doc, ctx)
        benefit = [sa for sa in analysis if sa.claim and sa.kind in ("efficacy", "safety", "comparative", "prevention") and any(c.kind in ("efficacy", "safety", "prevention", "comparative") for c in list(sa.relations) + list(sa.kind_cues))]
        if len(benefit) < ctx.options["min_treatment_claims"]:
            return
        if next(_block_matches(doc, lexicons().risks), None) is not None:
            return
        first = benefit[0]
        s, e = first.source_span()
        yield Hit(
            s, e,
            f"{len(benefit)} treatment benefit claims and no word about risks, side effects, complications or alternatives",
            "Describe the harms and side effects of each treatment, how often they happen, and the alternatives (including doing nothing).",
            data={"benefit_claims": len(benefit), **WHOLE_DOCUMENT},
        )


@register
class FrontMatterError(Rule):
    id = "PV006"
    name = "front-matter-error"
    category = "provenance"
    severity = "warning"
    what = "Reports front matter (the YAML/TOML block at the top of a Markdown file) that could not be parsed, so authorship, dates and disclosures in it are lost."
    why = "Provenance checks rely on the metadata; a broken front matter silently hides the author, review date and sponsor, and publishing tools may drop them too."
    example = "---\nauthor: [Dr. Smith\n---"
    instead = "Fix the YAML syntax (quotes, brackets, indentation) so the block parses."
    references = ("YAML 1.2 specification", "Jekyll/Hugo front matter documentation")
    fail_examples = (Example("---\nauthor: [Dr. Smith\ndate: 2024-03-01\n---\nIron may help some people with restless legs."),)
    pass_examples = (Example("---\nauthor: Dr. Smith\ndate: 2024-03-01\n---\nIron may help some people with restless legs."),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        err = (doc.metadata or {}).get("_front_matter_error")
        if not err:
            return
        end = doc.source.find("\n")
        end = end if end >= 0 else len(doc.source)
        if end > 0 and doc.source[end - 1] == "\r":
            end -= 1  # (a CRLF line: the match is the line's text)
        yield Hit(0, end, f"front matter could not be read: {err}",
                  "Fix the front matter syntax; until then author, date and disclosure metadata are ignored.")
