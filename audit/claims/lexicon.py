"""Cue lexicons of the claim analysis, loaded once from ``audit/data/claims``.

Every lexicon is a plain-text file (one entry a line, ``#`` comments) that an
editor can read and extend; the entry syntax is described in
``audit/data/claims/README.txt``. Entries compile to token patterns matched by
:class:`TokenMatcher`, a dictionary keyed by the first token, so matching is
linear in the number of tokens (no regular-expression backtracking).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from audit.datafiles import data_lines

#: A pattern position: a set of accepted lower-case words, ``None`` for any
#: token, or the string ``"NUM"`` for a number.
Slot = frozenset[str] | str | None

_NUM_WORDS = frozenset(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions", "dozen", "dozens", "half"]
)
_NUM_RE = re.compile(r"\d[\d,.]*%?")


def is_number(word: str) -> bool:
    """Whether a lower-case token is a number (digits or a number word)."""
    # ``\d`` is any Unicode decimal digit (category Nd), as is ``str.isdecimal``.
    return word in _NUM_WORDS or (word[:1].isdecimal() and _NUM_RE.fullmatch(word) is not None)


def inflect(lemma: str) -> list[str]:
    """Regular English verb forms of ``lemma`` (base, -s, -ed, -ing)."""
    w = lemma
    if w.endswith("e") and not w.endswith("ee"):
        return [w, w + "s", w + "d", w[:-1] + "ing"]
    if len(w) > 2 and w.endswith("y") and w[-2] not in "aeiou":
        return [w, w[:-1] + "ies", w[:-1] + "ied", w + "ing"]
    if w.endswith(("s", "sh", "ch", "x", "z")):
        return [w, w + "es", w + "ed", w + "ing"]
    return [w, w + "s", w + "ed", w + "ing"]


def _slot(token: str) -> Slot:
    if token == "*":
        return None
    if token == "NUM":
        return "NUM"
    forms: list[str] = []
    for alt in token.split("|"):
        if alt.endswith("+") and len(alt) > 1:
            forms.extend(inflect(alt[:-1]))
        else:
            forms.append(alt)
    return frozenset(f.lower() for f in forms)


def read_lines(name: str) -> list[str]:
    """Non-comment, non-blank lines of a data file in ``audit/data/claims``."""
    return data_lines("claims", name)


@dataclass(frozen=True)
class Pattern:
    """A compiled lexicon entry."""

    slots: tuple[Slot, ...]
    entry: str
    #: Free-form payload (e.g. ``("causal", "efficacy")``).
    tag: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A pattern matched over tokens ``[i, j)``."""

    i: int
    j: int
    pattern: Pattern


class _NumberSlot:
    """A pattern slot that accepts a number token (see :func:`is_number`)."""

    __slots__ = ()

    def __contains__(self, word: str) -> bool:
        return is_number(word)


_NUMBER_SLOT = _NumberSlot()
#: A candidate entry as the matching loop reads it: its length, the slots after the first
#: (``None`` for any token, otherwise a container of the words accepted) and the pattern.
_Candidate = tuple[int, tuple[object, ...], Pattern]


def _candidate(p: Pattern) -> _Candidate:
    return len(p.slots), tuple(_NUMBER_SLOT if s == "NUM" else s for s in p.slots[1:]), p


class TokenMatcher:
    """Finds lexicon entries in a sequence of lower-case tokens."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.by_first: dict[str, list[Pattern]] = {}
        self.num_first: list[Pattern] = []
        for p in patterns:
            first = p.slots[0]
            if first == "NUM":
                self.num_first.append(p)
            elif isinstance(first, frozenset):
                for w in first:
                    self.by_first.setdefault(w, []).append(p)
        for lst in self.by_first.values():
            lst.sort(key=lambda p: -len(p.slots))
        #: ``by_next[w][0].get(w2, by_next[w][1])``: the candidates of ``by_first[w]`` that can
        #: match when the next token is ``w2``, in the same order. The second item holds those
        #: whose second slot accepts any token (one-token entries, ``*``, ``NUM``).
        self.by_next: dict[str, tuple[dict[str, list[_Candidate]], list[_Candidate]]] = {}
        for w, lst in self.by_first.items():
            cands = [_candidate(p) for p in lst]
            any_next = [c for c in cands if not c[1] or not isinstance(c[1][0], frozenset)]
            nexts: set[str] = set()
            for c in cands:
                if c[1] and isinstance(c[1][0], frozenset):
                    nexts |= c[1][0]
            by_next = {
                w2: [c for c in cands if not c[1] or not isinstance(c[1][0], frozenset) or w2 in c[1][0]] for w2 in nexts
            }
            self.by_next[w] = (by_next, any_next)
        #: This matcher as a :class:`MultiMatcher` of one (built on first use), for :meth:`find` with ``longest``.
        self._alone: MultiMatcher | None = None

    def find(
        self,
        words: list[str],
        longest: bool = True,
        present: frozenset[str] | set[str] | None = None,
        at: list[int] | None = None,
    ) -> list[Match]:
        """Matches, left to right; with ``longest`` they do not overlap.

        ``present`` (optional) is a set holding every word of ``words`` that can start
        an entry of this matcher (and maybe others): a faster test for "no match".
        ``at`` (optional, ascending) holds every index of ``words`` where an entry of this
        matcher can start (and maybe others); it is ignored when an entry starts with NUM.
        """
        by_first = self.by_first
        num_first = self.num_first
        if num_first:
            starts = [i for i, w in enumerate(words) if w in by_first or is_number(w)]
        elif by_first.keys().isdisjoint(words if present is None else present):
            return []
        elif at is not None:
            starts = [i for i in at if words[i] in by_first]
        else:
            starts = [i for i, w in enumerate(words) if w in by_first]
        if longest and not num_first:
            if self._alone is None:
                self._alone = MultiMatcher([self])
            return self._alone.find(words, starts)[0]
        out: list[Match] = []
        n = len(words)
        free = 0
        for i in starts:
            if i < free:
                continue
            w = words[i]
            cands = by_first.get(w)
            # Candidates are sorted longest first, so the first that matches is the longest
            # (unless number-first patterns were added after them).
            first_wins = longest
            if num_first and is_number(w):
                cands = (cands or []) + num_first
                first_wins = False
            if not cands:
                continue
            best: Match | None = None
            for p in cands:
                slots = p.slots
                k = len(slots)
                if i + k > n:
                    continue
                ok = True
                for t in range(1, k):
                    slot = slots[t]
                    if slot is None:
                        continue
                    word = words[i + t]
                    if slot == "NUM":
                        if not is_number(word):
                            ok = False
                            break
                    elif word not in slot:
                        ok = False
                        break
                if ok:
                    if best is None or k > best.j - best.i:
                        best = Match(i, i + k, p)
                        if first_wins:
                            break
                    if not longest:
                        out.append(Match(i, i + k, p))
            if longest and best is not None:
                out.append(best)
                free = best.j
        return out


class MultiMatcher:
    """Several matchers (none with an entry starting with NUM) matched in one pass, each
    without overlaps: at each start, the first candidate of a matcher that matches (the
    longest: candidates are sorted longest first), unless an earlier match of that matcher
    covers the start."""

    def __init__(self, matchers: list[TokenMatcher]) -> None:
        if any(m.num_first for m in matchers):
            raise ValueError("an entry starts with NUM")
        self._empty: tuple[tuple[()], ...] = ((),) * len(matchers)
        firsts: dict[str, list[int]] = {}
        for index, m in enumerate(matchers):
            for w in m.by_next:
                firsts.setdefault(w, []).append(index)
        #: ``by_first[w]`` is like ``TokenMatcher.by_next[w]``, with the candidates of all the
        #: matchers that have entries starting with ``w``: each with the matcher's index first,
        #: the candidates of one matcher together and in their order.
        self.by_first: dict[str, tuple[dict[str, list[tuple[int, int, tuple[object, ...], Pattern]]], list[tuple[int, int, tuple[object, ...], Pattern]]]] = {}
        for w, indices in firsts.items():
            tables = [(index, matchers[index].by_next[w]) for index in indices]
            nexts: set[str] = set().union(*(t[0] for _, t in tables))
            by_next = {
                w2: [(index, *c) for index, (ns, any_next) in tables for c in ns.get(w2, any_next)] for w2 in nexts
            }
            self.by_first[w] = (by_next, [(index, *c) for index, (_, any_next) in tables for c in any_next])
        #: Every word that can start an entry of one of the matchers.
        self.starters = frozenset(self.by_first)

    def find(self, words: list[str], at: list[int]) -> list[list[Match]]:
        """Matches of each matcher; ``at`` (ascending) holds every index of ``words`` where
        an entry of one of them can start (and maybe others)."""
        out: list[list[Match]] = list(map(list, self._empty))
        free = [0] * len(out)
        n = len(words)
        by_first = self.by_first
        for i in at:
            entry = by_first.get(words[i])
            if entry is None:
                continue
            nexts, any_next = entry
            for index, k, rest, p in nexts.get(words[i + 1], any_next) if i + 1 < n else any_next:
                # Skip a matcher that matched here or over this token already.
                if i < free[index] or i + k > n:
                    continue
                t = i
                for slot in rest:
                    t += 1
                    if slot is not None and words[t] not in slot:  # type: ignore[operator]
                        break
                else:
                    out[index].append(Match(i, i + k, p))
                    free[index] = i + k
        return out


def compile_entries(entries: list[tuple[str, tuple[str, ...]]]) -> TokenMatcher:
    """Compile ``(entry text, tag)`` pairs into a matcher."""
    pats = []
    for text, tag in entries:
        toks = text.lower().split()
        if toks:
            pats.append(Pattern(tuple(_slot(t) for t in toks), text, tag))
    return TokenMatcher(pats)


def _plain(name: str) -> TokenMatcher:
    return compile_entries([(e, ()) for e in read_lines(name)])


def _tagged(name: str, ntags: int) -> TokenMatcher:
    entries = []
    for line in read_lines(name):
        parts = line.split(None, 1)
        if len(parts) != 2:
            continue
        tag = tuple(parts[0].split("/"))[:ntags]
        entries.append((parts[1], tag))
    return compile_entries(entries)


#: Endings of generic drug names (USAN/INN stems): atorvastatin, adalimumab, lisinopril...
_DRUG_STEMS = (
    "statin", "statins", "mab", "pril", "olol", "sartan", "azole", "cillin", "mycin", "cycline", "floxacin",
    "vir", "tinib", "dipine", "prazole", "gliptin", "gliflozin", "glutide", "parin", "oxetine", "triptan",
    "azepam", "barbital", "caine", "dronate", "lukast", "setron", "tidine", "vastatin",
)


class Lexicons:
    """All lexicons, compiled. Use :func:`lexicons` to get the shared instance."""

    def __init__(self) -> None:
        self.hedges = _plain("hedges.txt")
        self.absolutes = _plain("absolutes.txt")
        self.relations = _tagged("relations.txt", 2)
        self.kinds = _tagged("kinds.txt", 1)
        self.intensifiers = frozenset(w.lower() for w in read_lines("intensifiers.txt"))
        self.instructions = frozenset(w.lower() for w in read_lines("instructions.txt"))
        self.advice = _plain("advice.txt")
        self.commercial = _plain("commercial.txt")
        self.disclosure = _plain("disclosure.txt")
        self.risks = _plain("risks.txt")
        self.harms = _plain("harms.txt")
        self.reference_headings = frozenset(w.lower() for w in read_lines("reference_headings.txt"))
        self.credentials = frozenset(read_lines("credentials.txt"))
        att_source: list[str] = []
        att_verbs: list[tuple[str, tuple[str, ...]]] = []
        att_vague: list[tuple[str, tuple[str, ...]]] = []
        for line in read_lines("attributions.txt"):
            kind, _, rest = line.partition(" ")
            if kind == "source":
                att_source.append(rest.strip().lower())
            elif kind == "verb":
                att_verbs.append((rest.strip(), ()))
            elif kind == "vague":
                att_vague.append((rest.strip(), ()))
        self.source_nouns = frozenset(att_source)
        self.report_verbs = compile_entries(att_verbs)
        self.vague = compile_entries(att_vague)
        self.named_sources = [tuple(e.split()) for e in read_lines("named_sources.txt")]
        self.named_first: dict[str, list[tuple[str, ...]]] = {}
        for seq in self.named_sources:
            self.named_first.setdefault(seq[0], []).append(seq)
        for lst in self.named_first.values():
            lst.sort(key=lambda s: -len(s))
        curated = frozenset(w.lower() for w in read_lines("medical_curated.txt"))
        general = frozenset(w.lower() for w in read_lines("not_medical.txt"))
        self.medical = (frozenset(read_lines("medical_terms.txt")) - general) | curated
        #: Every word :meth:`is_medical` accepts: the vocabulary and its plural forms.
        self.medical_forms = _with_plurals(self.medical)
        self.treatments = frozenset(w.lower() for w in read_lines("treatments.txt"))
        #: The lexicons each sentence is matched against, in one pass.
        self.sentence_matcher = MultiMatcher(
            [self.hedges, self.harms, self.relations, self.kinds, self.absolutes, self.vague, self.advice]
        )
        #: Every word that can start an entry of the lexicons each sentence is matched against.
        self.sentence_starters = self.sentence_matcher.starters

    def has_treatment(self, words: list[str]) -> bool:
        """Whether any word names a treatment: listed, or a drug name by its USAN stem."""
        if not self.treatments.isdisjoint(words):
            return True
        return any(w.endswith(_DRUG_STEMS) for w in [w for w in words if len(w) > 6])

    def is_medical(self, word: str) -> bool:
        """Whether a lower-case word is in the medical vocabulary (plurals folded)."""
        return word in self.medical_forms

    def medical_in(self, words: list[str]) -> list[str]:
        """The distinct words of ``words`` that :meth:`is_medical` accepts, sorted."""
        return sorted(self.medical_forms.intersection(words))


def _with_plurals(vocabulary: frozenset[str]) -> frozenset[str]:
    """``vocabulary`` and the plurals that fold to its words: a word longer than four
    characters that ends in "s" and is a word + "s", a word + "es", or a word ending in
    "y" with "ies" for the "y"."""
    # Each form is longer than four characters exactly when its word is long enough.
    long3 = [w for w in vocabulary if len(w) >= 3]
    return vocabulary.union(
        [w + "s" for w in long3 if len(w) >= 4],
        [w + "es" for w in long3],
        [w[:-1] + "ies" for w in long3 if w[-1] == "y"],
    )


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    """The compiled lexicons (loaded once per process)."""
    return Lexicons()
