"""Per-sentence claim analysis.

For every sentence the analysis decides, and records why:

* whether it is a **claim** (a statement about health a reader could act on)
  or not (a heading, question, instruction, safety advice, a description of
  symptoms, a sentence with no claim cue or no health content);
* its **kinds** (efficacy, causal, prevention, mechanism, association,
  statistic, safety, comparative, diagnosis) and the primary ``kind``;
* the **strength** of the relation it states (Yu, Li & Wang 2019):
  ``correlational``, ``conditional_causal``, ``direct_causal`` or ``None``;
* its **hedges** and **absolutes** (with negation and question scope);
* its **evidence**: citation markers, links, identifiers, named and vague
  attributions, and the resulting **support** level
  (``none`` < ``vague`` < ``named`` < ``cited``).

Matching works on lower-cased NLTK tokens (``sentence.tokens``) with the
lexicons in ``audit/data/claims``; offsets are kept in block text and turned
into source offsets with the block's span map only when reported.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields
from functools import lru_cache
from operator import itemgetter
from typing import Any

from audit.claims.evidence import (
    Citation,
    DocumentEvidence,
    _may_cite,
    document_evidence,
    looks_like_heading,
    sentence_citations,
)
from audit.claims.lexicon import _NUM_WORDS, Lexicons, Match, is_number, lexicons
from audit.model import Block, Document, Sentence

SUPPORT_LEVELS = ("none", "vague", "named", "cited")
STRENGTHS = ("correlational", "conditional_causal", "direct_causal")
#: Priority of kinds when one sentence has several (the first present is ``kind``).
KIND_PRIORITY = ("safety", "comparative", "efficacy", "prevention", "causal", "diagnosis", "association", "statistic", "mechanism", "risk")

_NEGATORS = frozenset({"not", "no", "never", "neither", "nor", "without", "cannot", "none", "nothing", "hardly", "unproven", "lack", "lacks", "lacking"}) | frozenset(
    # Contractions stay one token ("don't"), with either apostrophe.
    w.replace("'", q) for w in (
        "don't", "doesn't", "didn't", "won't", "isn't", "aren't", "wasn't", "weren't", "can't", "couldn't",
        "wouldn't", "shouldn't", "haven't", "hasn't", "hadn't", "mustn't", "mightn't", "needn't",
    ) for q in ("'", "\u2019")
)
#: Words after "not" that add to the cue rather than deny it ("doesn't just boost", "not only
#: improves"). ("Not always safe", "not effective against all" deny in part: still negated.)
_LIMITERS = frozenset({"just", "only", "merely", "simply"})
#: Words between a negator and the evidence it denies: "no good scientific evidence", "not been shown".
_EVIDENCE_FILLER = frozenset({
    "good", "strong", "scientific", "clear", "convincing", "real", "reliable", "solid", "any", "enough", "sufficient",
    "conclusive", "firm", "hard", "robust", "been", "yet", "ever", "medical", "clinical", "published",
    "has", "have", "had", "found", "seen",
})
_SOURCES_DENIED = frozenset({"study", "studies", "trial", "trials", "research", "one", "review", "evidence", "data", "scientist", "doctor"})
#: "there is no evidence that X", "it is not true that X", "it has not been shown that X": the
#: clause after "that" is denied, however far the negator stands from its verb.
_DENIED_THAT = frozenset({"evidence", "proof", "true", "shown", "proven", "proved", "demonstrated", "data", "sign", "indication", "reason"})
_CLAUSE_BREAK = frozenset({",", ";", ":", "(", ")", "--", "\u2014", "\u2013", "but", "whereas", "while", "although", "though", "however", "yet", "which", "who"})
_MODALS_CAN = frozenset({"can", "could", "may", "might", "would"})
#: Hedges that scope over the whole sentence ("We suggest that X reduces Y").
_SENTENTIAL_HEDGES = frozenset({
    "suggest", "suggests", "suggested", "suggesting", "indicate", "indicates", "indicated", "indicating",
    "propose", "proposes", "proposed", "hypothesize", "hypothesized", "hypothesise", "hypothesised", "speculate",
    "speculated", "possible", "likely", "unlikely", "possibly", "probably", "perhaps", "appear", "appears",
    "appeared", "seem", "seems", "seemed", "potential", "potentially", "thought", "believed", "presumably",
    "postulate", "postulated", "whether", "hypothesis", "unclear", "unknown", "uncertain",
})
_LOCATIVE = frozenset({"in", "on", "at", "during", "after", "before", "within", "when", ".", ",", "as", "first", "only"})
_POTENTIAL_NOUN_LEFT = frozenset({"membrane", "action", "redox", "resting", "electrical", "zeta", "evoked", "evoke", "field", "postsynaptic", "oxidation", "reduction", "osmotic"})
_POSSIBLE_LEFT = frozenset({"as", "where", "whenever", "wherever", "if"})
_SYMPTOM_DYNAMICS = frozenset({
    "worsen", "worsens", "worsened", "worsening", "relieve", "relieves", "relieved", "relieving", "relief", "ease",
    "eases", "eased", "easing", "alleviate", "alleviates", "alleviated", "alleviating", "intensify", "intensifies",
    "improve", "improves", "improved", "disrupt", "disrupts", "disrupting", "disrupted", "aggravate", "aggravates", "aggravated", "trigger", "triggers", "triggered",
})
_SYMPTOM_WORDS = frozenset({
    "sensation", "sensations", "feeling", "feelings", "urge", "discomfort", "restlessness", "tingling", "burning",
    "itching", "crawling", "creeping", "prickling", "twitching", "jerking", "aching", "numbness", "cramps",
    "described", "describe", "describes", "characterized", "characterised", "feels", "manifests", "manifest",
})
_POPULATION = frozenset({
    "people", "persons", "adults", "children", "kids", "patients", "americans", "women", "men", "individuals",
    "cases", "deaths", "sufferers", "users", "adolescents", "teens", "infants", "babies", "seniors", "pregnancies",
    "population", "worldwide", "globally", "annually", "births", "smokers", "participants", "subjects", "times",
    "fold", "percent", "%", "per", "cent",
})
_QUANT_WORDS = frozenset({"millions", "thousands", "billions", "hundreds", "majority", "half", "third", "quarter", "one-third", "two-thirds", "one-quarter", "one-fifth", "twice", "double", "triple", "tenfold", "twofold", "threefold"})
#: Words that can start a statistic (besides anything starting with a digit).
_STAT_TRIGGERS = _NUM_WORDS | {w + "%" for w in _NUM_WORDS} | _QUANT_WORDS | {"most", "many"}
_FIRST_CHAR = itemgetter(0)
_YEARISH = re.compile(r"(?:19|20)\d\d")
_THOUSANDS = re.compile(r"\d{3}")
_DIGIT = re.compile(r"\d")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORDISH = re.compile(r"\w")
_TREEBANK_MAP = {"n't": "not", "ca": "can", "wo": "will", "``": '"', "''": '"', "sha": "shall"}
_TRAILING_MARK = re.compile(r"[ \t]{0,2}(?:\[\^[^\]\s]{1,40}\](?!:)|\[\d{1,3}(?:[-\u2013, ]{1,3}\d{1,3}){0,20}\]|[\u00b9\u00b2\u00b3\u2074-\u2079\u2070\u207b,]{1,20})+")
_CITE_MARK = re.compile(r"\[\d|\[\^|[\u00b9\u00b2\u00b3\u2074-\u2079]")


@dataclass
class Cue:
    """A cue found in a sentence: block-text offsets ``[start, end)`` and its words."""

    start: int
    end: int
    text: str
    kind: str = ""
    #: For relation cues: ``correlational``, ``conditional_causal`` or ``direct_causal``.
    strength: str | None = None
    negated: bool = False


@dataclass
class SentenceAnalysis:
    """Everything the claim analysis learned about one sentence."""

    sentence: Sentence
    block_index: int
    text: str
    claim: bool = False
    reason: str = ""
    kinds: list[str] = field(default_factory=list)
    strength: str | None = None
    hedges: list[Cue] = field(default_factory=list)
    absolutes: list[Cue] = field(default_factory=list)
    relations: list[Cue] = field(default_factory=list)
    statistics: list[Cue] = field(default_factory=list)
    intensifiers: list[Cue] = field(default_factory=list)
    kind_cues: list[Cue] = field(default_factory=list)
    vague: list[Cue] = field(default_factory=list)
    named: list[Cue] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    medical_terms: list[str] = field(default_factory=list)
    support: str = "none"
    question: bool = False
    has_number: bool = False
    #: The sentence recommends or calls for something ("should", "further studies are needed").
    recommendation: bool = False
    #: Normalised lower-case tokens (punctuation included) and their original text.
    words: list[str] = field(default_factory=list, repr=False)
    raw: list[str] = field(default_factory=list, repr=False)
    #: An instruction to the reader that states what it is for ("Drink plenty of fluids to
    #: prevent dehydration"): a claim, but advice rather than an assertion.
    instruction: bool = False

    @property
    def kind(self) -> str | None:
        """The primary kind (see :data:`KIND_PRIORITY`)."""
        for k in KIND_PRIORITY:
            if k in self.kinds:
                return k
        return None

    @property
    def hedged(self) -> bool:
        return bool(self.hedges)

    @property
    def block(self) -> Block:
        return self.sentence.block

    def source_span(self, cue: Cue | None = None) -> tuple[int, int]:
        """Source offsets of the sentence, or of one of its cues."""
        if cue is None:
            return self.sentence.source_span()
        return self.block.map.span(cue.start, cue.end)


#: The fields of :class:`SentenceAnalysis` in order: :func:`_analyse_sentence` passes them all
#: by position.
_FIELD_ORDER = (
    "sentence", "block_index", "text", "claim", "reason", "kinds", "strength", "hedges", "absolutes", "relations",
    "statistics", "intensifiers", "kind_cues", "vague", "named", "citations", "medical_terms", "support", "question",
    "has_number", "recommendation", "words", "raw", "instruction",
)
if tuple(f.name for f in fields(SentenceAnalysis)) != _FIELD_ORDER:  # pragma: no cover
    raise ImportError("SentenceAnalysis fields changed: update _FIELD_ORDER and _analyse_sentence")


# ---------------------------------------------------------------- tokens


_FALLBACK_TOKEN = re.compile(r"\w[\w'\-.%]*\w%?|\w|[^\w\s]")
_TREEBANK_KEYS = frozenset(_TREEBANK_MAP)


def _tokens(sentence: Sentence) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    """Token spans (block offsets), normalised lower-case words and the tokens as written."""
    text = sentence.block.text
    start, end = sentence.start, sentence.end
    spans = sentence.tokens
    if not spans:
        spans = [m.span() for m in _FALLBACK_TOKEN.finditer(text, start, end)]
    # Word tokenisers differ in whether they keep punctuation; the analysis needs it
    # (clause breaks, list labels), so punctuation in the gaps becomes tokens too.
    full: list[tuple[int, int]] = []
    add = full.append
    raw: list[str] = []
    add_raw = raw.append
    prev_end = start
    # Mostly a token follows the last one after one space, which is quicker to check than
    # the gap's white space (``text[prev_end]`` is the gap's only character while the
    # sentence starts at 0 or later).
    sure = start >= 0
    for span in spans:
        a, b = span
        if not (sure and a == prev_end + 1 and text[prev_end] == " ") and a > prev_end and not text[prev_end:a].isspace():
            for k in range(prev_end, a):
                ch = text[k]
                if not ch.isspace() and not ch.isalnum():
                    add((k, k + 1))
                    add_raw(ch)
        if b > a:
            add(span)
            add_raw(text[a:b])
        if b > prev_end:  # noqa: PLR1730 (a comparison is cheaper than max() here)
            prev_end = b
    if end > prev_end and not text[prev_end:end].isspace():
        for k in range(prev_end, end):
            ch = text[k]
            if not ch.isspace() and not ch.isalnum():
                add((k, k + 1))
                add_raw(ch)
    words = list(map(str.lower, raw))
    if not _TREEBANK_KEYS.isdisjoint(words):
        tm = _TREEBANK_MAP
        words = [tm.get(w, w) for w in words]
    # "can" + "not" written "cannot" is one token in NLTK.
    return full, words, raw


# ---------------------------------------------------------------- hedges


_PREVALENCE_VERBS = ("affect", "impact", "strike", "strikes", "struck", "hit", "hits")


def _first_index(spans: list[tuple[int, int]], side: int, offset: int) -> int:
    """Index of the first span whose start (``side`` 0) or end (``side`` 1) is ``offset``, or -1."""
    for k, sp in enumerate(spans):
        if sp[side] == offset:
            return k
    return -1


def _prevalence_verb(c: Cue, spans: list[tuple[int, int]], words: list[str], stat_starts: set[int]) -> bool:
    """Whether relation cue ``c`` is a prevalence verb followed (within two tokens) by a statistic."""
    j = _first_index(spans, 1, c.end)
    if j < 0 or not words[j].startswith(_PREVALENCE_VERBS):
        return False
    return any(k in stat_starts for k in range(j + 1, j + 4))


def _valid_hedge(m: Match, words: list[str]) -> bool:
    i, j = m.i, m.j
    w = words[i]
    nxt = words[j] if j < len(words) else ""
    prev = words[i - 1] if i > 0 else ""
    if w in ("could", "would") and nxt in ("not", "never"):
        return False
    if w == "possible" and (prev in _POSSIBLE_LEFT or nxt in ("to",) and prev in ("is", "was", "it")) and prev in _POSSIBLE_LEFT:
        return False
    if w == "potential" and (prev in _POTENTIAL_NOUN_LEFT or nxt in ("difference", "differences", "energy")):
        return False
    if w.startswith("appear") and nxt in _LOCATIVE:
        return False
    if w == "either":
        return "or" in words[j : j + 25]
    # "in May", "since May": the month
    return not (w == "may" and prev in ("in", "of", "since", "from", "until", "by"))


def find_hedges(
    words: list[str], lex: Lexicons, present: frozenset[str] | set[str] | None = None, at: list[int] | None = None
) -> list[Match]:
    """Hedge matches in a token list, without false friends ("could not", "as soon as possible")."""
    return [m for m in lex.hedges.find(words, present=present, at=at) if _valid_hedge(m, words)]


# ---------------------------------------------------------------- helpers


def _negated(words: list[str], i: int, window: int = 3) -> bool:
    """Whether a negator stands up to ``window`` words before token ``i`` in its clause, or
    token ``i`` is in a denied "that" clause (:func:`_denied_that`).

    Not a denial: "not just" or "not the only" ("doesn't just boost", "isn't the only
    benefit"), a "without" whose object is something else ("as well without stents reduces"),
    and a double negative ("tends not to improve without surgery").
    """
    for k in range(i - 1, max(0, i - window) - 1, -1):
        w = words[k]
        if w in _CLAUSE_BREAK:
            break
        if w not in _NEGATORS:
            continue
        if w == "without" and i - k > 1:
            continue  # "without" denies its own object only
        if k + 1 < i and (words[k + 1] in _LIMITERS or words[k + 1 : k + 3] == ["the", "only"]):
            return False
        return not _double_negative(words, i)
    return _denied_that(words, i)


def _double_negative(words: list[str], i: int) -> bool:
    """Whether a "without"/"unless" follows token ``i`` in its clause ("not ... improve without surgery")."""
    for w in words[i + 1 : i + 6]:
        if w in _CLAUSE_BREAK and w not in ("(", ")"):
            return False
        if w in ("without", "unless"):
            return True
    return False


def _denied_that(words: list[str], i: int) -> bool:
    """Whether token ``i`` stands in a "that" clause whose truth the sentence denies ("there is no
    good evidence that vitamin C cures colds", "it is not true that vaccines cause autism", "it
    has not been shown that"): the negator must govern the word before "that" ("we can't ignore
    the evidence that ..." denies nothing)."""
    for k in range(i - 1, max(1, i - 12), -1):
        w = words[k]
        if w in _CLAUSE_BREAK:
            return False
        if w == "that" and words[k - 1] in _DENIED_THAT:
            j = k - 2
            while j >= 0 and words[j] in _EVIDENCE_FILLER:
                j -= 1
            if j >= 0 and words[j] in _NEGATORS:
                return True
            # "No study has shown that", "Nobody has proved that": a denied subject.
            return j >= 0 and (words[j] in ("nobody", "noone") or (j >= 1 and words[j - 1] == "no" and words[j] in _SOURCES_DENIED))
    return False


def _clause_of(words: list[str], i: int) -> int:
    """Index of the first token of the clause holding token ``i``."""
    k = i - 1
    while k >= 0:
        if words[k] in _CLAUSE_BREAK:
            return k + 1
        k -= 1
    return 0


def _has_ascii_digit(text: str) -> bool:
    r"""Whether ASCII ``text`` holds a digit (``\d``): ten substring tests are much faster than the pattern."""
    return (
        "0" in text or "1" in text or "2" in text or "3" in text or "4" in text
        or "5" in text or "6" in text or "7" in text or "8" in text or "9" in text
    )


def _statistics(words: list[str], at: list[int] | None = None, hits: AbstractSet[str] | None = None) -> list[tuple[int, int]]:
    """Token ranges of statistics: percentages, "1 in 5", counts of people, "millions".

    ``at`` (optional, ascending) holds every index of ``words`` where a word of
    :data:`_STAT_TRIGGERS` stands (and maybe others); ``hits`` (optional) every word of
    :data:`_STAT_TRIGGERS` in ``words`` (and maybe others of ``words``).
    """
    out: list[tuple[int, int]] = []
    n = len(words)
    # Only a number, a quantity word or "most"/"many" can start a statistic.
    triggers = _STAT_TRIGGERS
    some_trigger = not triggers.isdisjoint(words if hits is None else hits)
    joined = " ".join(words)
    if not (_has_ascii_digit(joined) if joined.isascii() else _DIGIT.search(joined) is not None):
        # No word starts with a digit.
        if not some_trigger:
            return out
        starts = [k for k, w in enumerate(words) if w in triggers] if at is None else [k for k in at if words[k] in triggers]
    else:
        try:
            # The first character of each word, in one string: a word starts with a digit
            # where that string has one (``\d`` is ``str.isdecimal``).
            firsts = "".join(map(_FIRST_CHAR, words))
        except IndexError:  # an empty word
            starts = [k for k, w in enumerate(words) if w in triggers or w[:1].isdecimal()]
        else:
            starts = [m.start() for m in _DIGIT.finditer(firsts)]
            if some_trigger:
                more = [k for k, w in enumerate(words) if w in triggers] if at is None else [k for k in at if words[k] in triggers]
                starts = sorted({*starts, *more})
    free = 0
    for i in starts:
        if i < free:
            continue
        w = words[i]
        hit: tuple[int, int] | None = None
        if w.endswith("%") and is_number(w[:-1] or "x"):
            hit = (i, i + 1)
        elif is_number(w) and not (_YEARISH.fullmatch(w) and (i == 0 or words[i - 1] in ("in", "since", "by", "of", "from", "until", ","))):
            # "1,200,000" is five tokens: read on from the last group.
            j = i
            while j + 2 < n and words[j + 1] == "," and _THOUSANDS.fullmatch(words[j + 2]):
                j += 2
            nxt = words[j + 1] if j + 1 < n else ""
            if nxt in ("%", "percent", "per"):
                hit = (i, j + 2)
            elif nxt in ("in", "out") and j + 2 < n and (is_number(words[j + 2]) or (nxt == "out" and j + 3 < n and is_number(words[j + 3]))):
                hit = (i, j + 3 if nxt == "in" else j + 4)
            else:
                for k in range(j + 1, min(n, j + 4)):
                    if words[k] in _POPULATION or words[k].endswith("-fold"):
                        hit = (i, k + 1)
                        break
                if hit is None and w in ("millions", "thousands", "billions", "hundreds"):
                    hit = (i, i + 1)
                    if i + 1 < n and words[i + 1] in ("of", "worldwide", "globally"):
                        hit = (i, i + 2)
        elif w in _QUANT_WORDS and i + 1 < n and words[i + 1] in ("of", "as", "the", "worldwide", "globally") or w in ("most", "many") and i + 1 < n and words[i + 1] in ("people", "adults", "patients", "americans", "women", "men", "children", "cases"):
            hit = (i, i + 2)
        if hit and _price_or_degree(words, i, hit[1]):
            hit = None
        if hit:
            # A number written with thousands separators is three tokens ("1", ",", "000"):
            # "1 in 1,000", "1 in 10,000 people".
            a, e = hit
            while e + 1 < n and words[e] == "," and words[e - 1][-1:].isdigit() and _THOUSANDS.fullmatch(words[e + 1]):
                e += 2
            out.append((a, e))
            free = e
    return out


#: Words around a percentage that make it a price cut ("30% off", "save 20 percent").
_PRICE_AFTER = frozenset({"off", "discount", "discounts", "savings", "rebate", "cashback"})
_PRICE_BEFORE = frozenset({"save", "saves", "saving", "savings", "discount", "discounts"})
#: Qualities that no study measures: after "100%" they make it a degree word, not a rate
#: ("100% natural"; but "100 percent accurate" and "a 100% cure rate" are statistics).
_UNMEASURED = frozenset({
    "natural", "pure", "organic", "herbal", "vegan", "genuine", "authentic", "drug-free", "chemical-free",
    "risk-free", "money-back", "satisfaction", "guaranteed",
})


def _price_or_degree(words: list[str], i: int, j: int) -> bool:
    """Whether the percentage ``words[i:j]`` (if it is one) is no statistic: a price cut
    ("30% off", "save up to 20 percent on", "a 15% discount"), or "100%" before a quality
    that no study measures ("100% natural"; the absolute-language check reports it)."""
    w = words[i]
    if w.endswith("%"):
        value = w[:-1]
    elif j - i == 2 and words[i + 1] in ("%", "percent"):
        value = w
    else:
        return False
    nxt = words[j] if j < len(words) else ""
    if nxt in _PRICE_AFTER:
        return True
    if nxt != "of" and not _PRICE_BEFORE.isdisjoint(words[max(0, i - 3) : i]):
        return True  # but "can save 20 percent of them" (lives) is a statistic
    return value == "100" and nxt in _UNMEASURED


def _positions(tokens: list[str], present: set[str]) -> list[int]:
    """Indices of the tokens that are in ``present`` (a few tokens, each in ``tokens``), in order."""
    out: list[int] = []
    for w in present:
        k = -1
        for _ in range(tokens.count(w)):
            k = tokens.index(w, k + 1)
            out.append(k)
    if len(present) > 1:
        out.sort()
    return out


def _named_sources(
    spans: list[tuple[int, int]],
    raw: list[str],
    words: list[str],
    lex: Lexicons,
    source_at: list[int] | None = None,
    at: list[int] | None = None,
    hits: AbstractSet[str] | None = None,
) -> list[tuple[int, int]]:
    """Token ranges of named sources: listed institutions and journals, "according to <Name>",
    "published in <Name>", "a 2019 study".

    ``source_at`` (optional) holds the indices of the words that are source nouns, in order.
    ``at`` and ``hits`` (optional, together, when ``words`` are the words :func:`_tokens`
    makes of ``raw``) hold every index of ``words`` where a word of :func:`_cue_words` stands
    and every such word, and maybe others.
    """
    out: list[tuple[int, int]] = []
    n = len(raw)
    named_first = lex.named_first
    if at is None or hits is None:
        firsts = _positions(raw, named_first.keys() & raw) if not named_first.keys().isdisjoint(raw) else []
        hits = set(words)
    else:
        # A token that starts a named source has its word among those of _named_first_words.
        probe = _named_first_words(lex)
        firsts = [] if probe.isdisjoint(hits) else [k for k in at if words[k] in probe and raw[k] in named_first]
    for i in firsts:
        for seq in named_first[raw[i]]:
            k = len(seq)
            if tuple(raw[i : i + k]) == seq:
                out.append((i, i + k))
                break
    if not _NAMED_CUES.isdisjoint(hits):
        _named_cues(words, raw, lex, out)
    if source_at is None:
        source_at = [k for k, w in enumerate(words) if w in lex.source_nouns]
    for j in source_at:
        # "a 2019 study in JAMA": a dated study is a named (if unlocated) source.
        if 2 <= j <= n - 2 and words[j - 2] in ("a", "the", "one") and _YEARISH.fullmatch(words[j - 1]):
            out.append((j - 2, j + 1))
    if not out:
        return out
    out.sort(key=lambda r: (r[0], -r[1]))
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


_NAMED_CUES = frozenset({"according", "published", "reported", "appeared"})


def _named_cues(words: list[str], raw: list[str], lex: Lexicons, out: list[tuple[int, int]]) -> None:
    """Add "according to <Name>" and "published in <Name>" ranges to ``out``."""
    n = len(raw)
    for i in range(n - 2):
        if words[i] == "according" and words[i + 1] == "to":
            j = i + 2
            if j < n and words[j] == "the":
                j += 1
            if j < n and raw[j][:1].isupper() and words[j] not in lex.source_nouns:
                k = j
                while k < n and (raw[k][:1].isupper() or words[k] in ("of", "for", "and", "&")):
                    k += 1
                out.append((i, k))
        if words[i] in ("published", "reported", "appeared") and words[i + 1] == "in" and raw[i + 2][:1].isupper():
            out.append((i, i + 3))


def _vague(
    words: list[str],
    raw: list[str],
    lex: Lexicons,
    present: frozenset[str] | set[str] | None = None,
    at: list[int] | None = None,
    source_at: list[int] | None = None,
    matches: Sequence[Match] | None = None,
) -> list[tuple[int, int]]:
    """Token ranges of vague attributions: "research shows", "studies suggest", "experts agree".

    ``present`` and ``at`` are as for :meth:`TokenMatcher.find`; ``source_at`` (optional)
    holds the indices of the words that are source nouns, in order; ``matches`` (optional)
    are the matches of the vague lexicon, if already found.
    """
    if matches is None:
        matches = lex.vague.find(words, present=present, at=at)
    out: list[tuple[int, int]] = [(m.i, m.j) for m in matches] if matches else []
    n = len(words)
    source_nouns = lex.source_nouns
    if source_at is None:
        source_at = [] if source_nouns.isdisjoint(words) else [k for k, w in enumerate(words) if w in source_nouns]
    for i in source_at:
        if not raw[i][:1].isupper() or i == 0:
            # a reporting verb within the next four tokens ("studies have consistently shown")
            for m in lex.report_verbs.find(words[i + 1 : min(n, i + 5)]):
                if all(words[i + 1 + t] not in (".", ";") for t in range(m.i)):
                    out.append((i, i + 1 + m.j))
                    break
    if not out:
        return out
    out.sort()
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


# ---------------------------------------------------------------- the analysis


def _cue(
    spans: list[tuple[int, int]], text: str, i: int, j: int, kind: str = "", strength: str | None = None, negated: bool = False
) -> Cue:
    a, b = spans[i][0], spans[j - 1][1]
    return Cue(a, b, text[a:b], kind, strength, negated)


def analyse_sentence(sentence: Sentence, block_index: int = 0, lex: Lexicons | None = None) -> SentenceAnalysis:
    """Linguistic analysis of one sentence: cues, hedges, strength, kinds (no evidence, no claim decision)."""
    return _analyse_sentence(sentence, block_index, lex or lexicons())[0]


def _analyse_sentence(sentence: Sentence, block_index: int, lex: Lexicons) -> tuple[SentenceAnalysis, bool]:
    """:func:`analyse_sentence`, and whether the sentence holds an entry of the advice lexicon."""
    text = sentence.block.text
    spans, words, raw = _tokens(sentence)
    stext = text[sentence.start : sentence.end]
    question = stext.rstrip().endswith(("?", "?\"", "?\u201d"))
    if stext.isascii():
        has_number = _has_ascii_digit(stext)
    else:
        # ``\d`` finds the usual digits fast; other characters that count as digits are not ASCII.
        has_number = _DIGIT.search(stext) is not None or any(ch.isdigit() for ch in _NON_ASCII.findall(stext))

    # Where the words stand that the steps below look for (see :func:`_cue_words`).
    hits = _cue_words(lex).intersection(words)
    at = [k for k, w in enumerate(words) if w in hits] if hits else []
    found = _NO_MATCHES if lex.sentence_starters.isdisjoint(hits) else lex.sentence_matcher.find(words, at)
    hedge_found, harm_matches, rel_matches, kind_matches, absolute_matches, vague_matches, advice_matches = found
    # (A comprehension costs a call: the lists below are mostly empty.)
    hedge_matches = [m for m in hedge_found if _valid_hedge(m, words)] if hedge_found else []
    hedges = [_cue(spans, text, m.i, m.j, "hedge") for m in hedge_matches] if hedge_matches else []
    # Whether a treatment is named: found out only when a cue needs it.
    has_treatment: bool | None = None

    label_end = _label_end(words, raw) if ":" in words[:8] else 0
    # Harms after a causal cue; a treatment-specific harm ("side effects") counts even
    # when no treatment word is in the sentence.
    harm_starts: frozenset[int] | set[int] = _NO_INDICES
    if harm_matches:
        has_treatment = lex.has_treatment(words)
        harm_starts = {h.i for h in harm_matches if has_treatment or words[h.i] in _TREATMENT_HARMS}
    if len(rel_matches) > 1 and rel_matches[0].i == label_end and words[label_end].endswith("ing"):
        # A gerund subject ("Treating vein disease can improve ...") states no relation itself.
        rel_matches = rel_matches[1:]
    relations: list[Cue] = []
    for m in rel_matches:
        klass, kind = (m.pattern.tag + ("", ""))[:2]
        tagged_kind = kind
        if m.i < label_end or _not_a_relation(words, m.i, m.j):
            continue
        if klass == "causal" and _descriptive_change(words, m.i, m.j):
            # "X was reduced in patients with Y", "significantly lower than": a measured
            # difference between groups, reported as a correlation.
            klass, kind = "correlational", "association"
        if klass == "correlational":
            strength = "correlational"
        else:
            clause = _clause_of(words, m.i)
            governed = (
                bool(hedge_matches)
                and any(clause <= h.i < m.i and m.i - h.i <= 8 and words[h.i] not in _REPORTING for h in hedge_matches)
            ) or not _MODALS_CAN.isdisjoint(words[max(clause, m.i - 6) : m.i])
            strength = "conditional_causal" if governed else "direct_causal"
            if kind == "efficacy":
                if has_treatment is None:
                    has_treatment = lex.has_treatment(words)
                if not has_treatment:
                    kind = "causal"
            if harm_starts and tagged_kind == "causal" and any(k in harm_starts for k in range(m.j, min(m.j + 4, len(words)))):
                # "Iron tablets can cause side effects": a risk disclosed, not a benefit promised.
                kind = "risk"
        relations.append(_cue(spans, text, m.i, m.j, kind, strength, _negated(words, m.i)))

    kind_cues: list[Cue] = []
    for m in kind_matches:
        kind = m.pattern.tag[0] if m.pattern.tag else ""
        if _negated(words, m.i, 2) and kind == "safety":
            continue
        kind_cues.append(_cue(spans, text, m.i, m.j, kind))

    absolutes: list[Cue] = []
    for m in absolute_matches:
        if _negated(words, m.i) and words[m.i] not in ("no", "without", "never", "zero", "free"):
            continue
        if question:
            continue
        absolutes.append(_cue(spans, text, m.i, m.j, "absolute"))

    stats = _statistics(words, at, hits)
    statistics = [_cue(spans, text, a, b, "statistic") for a, b in stats] if stats else []
    if stats and relations:
        # "affects 1 in 2 adults", "affects about 37% of women": a prevalence verb whose
        # object is the number states how common something is, not what it does.
        starts = {a for a, _ in stats}
        relations = [c for c in relations if not _prevalence_verb(c, spans, words, starts)]

    intensifiers: list[Cue] = []
    if not lex.intensifiers.isdisjoint(hits):
        _intensifiers(words, spans, text, relations, lex.intensifiers, intensifiers, at)

    source_nouns = lex.source_nouns
    source_at = [] if source_nouns.isdisjoint(hits) else [k for k in at if words[k] in source_nouns]
    named_spans = _named_sources(spans, raw, words, lex, source_at, at, hits)
    named = [_cue(spans, text, a, b, "named") for a, b in named_spans] if named_spans else []
    vague: list[Cue] = []
    for a, b in _vague(words, raw, lex, None, None, source_at, vague_matches):
        # "a 2019 study in JAMA found": the study is named, not vague
        if not any(a < nb and na < b + 3 for na, nb in named_spans):
            vague.append(_cue(spans, text, a, b, "vague"))
    if vague and kind_cues:
        # "research identifies ...": the reporting verb of an attribution is not a diagnosis cue.
        kind_cues = [c for c in kind_cues if not any(v.start <= c.start < v.end for v in vague)]

    kinds: list[str] = []
    best = -1
    for c in relations:
        if c.kind and c.kind not in kinds:
            kinds.append(c.kind)
        if c.strength:
            best = max(best, STRENGTHS.index(c.strength))
    for c in kind_cues:
        if c.kind not in kinds:
            kinds.append(c.kind)
    if statistics:
        kinds.append("statistic")
    recommendation = _recommendation(words, at, hits)
    # Every field, in order (see _FIELD_ORDER): positional arguments are much cheaper.
    sa = SentenceAnalysis(
        sentence,
        block_index,
        stext.strip(),  # text
        False,  # claim
        "",  # reason
        [k for k in KIND_PRIORITY if k in kinds] if kinds else [],  # kinds
        # A recommendation or call for research states no finding (Yu et al.: no relation).
        STRENGTHS[best] if best >= 0 and not recommendation else None,  # strength
        hedges,
        absolutes,
        relations,
        statistics,
        intensifiers,
        kind_cues,
        vague,
        named,
        [],  # citations
        lex.medical_in(words),  # medical_terms
        "none",  # support
        question,
        has_number,
        recommendation,
        words,
        raw,
    )
    return sa, bool(advice_matches)


_NO_INDICES: frozenset[int] = frozenset()
#: What ``Lexicons.sentence_matcher`` finds in a sentence without a word that can start an
#: entry: nothing for each of its seven lexicons.
_NO_MATCHES: tuple[Sequence[Match], ...] = ((),) * 7


def _intensifiers(
    words: list[str],
    spans: list[tuple[int, int]],
    text: str,
    relations: list[Cue],
    vocabulary: frozenset[str],
    out: list[Cue],
    at: list[int],
) -> None:
    """Add to ``out`` the intensifiers ("dramatically", "significantly") next to an efficacy,
    prevention, causal or mechanism cue; ``at`` (ascending) holds every index of ``words``
    where a word of ``vocabulary`` stands (and maybe others)."""
    rel_tokens = [(c.start, c.end) for c in relations]
    near = [c for c in relations if c.kind in ("efficacy", "prevention", "causal", "mechanism")]
    # Token index of each cue's first and last token (the first token with that offset).
    near_idx = [(_first_index(spans, 0, c.start), _first_index(spans, 1, c.end)) for c in near]
    for i in at:
        w = words[i]
        if w in vocabulary:
            a = spans[i][0]
            if any(s <= a < e for s, e in rel_tokens):
                continue
            for ci, cj in near_idx:
                # within three tokens before the cue, or right after it
                if (0 <= ci - i <= 3) or (0 <= i - cj <= 2):
                    out.append(_cue(spans, text, i, i + 1, "intensifier"))
                    break


_TREATMENT_HARMS = frozenset({"side", "side-effect", "side-effects", "adverse", "complication", "complications", "allergic"})
_REPORTING = frozenset({
    "suggest", "suggests", "suggested", "suggesting", "indicate", "indicates", "indicated", "indicating", "propose",
    "proposes", "proposed", "implies", "imply", "implied", "implying",
})
_OBLIGATION = frozenset({"should", "must", "needed", "necessary", "warranted", "recommend", "recommended", "recommends", "ought"})
_RECOMMEND_CUES = _OBLIGATION | {"need", "needs", "research", "studies", "study", "trials", "work", "investigation"}
_FUTURE = frozenset({"future", "further", "additional", "larger", "more"})
_DEGREE = frozenset({"significantly", "slightly", "much", "markedly", "substantially", "considerably", "marginally", "somewhat", "far", "statistically", "not", "also", "further"})


def _recommendation(words: list[str], at: list[int] | None = None, hits: AbstractSet[str] | None = None) -> bool:
    """"Should", "must", "are needed", "further studies are necessary": a recommendation, not a finding.

    ``at`` (optional, ascending) holds every index of ``words`` where a word of
    :data:`_RECOMMEND_CUES` stands (and maybe others); ``hits`` (optional) every word of
    :data:`_RECOMMEND_CUES` in ``words`` (and maybe others of ``words``).
    """
    present = words if hits is None else hits
    if _RECOMMEND_CUES.isdisjoint(present):
        return False
    if not _OBLIGATION.isdisjoint(present):
        return True
    n = len(words)
    for k in [k for k, w in enumerate(words) if w in _RECOMMEND_CUES] if at is None else at:
        w = words[k]
        if w in ("need", "needs") and k + 1 < n and words[k + 1] == "to":
            return True
        if w in ("research", "studies", "study", "trials", "work", "investigation") and k > 0 and words[k - 1] in _FUTURE:
            return True
    return False


def _descriptive_change(words: list[str], i: int, j: int) -> bool:
    """A change word that describes a measured state, not an action:
    "was reduced in", "significantly lower than", "the increase of"."""
    w = words[i]
    prev = words[i - 1] if i > 0 else ""
    prev2 = words[i - 2] if i > 1 else ""
    nxt = words[j] if j < len(words) else ""
    if j - i != 1:
        return False
    if w in ("lower", "higher", "greater", "less", "more", "better", "worse"):
        return nxt == "than" or prev in _COPULA or prev in _DEGREE or prev in _ADJ_LEFT
    if w.endswith("ed") and (prev in _COPULA or (prev in _DEGREE and prev2 in _COPULA)) and nxt != "by":
        return True
    return w in _CHANGE_NOUNS and prev in ("the", "a", "an", "significant") and nxt in ("in", "of")


_CHANGE_NOUNS = frozenset({"increase", "decrease", "reduction", "improvement", "improvements", "elevation", "decline"})
_DET_BEFORE_CAUSE = frozenset({"the", "specific", "underlying", "its", "their", "vascular", "main", "common", "possible", "different", "various", "these", "those", "many", "other", "exact", "what", "of"})
_ADJ_LEFT = frozenset({"a", "an", "the", "and", "or", ",", ":", "with", "of", "by", "in", "to", "for", "from", "its", "their", "his", "her", "our", "your", "due", "as"})
_COPULA = frozenset({"is", "are", "was", "were", "be", "been", "being", "remains", "remain"})


def _label_end(words: list[str], raw: list[str]) -> int:
    """Token index after a list-item label ("Iron Supplementation: ..."), or 0."""
    head = words[:8]
    if ":" not in head:
        return 0
    k = head.index(":")
    label = [r for r in raw[:k] if r[:1].isalpha()]
    if label and sum(1 for r in label if r[:1].isupper() or r.lower() in ("and", "of", "the", "to", "in", "for", "or")) == len(label):
        return k + 1
    return 0


def _not_a_relation(words: list[str], i: int, j: int) -> bool:
    """A cue word used as a noun or adjective rather than to state a relation."""
    w = words[i]
    prev = words[i - 1] if i > 0 else ""
    nxt = words[j] if j < len(words) else ""
    # "the cause of RLS" names a topic; "is a (potential) cause of" asserts one.
    if w in ("cause", "causes") and j - i == 1 and prev in _DET_BEFORE_CAUSE and not (i >= 2 and words[i - 2] in _COPULA):
        return True
    if j - i == 1 and w in ("lower", "higher", "greater") and nxt != "than" and prev in _ADJ_LEFT and prev not in (",",):
        return True  # "the lower limbs"
    if j - i == 1 and w.endswith("s") and prev in _ADJ_LEFT and nxt in ("", ".", ",", ";", ":", "and", "or", ")"):
        return True  # a plural noun: "patterns, duration, and triggers."
    if j - i == 1 and w.endswith("ing") and prev in ("a", "an", "the"):
        return True  # "an increasing body of research"
    if j - i == 1 and w == "help" and prev in _HELP_NOUN_LEFT:
        return True  # "get medical help": the noun
    if w == "involved" and not _INVOLVED_IN_WORK.isdisjoint(words[j : j + 3]):
        return True  # "was not involved in the study": who did the work, not a mechanism
    if w == "drive" and (
        (i > 0 and prev in ("not", "don't", "don\u2019t", "never", "cannot", "can't", "can\u2019t")) or nxt in _DRIVE_A_CAR
    ):
        return True  # "do not drive if this medicine makes you sleepy", "to drive you home": the car
    # a participle used as an adjective: "decreased daily functioning", "impaired vein function"
    return j - i == 1 and w.endswith("ed") and (i == 0 or prev in _ADJ_LEFT) and nxt not in ("by", "in", "to", "with", "from", "the", "a", "an", "its", "their")


_BEFORE_INSTRUCTION = frozenset({"please", "always", "never", "do", "not", "don't", "don\u2019t", "just", "also", "then", "first", "finally", "only", "-", "*", "\u2022"})
#: Instruction verbs that also open sentences as nouns or adjectives ("Rest reduces ...",
#: "Clean water ...", "Wait times ..."): an instruction only when an object or particle follows.
_NOUN_TOO = frozenset({
    "rest", "clean", "change", "store", "cover", "lie", "raise", "stay", "wait", "wash", "brush", "drive",
    "put",  # ("Put another way, 21 percent ...")
    "reduce", "increase", "lower", "cut",  # ("Lower blood pressure reduces ...", "Increase in ...")
})
_OBJECT_START = frozenset({
    "your", "the", "a", "an", "it", "them", "him", "her", "this", "these", "those", "any", "all", "everyone", "each",
    "up", "down", "out", "off", "on", "at", "for", "until", "as", "well", "yourself", "and", ",", "with", "away", "home",
    "if", "when", "before", "after", "while", "plenty", "enough",
})
#: Instruction verbs that name an effect themselves ("Reduce your risk ..."): advice ("Reduce
#: your running while it hurts") unless the sentence says how, by how much or with what.
_EFFECT_VERBS = frozenset({"reduce", "increase", "lower", "cut"})
_MEANS = frozenset({"with", "by", "using", "our", "thanks", "through"})
_INVOLVED_IN_WORK = frozenset({"study", "studies", "research", "trial", "trials", "report", "paper", "analysis", "work", "review", "survey"})
_DRIVE_A_CAR = frozenset({"you", "yourself", "home", "again", "a", "or", "and", "if", "until", "after", "for", "safely", ".", ",", ""})
_HELP_NOUN_LEFT = frozenset({"medical", "professional", "urgent", "immediate", "emergency", "expert", "specialist"})
_NOT_AFTER_INSTRUCTION = frozenset({"of", "is", "are", "was", "were", "can", "may", "has", "have", "will", "'s"})


def _is_instruction(words: list[str], raw: list[str], lex: Lexicons) -> bool:
    k = 0
    while k < len(words) and words[k] in _BEFORE_INSTRUCTION:
        k += 1
    if k >= len(words):
        return False
    w = words[k]
    nxt = words[k + 1] if k + 1 < len(words) else ""
    if w not in lex.instructions:
        return False
    if nxt in _NOT_AFTER_INSTRUCTION:
        return False
    if w in _NOUN_TOO and nxt not in _OBJECT_START:
        return False  # "Rest reduces soreness", "Clean water prevents cholera", "Change in diet ..."
    if w in _EFFECT_VERBS and (not _MEANS.isdisjoint(words) or any(t[:1].isdigit() for t in words)):
        return False  # "Lower your cholesterol by 30% with our drink": a promised effect, not advice
    return raw[k][:1].isupper() or k > 0


@lru_cache(maxsize=2)
def _cue_words(lex: Lexicons) -> frozenset[str]:
    """Every word whose places in a sentence the analysis looks up: those that can start an
    entry of a sentence lexicon, statistic triggers, source nouns, recommendation cues, the
    words before a named source, intensifiers, and the normalised form of each first token
    of a named source (see :func:`_named_first_words`)."""
    return (
        lex.sentence_starters
        | _STAT_TRIGGERS
        | lex.source_nouns
        | _RECOMMEND_CUES
        | _NAMED_CUES
        | lex.intensifiers
        | _named_first_words(lex)
    )


@lru_cache(maxsize=2)
def _named_first_words(lex: Lexicons) -> frozenset[str]:
    """The word (as :func:`_tokens` normalises it) of each token that can start a named source."""
    low = {first.lower() for first in lex.named_first}
    return frozenset(low | {_TREEBANK_MAP[w] for w in low if w in _TREEBANK_MAP})


def _advice(words: list[str], lex: Lexicons) -> bool:
    return bool(lex.advice.find(words))


def _at_least_words(raw: list[str], k: int) -> bool:
    """Whether at least ``k`` tokens hold a word character."""
    if k <= 0:
        return True
    for w in raw:
        # An alphanumeric first character is a word character (``\w``): no search needed.
        if w[:1].isalnum() or _WORDISH.search(w):
            k -= 1
            if k == 0:
                return True
    return False


def decide(
    sa: SentenceAnalysis,
    words: list[str],
    raw: list[str],
    lex: Lexicons,
    context_medical: bool,
    advice: bool | None = None,
) -> None:
    """Decide whether an analysed sentence is a claim, and record why.

    ``advice`` (optional) is whether ``words`` hold an entry of the advice lexicon, if known.
    """
    block = sa.sentence.block
    if block.kind == "heading" or (len(block.sentences) <= 1 and looks_like_heading(block)):
        sa.claim, sa.reason = False, "heading or title: not a claim"
        return
    if sa.question:
        sa.claim, sa.reason = False, "question"
        return
    if not _at_least_words(raw, 3):
        sa.claim, sa.reason = False, "fragment of fewer than three words"
        return
    if _advice(words, lex) if advice is None else advice:
        sa.claim, sa.reason = False, "safety advice or referral to a professional"
        return
    if _is_instruction(words, raw, lex):
        purpose = "to" in words and any(c.kind in ("efficacy", "prevention") for c in sa.relations)
        if not purpose:
            sa.claim, sa.reason = False, "instruction to the reader"
            return
        sa.instruction = True
    kind_cues = sa.kind_cues
    cues = bool(sa.relations or sa.statistics or sa.absolutes or (kind_cues and any(c.kind in ("safety", "comparative") for c in kind_cues)))
    if not cues and kind_cues and any(c.kind == "diagnosis" for c in kind_cues) and any(w in ("can", "accurate", "accurately", "reliably", "early") for w in words):
        cues = True
    if not cues:
        sa.claim, sa.reason = False, "no claim cue (no relation, statistic, safety, comparison or guarantee)"
        return
    if not (sa.medical_terms or context_medical):
        sa.claim, sa.reason = False, "claim cue, but nothing about health in or around the sentence"
        return
    describes = not sa.statistics and not _SYMPTOM_WORDS.isdisjoint(words) and not lex.has_treatment(words)
    if describes and all(words_of(c) & _SYMPTOM_DYNAMICS for c in sa.relations) and not sa.absolutes and not any(c.kind in ("safety", "comparative") for c in sa.kind_cues):
        sa.claim, sa.reason = False, "describes symptoms"
        return
    sa.claim = True
    parts = []
    if sa.relations:
        parts.append(", ".join(sorted({f"'{c.text}'" for c in sa.relations})[:3]))
    for lst in (sa.statistics, sa.absolutes):
        if lst:
            parts.append(", ".join(f"'{c.text}'" for c in lst[:2]))
    for c in sa.kind_cues:
        if c.kind in ("safety", "comparative"):
            parts.append(f"'{c.text}'")
    if not parts:
        # A diagnosis claim made by its diagnosis cue alone ("accurate diagnosis is critical").
        parts.append(", ".join(f"'{c.text}'" for c in sa.kind_cues if c.kind == "diagnosis"))
    sa.reason = f"{sa.kind or 'health'} claim: " + "; ".join(parts)


def words_of(c: Cue) -> set[str]:
    return set(c.text.lower().split())


def analyse_document(doc: Document, settings: Any) -> list[SentenceAnalysis]:
    """Analyse every sentence of a document (evidence included)."""
    lex = lexicons()
    ev = document_evidence(doc, settings)
    links = sorted(doc.links, key=lambda ln: ln.start)
    link_starts = [ln.start for ln in links]
    out: list[SentenceAnalysis] = []
    sentences = list(doc.sentences())
    prev_medical = False
    prev_block = -1
    block_index = {id(b): i for i, b in enumerate(doc.blocks)}
    consumed: dict[int, int] = {}
    for s in sentences:
        bi = block_index.get(id(s.block), 0)
        sa, advice = _analyse_sentence(s, bi, lex)
        words, raw = sa.words, sa.raw
        # A marker written after the full stop ("symptoms.[1]", "symptoms.¹") belongs to this sentence.
        block = s.block
        text = block.text
        a = max(s.start, consumed.get(bi, 0))
        b = s.end
        after = text[b : b + 3]
        # A marker starts, after at most two blanks, with "[", "," or a superscript (not ASCII).
        tail = _TRAILING_MARK.match(text, b) if "[" in after or "," in after or not after.isascii() else None
        if tail:
            b = tail.end()
        consumed[bi] = max(consumed.get(bi, 0), b)
        if b > a:
            if links:
                ss, se = block.map.span(a, b)
                s_links = [ln for ln in links[: bisect_left(link_starts, se)] if ln.end > ss]
                sa.citations = sentence_citations(doc, ev, block, a, b, settings, s_links)
            elif ev.sup_markers or _may_cite(text[a:b]):
                sa.citations = sentence_citations(doc, ev, block, a, b, settings, [])
            # else nothing in the sentence can cite: no citations
        if bi in ev.reference_blocks:
            sa.claim, sa.reason = False, "reference list entry"
        else:
            context = prev_medical and (bi == prev_block or bi == prev_block + 1)
            decide(sa, words, raw, lex, context, advice)
        sa.support = _support(sa)
        if sa.medical_terms:
            prev_medical = True
            prev_block = bi
        elif bi != prev_block:
            prev_medical = prev_medical and bi == prev_block + 1
            prev_block = bi if prev_medical else prev_block
        out.append(sa)
    return out


def _support(sa: SentenceAnalysis) -> str:
    level = 0
    if sa.vague:
        level = 1
    if sa.named:
        level = 2
    for c in sa.citations:
        level = max(level, SUPPORT_LEVELS.index(c.support))
    return SUPPORT_LEVELS[level]


def evidence_of(doc: Document) -> DocumentEvidence | None:
    """The document's evidence apparatus, once :func:`analyse_document` has run."""
    ev = doc.cache.get("claims:evidence")
    return ev if isinstance(ev, DocumentEvidence) else None


__all__ = ["_CITE_MARK", "Cue", "SentenceAnalysis", "analyse_document", "analyse_sentence", "evidence_of", "find_hedges"]
