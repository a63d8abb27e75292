"""Word tokens with exact offsets (an NLTK ``RegexpTokenizer``).

A token is a word: letters or digits, optionally joined by hyphens, apostrophes
(straight or curly), periods or ``@`` between word characters, so that
``well-known``, ``don’t``, ``3.5``, ``U.S``, ``e.g`` and ``jane.doe@example.com``
are one token each (Flesch counts hyphenated words, contractions, abbreviations
and figures as one word). URLs are one token. Punctuation, em and en dashes,
curly quotes and slashes separate tokens and are never tokens themselves.
"""

from __future__ import annotations

from functools import lru_cache

from nltk.tokenize import RegexpTokenizer

__all__ = ["PATTERN", "tokenize"]

#: URL, or a word of word characters joined by - ‐ ‑ ' ’ . @ (each joiner between word characters).
PATTERN = (
    r"(?:https?://|www\.)[^\s<>\"“”'’()\[\]]*[^\s<>\"“”'’()\[\].,;:!?]"
    r"|[^\W_]+(?:[-\u2010\u2011'’.@_][^\W_]+)*"
)


@lru_cache(maxsize=1)
def _tokenizer() -> RegexpTokenizer:
    return RegexpTokenizer(PATTERN)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word spans ``(start, end)`` of ``text[start:end]``, as offsets into ``text``."""
    end = len(text) if end is None else end
    if start == 0 and end == len(text):
        return list(_tokenizer().span_tokenize(text))
    return [(start + a, start + b) for a, b in _tokenizer().span_tokenize(text[start:end])]
