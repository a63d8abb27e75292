"""Promotional, commercial and SEO language: shared analysis, rule base and score.

* :mod:`audit.promotion.lexicon` loads the phrase lists of
  ``audit/data/promotion/`` and matches them over word tokens.
* :mod:`audit.promotion.analysis` computes, once per document, every lexicon
  match and organisation mention (``doc.memo("promotion:analysis")``).
* :mod:`audit.promotion.stuffing` finds repeated keyword phrases (SEO).
* :class:`LexiconRule` is the base of the PR and SE rules: it caches each rule's
  hits per document and records the promotion score.

The score (:func:`record_score`) is stored in
``doc.cache["extra:promotion"]`` and so appears as ``promotion`` in the file's
JSON record::

    {"score": 12.5, "flags": 14, "words": 1120, "by_rule": {"PR001": 4, ...}}

``score`` is flags per 1,000 words. It counts the hits of *every* promotion and
SEO rule with its default options, whichever rules the configuration enables,
so scores are comparable across files and projects; accepted terms and
configured organisations still apply. It is computed when at least one
promotion or SEO rule runs on the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, ClassVar

from audit.model import Document, Hit
from audit.promotion.analysis import Analysis, analyse
from audit.rules.base import Context, Rule

__all__ = ["Analysis", "LexiconRule", "analyse", "record_score", "score_rules"]


class LexiconRule(Rule):
    """Base of promotion and SEO rules: ``find`` on the shared analysis, hits cached per options."""

    category: ClassVar[str] = "promotion"

    def find(self, doc: Document, analysis: Analysis, options: dict[str, Any], settings: Any) -> Iterable[Hit]:
        """Yield this rule's hits; subclasses implement it."""
        raise NotImplementedError

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        """Record the document's promotion score, then return this rule's hits."""
        record_score(doc, ctx.settings)
        return hits_for(doc, type(self), ctx.options, ctx.settings)


def hits_for(doc: Document, rule: type[LexiconRule], options: dict[str, Any], settings: Any, key: str | None = None) -> list[Hit]:
    """The hits of ``rule`` with ``options`` on ``doc`` (computed once per options; ``key``: :func:`_hits_key`)."""
    if key is None:
        key = _hits_key(rule, options)
    if key not in doc.cache:
        an = analyse(doc, settings)
        doc.cache[key] = _dedupe(list(rule().find(doc, an, options, settings)))
    return doc.cache[key]


def _hits_key(rule: type[LexiconRule], options: dict[str, Any]) -> str:
    return f"promotion:hits:{rule.id}:{sorted(options.items())!r}"


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """Drop hits that overlap an earlier, longer hit of the same rule."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    last_end = -1
    for h in hits:
        if h.start < last_end:
            continue
        out.append(h)
        last_end = max(last_end, h.end)
    return out


def score_rules() -> list[type[LexiconRule]]:
    """Every registered promotion and SEO rule."""
    return [rule for rule, _, _ in _score_plan()]


def _score_plan() -> tuple[tuple[type[LexiconRule], dict[str, Any], str], ...]:
    """Every registered promotion and SEO rule with its default options and their cache key."""
    from audit.rules.base import all_rules

    return _plan(tuple(all_rules()))


@lru_cache(maxsize=4)
def _plan(rules: tuple[type[Rule], ...]) -> tuple[tuple[type[LexiconRule], dict[str, Any], str], ...]:
    out = []
    for r in rules:
        if isinstance(r, type) and issubclass(r, LexiconRule):
            options = r.default_options()
            out.append((r, options, _hits_key(r, options)))
    return tuple(out)


def record_score(doc: Document, settings: Any) -> dict[str, Any]:
    """Compute the promotion score once per document and store it as ``extra:promotion``."""

    def compute(d: Document) -> dict[str, Any]:
        an = analyse(d, settings)
        by_rule: dict[str, int] = {}
        for rule, options, key in _score_plan():
            by_rule[rule.id] = len(hits_for(d, rule, dict(options), settings, key))
        flags = sum(by_rule.values())
        words = an.words
        rec = {
            "score": round(flags * 1000.0 / words, 2) if words else 0.0,
            "flags": flags,
            "words": words,
            "by_rule": by_rule,
        }
        d.cache["extra:promotion"] = rec
        return rec

    return doc.memo("promotion:score", compute)
