"""NLTK's own Punkt with the project's parameters: the reference for :mod:`audit.nlp.punkt`.

The tool's sentence splitter makes Punkt's decisions without importing NLTK
(:mod:`audit.nlp.punkt`). This module builds NLTK's stock
``PunktSentenceTokenizer`` with the same parameters and the project's one extra
first-pass rule (tokens of single letters joined by periods, ``E.U.``, ``a.m.``,
are abbreviations). The test suite checks that both give the same spans, and
``AUDIT_SEGMENTER=nltk`` makes the tool use this one, to cross-check a
surprising sentence boundary. Importing it imports NLTK.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktToken

__all__ = ["reference_tokenizer"]

_SINGLE_LETTERS_RE = re.compile(r"(?:[^\W\d_]\.){2,}$")


class _Tokenizer(PunktSentenceTokenizer):  # type: ignore[misc]  # (NLTK has no type hints)
    """Stock Punkt with one extra first-pass rule: ``X.Y.`` tokens are abbreviations."""

    def _first_pass_annotation(self, aug_tok: PunktToken) -> None:
        super()._first_pass_annotation(aug_tok)
        tok = aug_tok.tok
        if aug_tok.sentbreak and tok.endswith(".") and _SINGLE_LETTERS_RE.match(tok):
            aug_tok.sentbreak = False
            aug_tok.abbr = True

    def span_tokenize(self, text: str, realign_boundaries: bool = True) -> Any:
        return list(super().span_tokenize(text, realign_boundaries))


def reference_tokenizer(
    abbrev_types: Collection[str],
    collocations: Collection[tuple[str, str]] = (),
    sent_starters: Collection[str] = (),
    ortho_context: Mapping[str, int] | None = None,
) -> _Tokenizer:
    """NLTK's Punkt with these parameters (the arguments of :class:`audit.nlp.punkt.Punkt`)."""
    params = PunktParameters()
    params.abbrev_types = set(abbrev_types)
    params.collocations = set(collocations)
    params.sent_starters = set(sent_starters)
    for typ, flags in (ortho_context or {}).items():
        params.ortho_context[typ] |= flags
    return _Tokenizer(params)
