"""Readability: textstat grade formulas over the prose of a document and of each section.

What enters the formulas (see docs/readability.md):

* **Prose sentences only.** A sentence counts when it is in a paragraph, a
  quotation or a list item, ends in terminal punctuation (``.``, ``!``, ``?``,
  ``…``, or ``:`` before a list; closing quotes and brackets may follow) and
  has at least three words. Headings, table cells, list fragments without
  terminal punctuation ("Leg cramps", "Call today") and one- or two-word
  sentences are left out of the formulas: counted as sentences they make the
  text look easier than it is, glued onto the next sentence they make it look
  harder, and in both cases the grade moves by several levels. They are
  counted in ``words_total`` / ``sentences_total`` and in ``excluded``.
* **Not the reference list.** Entries of a reference section or footnote
  definitions (as the claim analysis finds them: ``audit.claims.evidence``) are
  citations, not prose: with them, the better sourced an article, the harder
  it would look. They are counted in ``excluded["references"]``.
* **textstat sees our sentences.** The formula text is one sentence per line,
  built from our word tokens joined by spaces, with periods inside tokens
  removed ("3.5", "e.g.") and a single period at the end. textstat's own
  sentence and word counts then equal ours (a test checks it).
* **Syllables are ours.** textstat 0.7.13 would download the CMU dictionary through NLTK;
  :func:`_patch_textstat` makes it use :func:`audit.nlp.syllables.count`
  (the CMU dictionary shipped as a compact table, acronyms spelled out,
  figures read aloud) and never reach NLTK. Older textstat releases (0.7.3 to
  0.7.6, Pyphen only) are patched through their Pyphen object the same way.

``measure(doc, settings)`` returns textstat's metric names as keys, plus
``words``, ``sentences``, ``avg_sentence_length``, ``polysyllabic_share``,
``scored`` / ``notice`` and ``sections``.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

from audit.model import Block, Document, Sentence
from audit.nlp.syllables import count as syllables

__all__ = ["METRICS", "formula_text", "is_prose", "measure", "metrics_for", "prose_sentences", "textstat_metrics"]

#: The textstat metrics reported, in output order.
METRICS = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "smog_index",
    "gunning_fog",
    "coleman_liau_index",
    "automated_readability_index",
    "dale_chall_readability_score",
    "text_standard",
)
#: Fewest words a sentence needs to enter the formulas (textstat ignores shorter ones).
MIN_SENTENCE_WORDS = 3
_PROSE_KINDS = ("paragraph", "quote", "list_item")
_TERMINAL = ".!?…:"
_CLOSING = "\"'”’»)]}*_"

# --- textstat without downloads ----------------------------------------------

_LOCK = threading.RLock()
#: Per-call syllable counts keyed the way textstat keys words (lower case, punctuation removed).
_OVERRIDES: dict[str, int] = {}
_PHONES = [["1"] * n for n in range(64)]


class _SyllableDictionary:
    """Stands in for NLTK's cmudict inside textstat: every word is known."""

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str)

    def __getitem__(self, word: str) -> list[list[str]]:
        n = _OVERRIDES.get(word)
        if n is None:
            n = syllables(word)
        return [_PHONES[min(n, 63)]]


class _Hyphenator:
    """Stands in for Pyphen in textstat releases that count syllables with it."""

    def positions(self, word: str) -> list[int]:
        n = _OVERRIDES.get(word)
        if n is None:
            n = syllables(word)
        return list(range(max(0, n - 1)))


_TEXTSTAT: Any = None


def _patch_textstat() -> Any:
    """Import textstat once, routing its syllable counts to :mod:`audit.nlp.syllables`."""
    global _TEXTSTAT
    if _TEXTSTAT is not None:
        return _TEXTSTAT
    with _LOCK:
        if _TEXTSTAT is not None:
            return _TEXTSTAT
        import textstat

        shim = _SyllableDictionary()
        try:  # textstat >= 0.7.7: backend modules, cmudict via NLTK
            import textstat.backend.utils as ts_utils
            from textstat.backend.counts import _count_syllables
            from textstat.backend.utils import _get_cmudict

            def get_cmudict(lang: str) -> _SyllableDictionary:
                return shim

            _count_syllables.get_cmudict = get_cmudict
            _get_cmudict.get_cmudict = get_cmudict
            ts_utils.get_cmudict = get_cmudict
            _count_syllables.count_syllables.cache_clear()
        except ImportError:  # textstat 0.7.3-0.7.6: one class, Pyphen only
            textstat.textstat.pyphen = _Hyphenator()
            for name in ("syllable_count", "polysyllabcount", "lexicon_count"):
                cache_clear = getattr(getattr(type(textstat.textstat), name, None), "cache_clear", None)
                if cache_clear is not None:
                    cache_clear()
        _TEXTSTAT = textstat
        return textstat


def _textstat_key(word: str) -> str:
    """A formula word as textstat's ``list_words(..., lowercase=True)`` yields it."""
    w = word.lower()
    if w.isalnum():  # the common case: every character is kept
        return w
    out = []
    for i, ch in enumerate(w):
        if ch.isalnum() or ch == "_" or ch == "'" and w[i + 1 : i + 3] and (w[i + 1 : i + 2] in "tsd" or w[i + 1 : i + 3] in ("ve", "ll", "re")):
            out.append(ch)
    return "".join(out)


# --- what enters the formulas ------------------------------------------------


def _ends_terminal(text: str) -> bool:
    t = text.rstrip().rstrip(_CLOSING)
    return bool(t) and t[-1] in _TERMINAL


def is_prose(sentence: Sentence) -> bool:
    """Whether a sentence enters the grade formulas (see module docs)."""
    block = sentence.block
    if block.kind not in _PROSE_KINDS:
        return False
    if len(sentence.tokens) < MIN_SENTENCE_WORDS:
        return False
    return _ends_terminal(sentence.text)


def reference_blocks(doc: Document, settings: Any) -> set[int]:
    """The blocks (their ``id``) that are reference entries or footnote definitions."""
    from audit.claims.evidence import document_evidence

    ev = document_evidence(doc, settings)
    if not ev.reference_blocks:
        return set()
    blocks = doc.blocks
    return {id(blocks[i]) for i in ev.reference_blocks}


def prose_sentences(doc: Document) -> Iterator[Sentence]:
    """The sentences of ``doc`` that enter the formulas, in order."""
    for s in doc.sentences():
        if is_prose(s):
            yield s


def _formula_words(sentence: Sentence) -> list[str]:
    text = sentence.block.text
    out = []
    for a, b in sentence.tokens:
        w = text[a:b].replace("’", "'")
        if "." in w or "!" in w or "?" in w:
            w = w.replace(".", "").replace("!", "").replace("?", "")
        out.append(w)
    return out


def formula_text(sentences: list[Sentence]) -> str:
    """The text given to textstat: one sentence per line, words joined by spaces, one period each."""
    return "\n".join(" ".join(_formula_words(s)) + "." for s in sentences)


def _round(x: float) -> float:
    return round(float(x), 2)


_EASY: frozenset[str] | None = None


def _easy_words() -> frozenset[str]:
    """textstat's Dale-Chall list of 3,000 familiar words (shipped inside textstat)."""
    global _EASY
    if _EASY is None:
        text = _textstat_resource("resources/en/easy_words.txt")
        _EASY = frozenset(line.strip() for line in text.splitlines() if line.strip())
    return _EASY


def _textstat_resource(name: str) -> str:
    """A data file shipped inside textstat, read without importing textstat (about 40 ms)."""
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("textstat")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    from importlib.resources import files  # a zipped install: let textstat's loader find it

    ref = files("textstat").joinpath(name)
    return ref.read_text(encoding="utf-8") if ref.is_file() else ""  # every textstat >= 0.7.3 ships it


def _consensus(fk: float, fre: float, smog: float, cli: float, ari: float, dc: float, lw: float, fog: float) -> float:
    """textstat's ``text_standard`` consensus: the most frequent of the rounded grades."""
    grade: list[int] = []

    def add(x: float) -> None:
        grade.extend([math.floor(x), math.ceil(x), round(x)])

    add(fk)
    for lo, g in ((90, (5,)), (80, (6,)), (70, (7,)), (60, (8, 9)), (50, (10,)), (40, (11,)), (30, (12,))):
        if lo <= fre < lo + 10:
            grade.extend(g)
            break
    else:
        grade.append(13)
    for x in (smog, cli, ari, dc, lw, fog):
        add(x)
    # textstat clamps the consensus to kindergarten..graduate school (1-18).
    return float(max(1, min(Counter(grade).most_common(1)[0][0], 18)))


def _linsear(per_sentence: list[list[int]]) -> float:
    """textstat's Linsear Write as ``text_standard`` computes it: the first 100 words only."""
    easy = hard = 0
    sentences = 0
    taken = 0
    for syl in per_sentence:
        part = syl[: 100 - taken]
        taken += len(part)
        hard += sum(1 for n in part if n >= 3)
        easy += sum(1 for n in part if 0 < n < 3)
        if len(part) > 2:
            sentences += 1
        if taken >= 100:
            break
    number = (easy + 3 * hard) / max(1, sentences)
    if number <= 20:
        number -= 2
    return number / 2


#: Per word token (as it stands in the text): ``(syllables, letters, characters, not a Dale-Chall easy word)``.
_WORD_STATS: dict[str, tuple[int, int, int, bool]] = {}
#: :data:`_WORD_STATS` is emptied when it grows past this many word types.
_WORD_STATS_MAX = 50_000

#: Per sentence: ``(words, syllables, polysyllables, letters, characters, fog hard words,
#: Dale-Chall hard words, syllables of each word)``.
_SentenceStats = tuple[int, int, int, int, int, int, int, list[int]]


def _word_stats(token: str) -> tuple[int, int, int, bool]:
    """The counts one word token adds to the formulas (see :func:`_formula_words`)."""
    w = token.replace("’", "'")
    if "." in w or "!" in w or "?" in w:
        w = w.replace(".", "").replace("!", "").replace("?", "")
    key = _textstat_key(w)
    stats = (syllables(w), len(key) - key.count("'"), len(w), key not in _easy_words())
    if len(_WORD_STATS) >= _WORD_STATS_MAX:
        _WORD_STATS.clear()
    _WORD_STATS[token] = stats
    return stats


def _sentence_stats(sentence: Sentence) -> _SentenceStats:
    """The formula counts of one prose sentence (each word type is counted once per process)."""
    text = sentence.block.text
    cache = _WORD_STATS
    syl: list[int] = []
    n_syll = n_poly = n_letters = n_fog_hard = n_dc_hard = 0
    n_chars = 1  # the sentence's final period
    for a, b in sentence.tokens:
        token = text[a:b]
        stats = cache.get(token)
        if stats is None:
            stats = _word_stats(token)
        n, letters, chars, hard = stats
        syl.append(n)
        n_letters += letters
        n_chars += chars
        if hard:
            n_dc_hard += 1
            if n >= 3:
                n_fog_hard += 1
        if n >= 3:
            n_poly += 1
        n_syll += n
    return (len(syl), n_syll, n_poly, n_letters, n_chars, n_fog_hard, n_dc_hard, syl)


def metrics_for(sentences: list[Sentence]) -> dict[str, Any]:
    """Counts and the textstat metrics of a list of prose sentences.

    The formulas are textstat 0.7.13's, computed from our own counts (one
    pass, no re-tokenising): the same numbers textstat gives for
    :func:`formula_text` (``tests/test_readability.py`` checks they agree),
    about ten times faster.
    """
    return _metrics([_sentence_stats(s) for s in sentences])


def _metrics(stats: list[_SentenceStats]) -> dict[str, Any]:
    """:func:`metrics_for` from per-sentence counts (sums of integers, then the formulas)."""
    n_words = n_syll = n_poly = n_letters = n_chars = n_fog_hard = n_dc_hard = 0
    for st in stats:
        n_words += st[0]
        n_syll += st[1]
        n_poly += st[2]
        n_letters += st[3]
        n_chars += st[4]
        n_fog_hard += st[5]
        n_dc_hard += st[6]
    n_sent = len(stats)
    out: dict[str, Any] = {
        "words": n_words,
        "sentences": n_sent,
        "syllables": n_syll,
        "avg_sentence_length": _round(n_words / n_sent) if n_sent else 0.0,
        "polysyllabic_share": _round(n_poly / n_words) if n_words else 0.0,
    }
    if not n_sent or not n_words:
        out.update(dict.fromkeys(METRICS))
        return out
    wps = n_words / n_sent
    spw = n_syll / n_words
    fre = 206.835 - 1.015 * wps - 84.6 * spw if spw else 0.0
    fk = 0.39 * wps + 11.8 * spw - 15.59 if spw else 0.0
    smog = 1.043 * (30 * n_poly / n_sent) ** 0.5 + 3.1291
    fog = 0.4 * (wps + 100 * n_fog_hard / n_words)
    cli = 0.058 * (100 * n_letters / n_words) - 0.296 * (100 * n_sent / n_words) - 15.8 if n_letters else 0.0
    ari = 4.71 * (n_chars / n_words) + 0.5 * wps - 21.43
    pdw = 100 * n_dc_hard / n_words
    dc = 0.1579 * pdw + 0.0496 * wps + (3.6365 if pdw > 5 else 0.0)
    ts = _consensus(fk, fre, smog, cli, ari, dc, _linsear([st[7] for st in stats]), fog)
    values = (fre, fk, smog, fog, cli, ari, dc, ts)
    out.update({name: _round(v) for name, v in zip(METRICS, values, strict=True)})
    return out


def _clear_textstat_caches(ts: Any) -> None:
    """textstat caches per-word syllable counts across texts; our counts are per text."""
    import sys

    for mod_name, mod in list(sys.modules.items()):
        if mod is None or not mod_name.startswith("textstat"):
            continue
        for obj in vars(mod).values():
            clear = getattr(obj, "cache_clear", None)
            if callable(clear):
                clear()


def textstat_metrics(sentences: list[Sentence]) -> dict[str, float]:
    """The same metrics computed by textstat itself on :func:`formula_text` (reference, slow)."""
    text = formula_text(sentences)
    ts = _patch_textstat()
    counts = {w: syllables(w) for s in sentences for w in _formula_words(s)}
    out: dict[str, float] = {}
    with _LOCK:
        _OVERRIDES.clear()
        for w, n in counts.items():
            _OVERRIDES.setdefault(_textstat_key(w), n)
        _clear_textstat_caches(ts)
        try:
            for name in METRICS:
                fn = getattr(ts, name)
                value = fn(text, float_output=True) if name == "text_standard" else fn(text)
                out[name] = _round(value)
        finally:
            _OVERRIDES.clear()
    return out


# --- per document and per section ---------------------------------------------


def _heading_of(doc: Document) -> dict[int, Block]:
    out: dict[int, Block] = {}
    for b in doc.blocks:
        if b.kind == "heading" and b.section not in out:
            out[b.section] = b
    return out


def _score(result: dict[str, Any], min_words: int, what: str) -> None:
    scored = result["words"] >= min_words and result["sentences"] > 0
    result["scored"] = scored
    if not scored:
        result["notice"] = (
            f"{what} has {result['words']} words of prose, fewer than the {min_words} needed "
            "for a reliable grade; no grade is given"
        )
        for name in METRICS:
            result[name] = None


def measure(doc: Document, settings: Any) -> dict[str, Any]:
    """Readability of ``doc`` and of each section (heading to heading).

    Keys: the textstat metric names (``None`` when not scored), ``words``,
    ``sentences``, ``syllables``, ``avg_sentence_length`` and
    ``polysyllabic_share`` of the prose that entered the formulas,
    ``words_total`` / ``sentences_total`` over every block, ``excluded``
    (sentences left out, by reason), ``scored``, ``notice`` (when not scored),
    ``min_words`` and ``sections``.
    """
    min_words = int(getattr(settings, "readability_min_words", 100) or 100)
    all_sents = list(doc.sentences())
    prose: list[Sentence] = []
    excluded = {"headings": 0, "fragments": 0, "short": 0, "tables": 0, "references": 0}
    words_total = 0
    references = reference_blocks(doc, settings)
    for s in all_sents:
        kind = s.block.kind
        n = len(s.tokens)
        words_total += n
        if kind == "heading":
            excluded["headings"] += 1
        elif references and id(s.block) in references:
            excluded["references"] += 1
        elif kind not in _PROSE_KINDS:
            excluded["tables"] += 1
        elif n < MIN_SENTENCE_WORDS:
            excluded["short"] += 1
        elif not _ends_terminal(s.text):
            excluded["fragments"] += 1
        else:
            prose.append(s)
    # Each prose sentence is counted once; the document and its sections sum those counts.
    stats = [_sentence_stats(s) for s in prose]
    result = _metrics(stats)
    whole = {k: result[k] for k in _SECTION_KEYS}
    result["words_total"] = words_total
    result["sentences_total"] = len(all_sents)
    result["excluded"] = excluded
    result["min_words"] = min_words
    _score(result, min_words, "The document")

    headings = _heading_of(doc)
    by_section: dict[int, list[Sentence]] = {}
    section_stats: dict[int, list[_SentenceStats]] = {}
    for s, st in zip(prose, stats, strict=True):
        by_section.setdefault(s.block.section, []).append(s)
        section_stats.setdefault(s.block.section, []).append(st)
    sections = []
    for idx in sorted(set(by_section) | set(headings)):
        h = headings.get(idx)
        sents = by_section.get(idx, [])
        if h is not None:
            line = doc.position(h.source_span()[0])[0]
        elif sents:
            line = doc.position(sents[0].source_span()[0])[0]
        else:
            line = 1
        sec: dict[str, Any] = {"heading": h.text.strip() if h is not None else None, "line": line}
        # One section holding all the prose has the document's numbers: skip recomputing.
        sec.update(dict(whole) if len(sents) == len(prose) else _metrics(section_stats.get(idx, [])))
        _score(sec, min_words, "This section")
        sections.append(sec)
    result["sections"] = sections
    return result


_SECTION_KEYS = ("words", "sentences", "syllables", "avg_sentence_length", "polysyllabic_share", *METRICS)
