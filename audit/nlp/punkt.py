"""Punkt's sentence-boundary decisions for fixed parameters, without importing NLTK.

The sentence splitter runs NLTK's Punkt algorithm (Kiss & Strunk 2006, as in
``nltk.tokenize.punkt`` 3.8-3.10) with parameters the project ships rather than
trains: abbreviation types, "before a number" collocations, frequent sentence
starters and their orthographic context (see :mod:`audit.nlp.sentences`). This
module makes exactly Punkt's decisions for such parameters; it exists because
importing ``nltk.tokenize.punkt`` runs NLTK's package initialisation, which
imports most of NLTK (about 0.3 s), longer than checking a whole article.

What it keeps of Punkt, step by step (``PunktSentenceTokenizer.span_tokenize``):

1. Candidate ends are ``.``, ``?`` and ``!`` followed by other punctuation or by
   whitespace and a next token (Punkt's period-context pattern).
2. For each candidate, the word before it, the candidate and what follows form a
   short context; overlapping contexts are skipped the way Punkt skips them.
3. The context is split into Punkt word tokens (line by line) and annotated:
   the first pass marks sentence breaks, abbreviations (with the project's rule
   that ``X.Y.`` tokens are abbreviations) and ellipses; the second pass applies
   the collocation, orthographic and sentence-starter heuristics and the rules for
   initials and ordinal numbers. The candidate ends a sentence when any token but
   the last is a break.
4. Closing quotes and brackets after a break are moved onto the sentence they
   close (Punkt's boundary realignment).

The same patterns are used with the same ``regex`` engine, or with ``re`` on text
where the two engines classify every character alike (:mod:`audit.nlp.engines`),
which is most text and spares importing ``regex``. NLTK's Punkt remains
the reference: :mod:`audit.nlp.punkt_reference` builds it with the same
parameters, ``AUDIT_SEGMENTER=nltk`` makes the tool use it, and the test suite
checks that both give the same spans on generated and real text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from audit.nlp import engines

__all__ = ["ORTHO_BEG_LC", "ORTHO_MID_LC", "Punkt"]

# Orthographic context flags (a word seen upper/lower case at the beginning of a
# sentence, in the middle, or in an unknown position), as Punkt defines them.
ORTHO_BEG_UC = 1 << 1
ORTHO_MID_UC = 1 << 2
ORTHO_UNK_UC = 1 << 3
ORTHO_BEG_LC = 1 << 4
ORTHO_MID_LC = 1 << 5
ORTHO_UNK_LC = 1 << 6
ORTHO_UC = ORTHO_BEG_UC | ORTHO_MID_UC | ORTHO_UNK_UC
ORTHO_LC = ORTHO_BEG_LC | ORTHO_MID_LC | ORTHO_UNK_LC

# --- Punkt's English patterns ---------------------------------------------------

_NON_WORD = r"(?:[)\";}\]\*:@\'\({\[\u2018\u2019\u201c\u201d\xab\xbb\?!])"
_MULTI_CHAR = r"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"
_WORD_START = r"[^\(\"\`{\[:;&\#\*@\)}\]\-,]"

class _Patterns:
    """Punkt's English patterns compiled by one engine (``re`` or ``regex``)."""

    __slots__ = ("initial", "numeric", "period_context", "realign", "word")

    def __init__(self, rx: ModuleType) -> None:
        self.word: Any = rx.compile(
            rf"""(
                {_MULTI_CHAR}
                |
                (?={_WORD_START})\S+?       # word characters until an end is found
                (?=                         # what ends a word:
                    \s|                     # white space
                    $|                      # the end of the line
                    {_NON_WORD}|{_MULTI_CHAR}|
                    ,(?=$|\s|{_NON_WORD}|{_MULTI_CHAR})   # a comma at the end of a word
                )
                |
                \S
            )""",
            rx.UNICODE | rx.VERBOSE,
        )
        self.period_context: Any = rx.compile(
            rf"""
            [\.\?!]                         # a potential sentence end
            (?=(?P<after_tok>
                {_NON_WORD}                 # either other punctuation
                |
                \s+(?P<next_tok>\S+)        # or white space and the next token
            ))""",
            rx.UNICODE | rx.VERBOSE,
        )
        self.realign: Any = rx.compile(r'["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)', rx.MULTILINE)
        self.numeric: Any = rx.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
        self.initial: Any = rx.compile(r"[^\W\d]\.$", rx.UNICODE)


_RE = _Patterns(re)


@cache
def _regex_patterns() -> _Patterns:
    return _Patterns(engines.regex_module())


def _patterns_for(text: str) -> _Patterns:
    """The patterns to match ``text`` with: on ``re`` when both engines agree on it."""
    return _RE if engines.agree(text) else _regex_patterns()


#: Tokens made of single letters joined by periods (``E.U.``, ``a.m.``): abbreviations.
_SINGLE_LETTERS_RE = re.compile(r"(?:[^\W\d_]\.){2,}$")

_SENT_END = frozenset(".?!")
_PUNCTUATION = frozenset(";:,.!?")
#: What Punkt counts as white space when it looks for the word before a candidate end.
_ASCII_SPACE = " \t\n\r\x0b\x0c"

# First-pass annotations of a token.
_PLAIN, _BREAK, _ABBR, _ELLIPSIS = 0, 1, 2, 3
_UNKNOWN = "unknown"


def _type(tok: str, pats: _Patterns) -> str:
    """Punkt's word type: lower case, numbers folded to ``##number##``."""
    low = tok.lower()
    first = low[0]  # a number starts with a sign, a separator or a digit: most words skip the pattern
    if (first in "-.," or first.isdecimal()) and pats.numeric.match(low):
        return "##number##"
    return low


def _without_period(typ: str) -> str:
    return typ[:-1] if len(typ) > 1 and typ[-1] == "." else typ


def _last_space(text: str) -> int:
    """Index of the last ASCII white-space character of ``text``; 0 when there is none."""
    i = text.rfind(" ")
    tail = text[i + 1 :] if i >= 0 else text  # any other white space must be after the last blank
    for c in "\n\t\r\x0b\x0c":
        if c in tail:
            i = max(i, text.rfind(c))
    return max(i, 0)


def _words(context: str, pats: _Patterns) -> list[str]:
    """Punkt's word tokens of ``context``, line by line (blank lines skipped)."""
    if "\n" not in context:
        return pats.word.findall(context) if context.strip() else []
    out: list[str] = []
    for line in context.split("\n"):
        if line.strip():
            out.extend(pats.word.findall(line))
    return out


class Punkt:
    """Punkt sentence boundaries for one set of parameters (types are lower case, no final period)."""

    __slots__ = ("_abbrev", "_collocations", "_ortho", "_starters")

    def __init__(
        self,
        abbrev_types: Collection[str],
        collocations: Collection[tuple[str, str]] = (),
        sent_starters: Collection[str] = (),
        ortho_context: Mapping[str, int] | None = None,
    ) -> None:
        self._abbrev = frozenset(abbrev_types)
        self._collocations = frozenset(collocations)
        self._starters = frozenset(sent_starters)
        self._ortho = dict(ortho_context or {})

    # --- annotation -------------------------------------------------------------

    def _first_pass(self, tok: str) -> int:
        if tok in _SENT_END:
            return _BREAK
        if tok[0] == "." and len(tok) > 1 and not tok.strip("."):  # two or more periods
            return _ELLIPSIS
        if tok[-1] == "." and not tok.endswith(".."):
            low = tok[:-1].lower()
            if low in self._abbrev or low.split("-")[-1] in self._abbrev:
                return _ABBR
            return _ABBR if _SINGLE_LETTERS_RE.match(tok) else _BREAK
        return _PLAIN

    def _ortho_heuristic(self, tok: str, typ: str) -> bool | str:
        """Whether ``tok`` (of type ``typ``) starts a sentence: True, False or "unknown"."""
        if tok in _PUNCTUATION:
            return False
        context = self._ortho.get(typ, 0)
        first = tok[0]
        if first.isupper() and context & ORTHO_LC and not context & ORTHO_MID_UC:
            return True
        if first.islower() and (context & ORTHO_UC or not context & ORTHO_BEG_LC):
            return False
        return _UNKNOWN

    def _breaks_after(self, tok: str, mark: int, nxt: str, next_mark: int, pats: _Patterns) -> bool:
        """The second pass for a token ending in a period: whether ``tok`` (first-pass ``mark``) ends a sentence."""
        typ = _without_period(_type(tok, pats))
        next_typ = _type(nxt, pats)
        if next_mark == _BREAK:
            next_typ = _without_period(next_typ)
        initial = pats.initial.match(tok) is not None
        if (typ, next_typ) in self._collocations:  # collocation heuristic
            return False
        if (mark == _ABBR or mark == _ELLIPSIS) and not initial:
            if self._ortho_heuristic(nxt, next_typ) is True:  # orthographic heuristic
                return True
            if nxt[0].isupper() and next_typ in self._starters:  # frequent sentence starter
                return True
        if initial or typ == "##number##":  # initials and ordinal numbers
            starts = self._ortho_heuristic(nxt, next_typ)
            if starts is False:
                return False
            if starts == _UNKNOWN and initial and nxt[0].isupper() and not self._ortho.get(next_typ, 0) & ORTHO_LC:
                return False
        return mark == _BREAK

    def contains_break(self, context: str, pats: _Patterns | None = None) -> bool:
        """Whether a token of ``context`` other than its last ends a sentence (``pats``: the
        patterns chosen for the text ``context`` comes from)."""
        if pats is None:
            pats = _patterns_for(context)
        toks = _words(context, pats)
        if len(toks) < 2:
            return False
        first_pass = self._first_pass
        mark = first_pass(toks[0])
        for tok, nxt in itertools.pairwise(toks):
            next_mark = first_pass(nxt)
            if (mark == _BREAK) if tok[-1] != "." else self._breaks_after(tok, mark, nxt, next_mark, pats):
                return True
            mark = next_mark
        return False

    # --- spans --------------------------------------------------------------------

    def _slices(self, text: str, pats: _Patterns) -> list[tuple[int, int]]:
        """Punkt's sentence slices before realignment.

        Each candidate end is judged on its context: the word before it, the end and
        what follows. A candidate whose word before overlaps the previous candidate's
        ("acting!!!") is judged only once, at its last end.
        """
        out = []
        last = 0
        prev = None
        prev_start = prev_stop = 0
        for match in (*pats.period_context.finditer(text), None):
            if match is not None:
                at = match.start()
                space = _last_space(text[prev_stop:at])
                start = prev_stop + space + 1 if space else prev_start
                if prev is None or prev_stop > start:
                    prev, prev_start, prev_stop = match, start, at
                    continue
            if prev is None:
                break
            if self.contains_break(text[prev_start:prev_stop] + prev.group() + prev.group("after_tok"), pats):
                out.append((last, prev.end()))
                last = prev.start("next_tok") if prev.group("next_tok") else prev.end()
            if match is not None:
                prev, prev_start, prev_stop = match, start, at
        out.append((last, len(text.rstrip())))
        return out

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        """Sentence spans of ``text``, as ``PunktSentenceTokenizer.span_tokenize`` gives them."""
        pats = _patterns_for(text)
        slices = self._slices(text, pats)
        out = []
        shift = 0
        last = len(slices) - 1
        for i, (a, b) in enumerate(slices):
            a += shift
            if i == last:
                if a < b:
                    out.append((a, b))
                break
            c, d = slices[i + 1]
            m = pats.realign.match(text[c:d])
            if m:
                out.append((a, c + len(m.group(0).rstrip())))
                shift = m.end()
            else:
                shift = 0
                if a < b:
                    out.append((a, b))
        return out
