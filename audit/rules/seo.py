"""SEO rules (SE): keyword stuffing, orphan keyword lines, keyword-stuffed headings.

Search engines' spam policies name "keyword stuffing": filling a page with
keywords or phrases in an attempt to manipulate rankings, often repeated out of
context or as lists. Health pages written for search engines rather than
readers repeat an exact phrase ("the cause of restless leg syndrome") far more
often than any writer would. The counting is in :mod:`audit.promotion.stuffing`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audit.model import Document, Hit
from audit.promotion import LexiconRule
from audit.promotion.analysis import Analysis
from audit.promotion.stuffing import occurrences_of, stopwords, stuffed_phrases
from audit.rules.base import Example, Option, register

_GOOGLE = "Google Search Essentials, spam policies: keyword stuffing"
_BING = "Bing Webmaster Guidelines: keyword stuffing"


_STUFFED = (
    "# The cause of restless leg syndrome\n\n"
    "Knowing the cause of restless leg syndrome matters. Doctors study the cause of restless leg syndrome. "
    "Iron deficiency is one cause of restless leg syndrome, and poor circulation is another cause of restless leg syndrome. "
    "Treating the cause of restless leg syndrome improves sleep.\n\n"
    "the cause of restless leg syndrome\n"
)


def _accepted(settings: Any) -> frozenset[str]:
    return frozenset(t.lower() for t in getattr(settings, "accepted_terms", ()) or ())


@register
class KeywordStuffing(LexiconRule):
    id = "SE001"
    name = "keyword-stuffing"
    category = "seo"
    severity = "warning"
    options = (
        Option("min_words", int, 4, "Shortest phrase counted (words); 3-word medical terms ('type 2 diabetes') are naturally frequent.", minimum=1),
        Option("max_words", int, 6, "Longest phrase counted (words).", minimum=1),
        Option("min_count", int, 5, "A phrase must occur at least this many times."),
        Option("min_density", float, 0.03, "...and its occurrences must cover at least this share of the document's words (0.03 = 3%).", maximum=1),
    )
    what = (
        "Flags an exact phrase of 3 to 6 words repeated far above natural density: at least `min_count` times "
        "and covering at least `min_density` of the document's words. Phrases are counted case-insensitively "
        "within sentences, without leading or trailing stopwords; nested and overlapping phrases are merged so "
        "the longest dominant phrase is reported once, at its first occurrence, with its count and density."
    )
    why = (
        "Repeating a search phrase is written for search engines, not readers: it makes the text hard to read and "
        "signals that the page exists to rank and sell. Google's and Bing's spam policies name keyword stuffing."
    )
    example = "'cause of restless leg syndrome' 10 times in 1,000 words (5% of the text)."
    instead = "Use the phrase once or twice where it reads naturally; otherwise use the abbreviation (RLS), a pronoun or a more specific term."
    references = (_GOOGLE, _BING)
    fail_examples = (Example(_STUFFED),)
    pass_examples = (
        Example("Restless legs syndrome causes an urge to move the legs. Iron deficiency is a common cause. "
                "Treatment depends on the cause, and many people improve with iron or with changes to medicines.\n"),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        for p in stuffed_phrases(an, options["min_words"], options["max_words"], options["min_count"], options["min_density"], _accepted(settings)):
            bi, i = p.occurrences[0]
            info = an.blocks[bi]
            a, b = info.block.map.span(info.toks.starts[i], info.toks.ends[i + len(p.words) - 1])
            merged = ""
            if p.merged:
                merged = " (includes " + ", ".join(f"'{k}' ×{v}" for k, v in sorted(p.merged.items(), key=lambda kv: -kv[1])[:3]) + ")"
            yield Hit(
                a, b,
                f"Keyword stuffing: '{p.text}' occurs {p.count} times in {an.words} words ({p.density:.1%} of the text){merged}.",
                "Use the phrase once or twice where it reads naturally; elsewhere use the abbreviation, a pronoun or a more specific term.",
                data={"phrase": p.text, "count": p.count, "density": round(p.density, 4), "words": an.words, "merged": p.merged},
            )


@register
class OrphanKeywordLine(LexiconRule):
    id = "SE002"
    name = "orphan-keyword-line"
    category = "seo"
    severity = "warning"
    options = (
        Option("max_words", int, 8, "A line of at most this many words can be an orphan keyword line."),
        Option("min_repeats", int, 2, "The line's phrase must occur at least this many times elsewhere in the document."),
    )
    what = (
        "Flags a short standalone line that is nothing but a phrase repeated elsewhere in the document, such as a "
        "search phrase left alone on the last line of a page. Headings are exempt unless they are the last line."
    )
    why = "A bare keyword line is not written for readers; it exists to add one more exact match for search engines (Google spam policies: keyword stuffing)."
    example = "The page ends with the line 'the cause of restless leg syndrome' on its own."
    instead = "Delete the line."
    references = (_GOOGLE,)
    fail_examples = (Example(_STUFFED),)
    pass_examples = (
        Example("# Iron deficiency\n\nIron deficiency is common. Iron deficiency can cause tiredness.\n\nSee also\n"),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        stop = stopwords()
        accepted = _accepted(settings)
        last = max((bi for bi, info in enumerate(an.blocks) if len(info.toks)), default=-1)
        for bi, info in enumerate(an.blocks):
            toks = info.toks
            n = len(toks)
            if n < 2 or n > options["max_words"] or (info.block.kind == "heading" and bi != last):
                continue
            tail = info.block.text[toks.ends[-1] :].strip()
            if tail[-1:] in (".", "!", "?", ":", ";") or not all(toks.joined[1:]):
                continue
            words = tuple(toks.lower)
            if sum(1 for w in words if w not in stop) < 2 or " ".join(words) in accepted:
                continue
            count = occurrences_of(an, words, skip_block=bi)
            if count < options["min_repeats"]:
                continue
            a, b = info.block.map.span(toks.starts[0], toks.ends[-1])
            where = "last line" if bi == last else "standalone line"
            yield Hit(a, b, f"Orphan keyword line: this {where} is only the phrase '{' '.join(words)}', which occurs {count} more times in the text.",
                      "Delete the line.", data={"phrase": " ".join(words), "count": count})


@register
class HeadingKeywordRepetition(LexiconRule):
    id = "SE003"
    name = "heading-keyword-repetition"
    category = "seo"
    severity = "warning"
    options = (
        Option("min_headings", int, 4, "Only documents with at least this many headings are checked."),
        Option("min_share", float, 0.5, "Report a phrase found in at least this share of the headings.", maximum=1),
        Option("min_words", int, 4, "Shortest phrase considered (words); a condition name alone is natural in headings.", minimum=1),
    )
    what = "Flags an exact phrase of at least `min_words` words repeated in most of a document's headings (by default half or more of at least 4 headings)."
    why = "Headings that all repeat the same search phrase are written for search engines and make the outline useless to readers (Google spam policies: keyword stuffing)."
    example = "'restless leg syndrome symptoms in feet' in 6 of 12 headings."
    instead = "Let each heading say what its section covers ('Symptoms', 'Diagnosis', 'Treatment'); the title already names the condition."
    references = (_GOOGLE,)
    fail_examples = (
        Example("# Leg cramps at night in older adults\n\nText.\n\n## Causes of leg cramps at night in older adults\n\nText.\n\n"
                "## Treating leg cramps at night in older adults\n\nText.\n\n## Preventing leg cramps at night in older adults\n\nText.\n"),
    )
    pass_examples = (
        Example("# Leg cramps at night\n\nText.\n\n## Causes\n\nText.\n\n## Treatment\n\nText.\n\n## Prevention\n\nText.\n"),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        heads = [bi for bi, info in enumerate(an.blocks) if info.block.kind == "heading" and len(info.toks)]
        if len(heads) < options["min_headings"]:
            return
        stop = stopwords()
        accepted = _accepted(settings)
        seen: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        for bi in heads:
            toks = an.blocks[bi].toks
            lower, joined = toks.lower, toks.joined
            mine: set[tuple[str, ...]] = set()
            for i in range(len(lower)):
                run_end = i + 1
                while run_end < len(lower) and joined[run_end]:
                    run_end += 1
                for j in range(i + options["min_words"], min(run_end, i + 8) + 1):
                    g = tuple(lower[i:j])
                    if g in mine or g[0] in stop or g[-1] in stop:
                        continue
                    mine.add(g)
                    seen.setdefault(g, []).append((bi, i))
        need = max(2, options["min_share"] * len(heads))
        cands = [(g, occ) for g, occ in seen.items() if len(occ) >= need and " ".join(g) not in accepted]
        if not cands:
            return
        g, occ = max(cands, key=lambda c: (len(c[1]) * len(c[0]), len(c[0])))
        bi, i = occ[0]
        info = an.blocks[bi]
        a, b = info.block.map.span(info.toks.starts[i], info.toks.ends[i + len(g) - 1])
        phrase = " ".join(g)
        yield Hit(a, b, f"Keyword-stuffed headings: '{phrase}' appears in {len(occ)} of {len(heads)} headings.",
                  "Let each heading say what its section covers; the title already names the topic.",
                  data={"phrase": phrase, "headings": len(occ), "total_headings": len(heads)})
