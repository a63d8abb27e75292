"""Readability rules (RD): grade level, long sentences, long paragraphs, plain words.

Patient materials should read at about a 6th to 8th grade level (NIH/NLM,
AMA, CDC Clear Communication Index). The grade comes from
:func:`audit.readability.measure` (computed once per document by the engine
and shared through ``doc.cache["readability"]``); see docs/readability.md for
what text enters the formulas.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from audit.datafiles import data_lines
from audit.model import WHOLE_DOCUMENT, Block, Document, Hit, Sentence
from audit.rules.base import Context, Example, Option, Rule, register

_NLM = "NIH National Library of Medicine, MedlinePlus: How to Write Easy-to-Read Health Materials (aim for 7th-8th grade or lower)"
_AMA = "Weiss BD. Health Literacy and Patient Safety: Help Patients Understand. AMA Foundation, 2007 (patient materials at or below 6th grade)"
_CDC = "CDC Clear Communication Index (2019), item 3.x and the CDC Simply Put guide: short sentences, everyday words"
_SMOG = "McLaughlin GH. SMOG Grading: a new readability formula. Journal of Reading 1969;12(8):639-646"
_PLAIN = "Federal Plain Language Guidelines (plainlanguage.gov), 2011: sentences of 20 words or fewer, paragraphs of one topic"
_NAMES = {
    "smog_index": "SMOG",
    "flesch_kincaid_grade": "Flesch-Kincaid grade",
    "gunning_fog": "Gunning fog",
    "coleman_liau_index": "Coleman-Liau",
    "automated_readability_index": "ARI",
    "dale_chall_readability_score": "Dale-Chall",
    "flesch_reading_ease": "Flesch reading ease",
    "text_standard": "consensus grade",
}

_HARD_TEXT = (
    "# Chronic venous insufficiency\n\n"
    "Chronic venous insufficiency is a multifactorial pathophysiological condition characterized by "
    "persistent venous hypertension, valvular incompetence, and progressive inflammatory remodeling of the "
    "venous microcirculation. Epidemiological investigations consistently demonstrate considerable variability "
    "in prevalence estimates, attributable primarily to heterogeneous diagnostic methodologies and "
    "inconsistent classification criteria. Contemporary therapeutic interventions, including endovenous "
    "thermal ablation, ultrasound-guided foam sclerotherapy, and compression therapy, demonstrate "
    "comparable effectiveness regarding symptomatic amelioration, although comparative investigations "
    "evaluating long-term recurrence remain methodologically limited. Individualized management necessitates "
    "comprehensive evaluation incorporating duplex ultrasonography, clinical classification, and "
    "consideration of comorbid cardiovascular, metabolic, and musculoskeletal abnormalities. Pharmacological "
    "adjuncts, particularly venoactive flavonoid preparations, demonstrate statistically significant "
    "improvements in subjective symptomatology, notwithstanding substantial methodological heterogeneity.\n"
)
_EASY_TEXT = (
    "# Leg veins\n\n"
    "Your veins carry blood back to your heart. Small valves in the veins keep the blood from going the "
    "wrong way. When the valves get weak, blood can pool in your legs. Your legs may feel heavy or tired. "
    "They may swell at the end of the day. You may see veins that bulge. This is common, and it is not "
    "your fault. Walking helps the blood move. So does putting your feet up when you rest. Tight socks can "
    "help too. Ask your doctor which kind to buy. Call your doctor if a leg gets red, hot, or very sore. "
    "Call right away if you feel short of breath.\n"
)


def _readability(doc: Document, ctx: Context) -> dict[str, Any]:
    cached = doc.cache.get("readability")
    if cached is not None:
        return cached
    from audit.readability import measure

    return doc.memo("readability", lambda d: measure(d, ctx.settings))


def _anchor(doc: Document) -> tuple[int, int]:
    """Source span of the first heading, else of the first sentence, else the start."""
    first: Sentence | None = None
    for s in doc.sentences():
        if s.block.kind == "heading":
            return s.source_span()
        if first is None:
            first = s
    return first.source_span() if first is not None else (0, 0)


def _too_high(metric: str, value: float, target: float) -> bool:
    return value < target if metric == "flesch_reading_ease" else value > target


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


@register
class GradeAboveTarget(Rule):
    id = "RD001"
    name = "grade-above-target"
    category = "readability"
    severity = "warning"
    options = (
        Option("per_section", bool, False, "Also report each section (heading to heading) whose grade misses the target."),
    )
    what = (
        "Reports a document whose reading grade is above the target (by default SMOG grade 8; "
        "`[readability] metric` and `target` in the config). For `flesch_reading_ease` the target is a minimum "
        "score (e.g. 60) and the finding is raised below it. One finding per document, on the first heading "
        "(or first sentence), naming the hardest sections; with `per_section = true`, one more per section "
        "that misses the target, on its heading."
    )
    why = (
        "Most adults read comfortably at about an 8th grade level and many patients read lower. The NIH/NLM and "
        "the AMA recommend writing patient materials at a 6th to 8th grade level, and the CDC Clear Communication "
        "Index scores materials on short sentences and everyday words. SMOG (McLaughlin 1969) is the usual "
        "choice for health materials because it predicts full comprehension and is validated on them. Only "
        "prose sentences enter the formulas (docs/readability.md): headings and list fragments would move "
        "the grade by several levels."
    )
    example = "Reading grade 16.1 (SMOG) is above the target of 8; hardest section: \"Treatment\" (17.2)."
    instead = "Split long sentences, use everyday words (\"use\" not \"utilize\"), explain or replace medical terms."
    references = (_NLM, _AMA, _CDC, _SMOG)
    fail_examples = (Example(_HARD_TEXT),)
    pass_examples = (Example(_EASY_TEXT),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        r = _readability(doc, ctx)
        if not r or not r.get("scored"):
            return
        metric = ctx.settings.readability_metric
        target = float(ctx.settings.readability_target)
        value = r.get(metric)
        if value is None:
            return
        label = _NAMES.get(metric, metric)
        kind = "score" if metric == "flesch_reading_ease" else "grade"
        sections = [s for s in r.get("sections", []) if s.get("scored") and s.get(metric) is not None]
        if _too_high(metric, value, target):
            worst = [s for s in sections if _too_high(metric, s[metric], target) and s.get("heading")]
            worst.sort(key=lambda s: s[metric], reverse=metric != "flesch_reading_ease")
            hardest = "; hardest section: " + ", ".join(f"\"{s['heading']}\" ({_fmt(s[metric])})" for s in worst[:2]) if worst else ""
            relation = "below the minimum" if metric == "flesch_reading_ease" else "above the target"
            a, b = _anchor(doc)
            yield Hit(
                a, b,
                f"Reading {kind} {_fmt(value)} ({label}) is {relation} of {_fmt(target)}{hardest}",
                "Split long sentences and use everyday words; aim for sentences of about 15 words and "
                "explain medical terms the first time they appear.",
                data={"metric": metric, "value": value, "target": target, **WHOLE_DOCUMENT},
            )
        if ctx.options.get("per_section"):
            # A section's heading is the next heading, in document order, on the section's line
            # with its title: two sections may share a title, and a minified page puts every
            # heading on line 1.
            on_line: dict[int, list[Block]] = {}
            for blk in doc.blocks:
                if blk.kind == "heading":
                    on_line.setdefault(doc.position(blk.source_span()[0])[0], []).append(blk)
            for s in sections:
                h = None
                if s.get("heading") is not None:
                    waiting = on_line.get(s.get("line", 0), [])
                    k = next((k for k, blk in enumerate(waiting) if blk.text.strip() == s["heading"]), None)
                    h = waiting.pop(k) if k is not None else None
                if h is None or not _too_high(metric, s[metric], target):
                    continue
                a, b = h.source_span()
                yield Hit(
                    a, b,
                    f"Section reading {kind} {_fmt(s[metric])} ({label}) misses the target of {_fmt(target)}",
                    "Shorten the sentences and simplify the words in this section.",
                    data={"metric": metric, "value": s[metric], "target": target, "section": s.get("heading")},
                )


def _references(doc: Document, ctx: Context) -> set[int]:
    """The blocks (``id``) of the reference list and footnote definitions: citations, not prose."""
    from audit.readability import reference_blocks

    return reference_blocks(doc, ctx.settings)


def _body_sentences(doc: Document, ctx: Context) -> Iterator[Sentence]:
    references = _references(doc, ctx)
    for s in doc.sentences():
        if s.block.kind in ("paragraph", "quote", "list_item") and id(s.block) not in references:
            yield s


@register
class SentenceTooLong(Rule):
    id = "RD002"
    name = "sentence-too-long"
    category = "readability"
    severity = "warning"
    options = (Option("max_words", int, 25, "Longest sentence allowed, in words.", minimum=1),)
    what = "Reports a sentence in a paragraph, quotation or list item with more words than `max_words` (25)."
    why = (
        "Sentence length is the strongest single predictor in every grade formula, and long sentences are "
        "where readers lose the thread. Plain-language guidance for health materials asks for sentences of "
        "about 15 to 20 words (CDC Simply Put, Federal Plain Language Guidelines), and the CDC Clear "
        "Communication Index counts short sentences as a mark of clear material."
    )
    example = "Sentence has 38 words (limit 25)."
    instead = "Split the sentence where the ideas change; keep one idea per sentence."
    references = (_CDC, _PLAIN, _NLM)
    fail_examples = (
        Example(
            "Restless legs syndrome is a common neurological condition that causes an uncomfortable urge to move "
            "the legs, especially in the evening or at night, and it can disturb sleep, reduce quality of life and "
            "lead to daytime tiredness for many people.\n"
        ),
    )
    pass_examples = (
        Example(
            "Restless legs syndrome is common. It causes an urge to move your legs, often at night. "
            "It can make it hard to sleep.\n"
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        limit = int(ctx.options["max_words"])
        for s in _body_sentences(doc, ctx):
            n = len(s.tokens)
            if n > limit:
                a, b = s.source_span()
                yield Hit(
                    a, b,
                    f"Sentence has {n} words (limit {limit})",
                    "Split it into two or more sentences, one idea each; aim for about 15 words.",
                    data={"words": n, "limit": limit},
                )


@register
class ParagraphTooLong(Rule):
    id = "RD003"
    name = "paragraph-too-long"
    category = "readability"
    severity = "info"
    options = (
        Option("max_sentences", int, 5, "Most sentences allowed in one paragraph.", minimum=1),
        Option("max_words", int, 150, "Most words allowed in one paragraph.", minimum=1),
    )
    what = (
        "Reports a paragraph with more than `max_sentences` (5) sentences or more than `max_words` (150) words, "
        "on its first sentence."
    )
    why = (
        "Long blocks of text discourage readers with limited health literacy and are hard to scan on a phone. "
        "The NLM easy-to-read guidance and the Federal Plain Language Guidelines recommend short paragraphs "
        "that each cover one topic; the CDC Clear Communication Index rewards material that is chunked."
    )
    example = "Paragraph has 8 sentences and 190 words (limits 5 sentences, 150 words)."
    instead = "Break the paragraph where the topic shifts, or turn a series of steps or symptoms into a list."
    references = (_NLM, _PLAIN, _CDC)
    fail_examples = (
        Example(
            "Your veins carry blood to your heart. Valves keep it moving. Weak valves let blood pool. "
            "Your legs may ache. They may swell. You may see bulging veins. Walking helps.\n"
        ),
    )
    pass_examples = (Example("Your veins carry blood to your heart. Valves keep it moving.\n\nWalking helps.\n"),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        max_s = int(ctx.options["max_sentences"])
        max_w = int(ctx.options["max_words"])
        seen: set[int] = _references(doc, ctx)
        for s in doc.sentences():
            block: Block = s.block
            if block.kind != "paragraph" or id(block) in seen:
                continue
            seen.add(id(block))
            n_s = len(block.sentences)
            n_w = sum(len(x.tokens) for x in block.sentences)
            if n_s > max_s or n_w > max_w:
                a, b = block.sentences[0].source_span()
                yield Hit(
                    a, b,
                    f"Paragraph has {n_s} sentences and {n_w} words (limits {max_s} sentences, {max_w} words)",
                    "Break it into shorter paragraphs, one topic each, or use a list.",
                    data={"sentences": n_s, "words": n_w},
                )


@register
class TooShortToScore(Rule):
    id = "RD004"
    name = "too-short-to-score"
    category = "readability"
    severity = "info"
    what = (
        "Notes that a document has too little prose for a reliable reading grade (fewer than "
        "`[readability] min_words`, 100 by default), so no grade is given and RD001 does not run."
    )
    why = (
        "Grade formulas are averages: on a few sentences one long word moves the grade by several levels. "
        "McLaughlin's SMOG was calibrated on 30-sentence samples, and textstat returns misleading numbers on "
        "short text. A notice is more honest than a grade no one should trust."
    )
    example = "The document has 42 words of prose, fewer than the 100 needed for a reliable grade; no grade is given."
    instead = "Check short pages by reading them aloud, or lower `min_words` if you accept less reliable grades."
    references = (_SMOG, _NLM)
    fail_examples = (Example("# Leg cramps\n\nStretch your calf before bed. Drink water during the day.\n"),)
    pass_examples = (Example(_EASY_TEXT),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        r = _readability(doc, ctx)
        if not r or r.get("scored") or not r.get("words_total"):
            return
        a, b = _anchor(doc)
        yield Hit(a, b, r.get("notice", "Too little prose for a reliable grade"), None,
                  data={"words": r.get("words", 0), **WHOLE_DOCUMENT})


@lru_cache(maxsize=1)
def _plain_words() -> tuple[dict[tuple[str, ...], str], int]:
    table: dict[tuple[str, ...], str] = {}
    longest = 1
    for line in data_lines("readability", "plain_words.txt"):
        if "->" not in line:
            continue
        hard, _, plain = line.partition("->")
        key = tuple(hard.strip().lower().split())
        if key:
            table[key] = plain.strip()
            longest = max(longest, len(key))
    return table, longest


@lru_cache(maxsize=1)
def _plain_starts() -> dict[str, tuple[int, ...]]:
    """First word of each listed phrase -> the phrase lengths starting with it, longest first."""
    starts: dict[str, set[int]] = {}
    for key in _plain_words()[0]:
        starts.setdefault(key[0], set()).add(len(key))
    return {w: tuple(sorted(ns, reverse=True)) for w, ns in starts.items()}


def _plain_form(word: str) -> str:
    """A word as the plain-words table spells it: lower case, straight apostrophes."""
    return word.lower().replace("’", "'")


@register
class ComplexWord(Rule):
    id = "RD005"
    name = "complex-word"
    category = "readability"
    severity = "info"
    options = (Option("ignore", list, [], "Words or phrases never reported (lower case)."),)
    what = (
        "Reports a word or phrase that has a plain everyday alternative: \"utilize\" (use), \"ameliorate\" "
        "(improve), \"prior to\" (before), \"physician\" (doctor). The list is audit/data/readability/plain_words.txt."
    )
    why = (
        "Long Latinate words raise every grade formula and slow readers with limited health literacy. The CDC "
        "Everyday Words guide, the Federal Plain Language Guidelines and the NHS style guide all list plain "
        "alternatives; the CDC Clear Communication Index asks for everyday words throughout."
    )
    example = "\"utilize\" has a plainer alternative: \"use\""
    instead = "Use the plain word. Keep a medical term when readers need it, and explain it the first time."
    references = (_CDC, _PLAIN, "NHS digital service manual: content style guide, plain English")
    fail_examples = (Example("Physicians utilize compression stockings to ameliorate swelling.\n"),)
    pass_examples = (Example("Doctors use compression stockings to reduce swelling.\n"),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        table = _plain_words()[0]
        starts = _plain_starts()
        ignore = {tuple(x.lower().split()) for x in ctx.options.get("ignore", [])} | {
            tuple(t.lower().split()) for t in getattr(ctx.settings, "accepted_terms", ())
        }
        references = _references(doc, ctx)
        for s in doc.sentences():
            if references and id(s.block) in references:
                continue
            text = s.block.text
            tokens = s.tokens
            count = len(tokens)
            # Every token in table form (as _plain_form spells it), once.
            words = [text[a:b].lower().replace("’", "'") for a, b in tokens]
            i = 0
            while i < count:
                # Only a token that begins a listed phrase can start a match: one lookup per token.
                lengths = starts.get(words[i])
                if lengths is None:
                    i += 1
                    continue
                for n in lengths:
                    if n > count - i:
                        continue
                    key = tuple(words[i : i + n])
                    plain = table.get(key)
                    if plain is not None and key not in ignore:
                        a, b = s.block.map.span(tokens[i][0], tokens[i + n - 1][1])
                        found = text[tokens[i][0] : tokens[i + n - 1][1]]
                        yield Hit(a, b, f"\"{found}\" has a plainer alternative: \"{plain}\"", f"Use \"{plain}\".", data={"plain": plain})
                        i += n
                        break
                else:
                    i += 1
