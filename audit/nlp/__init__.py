"""Language processing: sentences and word tokens for every block.

:func:`segment` fills ``block.sentences`` for a document. A heading is always
exactly one sentence; other blocks (paragraphs, list items, quotes, table
cells) are split by :func:`audit.nlp.sentences.split` (Punkt with the
project's abbreviations plus general repairs). Word tokens come from
:mod:`audit.nlp.words`. Nothing here imports NLTK, downloads data or needs a
data folder.
"""

from __future__ import annotations

from typing import Any

from audit.model import Document, Sentence

__all__ = ["segment", "split_sentences", "tokenize_words"]


def segment(doc: Document) -> None:
    """Fill ``block.sentences`` for every block of ``doc`` (offsets into ``block.text``)."""
    # Imported here: the phrase lists and patterns load with the first document that needs
    # sentences, not with the package (cached results need none of them).
    from audit.nlp.sentences import split as split_sentences
    from audit.nlp.words import tokenize as tokenize_words

    for block in doc.blocks:
        text = block.text
        if block.kind == "heading":
            a, b = 0, len(text)
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            spans = [(a, b)] if b > a else []
        else:
            spans = split_sentences(text)
        block.sentences = [Sentence(block, a, b, tokenize_words(text, a, b)) for a, b in spans]


def __getattr__(name: str) -> Any:
    """``split_sentences`` and ``tokenize_words``, imported on first use."""
    if name == "split_sentences":
        from audit.nlp.sentences import split

        return split
    if name == "tokenize_words":
        from audit.nlp.words import tokenize

        return tokenize
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
