"""Sentence boundaries: Punkt with project parameters, plus general repairs.

Punkt (Kiss & Strunk 2006) runs with no trained tables and nothing downloaded;
its decisions are made by :mod:`audit.nlp.punkt`, which reproduces NLTK's
``PunktSentenceTokenizer`` without importing NLTK (``AUDIT_SEGMENTER=nltk``
uses NLTK's own, see :func:`_tokenizer`). Its parameters come from data files
in ``audit/data/nlp/``:

* ``abbreviations.txt``: abbreviations of medical and scientific writing
  (``Dr.``, ``et al.``, ``e.g.``, ``Fig.``, ``U.S.``...). A line ``No. #`` makes
  ``No.`` an abbreviation only before a number (a Punkt collocation).
* ``sentence_starters.txt``: function words that begin a sentence when they
  follow an abbreviation or an initial ("... the U.S. They ..."). They are also
  given Punkt's "seen in lower case" orthographic context, which is what a
  trained model would have learnt about them.

Punkt alone misses several of the Pragmatic Segmenter "golden rules"; these
general repairs run around it (each is a rule of English punctuation, not a
fitted example):

1. Inline list markers: a run of two or more consecutive enumerators
   (``1.``/``2.``, ``1)``/``2)``, ``1.)``, ``a.``/``b.``) or bullet characters
   starts a new unit at each marker, and a marker never ends a sentence.
2. Ellipses: three dots (``...``, ``. . .``, ``…``) mark an omission and end
   nothing; four dots are a period plus an ellipsis and end the sentence. A
   spaced four-dot ellipsis right after a word (``word. . . .``) ends the
   sentence at the word's period and the three dots begin the next one when a
   capital follows (Chicago Manual of Style 13.53).
3. No sentence begins with an all-lower-case word: a break before one is
   undone (``"Great!" she said.``, ``Yahoo! in``, ``(...engineer.) at``).
4. No break inside brackets: a break between an opening bracket and its
   closing bracket is undone.
5. Dots inside numbers, URLs and e-mail addresses never end a sentence; tokens
   like ``E.U.`` or ``a.m.`` (single letters joined by periods) are
   abbreviations.

Everything works on offsets: a masked copy of the text (same length) is what
Punkt sees, so spans index the original text exactly.
"""

from __future__ import annotations

import itertools
import os
import re
from functools import lru_cache
from typing import Any

from audit.datafiles import data_lines
from audit.nlp.punkt import ORTHO_BEG_LC, ORTHO_MID_LC, Punkt

__all__ = ["load_abbreviations", "load_sentence_starters", "split"]

def _data_lines(name: str) -> list[str]:
    return data_lines("nlp", name)


@lru_cache(maxsize=1)
def load_abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """``(abbreviations, number_abbreviations)`` as Punkt types (lower case, no final period)."""
    always: set[str] = set()
    before_number: set[str] = set()
    for entry in _data_lines("abbreviations.txt"):
        word, _, flag = entry.partition(" ")
        typ = word.lower().rstrip(".")
        (before_number if flag.strip() == "#" else always).add(typ)
        # Punkt types a multi-word entry ("et al.") by its last word.
        if " " in typ:
            always.add(typ.split()[-1])
    return frozenset(always), frozenset(before_number)


@lru_cache(maxsize=1)
def load_sentence_starters() -> frozenset[str]:
    """Lower-case function words that start a sentence after an abbreviation."""
    return frozenset(w.lower() for w in _data_lines("sentence_starters.txt"))


# --- Punkt --------------------------------------------------------------------


@lru_cache(maxsize=1)
def parameters() -> dict[str, Any]:
    """The project's Punkt parameters, as keyword arguments of :class:`audit.nlp.punkt.Punkt`."""
    always, before_number = load_abbreviations()
    starters = load_sentence_starters()
    return {
        "abbrev_types": always,
        "collocations": frozenset((a, "##number##") for a in before_number),
        "sent_starters": starters,
        "ortho_context": dict.fromkeys(starters, ORTHO_BEG_LC | ORTHO_MID_LC),
    }


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """The Punkt pass: ours, or NLTK's own when ``AUDIT_SEGMENTER=nltk`` (a cross-check)."""
    engine = os.environ.get("AUDIT_SEGMENTER", "").strip().lower()
    if engine == "nltk":
        from audit.nlp.punkt_reference import reference_tokenizer

        return reference_tokenizer(**parameters())
    if engine not in ("", "audit"):
        raise ValueError(f"AUDIT_SEGMENTER must be 'audit' or 'nltk', not {engine!r}")
    return Punkt(**parameters())


# --- masking -----------------------------------------------------------------
# Characters Punkt must not read as sentence ends are replaced by a neutral
# character of the same length, so offsets stay valid.

#: Three or more dots, possibly spaced (". . ."), or the ellipsis character.
_ELLIPSIS_RE = re.compile(r"\.(?:[ \u00a0]?\.){2,}|\u2026")
#: A dot between two digits (3.5, 1026.253.553) or inside a URL / e-mail.
_NUM_DOT_RE = re.compile(r"\.(?<=\d\.)(?=\d)")  # the dot first: fast to scan for
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"“”'’()\[\]]*[^\s<>\"“”'’()\[\].,;:!?]", re.IGNORECASE)
_EMAIL_RE = re.compile(r"\b[\w+-]{1,64}(?:\.[\w+-]{1,64}){0,8}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b")


def _mask(text: str) -> str:
    if "." not in text and "\u2026" not in text:
        return text
    ellipses = list(_ELLIPSIS_RE.finditer(text)) if ".." in text or ". ." in text or ".\u00a0." in text or "\u2026" in text else []
    numbers = list(_NUM_DOT_RE.finditer(text))
    links = "@" in text or "://" in text or "www." in text
    if not ellipses and not numbers and not links:
        return text
    chars = list(text)
    for m in ellipses:
        for i in range(m.start(), m.end()):
            if chars[i] in ".\u2026":
                chars[i] = ","
    for m in numbers:
        chars[m.start()] = "_"
    if links:
        for rx in (_URL_RE, _EMAIL_RE):
            for m in rx.finditer(text):
                for i in range(m.start(), m.end()):
                    if chars[i] == ".":
                        chars[i] = "_"
    return "".join(chars)


# --- list markers ------------------------------------------------------------

_BULLETS = "•◦▪▫‣⁃∙·●○■□–"
# An enumerator ("1.", "12)", "1.)", "a.") is a whole chunk between whitespace (or the
# start) and whitespace. Patterns that begin with a character class are fast to scan for,
# so the scan consumes the whitespace in front of the marker, and a marker at the very
# start is matched on its own. The bullet pattern looks back past the bullet.
_ENUM_RE = re.compile(r"(?P<n>\d{1,3}|[a-z])(?P<p>\.\)|\)|\.)(?=\s)")
_SPACE_ENUM_RE = re.compile(r"\s(?P<n>\d{1,3}|[a-z])(?P<p>\.\)|\)|\.)(?=\s)")
_BULLET_RE = re.compile(r"[•◦▪▫‣⁃∙●○■□](?<!\S.)(?=\s?\S)")


def _enum_value(tok: str) -> int:
    return int(tok) if tok.isdigit() else ord(tok) - ord("a") + 1


def _enum_marks(text: str) -> list[re.Match[str]]:
    """Enumerator matches in order; a marker begins at ``m.start("n")``."""
    first = _ENUM_RE.match(text)
    marks = [first] if first is not None else []
    marks.extend(_SPACE_ENUM_RE.finditer(text, first.end() if first is not None else 0))
    return marks


def _list_starts(text: str) -> list[int]:
    """Offsets where inline list items begin (only for runs of >= 2 markers)."""
    starts: list[int] = []
    for m in _BULLET_RE.finditer(text):
        starts.append(m.start())
    if len(starts) < 2:
        starts = []
    marks = _enum_marks(text)
    run: list[re.Match[str]] = []
    for m in marks:
        if run:
            prev = run[-1]
            same_style = prev.group("p") == m.group("p") and prev.group("n").isdigit() == m.group("n").isdigit()
            if same_style and _enum_value(m.group("n")) == _enum_value(prev.group("n")) + 1:
                run.append(m)
                continue
            if len(run) >= 2:
                starts.extend(x.start("n") for x in run)
        run = [m]
    if len(run) >= 2:
        starts.extend(x.start("n") for x in run)
    if not starts:
        return []
    # A bullet directly before an enumerator ("• 9.") starts the item itself.
    starts = sorted(set(starts))
    out: list[int] = []
    for s in starts:
        if out and text[out[-1]] in _BULLETS and not text[out[-1] + 1 : s].strip():
            continue
        out.append(s)
    return out


_MARKER_ONLY_RE = re.compile(r"^(?:[•◦▪▫‣⁃∙●○■□]\s*)?(?:\d{1,3}|[A-Za-z])?[.)]{0,2}$")


# --- repairs -----------------------------------------------------------------

_OPENERS = "([{"
_CLOSERS = ")]}"
_LEAD_PUNCT = "\"'“”‘’«»)]}(["
_FOUR_DOTS_RE = re.compile(r"\.(?:[ \u00a0]?\.){3}")


def _first_word(text: str, start: int, end: int) -> str:
    i = start
    while i < end and (text[i] in _LEAD_PUNCT or text[i].isspace()):
        i += 1
    j = i
    while j < end and (text[j].isalpha() or text[j] in "'’-"):
        j += 1
    return text[i:j]


def _unclosed(text: str, start: int, end: int) -> int:
    """Brackets opened and not closed in ``text[start:end]``."""
    if text.count("(", start, end) + text.count("[", start, end) + text.count("{", start, end) == 0:
        return 0
    depth = 0
    for ch in text[start:end]:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth:
            depth -= 1
    return depth


def _ellipsis_breaks(text: str) -> list[int]:
    """Offsets where a four-dot ellipsis ends a sentence (see module docs)."""
    out = []
    for m in _FOUR_DOTS_RE.finditer(text):
        a, b = m.start(), m.end()
        if b < len(text) and text[b] == ".":
            continue  # five or more dots: leave alone
        rest = text[b:]
        nxt = rest.lstrip()
        if not nxt or not nxt[0].isupper() or nxt == rest:
            continue
        spaced = text[a + 1] in " \u00a0"
        attached = a > 0 and not text[a - 1].isspace()
        out.append(a + 1 if (spaced and attached) else b)
    return out


def _split_chunk(text: str, masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """Punkt over ``text[start:end]`` (a list item or the whole block)."""
    spans = [(start + a, start + b) for a, b in _tokenizer().span_tokenize(masked[start:end])]
    if not spans:
        return []
    # Four-dot ellipses end sentences.
    if "," in masked[start:end]:
        cuts = [c for c in _ellipsis_breaks(text[start:end]) if c]
        for c in cuts:
            c += start
            new = []
            for a, b in spans:
                if a < c < b and text[a:c].strip() and text[c:b].strip():
                    new.append((a, c))
                    new.append((c, b))
                else:
                    new.append((a, b))
            spans = new
    # Undo breaks before lower-case words, inside brackets and after list markers.
    merged: list[tuple[int, int]] = [spans[0]]
    for a, b in spans[1:]:
        pa, pb = merged[-1]
        word = _first_word(text, a, b)
        join = (word.islower() and word.isalpha()) or _unclosed(text, pa, pb) > 0
        if not join and _MARKER_ONLY_RE.match(text[pa:pb].strip()):
            join = True
        if join:
            merged[-1] = (pa, b)
        else:
            merged.append((a, b))
    return merged


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def split(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, trimmed of surrounding whitespace."""
    if not text.strip():
        return []
    masked = _mask(text)
    bounds = [0, *(s for s in _list_starts(text) if s > 0), len(text)]
    out: list[tuple[int, int]] = []
    for s, e in itertools.pairwise(bounds):
        if not text[s:e].strip():
            continue
        for a, b in _split_chunk(text, masked, s, e):
            a, b = _trim(text, a, b)
            if b > a:
                out.append((a, b))
    return out
