"""Keyword stuffing: exact-match phrases repeated far above natural density.

Phrases are counted over the word tokens of each block (case-insensitive,
hyphens and spaces alike), never across punctuation or blocks. A phrase may not
start or end with a stopword (``audit/data/seo/stopwords.txt``), so "the cause
of restless leg syndrome" is counted as "cause of restless leg syndrome".
Counting is Apriori-style: n-grams of length ``n + 1`` are only counted where
their first ``n`` words are already frequent, so the cost stays linear in the
number of words.

Density is the share of the document's words that the phrase's occurrences
cover: ``count * len(phrase) / words``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate, chain, repeat

from audit.promotion.analysis import Analysis
from audit.promotion.lexicon import load_words


@dataclass
class Phrase:
    """A repeated phrase with its occurrences ``(block index, first token)``."""

    words: tuple[str, ...]
    occurrences: list[tuple[int, int]]
    density: float = 0.0
    #: Shorter frequent phrases merged into this one, with their counts.
    merged: dict[str, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def count(self) -> int:
        return len(self.occurrences)


def stopwords() -> frozenset[str]:
    """The SEO stopword list (loaded once per process)."""
    return load_words("seo", "stopwords.txt")


def _runs(an: Analysis) -> list[tuple[int, int, int]]:
    """Runs of joined tokens as ``(block, first, end)``: phrases never cross punctuation."""
    runs: list[tuple[int, int, int]] = []
    for bi, info in enumerate(an.blocks):
        joined = info.toks.joined
        n = len(joined)
        if not n:
            continue
        breaks = [0] + [i for i in range(1, n) if not joined[i]]
        ends = breaks[1:] + [n]
        runs.extend((bi, a, b) for a, b in zip(breaks, ends))
    return runs


def frequent_phrases(an: Analysis, min_words: int, max_words: int, min_count: int) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """Every n-gram (``min_words <= n <= max_words``) occurring at least ``min_count`` times, with positions."""
    out: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    lowers = [info.toks.lower for info in an.blocks]
    # Candidate start positions for the current length: (block, start, end), where ``end``
    # bounds the phrases from ``start`` that can still be frequent (at most the run's end).
    alive: list[tuple[int, int, int]]
    if min_words < 1:
        alive = [(bi, i, end) for bi, a, end in _runs(an) for i in range(a, end - min_words + 1)]
    else:
        alive = _stretches(an, min_words, min_count)
    n = min_words
    while alive and n <= max_words:
        items = [x for x in alive if x[1] + n <= x[2]]
        grams = [tuple(lowers[bi][i : i + n]) for bi, i, _ in items]
        counts = Counter(grams)
        nxt = []
        for g, (bi, i, end) in zip(grams, items):
            if counts[g] >= min_count:
                out.setdefault(g, []).append((bi, i))
                if i + n < end:
                    nxt.append((bi, i, end))
        alive = nxt
        n += 1
    return out


def _stretches(an: Analysis, min_words: int, min_count: int) -> list[tuple[int, int, int]]:
    """Where a phrase of ``min_words >= 1`` words may occur ``min_count`` times: ``(block, start, end)``.

    A phrase occurs no more often than each of its words, and its words are joined, so it lies
    in a stretch of joined words that each occur ``min_count`` times or more. Every start
    in such a stretch of ``min_words`` words or more is a candidate; ``end`` is the end of the
    stretch. (A phrase from there reaching past it holds a rarer word or crosses punctuation, so
    :func:`frequent_phrases` may stop there rather than at the end of the run.)

    The stretches are found in one pass over the document: one byte per word, 1 if the word
    is frequent, plus 2 if it is joined to the one before.
    """
    lowers = [info.toks.lower for info in an.blocks]
    counts = Counter(chain.from_iterable(lowers))
    frequent = dict.fromkeys([w for w, c in counts.items() if c >= min_count], 1)
    alive: list[tuple[int, int, int]] = []
    if not frequent:
        return alive
    words = bytes(map(frequent.get, chain.from_iterable(lowers), repeat(0)))
    # 1 where a word is joined to the one before: never the first word of a block.
    joined = (b"\x00" + b"\x00".join([info.toks.gap_codes for info in an.blocks if info.toks.lower])).translate(_JOINED_BIT)
    n = len(words)
    codes = ((int.from_bytes(joined, "big") << 1) + int.from_bytes(words, "big")).to_bytes(n, "big")
    firsts = list(accumulate(map(len, lowers), initial=0))  # where each block's words begin
    for m in re.finditer(b"[\x01\x03]\x03{%d,}" % (min_words - 1), codes):
        s, e = m.span()
        bi = bisect_right(firsts, s) - 1  # the last block beginning at or before s: not an empty one
        a = firsts[bi]
        alive.extend((bi, i - a, e - a) for i in range(s, e - min_words + 1))
    return alive


#: Gap codes (:func:`audit.promotion.lexicon.gap_code`) to 1 for a gap that joins two words.
_JOINED_BIT = bytes.maketrans(b"\x00\x01\x02", b"\x00\x01\x01")


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    k = len(small)
    return any(big[i : i + k] == small for i in range(len(big) - k + 1))


def stuffed_phrases(an: Analysis, min_words: int = 3, max_words: int = 6, min_count: int = 4, min_density: float = 0.03, accepted: frozenset[str] = frozenset()) -> list[Phrase]:
    """Dominant repeated phrases above the thresholds, longest first; nested or overlapping ones merged."""
    words = an.words
    if not words:
        return []
    stop = stopwords()
    cands: list[Phrase] = []
    for g, occ in frequent_phrases(an, min_words, max_words, min_count).items():
        if g[0] in stop or g[-1] in stop or " ".join(g) in accepted:
            continue
        if sum(1 for w in g if w not in stop and not w.isdigit()) < 2 or sum(1 for w in g if not w.isdigit()) < min_words:
            continue
        density = len(occ) * len(g) / words
        if density >= min_density:
            cands.append(Phrase(g, sorted(occ), density))
    cands.sort(key=lambda p: (-len(p.words), -p.count, p.occurrences[0]))
    selected: list[Phrase] = []
    covered: dict[int, set[int]] = {}
    for p in cands:
        host = next((s for s in selected if _contains(s.words, p.words)), None)
        if host is None:
            overlapping = sum(1 for bi, i in p.occurrences if any(k in covered.get(bi, ()) for k in range(i, i + len(p.words))))
            if overlapping * 2 > p.count:
                host = next((s for s in selected if any(_contains(s.words, p.words[x : x + 2]) for x in range(len(p.words) - 1))), selected[0] if selected else None)
        if host is not None:
            host.merged[p.text] = p.count
            continue
        selected.append(p)
        for bi, i in p.occurrences:
            covered.setdefault(bi, set()).update(range(i, i + len(p.words)))
    selected.sort(key=lambda p: p.occurrences[0])
    return selected


def occurrences_of(an: Analysis, words: tuple[str, ...], skip_block: int | None = None) -> int:
    """How many times ``words`` occurs as a joined phrase outside ``skip_block``."""
    k = len(words)
    total = 0
    for bi, info in enumerate(an.blocks):
        if bi == skip_block:
            continue
        lower = info.toks.lower
        first = words[0]
        for i in range(len(lower) - k + 1):
            if lower[i] == first and tuple(lower[i : i + k]) == words and all(info.toks.joined[i + 1 : i + k]):
                total += 1
    return total
