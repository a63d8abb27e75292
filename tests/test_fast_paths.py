"""The quick tests and shortcuts of the claim, promotion and provenance analyses give the
same results as the plain definitions they stand for (random inputs, fixed seeds)."""

from __future__ import annotations

import random
import re
from collections import Counter

from audit.claims.evidence import (
    DOI_RE,
    FOOTNOTE_RE,
    NCT_RE,
    NUMERIC_RE,
    PAREN_RE,
    PMCID_RE,
    PMID_RE,
    SUPERSCRIPT_RE,
    _may_cite,
)
from audit.claims.lexicon import MultiMatcher, compile_entries, is_number
from audit.config import from_dict
from audit.model import Block, Document, SpanMap
from audit.promotion.analysis import _analyse, _capitalised_names, _joined_without_space
from audit.promotion.lexicon import _JOINER_CHARS, _WORD, tokenize
from audit.promotion.stuffing import frequent_phrases
from audit.readers import parse
from audit.rules import provenance as pv

_NUM = re.compile(r"\d[\d,.]*%?")
_NUM_WORDS = {"one", "two", "ten", "twelve", "hundred", "half", "dozen"}


def _is_number(w: str) -> bool:
    return bool(_NUM.fullmatch(w)) or w in _NUM_WORDS


def test_is_number_matches_its_definition() -> None:
    for w in ["1", "1,000", "3.5", "20%", "ten", "half", "x1", "", "١٢", "²", "a%", "1a", "twelve"]:
        assert is_number(w) == _is_number(w), w


def _reference_find(entries: list[tuple[str, tuple[str, ...]]], words: list[str], longest: bool) -> list[tuple[int, int, str]]:
    """Every entry tried at every token: the longest (first listed among equals) wins."""
    pats = []
    for text, _ in entries:
        slots = []
        for tok in text.lower().split():
            if tok == "*":
                slots.append(None)
            elif tok == "NUM":
                slots.append("NUM")
            else:
                slots.append(set(tok.split("|")))
        pats.append((slots, text))
    pats = [p for p in pats if p[0] and p[0][0] is not None]
    order = sorted(range(len(pats)), key=lambda k: (pats[k][0][0] == "NUM", -len(pats[k][0]) if pats[k][0][0] != "NUM" else 0, k))

    def ok(slot: object, w: str) -> bool:
        return slot is None or (_is_number(w) if slot == "NUM" else w in slot)  # type: ignore[operator]

    out = []
    i = 0
    while i < len(words):
        best = None
        for k in order:
            slots, text = pats[k]
            n = len(slots)
            if i + n <= len(words) and all(ok(slots[t], words[i + t]) for t in range(n)):
                if best is None or n > best[1] - best[0]:
                    best = (i, i + n, text)
                if not longest:
                    out.append((i, i + n, text))
        if longest and best is not None:
            out.append(best)
            i = best[1]
        else:
            i += 1
    return out


def test_claim_lexicon_matching_equals_trying_every_entry_everywhere() -> None:
    rnd = random.Random(11)
    vocab = ["a", "b", "c", "d", "1", "2.5", "ten", "x%"]
    for _ in range(400):
        entries = []
        for n in range(rnd.randint(1, 6)):
            toks = [rnd.choice(["a", "b", "c", "*", "NUM", "a|b", "c|d|1"]) for _ in range(rnd.randint(1, 4))]
            if toks[0] == "*":
                toks[0] = "a"
            entries.append((" ".join(toks), (str(n),)))
        matcher = compile_entries(entries)
        for _ in range(10):
            words = [rnd.choice(vocab) for _ in range(rnd.randint(0, 10))]
            for longest in (True, False):
                got = [(m.i, m.j, m.pattern.entry) for m in matcher.find(words, longest)]
                assert got == _reference_find(entries, words, longest), (entries, words, longest)
                starters = {"a", "b", "c", "d", "1"}
                narrowed = matcher.find(words, longest, present=set(words) & starters, at=[k for k, w in enumerate(words) if w in starters])
                assert [(m.i, m.j, m.pattern.entry) for m in narrowed] == got


def test_matching_several_lexicons_in_one_pass_equals_matching_each() -> None:
    rnd = random.Random(12)
    vocab = ["a", "b", "c", "d", "e", "1", "ten"]
    tokens = ["a", "b", "c", "e", "*", "NUM", "a|b", "c|d|1", "d|e"]
    checked = 0
    for _ in range(300):
        matchers = []
        for _ in range(rnd.randint(1, 4)):
            entries = []
            for n in range(rnd.randint(1, 5)):
                toks = [rnd.choice(tokens) for _ in range(rnd.randint(1, 4))]
                if toks[0] in ("*", "NUM"):
                    toks[0] = rnd.choice(["a", "d|e"])
                entries.append((" ".join(toks), (str(n),)))
            matchers.append((entries, compile_entries(entries)))
        multi = MultiMatcher([m for _, m in matchers])
        for _ in range(10):
            words = [rnd.choice(vocab) for _ in range(rnd.randint(0, 12))]
            at = [k for k, w in enumerate(words) if w in multi.starters]
            got = multi.find(words, at)
            for (entries, _), found in zip(matchers, got):
                expected = _reference_find(entries, words, True)
                assert [(m.i, m.j, m.pattern.entry) for m in found] == expected, (entries, words)
                checked += bool(expected)
    assert checked > 500  # most cases find something


def _reference_tokenize(text: str) -> tuple[list[int], list[int], list[str], list[bool], list[str]]:
    spans = [m.span() for m in _WORD.finditer(text)]
    lower = [text[a:b].lower().replace("\u2019", "'") for a, b in spans]
    joined = [False] * len(spans)
    for k in range(1, len(spans)):
        gap = text[spans[k - 1][1] : spans[k][0]]
        joined[k] = gap == " " or (len(gap) < 8 and not gap.strip(_JOINER_CHARS))
    gaps = [text[spans[k - 1][1] if k else 0 : spans[k][0]] for k in range(len(spans))]
    return [a for a, _ in spans], [b for _, b in spans], lower, joined, gaps


def test_promotion_tokens_equal_the_plain_tokenisation() -> None:
    rnd = random.Random(12)
    chars = list("abcXYZ019 ,.-'\n\t_\u00a0\u2010\u2019\"") + ["\u00c9", "\u00e9", "\u0130"]
    for n in range(3000):
        text = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 40)))
        if n % 2:
            text = text.encode("ascii", "ignore").decode()
        toks = tokenize(text)
        starts, ends, lower, joined, gaps = _reference_tokenize(text)
        assert (toks.starts, toks.ends, toks.joined) == (starts, ends, joined), repr(text)
        if len(text.lower()) == len(text):  # otherwise slices of the lower-cased text are not per-word
            assert toks.lower == lower, repr(text)
        assert [toks.gap(i) for i in range(len(toks))] == gaps, repr(text)
        hyphenated = sum(1 for i in range(1, len(starts)) if joined[i] and starts[i] > ends[i - 1] and " " not in gaps[i])
        assert _joined_without_space(toks) == hyphenated, repr(text)


def _reference_capitalised(toks: object, suffixes: frozenset[str], inner: frozenset[str]) -> list[tuple[int, int]]:
    out = []
    n = len(toks)  # type: ignore[arg-type]
    i = 0
    while i < n:
        if not toks.word(i)[:1].isupper():  # type: ignore[attr-defined]
            i += 1
            continue
        j = i + 1
        while j < n and toks.joined[j] and (toks.word(j)[:1].isupper() or (toks.lower[j] in inner and j + 1 < n and toks.word(j + 1)[:1].isupper())):  # type: ignore[attr-defined]
            j += 1
        k = j
        while k > i and toks.lower[k - 1] not in suffixes:  # type: ignore[attr-defined]
            k -= 1
        if k - i >= 2 and toks.lower[i] not in inner:  # type: ignore[attr-defined]
            out.append((i, k))
        i = j
    return out


def test_organisation_names_equal_the_token_by_token_scan() -> None:
    rnd = random.Random(13)
    vocab = ["Vein", "Clinic", "of", "the", "Center", "Health", "and", "Smith", "group", "Group", "\u00c9lan", "Institute", "for", "x"]
    suffixes = frozenset({"clinic", "center", "health", "group", "institute"})
    inner = frozenset({"of", "the", "and", "for"})
    found = 0
    for _ in range(3000):
        text = "".join(rnd.choice(vocab) + rnd.choice([" ", " ", "-", ", ", ". "]) for _ in range(rnd.randint(0, 10)))
        toks = tokenize(text)
        got = _capitalised_names(toks, suffixes, inner)
        assert got == _reference_capitalised(toks, suffixes, inner), text
        found += len(got)
    assert found > 100


def _reference_phrases(an: object, min_words: int, max_words: int, min_count: int) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """Every n-gram inside a run of joined tokens, counted directly."""
    grams: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for n in range(max(min_words, 1), max_words + 1):
        for bi, info in enumerate(an.blocks):  # type: ignore[attr-defined]
            lower, joined = info.toks.lower, info.toks.joined
            for i in range(len(lower) - n + 1):
                if all(joined[i + 1 : i + n]):
                    grams.setdefault(tuple(lower[i : i + n]), []).append((bi, i))
    return {g: occ for g, occ in grams.items() if len(occ) >= min_count}


def test_frequent_phrases_equal_direct_counting() -> None:
    rnd = random.Random(14)
    settings = from_dict({}).settings_for("")
    vocab = ["restless", "leg", "syndrome", "cause", "of", "the", "iron", "vein", "clinic"]
    total = 0
    for _ in range(150):
        paras = []
        for _ in range(rnd.randint(1, 4)):
            paras.append("".join(rnd.choice(vocab[: rnd.randint(3, len(vocab))]) + rnd.choice([" ", " ", " ", "-", ". ", ", "]) for _ in range(rnd.randint(0, 50))))
        an = _analyse(parse("x.md", "\n\n".join(paras), "markdown"), settings)
        for args in ((3, 6, 4), (1, 3, 2), (2, 5, 1), (4, 6, 5)):
            got = frequent_phrases(an, *args)
            want = _reference_phrases(an, *args)
            assert {g: sorted(o) for g, o in got.items()} == {g: sorted(o) for g, o in want.items()}, args
            total += len(got)
    assert total > 100


_MARKER_PATTERNS = (NUMERIC_RE, FOOTNOTE_RE, SUPERSCRIPT_RE, PAREN_RE, DOI_RE, PMID_RE, PMCID_RE, NCT_RE)


def test_citation_quick_test_never_hides_a_marker() -> None:
    rnd = random.Random(15)
    pieces = ["[1]", "[^a]", "see", "(Smith, 2019)", "doi 10.1000/xyz", "PMID: 12345", "pmid 1234567", "PMC12345", "NCT01234567",
              "word\u00b9", "x\u2075", "P\u0131D 123456", "plain", " ", ".", "10", "PMC", "(", "["]
    seen = Counter()
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6)))
        hits = [p.pattern for p in _MARKER_PATTERNS if p.search(text)]
        if hits:
            assert _may_cite(text), (text, hits)
            seen.update(hits)
    assert len(seen) == len(_MARKER_PATTERNS)
    assert not _may_cite("Iron helps some people with restless legs.")


def _doc(text: str) -> Document:
    blocks = text.split("\n")
    return Document("x.txt", "text", text, blocks=[Block("paragraph", b, SpanMap([])) for b in blocks])


def test_byline_and_date_search_equals_the_full_pattern_search() -> None:
    rnd = random.Random(16)
    pieces = ["Written by Dr. Jane Smith", "wrItten BY Bob", "Medically reviewed by: Dr Who", "Fact-checked by Ann",
              "fact checked by Bo", "Author: Kim", "authored by Sam", "By John Doe", "by john", "edited by Jo",
              "Last updated on March 3, 2021", "Last modified 3 May 2021", "Date: 2020-01-02", "posted 12/3/19",
              "Revised Jan 2019", "publ\u0131shed May 2020", "REV\u0130EWED by Zed", "candidate 2020", "hello", "\n", " ", "2020"]
    counts = Counter()
    for _ in range(4000):
        doc = _doc(rnd.choice([" ", "", "\n", ". "]).join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6))))
        text = pv._text(doc)
        for pattern, starts, cased in ((pv.AUTHOR_RE, pv._AUTHOR_STARTS, ("By",)), (pv.DATE_RE, pv._DATE_STARTS, ())):
            want = pattern.search(text) is not None
            assert pv._has_match(doc, pattern, starts, cased) == want, (pattern.pattern[:20], text)
            counts[pattern.pattern, want] += 1
    assert min(counts.values()) > 100 and len(counts) == 4


def test_medical_vocabulary_with_plurals_equals_folding_each_word() -> None:
    from audit.claims.lexicon import _with_plurals

    def is_medical(vocabulary: frozenset[str], word: str) -> bool:
        """The plain definition: the word, or a plural longer than four characters folded to one."""
        if word in vocabulary:
            return True
        if len(word) > 4 and word.endswith("s"):
            return word[:-1] in vocabulary or (word.endswith("es") and word[:-2] in vocabulary) or (
                word.endswith("ies") and word[:-3] + "y" in vocabulary
            )
        return False

    rnd = random.Random(13)
    for _ in range(300):
        vocabulary = frozenset("".join(rnd.choice("abeisy") for _ in range(rnd.randint(1, 6))) for _ in range(rnd.randint(0, 20)))
        forms = _with_plurals(vocabulary)
        for word in {"".join(rnd.choice("abeisy") for _ in range(rnd.randint(1, 8))) for _ in range(60)} | forms:
            assert (word in forms) == is_medical(vocabulary, word), (sorted(vocabulary), word)
