"""The shortcuts of the promotion analysis give the same results as the plain computations
they replace (random inputs, fixed seeds): tokens, sentence starts, hyphenated words, the
tokens where a lexicon entry may match, organisation names, domains and repeated phrases;
and so do those of the provenance lexicon matching (PV004, PV005)."""

from __future__ import annotations

import random
import re
from collections import Counter

from audit.claims.lexicon import lexicons
from audit.config import from_dict
from audit.model import Block, Document, SpanMap
from audit.promotion import analysis as A
from audit.promotion import lexicon as L
from audit.promotion import stuffing as S
from audit.promotion.lexicon import load_cues, load_matcher, tokenize
from audit.readers import parse
from audit.rules import provenance as pv
from audit.rules.base import Context

_PLAIN_WORD_SPLIT = re.compile(r"([^\W_]+(?:['\u2019][^\W_]+)*)")


def _reference_tokenize(text: str) -> tuple[list[int], list[int], list[str], list[bool], list[str]]:
    """Split the text as written, lower-case the whole text and cut the words out of it
    (each word on its own when lower-casing changes the length), one gap at a time."""
    parts = _PLAIN_WORD_SPLIT.split(text)
    starts, ends, pos = [], [], 0
    for k, part in enumerate(parts):
        if k % 2:
            starts.append(pos)
            ends.append(pos + len(part))
        pos += len(part)
    low = text.lower()
    if len(low) == len(text):
        lower = [low[a:b] for a, b in zip(starts, ends)]
    else:
        lower = [w.lower() for w in parts[1::2]]
    lower = [w.replace("\u2019", "'") for w in lower]
    gaps = parts[0::2] if len(parts) > 1 else []
    joined = [False] + [g == " " or (len(g) < 8 and not g.strip(L._JOINER_CHARS)) for g in gaps[1:-1]]
    return starts, ends, lower, joined if starts else [], gaps


def _check_tokens(text: str) -> None:
    toks = tokenize(text)
    starts, ends, lower, joined, gaps = _reference_tokenize(text)
    assert (toks.lower, toks.joined, toks.gaps) == (lower, joined, gaps), repr(text)
    assert (toks.starts, toks.ends, len(toks)) == (starts, ends, len(starts)), repr(text)


def test_tokens_equal_the_plain_tokenisation() -> None:
    rnd = random.Random(21)
    chars = list("abcXYZ019 ,.-'\n\t_\u00a0\u2010\u2019\u201c\"") + [
        "\u00c9", "\u00e9", "\u0130", "\u03a3", "\u03c3", "\u212a", "\u1e9e", "\ufb01", "\u24b6", "\u0345", "\u2126", "\u0399\u0308",
    ]
    for n in range(6000):
        text = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 40)))
        if n % 3 == 0:
            text = text.encode("ascii", "ignore").decode()
        _check_tokens(text)


def test_tokens_equal_the_plain_tokenisation_for_every_character_that_lower_casing_changes() -> None:
    changed = [c for c in map(chr, range(0x110000)) if not 0xD800 <= ord(c) < 0xE000 and c.lower() != c]
    assert len(changed) > 1000
    for c in changed:
        for text in (f"a{c}b", f"{c}", f"x {c}'{c} y", f"{c}\u2019s {c}-{c}.", f"\u00e9 {c}{c} A"):
            _check_tokens(text)


def _reference_sentence_starts(toks: L.Tokens) -> list[int]:
    n = len(toks)
    if not n:
        return []
    return [0] + [i for i in range(1, n) if not toks.joined[i] and A._SENT_END.search(toks.gap(i))]


def _reference_hyphenated(toks: L.Tokens) -> int:
    return sum(1 for i in range(1, len(toks)) if toks.joined[i] and toks.gap(i) and " " not in toks.gap(i))


def test_sentence_starts_and_hyphenated_words_equal_their_definitions() -> None:
    rnd = random.Random(22)
    pieces = ["word", "Word", " ", " ", ". ", "! ", "? ", "-", " - ", "\n", "\t", "--", "...", ", ", "\u2010", "\u00a0", "e.g.", "3.5", ";", "  "]
    seen = Counter()
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30)))
        toks = tokenize(text)
        want = _reference_sentence_starts(toks)
        assert A._sentence_starts(toks) == want, repr(text)
        hyphens = _reference_hyphenated(toks)
        assert A._joined_without_space(toks) == hyphens, repr(text)
        seen["starts"] += len(want) > 1
        seen["hyphens"] += hyphens > 0
        info = A.BlockInfo(Block("paragraph", text, SpanMap([])), toks)
        assert info.sentence_starts == want and info.quotes == A.quote_spans(text)
    assert min(seen.values()) > 500


def _lexicon_vocabulary() -> list[str]:
    words: set[str] = set()
    for name in A.LEXICONS:
        stack = [load_matcher(A.FAMILY, (name + ".txt",))._root]
        while stack:
            node = stack.pop()
            for k, v in node.items():
                if k not in (L._END, L.WILDCARD):
                    words.add(k)
                    stack.append(v)  # type: ignore[arg-type]
    return sorted(words)


def test_live_tokens_give_the_matches_of_every_token() -> None:
    rnd = random.Random(23)
    vocab = _lexicon_vocabulary() + ["the", "a", "patients", "study", "Our", "New", "WE"]
    gaps = [" ", " ", " ", "-", ", ", ". ", " (", "\n"]
    found = 0
    for _ in range(3000):
        text = "".join(rnd.choice(vocab) + rnd.choice(gaps) for _ in range(rnd.randint(0, 14)))
        toks = tokenize(text)
        live = A._live_starts(toks)
        for name in A.LEXICONS:
            matcher = load_matcher(A.FAMILY, (name + ".txt",))
            want = matcher.find(toks)
            assert matcher.find(toks, starts=live) == want, (name, text)
            found += len(want)
        assert set(live) <= {k for k, w in enumerate(toks.lower) if w in A._lexicon_starters()[0]}
    assert found > 1000


def test_analysis_matches_equal_matching_every_block_with_every_lexicon() -> None:
    rnd = random.Random(24)
    vocab = _lexicon_vocabulary() + ["the", "patients", "Clinic", "said"]
    settings = from_dict({"accepted_terms": ["cutting-edge", "our team"]}).settings_for("")
    total = 0
    for _ in range(200):
        paras = ["".join(rnd.choice(vocab) + rnd.choice([" ", " ", "-", ". ", ", ", ' "']) for _ in range(rnd.randint(0, 25))) for _ in range(rnd.randint(1, 5))]
        doc = parse("x.md", "\n\n".join(paras), "markdown")
        an = A._analyse(doc, settings)
        for name in A.LEXICONS:
            matcher = load_matcher(A.FAMILY, (name + ".txt",))
            want = []
            for bi, info in enumerate(an.blocks):
                for i, j, entry in matcher.find(info.toks):
                    if not entry.exception and not any(k in info.accepted for k in range(i, j)):
                        want.append((bi, info.toks.starts[i], info.toks.ends[j - 1], entry, {"tokens": (i, j)}))
            got = [(m.block, m.start, m.end, m.entry, m.detail) for m in an.matches[name]]
            assert got == want, name
            total += len(want)
    assert total > 300


def _reference_capitalised(toks: L.Tokens, suffixes: frozenset[str], inner: frozenset[str]) -> list[tuple[int, int]]:
    out = []
    n = len(toks)
    caps = [toks.text[a].isupper() for a in toks.starts]
    j = 0
    for i in [k for k in range(n) if caps[k]]:
        if i < j:
            continue
        j = i + 1
        while j < n and toks.joined[j] and (caps[j] or (toks.lower[j] in inner and j + 1 < n and caps[j + 1])):
            j += 1
        k = j
        while k > i and toks.lower[k - 1] not in suffixes:
            k -= 1
        if k - i >= 2 and toks.lower[i] not in inner:
            out.append((i, k))
    return out


def test_organisation_names_equal_the_scan_of_every_capitalised_word() -> None:
    rnd = random.Random(25)
    cues = load_cues(A.FAMILY, "cues.txt")
    suffixes, inner = cues["org_suffixes"], cues["name_inner"]
    vocab = ["Vein", "Clinic", "CLINIC", "clinic", "of", "the", "Of", "Health", "health", "Smith", "Group", "\u00c9lan", "Institute", "and", "x", "Care"]
    found = 0
    for _ in range(4000):
        text = "".join(rnd.choice(vocab) + rnd.choice([" ", " ", "-", ", ", ". "]) for _ in range(rnd.randint(0, 10)))
        toks = tokenize(text)
        for suf, inn in ((suffixes, inner), (frozenset({"clinic", "of"}), frozenset({"of", "the"}))):
            got = A._capitalised_names(toks, suf, inn)
            assert got == _reference_capitalised(toks, suf, inn), text
            found += len(got)
    assert found > 500


_OLD_DOTTED = re.compile(r"[A-Za-z0-9\-]\.[A-Za-z0-9]")


def test_domain_search_equals_searching_the_whole_text() -> None:
    rnd = random.Random(26)
    pieces = ["www.", "example", ".com", ".", "-", "a", "B", "7", " ", "/", "@", "_", "\u00e9", "health.com/x", "3.5", "..", "U.S.", "(", "\n"]
    seen = Counter()
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        want = [m.span() for m in A._DOMAIN.finditer(text)]
        assert [m.span() for m in A._domain_matches(text)] == want, repr(text)
        assert (A._DOTTED.search(text) is None) == (_OLD_DOTTED.search(text) is None), repr(text)
        seen[bool(want)] += 1
    assert min(seen.values()) > 1000


def _reference_frequent(an: A.Analysis, min_words: int, max_words: int, min_count: int) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """Every phrase of each length inside a run of joined words, counted directly: shorter
    phrases first, each length in the order of the phrases' first places."""
    out: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for n in range(min_words, max_words + 1):
        places: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        for bi, info in enumerate(an.blocks):
            lower, joined = info.toks.lower, info.toks.joined
            for i in range(len(lower) - n + 1):
                if all(joined[i + 1 : i + n]):
                    places.setdefault(tuple(lower[i : i + n]), []).append((bi, i))
        out.update((g, p) for g, p in places.items() if len(p) >= min_count)
    return out


def test_frequent_phrases_equal_counting_in_runs_of_frequent_words() -> None:
    rnd = random.Random(27)
    settings = from_dict({}).settings_for("")
    vocab = ["restless", "leg", "syndrome", "cause", "of", "the", "iron", "vein", "clinic", "2"]
    total = 0
    for k in range(150):
        paras = []
        for _ in range(rnd.randint(1, 5)):
            paras.append("".join(rnd.choice(vocab[: rnd.randint(3, len(vocab))]) + rnd.choice([" ", " ", " ", "-", ". ", ", "]) for _ in range(rnd.randint(0, 50))))
        if k % 10 == 0:
            paras.insert(1, "***")  # a block without words
        an = A._analyse(parse("x.md", "\n\n".join(paras), "markdown"), settings)
        for args in ((3, 6, 4), (1, 3, 2), (2, 5, 1), (4, 6, 5), (2, 2, 3), (3, 6, 0), (1, 1, 1)):
            got = S.frequent_phrases(an, *args)
            want = _reference_frequent(an, *args)
            assert list(got.items()) == list(want.items()), args  # the same phrases, places and order
            total += len(got)
    assert total > 1000


def test_gap_table_remembers_short_gaps_only() -> None:
    calls: list[str] = []

    def fn(g: str) -> int:
        calls.append(g)
        return len(g)

    table = L.GapTable(fn)
    long_gap = " " * 40
    assert list(map(table.__getitem__, [" ", ", ", " ", long_gap, long_gap])) == [1, 2, 1, 40, 40]
    assert calls == [" ", ", ", long_gap, long_gap] and long_gap not in table


def test_lazy_offsets_of_a_document() -> None:
    text = "Our \u201cstate-of-the-art\u201d clinic. We\u2019re the best!"
    doc = Document("x.txt", "text", text, blocks=[Block("paragraph", text, SpanMap([]))])
    an = A._analyse(doc, from_dict({}).settings_for(""))
    toks = an.blocks[0].toks
    assert [toks.word(i) for i in range(len(toks))] == ["Our", "state", "of", "the", "art", "clinic", "We\u2019re", "the", "best"]
    assert an.words == 6 and an.blocks[0].sentence_starts == [0, 6]
    assert an.blocks[0].is_quoted(toks.starts[1]) and not an.blocks[0].is_quoted(toks.starts[5])


# --- provenance (PV004, PV005): the quick test on the whole text --------------------------------


def test_lower_casing_keeps_whitespace_and_makes_no_word_characters() -> None:
    """What the quick test relies on: for every character that lower-casing changes."""
    word = re.compile(r"[\w'\-]")
    for c in map(chr, range(0x110000)):
        low = c.lower()
        if low == c:
            continue
        assert not c.isspace() and not any(x.isspace() for x in low), hex(ord(c))
        if not word.match(c):
            assert not any(word.match(x) for x in low), hex(ord(c))


def _reference_block_matches(doc: Document, matcher: object) -> list[tuple[int, int, str]]:
    """Every block tokenised and matched, with no quick test."""
    out = []
    for b in doc.blocks:
        words = pv._words(b.text)
        spans = [m.span() for m in pv._TOKEN.finditer(b.text)]
        for m in matcher.find(words):  # type: ignore[attr-defined]
            a, e = spans[m.i][0], spans[m.j - 1][1]
            s, se = b.map.span(a, e)
            out.append((s, se, b.text[a:e]))
    return out


def _entry_texts(matcher: object) -> list[str]:
    texts = set()
    for patterns in matcher.by_first.values():  # type: ignore[attr-defined]
        for p in patterns:
            texts.add(" ".join(min(slot) if isinstance(slot, frozenset) else "x" for slot in p.slots))
    return sorted(texts)


def _pv_doc(text: str) -> Document:
    return Document("x.txt", "text", text, blocks=[Block("paragraph", b, SpanMap([])) for b in text.split("\n")])


def test_provenance_matches_equal_matching_every_block() -> None:
    rnd = random.Random(28)
    lex = lexicons()
    matchers = (lex.disclosure, lex.commercial, lex.risks)
    phrases = [t for m in matchers for t in _entry_texts(m)]
    fillers = ["the", "study", "non", "we", "our", "Our", "ABOUT", "\u212aey", "\u0130s", "\u00e9t\u00e9", "us", "by", "x-", "-", "'s"]
    seps = [" ", " ", "  ", "\u00a0", "\u2003", ", ", ". ", "-", "'", "(", "\t", "\u2019", "\n", ""]
    seen = Counter()
    for _ in range(1500):
        pieces = []
        for _ in range(rnd.randint(0, 8)):
            piece = rnd.choice(phrases) if rnd.random() < 0.4 else rnd.choice(fillers)
            if rnd.random() < 0.3:
                piece = piece.upper() if rnd.random() < 0.5 else piece.replace(" ", rnd.choice(["  ", "\u00a0", " \n ", "\t"]))
            pieces.append(piece)
        doc = _pv_doc("".join(p + rnd.choice(seps) for p in pieces))
        for m in matchers:
            want = _reference_block_matches(doc, m)
            assert list(pv._block_matches(doc, m)) == want, (pv._text(doc), m)
            seen[bool(want), pv._may_match(doc, m)] += 1
    assert seen[True, True] > 300 and seen[False, False] > 300 and seen[True, False] == 0


def _reference_pv004(doc: Document, ctx: Context) -> list[tuple[int, int, str]]:
    """PV004 as first written: the disclosure first, then the signals."""
    lex = lexicons()
    if _reference_block_matches(doc, lex.disclosure):
        return []
    signals = _reference_block_matches(doc, lex.commercial) + pv._organisation_signals(doc, ctx.settings)
    if not signals:
        return []
    s, e, words = signals[0]
    return [(s, e, words)]


def test_undisclosed_commercial_interest_equals_disclosure_first() -> None:
    rnd = random.Random(29)
    pieces = ["Our team offers laser therapy.", "Schedule a consultation today.", "Disclosure: we are paid.", "Laser therapy helps.",
              "This page is sponsored by Acme.", "Visit our clinic", "Acme Clinic", "about us", "the risks", "\n", " "]
    settings = {True: from_dict({"organizations": ["Acme Clinic"]}).settings_for(""), False: from_dict({}).settings_for("")}
    seen = Counter()
    for _ in range(1500):
        doc = _pv_doc(" ".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6))))
        ctx = Context({"min_claims": 0}, settings[rnd.random() < 0.3])
        got = [(h.start, h.end, h.message.split("('", 1)[1].split("'", 1)[0]) for h in pv.UndisclosedCommercialInterest().check(doc, ctx)]
        want = _reference_pv004(doc, ctx)
        assert got == want, pv._text(doc)
        seen[bool(want)] += 1
    assert min(seen.values()) > 300
