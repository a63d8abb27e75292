"""Phrase lexicons: loading the data files and matching them over word tokens.

A lexicon file (``audit/data/promotion/*.txt``) holds one entry a line::

    # comment
    cutting-edge | Name the technique and the evidence for it.
    advanced {technology,technologies,techniques}
    advanced * techniques
    !leading {cause,causes}

* Words are separated by spaces or hyphens; both match either way round, so
  ``state-of-the-art`` also matches ``state of the art`` and ``state - of - the - art``.
* ``{a,b,c}`` lists alternatives for one word (several groups expand to every
  combination); ``{,a}`` makes a word optional.
* ``*`` stands for exactly one word.
* Text after ``|`` is the suggested neutral wording shown with the finding.
* A line starting with ``!`` is an exception: text it matches is never flagged
  by this lexicon (``!leading cause`` keeps "leading cause of death" clean).

Matching is case-insensitive, on whole words, longest match first and
left to right; it runs over a simple word tokenisation of the block text
(:func:`tokenize`) in time linear in the number of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any

from audit.datafiles import data_lines

#: A word: letters/digits, with inner apostrophes ("don't", "patient's").
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
#: The same, as one group: ``split`` then alternates gaps and words.
_WORD_SPLIT = re.compile("(" + _WORD.pattern + ")")
#: Characters allowed between two words of one phrase (spaces and hyphens of any kind).
_JOINER_CHARS = " \t\n\r\u00a0-\u2010\u2011\u2012\u2013"
_BRACES = re.compile(r"\{([^{}]*)\}")

WILDCARD = "*"
_END = "\x00"


@dataclass(frozen=True)
class Entry:
    """One lexicon entry after expansion."""

    lexicon: str
    phrase: str  # the line as written, for messages
    suggestion: str
    exception: bool = False


@dataclass
class Tokens:
    """Word tokens of one text: offsets, lower-cased forms and which gaps join a phrase."""

    text: str
    starts: list[int]
    ends: list[int]
    lower: list[str]
    #: ``joined[i]`` is True when only spaces/hyphens separate token ``i - 1`` and token ``i``.
    joined: list[bool]
    #: ``gaps[i]`` is :meth:`gap` ``(i)``, then the text after the last token (empty: computed on use).
    gaps: list[str] = field(default_factory=list, repr=False)

    def __len__(self) -> int:
        return len(self.starts)

    def gap(self, i: int) -> str:
        """The text between token ``i - 1`` and token ``i`` (start of text for ``i == 0``)."""
        if self.gaps:
            return self.gaps[i]
        return self.text[self.ends[i - 1] if i else 0 : self.starts[i]]

    def word(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]


def tokenize(text: str) -> Tokens:
    """Split ``text`` into word tokens (linear time)."""
    if text.isascii():
        # Lower-casing ASCII changes letters only, and only into letters: the same tokens
        # and the same gaps come out of the lower-cased text.
        parts = _WORD_SPLIT.split(text.lower())  # gap, word, gap, word, ..., gap
        if len(parts) == 1:
            return Tokens(text, [], [], [], [])
        lower = parts[1::2]
    else:
        parts = _WORD_SPLIT.split(text)
        if len(parts) == 1:
            return Tokens(text, [], [], [], [])
        lower = []
    offsets = list(accumulate(map(len, parts)))
    starts = offsets[0::2][:-1]
    ends = offsets[1::2]
    gaps = parts[0::2]
    if lower:
        pass
    elif len(low := text.lower()) != len(text):  # a few characters change length when lower-cased
        lower = [w.lower() for w in parts[1::2]]
    else:
        lower = [low[a:b] for a, b in zip(starts, ends)]
    if "\u2019" in text:
        lower = [w.replace("\u2019", "'") for w in lower]
    joiners = _JOINER_CHARS
    joined = [False]
    joined += [g == " " or (len(g) < 8 and not g.strip(joiners)) for g in gaps[1:-1]]
    return Tokens(text, starts, ends, lower, joined, gaps)


def phrase_words(phrase: str) -> list[str]:
    """Lower-cased words of a phrase as the tokenizer sees them (``*`` kept as a wildcard)."""
    out: list[str] = []
    for part in phrase.replace("*", " * ").split():
        if part == WILDCARD:
            out.append(WILDCARD)
        else:
            out.extend(w.lower().replace("\u2019", "'") for w in _WORD.findall(part))
    return out


def expand(pattern: str) -> list[str]:
    """Expand ``{a,b}`` groups into every combination."""
    m = _BRACES.search(pattern)
    if not m:
        return [pattern]
    out: list[str] = []
    for alt in m.group(1).split(","):
        out.extend(expand(pattern[: m.start()] + alt.strip() + pattern[m.end() :]))
    return out


class Matcher:
    """A word trie over one or more lexicons, matched longest-first, left to right."""

    def __init__(self) -> None:
        self._root: dict[str, object] = {}
        self.size = 0

    def add(self, words: list[str], entry: Entry) -> None:
        """Add one expanded phrase."""
        if not words:
            return
        node = self._root
        for w in words:
            node = node.setdefault(w, {})  # type: ignore[assignment]
        if _END not in node:
            node[_END] = entry
            self.size += 1
        elif entry.exception and not node[_END].exception:  # type: ignore[union-attr]
            node[_END] = entry

    def first_words(self) -> frozenset[str]:
        """The words an entry can start with."""
        return frozenset(self._root)

    def find(self, toks: Tokens, lo: int = 0, hi: int | None = None, starts: list[int] | None = None) -> list[tuple[int, int, Entry]]:
        """Matches as ``(first_token, last_token_exclusive, entry)``; exceptions included.

        ``starts`` (ascending token indices) narrows where a match may begin: it must hold
        every token whose word can begin one (the tokens of a few known words, say).
        """
        out: list[tuple[int, int, Entry]] = []
        lower, joined = toks.lower, toks.joined
        root = self._root
        n = len(lower) if hi is None else hi
        if starts is None:
            if root.keys().isdisjoint(lower):
                return out
            cands = [k for k in range(lo, n) if lower[k] in root]
        else:
            cands = [k for k in starts if lo <= k < n and lower[k] in root]
        nxt_free = lo
        for i in cands:
            if i < nxt_free:
                continue
            node = root[lower[i]]
            j = i + 1
            if _END not in node and WILDCARD not in node and (j >= n or not joined[j] or lower[j] not in node):
                continue  # the usual case: the next word does not continue any entry
            best: tuple[int, Entry] | None = None
            # Depth-first over the (rare) wildcard branches; the stack stays tiny.
            stack: list[tuple[Any, int]] = [(node, j)]
            while stack:
                nd, j = stack.pop()
                e = nd.get(_END)
                if e is not None and (best is None or j > best[0]):
                    best = (j, e)
                if j < n and joined[j]:
                    nxt = nd.get(lower[j])
                    if nxt is not None:
                        stack.append((nxt, j + 1))
                    w = nd.get(WILDCARD)
                    if w is not None:
                        stack.append((w, j + 1))
            if best is not None:
                out.append((i, best[0], best[1]))
                nxt_free = best[0]
        return out


def _data_text(family: str, name: str) -> str:
    return resources.files("audit").joinpath("data", family, name).read_text(encoding="utf-8")


def parse_lexicon(text: str, lexicon: str) -> list[tuple[list[str], Entry]]:
    """Parse lexicon file text into ``(words, entry)`` pairs (patterns expanded)."""
    out: list[tuple[list[str], Entry]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        if exception:
            line = line[1:].strip()
        pattern, _, suggestion = line.partition("|")
        entry = Entry(lexicon, pattern.strip(), suggestion.strip(), exception)
        for variant in expand(pattern.strip()):
            words = phrase_words(variant)
            if words and words[0] != WILDCARD:
                out.append((words, entry))
    return out


@cache
def load_matcher(family: str, names: tuple[str, ...]) -> Matcher:
    """A matcher over the named lexicon files of ``audit/data/<family>/`` (cached per process)."""
    m = Matcher()
    for name in names:
        lexicon = name.rsplit(".", 1)[0]
        for words, entry in parse_lexicon(_data_text(family, name), lexicon):
            m.add(words, entry)
    return m


@cache
def load_cues(family: str, name: str) -> dict[str, frozenset[str]]:
    """Word sets from a cue file: lines ``key: word word ...`` (a key may span several lines)."""
    out: dict[str, set[str]] = {}
    for line in data_lines(family, name):
        if ":" not in line:
            continue
        key, _, words = line.partition(":")
        out.setdefault(key.strip(), set()).update(w.lower() for w in words.split())
    return {k: frozenset(v) for k, v in out.items()}


@cache
def load_words(family: str, name: str) -> frozenset[str]:
    """A plain word list (one word a line, ``#`` comments)."""
    words: set[str] = set()
    for raw in _data_text(family, name).splitlines():
        line = raw.split("#", 1)[0].strip().lower()
        if line:
            words.update(line.split())
    return frozenset(words)
