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
* ``*`` stands for exactly one word, ``#`` for one number ("get # off").
* Text after ``|`` is the suggested neutral wording shown with the finding.
* A line starting with ``!`` is an exception: text it matches is never flagged
  by this lexicon (``!leading cause`` keeps "leading cause of death" clean).

Matching is case-insensitive, on whole words, longest match first and
left to right; it runs over a simple word tokenisation of the block text
(:func:`tokenize`) in time linear in the number of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
#: In an entry, a word that is a number ("get # off": "get 20% off", not "get it off").
NUMBER = "#"
_END = "\x00"


@dataclass(frozen=True)
class Entry:
    """One lexicon entry after expansion."""

    lexicon: str
    phrase: str  # the line as written, for messages
    suggestion: str
    exception: bool = False


class Tokens:
    """Word tokens of one text: offsets, lower-cased forms and which gaps join a phrase.

    * ``starts[i]``, ``ends[i]``: where token ``i`` begins and ends in ``text``;
    * ``lower[i]``: the token lower-cased (curly apostrophes made straight);
    * ``joined[i]``: True when only spaces/hyphens separate token ``i - 1`` and token ``i``;
    * ``gaps[i]``: :meth:`gap` ``(i)``, then the text after the last token (empty: computed on use);
    * ``gap_codes[i - 1]``: :func:`gap_code` of the gap before token ``i`` (``i >= 1``).

    :func:`tokenize` gives the text split into gaps and words (``parts``) instead of the
    offsets, and the gap codes instead of ``joined``: these are worked out on first use
    (most blocks never need them).
    """

    __slots__ = ("_codes", "_ends", "_joined", "_parts", "_starts", "gaps", "lower", "text")

    def __init__(
        self,
        text: str,
        starts: list[int] | None,
        ends: list[int] | None,
        lower: list[str],
        joined: list[bool] | None,
        gaps: list[str] | None = None,
        parts: list[str] | None = None,
        codes: bytes | None = None,
    ) -> None:
        self.text = text
        self.lower = lower
        self.gaps = [] if gaps is None else gaps
        self._starts = starts
        self._ends = ends
        #: Gap, word, gap, ..., gap: the lengths of the text's pieces (when the offsets are not given).
        self._parts = parts
        self._joined = joined
        self._codes = codes

    def _offsets(self) -> None:
        assert self._parts is not None
        offsets = list(accumulate(map(len, self._parts)))
        self._starts = offsets[0::2][:-1]
        self._ends = offsets[1::2]
        self._parts = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._offsets()
        return self._starts  # type: ignore[return-value]

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._offsets()
        return self._ends  # type: ignore[return-value]

    @property
    def joined(self) -> list[bool]:
        if self._joined is None:
            self._joined = [False, *map(bool, self.gap_codes)] if self.lower else []
        return self._joined

    @property
    def gap_codes(self) -> bytes:
        if self._codes is None:
            n = len(self.lower)
            gaps = self.gaps[1:n] if self.gaps else [self.gap(i) for i in range(1, n)]
            self._codes = bytes(map(GAP_CODES.__getitem__, gaps))
        return self._codes

    def __len__(self) -> int:
        return len(self.lower)

    def gap(self, i: int) -> str:
        """The text between token ``i - 1`` and token ``i`` (start of text for ``i == 0``)."""
        if self.gaps:
            return self.gaps[i]
        return self.text[self.ends[i - 1] if i else 0 : self.starts[i]]

    def word(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]


class GapTable(dict[str, Any]):
    """``table[s]`` is ``fn(s)``, remembered for the short strings that recur.

    Gaps between words are nearly always one of a few strings (" ", ", ", ". ", "-"), so
    ``map(table.__getitem__, gaps)`` replaces a Python loop over every gap. (At most 4,096
    strings of up to 16 characters are kept.)
    """

    def __init__(self, fn: Any) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, s: str) -> Any:
        value = self.fn(s)
        if len(s) <= 16 and len(self) < 4096:
            self[s] = value
        return value


def is_joiner_gap(gap: str) -> bool:
    """Whether a gap joins its two words into one phrase: spaces and hyphens only, and short;
    or a percent sign and spaces ("20% off": the number's unit, not punctuation)."""
    return gap == " " or (len(gap) < 8 and not gap.strip(_JOINER_CHARS)) or (gap[:1] == "%" and 1 < len(gap) < 8 and not gap[1:].strip(" "))


def gap_code(gap: str) -> int:
    """0 when the gap separates two phrases; 1 when it joins two words (:func:`is_joiner_gap`),
    2 when it does so without a space (a hyphen: "state-of-the-art")."""
    if not is_joiner_gap(gap):
        return 0
    return 2 if gap and " " not in gap else 1


#: ``GAP_CODES[gap]`` is :func:`gap_code` ``(gap)``.
GAP_CODES = GapTable(gap_code)

#: The tokeniser's pattern for a text without ``_``: ``\w`` and ``[^\W_]`` then match the same characters.
#: Possessive where the ``re`` module has it (Python 3.11): nothing can follow a shorter repetition
#: (a word character never is an apostrophe), so it matches the same, without keeping backtracking state.
try:
    _WORD_SPLIT_PLAIN = re.compile(r"(\w++(?:['\u2019]\w++)*+)")
except re.error:  # pragma: no cover - Python 3.10
    _WORD_SPLIT_PLAIN = re.compile(r"(\w+(?:['\u2019]\w+)*)")
_WORD_CHAR = re.compile(r"[^\W_]")


def _keeps_tokens(c: str) -> bool:
    """Whether lower-casing ``c`` leaves the tokenisation and the gaps of any text holding it as they are.

    True when ``c`` is unchanged, or is a word character that becomes one other word character.
    """
    low = c.lower()
    return low == c or (len(low) == 1 and _WORD_CHAR.match(c) is not None and _WORD_CHAR.match(low) is not None)


#: ``_CASE_SAFE[c]`` is :func:`_keeps_tokens` ``(c)``.
_CASE_SAFE = GapTable(_keeps_tokens)
_CASE_SAFE.update((chr(k), True) for k in range(128))  # ASCII lower-casing changes letters only, into letters


def tokenize(text: str) -> Tokens:
    """Split ``text`` into word tokens (linear time)."""
    low = text.lower()
    # When lower-casing changes only word characters, and each into one other word character,
    # the lower-cased text has the same tokens at the same places and the same gaps: split it
    # and its words are the lower-cased words. Always so for ASCII text; and when lower-casing
    # changes ASCII letters only (bytes.lower() changes nothing else), or else each character
    # passes the test.
    split_low = text.isascii() or (
        len(low) == len(text)
        and (
            text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass") == low
            or all(map(_CASE_SAFE.__getitem__, set(text)))
        )
    )
    src = low if split_low else text
    parts = (_WORD_SPLIT if "_" in src else _WORD_SPLIT_PLAIN).split(src)  # gap, word, gap, word, ..., gap
    if len(parts) == 1:
        return Tokens(text, [], [], [], [])
    gaps = parts[0::2]
    if split_low:
        lower = parts[1::2]
    elif len(low) != len(text):  # a few characters change length when lower-cased
        lower = [w.lower() for w in parts[1::2]]
    else:
        offsets = list(accumulate(map(len, parts)))
        lower = [low[a:b] for a, b in zip(offsets[0::2], offsets[1::2])]
    if "\u2019" in text:
        # No word holds NUL, so the words can be joined with it, changed at once and split again.
        lower = "\x00".join(lower).replace("\u2019", "'").split("\x00")
    return Tokens(text, None, None, lower, None, gaps, parts, bytes(map(GAP_CODES.__getitem__, gaps[1:-1])))


def phrase_words(phrase: str) -> list[str]:
    """Lower-cased words of a phrase as the tokenizer sees them (``*`` kept as a wildcard, and a
    lone ``#`` as a number)."""
    out: list[str] = []
    for part in phrase.replace("*", " * ").split():
        if part in (WILDCARD, NUMBER):
            out.append(part)
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
        #: A node maps each next word to its node, and :data:`_END` to the entry ending there.
        self._root: dict[str, Any] = {}
        self.size = 0
        self._first: frozenset[str] | None = None

    def add(self, words: list[str], entry: Entry) -> None:
        """Add one expanded phrase."""
        if not words:
            return
        node = self._root
        self._first = None
        for w in words:
            node = node.setdefault(w, {})
        if _END not in node:
            node[_END] = entry
            self.size += 1
        elif entry.exception and not node[_END].exception:
            node[_END] = entry

    def first_words(self) -> frozenset[str]:
        """The words an entry can start with."""
        if self._first is None:
            self._first = frozenset(self._root)
        return self._first

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
            if _END not in node and WILDCARD not in node and NUMBER not in node and (j >= n or not joined[j] or lower[j] not in node):
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
                    num = nd.get(NUMBER)
                    if num is not None and lower[j][:1].isdigit():
                        stack.append((num, j + 1))
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
            if words and words[0] not in (WILDCARD, NUMBER):
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
