"""Claim analysis: which sentences make health claims, how strong they are, and what backs them.

Public API::

    from audit.claims import analyse, inventory
    for sa in analyse(doc, settings):          # one SentenceAnalysis per sentence, memoised
        if sa.claim:
            print(sa.kind, sa.strength, sa.support, sa.text)
    rows = inventory(doc, settings)            # the claims as JSON-ready dicts

See ``docs/claims.md`` for the definitions, the lexicons and measured quality.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from audit.claims.analysis import (
    KIND_PRIORITY,
    STRENGTHS,
    SUPPORT_LEVELS,
    Cue,
    SentenceAnalysis,
    analyse_document,
    evidence_of,
)
from audit.model import Document

__all__ = [
    "KIND_PRIORITY",
    "STRENGTHS",
    "SUPPORT_LEVELS",
    "Cue",
    "SentenceAnalysis",
    "analyse",
    "evidence_of",
    "inventory",
    "sentence_record",
    "summary",
]


def analyse(doc: Document, settings: Any) -> list[SentenceAnalysis]:
    """The claim analysis of every sentence of ``doc`` (computed once per document)."""
    result: list[SentenceAnalysis] = doc.memo("claims:analysis", lambda d: analyse_document(d, settings))
    return result


def sentence_record(doc: Document, sa: SentenceAnalysis, all_fields: bool = False) -> dict[str, Any]:
    """One sentence as the JSON record of ``audit claims`` (positions are 1-based, in characters)."""
    s, e = sa.source_span()
    line, col = doc.position(s)
    eline, ecol = doc.position(e)
    rec: dict[str, Any] = {
        "line": line,
        "column": col,
        "end_line": eline,
        "end_column": ecol,
        "text": sa.text,
        "claim": sa.claim,
        "kind": sa.kind if (sa.claim or all_fields) else None,
        "kinds": sa.kinds,
        "strength": sa.strength,
        "hedged": sa.hedged,
        "hedges": [c.text for c in sa.hedges],
        "absolutes": [c.text for c in sa.absolutes],
        "support": sa.support,
        "citations": [c.as_record() for c in sa.citations],
        "attributions": [{"type": "vague", "text": c.text} for c in sa.vague]
        + [{"type": "named", "text": c.text} for c in sa.named],
        "statistics": [c.text for c in sa.statistics],
        "reason": sa.reason,
    }
    return rec


def inventory(doc: Document, settings: Any, all_sentences: bool = False) -> list[dict[str, Any]]:
    """Claims of ``doc`` (or, with ``all_sentences``, every sentence) as JSON-ready dicts."""
    return [sentence_record(doc, sa, all_sentences) for sa in analyse(doc, settings) if all_sentences or sa.claim]


def summary(doc: Document, settings: Any) -> dict[str, Any]:
    """Per-file claim counts: total, by support level and by kind."""
    claims = [sa for sa in analyse(doc, settings) if sa.claim]
    by_support = {k: 0 for k in SUPPORT_LEVELS}
    for sa in claims:
        by_support[sa.support] += 1
    by_kind = Counter(sa.kind or "other" for sa in claims)
    return {"total": len(claims), "by_support": by_support, "by_kind": dict(sorted(by_kind.items()))}
