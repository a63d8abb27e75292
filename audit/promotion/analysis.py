"""The per-document promotion analysis every promotion and SEO rule shares.

:func:`analyse` tokenises each block once, finds every lexicon match, the
quoted stretches of text, the sentence starts and the organisation mentions,
and drops anything the project accepts (``settings.accepted_terms``). It is
computed once per document through ``doc.memo`` and read by all the rules.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, islice
from typing import Any

from audit.model import Block, Document
from audit.promotion.lexicon import (
    _END,
    NUMBER,
    WILDCARD,
    Entry,
    GapTable,
    Matcher,
    Tokens,
    is_joiner_gap,
    load_cues,
    load_matcher,
    load_words,
    phrase_words,
    tokenize,
)

FAMILY = "promotion"
#: Lexicon files of ``audit/data/promotion/`` (one per concern).
LEXICONS = ("puffery", "cta", "voice", "urgency", "sensational", "speculative", "testimonial")
#: Metadata keys that name the publishing site or organisation.
SITE_KEYS = ("og:site_name", "site_name", "application-name", "publisher", "organization", "organisation", "og:url", "url", "canonical")

_SENT_END = re.compile(r"[.!?]")
#: A bare domain: dot-separated labels (unambiguous split, so linear time).
_DOMAIN = re.compile(r"(?<![\w@.\-/])(?:www\.)?[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9][A-Za-z0-9\-]*)+")
#: What every :data:`_DOMAIN` match holds: a dot between label characters (a quick test;
#: keep it in step with :data:`_DOMAIN`). Written to begin with the dot, which the ``re``
#: engine then looks for directly, instead of trying a match at every letter:
#: ``[A-Za-z0-9\-]\.[A-Za-z0-9]``.
_DOTTED = re.compile(r"\.(?<=[A-Za-z0-9\-]\.)[A-Za-z0-9]")
#: The characters of a :data:`_DOMAIN` match.
_DOMAIN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-")
_DOMAIN_RUN = re.compile(r"[A-Za-z0-9.\-]*")
_STARS = re.compile(r"[\u2605\u2B50]{3,}")


@dataclass
class Match:
    """One lexicon (or pattern) match inside a block, in block-text offsets."""

    kind: str
    block: int
    start: int
    end: int
    entry: Entry | None
    quoted: bool = False
    #: Rule-specific details (the matched organisation, the cue...).
    detail: dict[str, Any] = field(default_factory=dict)


class BlockInfo:
    """A block with its tokens, quoted spans and sentence starts.

    The quoted spans and the sentence starts are worked out on first use (when not given):
    the rules read them only for the few blocks with a match.
    """

    __slots__ = ("_quotes", "_sentence_starts", "accepted", "block", "toks")

    def __init__(
        self,
        block: Block,
        toks: Tokens,
        quotes: list[tuple[int, int]] | None = None,
        sentence_starts: list[int] | None = None,
        accepted: AbstractSet[int] = frozenset(),
    ) -> None:
        self.block = block
        self.toks = toks
        self._quotes = quotes
        self._sentence_starts = sentence_starts
        #: Token indices covered by an accepted term.
        self.accepted = accepted

    @property
    def quotes(self) -> list[tuple[int, int]]:
        """Character spans inside double quotes (:func:`quote_spans`)."""
        if self._quotes is None:
            self._quotes = quote_spans(self.block.text)
        return self._quotes

    @property
    def sentence_starts(self) -> list[int]:
        """Token indices that begin a sentence (always includes 0 when there are tokens)."""
        if self._sentence_starts is None:
            self._sentence_starts = _sentence_starts(self.toks)
        return self._sentence_starts

    def is_quoted(self, offset: int) -> bool:
        if self.block.kind == "quote":
            return True
        return any(a <= offset < b for a, b in self.quotes)

    def sentence_of(self, i: int) -> tuple[int, int]:
        """Token range ``[lo, hi)`` of the sentence holding token ``i``."""
        lo, hi = 0, len(self.toks)
        for s in self.sentence_starts:
            if s <= i:
                lo = s
            else:
                hi = s
                break
        return lo, hi


@dataclass
class Analysis:
    """Everything the promotion and SEO rules read."""

    blocks: list[BlockInfo]
    words: int
    matches: dict[str, list[Match]]
    #: Organisation mentions: configured, from metadata, or detected (see :func:`_organisations`).
    orgs: list[Match]


_QUOTE_CHARS = re.compile('["\u201c\u201d]')


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans inside double quotes (straight quotes pair in order; curly quotes open and close)."""
    spans: list[tuple[int, int]] = []
    if '"' not in text and "\u201c" not in text:
        return spans
    open_at = -1
    for m in _QUOTE_CHARS.finditer(text):
        i, ch = m.start(), m.group()
        if ch == "\u201c":
            open_at = i
        elif ch == "\u201d":
            if open_at >= 0:
                spans.append((open_at, i + 1))
                open_at = -1
        elif open_at >= 0:
            spans.append((open_at, i + 1))
            open_at = -1
        else:
            open_at = i
    return spans


# Whether a token begins a sentence depends only on the gap before it (``joined[i]`` is
# ``is_joiner_gap(gap(i))``), so it is looked up per gap string.
_SENTENCE_GAP = GapTable(lambda g: not is_joiner_gap(g) and _SENT_END.search(g) is not None)


def _inner_gaps(toks: Tokens) -> list[str]:
    """The gaps before tokens ``1 .. n - 1``."""
    n = len(toks)
    if toks.gaps:
        return toks.gaps[1:n]
    return [toks.gap(i) for i in range(1, n)]


def _sentence_starts(toks: Tokens) -> list[int]:
    n = len(toks)
    if not n:
        return []
    return [0, *compress(range(1, n), map(_SENTENCE_GAP.__getitem__, _inner_gaps(toks)))]


def _joined_without_space(toks: Tokens) -> int:
    """Tokens joined to the previous one by a gap without a space (a hyphen): "state-of-the-art"."""
    return toks.gap_codes.count(2)


@lru_cache(maxsize=64)
def _term_matcher(terms: tuple[str, ...]) -> Matcher:
    m = Matcher()
    for t in terms:
        m.add(phrase_words(t), Entry("accepted", t, ""))
    return m


def _domain_matches(text: str) -> list[re.Match[str]]:
    """``_DOMAIN.finditer(text)``, searching only the stretches of domain characters that hold a dot.

    Every match is made of :data:`_DOMAIN_CHARS` and holds a :data:`_DOTTED` dot, so it lies
    in such a stretch, and no search from before a stretch can match before it. Searching a
    stretch alone (``pos``, ``endpos``) still sees the character before it, as the look-behind
    needs, and nothing of a match can lie after it.
    """
    out: list[re.Match[str]] = []
    end = 0
    for d in _DOTTED.finditer(text):
        dot = d.start()
        if dot < end:
            continue  # inside the stretch just searched
        start = dot
        while start and text[start - 1] in _DOMAIN_CHARS:
            start -= 1
        end = _DOMAIN_RUN.match(text, dot).end()  # type: ignore[union-attr]
        out.extend(_DOMAIN.finditer(text, start, end))
    return out


def _is_domain(s: str) -> bool:
    return "." in s and " " not in s.strip()


def _norm_domain(s: str) -> str:
    s = s.strip().lower()
    for p in ("https://", "http://"):
        s = s.removeprefix(p)
    s = s.split("/", 1)[0]
    return s.removeprefix("www.")


@lru_cache(maxsize=16)
def _norm_domains(domains: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_norm_domain(d) for d in domains)


def _domain_core(domain: str) -> str:
    """The distinctive label of a domain: ``trufflesveinspecialists`` for ``www.trufflesveinspecialists.com``."""
    labels = [x for x in domain.split(".") if x]
    if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac", "gov"):
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def analyse(doc: Document, settings: Any) -> Analysis:
    """Compute (once per document, via ``doc.memo``) the shared promotion analysis."""
    return doc.memo("promotion:analysis", lambda d: _analyse(d, settings))


def _analyse(doc: Document, settings: Any) -> Analysis:
    accepted = tuple(getattr(settings, "accepted_terms", ()) or ())
    acc_matcher = _term_matcher(accepted) if accepted else None
    blocks: list[BlockInfo] = []
    words = 0
    #: Blocks where an entry of some lexicon may match (few do): index, the tokens where, their words.
    live: list[tuple[int, list[int], set[str]]] = []
    for block in doc.blocks:
        toks = tokenize(block.text)
        # Words as a reader counts them: "state-of-the-art" is one word.
        words += len(toks) - _joined_without_space(toks)
        covered: AbstractSet[int] = frozenset()
        if acc_matcher is not None:
            covered = set()
            for i, j, _ in acc_matcher.find(toks):
                covered.update(range(i, j))
        at = _live_starts(toks)
        if at:
            live.append((len(blocks), at, {toks.lower[k] for k in at}))
        blocks.append(BlockInfo(block, toks, accepted=covered))

    matches: dict[str, list[Match]] = {}
    for name in LEXICONS:
        matcher = load_matcher(FAMILY, (name + ".txt",))
        first = matcher.first_words()
        found: list[Match] = []
        for bi, at, present in live:
            if first.isdisjoint(present):
                continue
            info = blocks[bi]
            toks = info.toks
            for i, j, entry in matcher.find(toks, starts=at):
                if entry.exception or any(k in info.accepted for k in range(i, j)):
                    continue
                a, b = toks.starts[i], toks.ends[j - 1]
                found.append(Match(name, bi, a, b, entry, info.is_quoted(a), {"tokens": (i, j)}))
        matches[name] = found
    # Star ratings are not words; a tiny separate pattern.
    for bi, info in enumerate(blocks):
        text = info.block.text
        if "\u2605" not in text and "\u2b50" not in text:
            continue
        for m in _STARS.finditer(text):
            matches["testimonial"].append(Match("testimonial", bi, m.start(), m.end(), None, info.is_quoted(m.start()), {"stars": True}))
    return Analysis(blocks, words, matches, _organisations(doc, settings, blocks))


@lru_cache(maxsize=1)
def _lexicon_starters() -> tuple[frozenset[str], frozenset[str], dict[str, frozenset[str]], frozenset[tuple[str, str]]]:
    """What the lexicons of :data:`LEXICONS` can match, over all of them.

    * every word an entry can start with;
    * those of them after which a match may end or take any word (a one-word entry, ``*``);
    * for each starting word, every word that can follow it in an entry;
    * these as pairs: every two first words of an entry.
    """
    first: set[str] = set()
    open_ended: set[str] = set()
    follow: dict[str, set[str]] = {}
    for name in LEXICONS:
        root = load_matcher(FAMILY, (name + ".txt",))._root
        for w, node in root.items():
            first.add(w)
            if _END in node or WILDCARD in node or NUMBER in node:
                open_ended.add(w)
            follow.setdefault(w, set()).update(k for k in node if k not in (_END, WILDCARD, NUMBER))
    pairs = frozenset((w, x) for w, v in follow.items() for x in v)
    return frozenset(first), frozenset(open_ended), {w: frozenset(v) for w, v in follow.items()}, pairs


def _live_starts(toks: Tokens) -> list[int]:
    """Tokens where an entry of some lexicon of :data:`LEXICONS` may match, ascending.

    Every other token is one that :meth:`Matcher.find` passes over for every lexicon without a
    match and without effect: its word starts no entry, or starts only entries of two words or
    more whose second word does not follow (joined) in the text. So ``find(toks, starts=...)``
    over these tokens gives the same matches as over all of them.
    """
    starters, open_ended, follow, pairs = _lexicon_starters()
    lower = toks.lower
    if open_ended.isdisjoint(lower) and pairs.isdisjoint(zip(lower, islice(lower, 1, None))):
        return []  # no one-word entry, no two words that begin an entry
    here = starters.intersection(lower)
    joined, n = toks.joined, len(lower)
    return [
        k for k, w in enumerate(lower)
        if w in here and (w in open_ended or (k + 1 < n and joined[k + 1] and lower[k + 1] in follow[w]))
    ]


def configured_names(doc: Document, settings: Any) -> tuple[list[str], list[str]]:
    """Organisation names and domains from config plus the page's own metadata."""
    names: list[str] = []
    domains: list[str] = []
    raw = list(getattr(settings, "organizations", ()) or ())
    md = doc.metadata or {}
    for key in SITE_KEYS:
        v = md.get(key)
        if isinstance(v, str) and v.strip():
            raw.append(v.strip())
    for item in raw:
        if _is_domain(item):
            domains.append(_norm_domain(item))
        else:
            names.append(item)
    return names, domains


#: Second-level labels under a country code that are not businesses: org.uk, ac.uk, gov.au, nhs.uk...
_NONCOMMERCIAL_SECOND_LEVEL = frozenset({"org", "or", "ac", "edu", "gov", "nhs", "mil"})


def _organisations(doc: Document, settings: Any, blocks: list[BlockInfo]) -> list[Match]:
    """Organisation and brand mentions.

    * configured names (``settings.organizations``) and the site name in the
      page metadata: every mention;
    * domains in the text on a commercial top-level domain (``.com``,
      ``.clinic``...), except the configured authoritative sources;
    * capitalised names ending in an organisation word ("Truffle Vein
      Specialists"): when they resemble a domain found in the page (the
      publisher naming itself) or are recommended ("centers like X",
      "clinics such as X", "visit X").
    """
    cues = load_cues(FAMILY, "cues.txt")
    names, domains = configured_names(doc, settings)
    authoritative = _norm_domains(tuple(getattr(settings, "authoritative_domains", ()) or ()))
    commercial = cues.get("commercial_tlds", frozenset())
    attribution = cues.get("attribution", frozenset())
    out: list[Match] = []
    name_matcher = Matcher()
    for n in names:
        name_matcher.add(phrase_words(n), Entry("organization", n, ""))
    own_domains = set(domains)

    # Domains in the text.
    found_domains: list[tuple[int, int, int, str]] = []
    for bi, info in enumerate(blocks):
        text = info.block.text
        if "." not in text:
            continue
        for m in _domain_matches(text):
            raw = m.group().rstrip(".-")
            d = raw.lower()
            labels = d.split(".")
            tld = raw.rsplit(".", 1)[-1]
            if len(labels) < 2 or len(labels[-2]) < 2 or not any(c.isalpha() for c in labels[0]) or not (tld.islower() or tld.isupper()):
                continue
            path_follows = text[m.start() + len(raw) : m.start() + len(raw) + 2]
            nd = _norm_domain(d)
            if nd in own_domains or any(nd == o or nd.endswith("." + o) for o in own_domains):
                found_domains.append((bi, m.start(), m.start() + len(d), "configured"))
                continue
            if path_follows[:1] == "/" and path_follows[1:2].strip():
                continue  # a URL with a path: a reference, left to the evidence rules
            if labels[-1] not in commercial or any(nd == a or nd.endswith("." + a) for a in authoritative):
                continue
            if len(labels[-1]) == 2 and labels[-2] in _NONCOMMERCIAL_SECOND_LEVEL:
                continue  # a charity's, university's or health service's site (bhf.org.uk, nhs.uk)
            before = text[max(0, m.start() - 40) : m.start()].lower().split()
            if before and before[-1].strip(":/") in attribution or len(before) >= 2 and before[-2] == "according":
                continue
            found_domains.append((bi, m.start(), m.start() + len(d), "detected"))
    cores = {_domain_core(_norm_domain(info_d)) for info_d in own_domains}
    for bi, a, b, how in found_domains:
        cores.add(_domain_core(_norm_domain(blocks[bi].block.text[a:b])))
    cores.discard("")

    suffixes = cues.get("org_suffixes", frozenset())
    inner = cues.get("name_inner", frozenset())
    providers = cues.get("provider_nouns", frozenset())
    endorse = cues.get("endorse_verbs", frozenset())
    stop = load_words("seo", "stopwords.txt")
    domains_in: dict[int, list[tuple[int, int, int, str]]] = {}
    for found in found_domains:
        domains_in.setdefault(found[0], []).append(found)
    for bi, info in enumerate(blocks):
        toks = info.toks
        taken: set[int] = set()
        for i, j, entry in name_matcher.find(toks) if name_matcher.size else ():
            if any(k in info.accepted for k in range(i, j)):
                continue
            out.append(Match("organization", bi, toks.starts[i], toks.ends[j - 1], entry, info.is_quoted(toks.starts[i]), {"how": "configured", "name": entry.phrase}))
            taken.update(range(i, j))
        for d_bi, a, b, how in domains_in.get(bi, ()):
            if d_bi == bi:
                out.append(Match("organization", bi, a, b, None, info.is_quoted(a), {"how": how, "name": info.block.text[a:b], "domain": True}))
        if info.block.kind == "heading" and not cores:
            continue
        for i, j in _capitalised_names(toks, suffixes, inner):
            if any(k in taken or k in info.accepted for k in range(i, j)):
                continue
            cue = ""
            while j - i > 2 and toks.lower[i] in endorse:
                cue = toks.lower[i]
                i += 1
            while j - i > 2 and toks.lower[i] in stop:
                cue = ""
                i += 1
            if toks.lower[i] in stop:
                continue
            name = info.block.text[toks.starts[i] : toks.ends[j - 1]]
            compact = "".join(toks.lower[i:j])
            linked = _similar(compact, cores)
            if cue:
                pass
            elif i >= 2 and toks.lower[i - 1] == "like" and toks.lower[i - 2] in providers:
                cue = f"{toks.lower[i - 2]} like"
            elif i >= 3 and toks.lower[i - 2 : i] == ["such", "as"] and toks.lower[i - 3] in providers:
                cue = f"{toks.lower[i - 3]} such as"
            elif i >= 1 and toks.lower[i - 1] in endorse:
                cue = toks.lower[i - 1]
            if linked or cue:
                out.append(Match("organization", bi, toks.starts[i], toks.ends[j - 1], None, info.is_quoted(toks.starts[i]), {"how": "linked" if linked else "endorsed", "name": name, "cue": cue}))
    out.sort(key=lambda m: (m.block, m.start))
    return out


def _capitalised_somewhere(text: str, words: AbstractSet[str]) -> bool:
    """Whether a token of ``text`` whose lower-cased form is in ``words`` may begin with a capital letter.

    False only when none does: when lower-casing keeps the length of the text, such a token
    stands where its lower-cased form is found in the lower-cased text (unless it holds an
    apostrophe, which the tokens straighten).
    """
    low = text.lower()
    if len(low) != len(text) or any("'" in w for w in words):
        return True
    for w in words:
        i = low.find(w)
        while i >= 0:
            if text[i].isupper():
                return True
            i = low.find(w, i + 1)
    return False


def _capitalised_names(toks: Tokens, suffixes: frozenset[str], inner: frozenset[str]) -> list[tuple[int, int]]:
    """Token ranges of capitalised multiword names ending in an organisation word."""
    out: list[tuple[int, int]] = []
    lower = toks.lower
    here = suffixes.intersection(lower)
    if not here:
        return out  # a name must end in an organisation word
    text = toks.text
    if suffixes.isdisjoint(inner) and not _capitalised_somewhere(text, here):
        # Every word of a name after its first is capitalised or an inner word, so when no
        # organisation word is an inner word, the name ends in a capitalised organisation word.
        return out
    n = len(toks)
    joined, starts = toks.joined, toks.starts
    caps = list(map(str.isupper, map(text.__getitem__, starts)))  # token starts with a capital letter
    j = 0
    for i in compress(range(n), caps):
        if i < j:
            continue
        j = i + 1
        while j < n and joined[j] and (caps[j] or (lower[j] in inner and j + 1 < n and caps[j + 1])):
            j += 1
        # Trim to the last organisation word.
        k = j
        while k > i and lower[k - 1] not in suffixes:
            k -= 1
        if k - i >= 2 and lower[i] not in inner:
            out.append((i, k))
    return out


def _similar(name: str, cores: AbstractSet[str]) -> bool:
    """Whether ``name`` is at least 85 % similar to one of ``cores`` (difflib's ratio)."""
    if not cores:
        return False
    from difflib import SequenceMatcher  # only imported when a page names an organisation

    return any(SequenceMatcher(None, name, c).ratio() >= 0.85 for c in cores)
