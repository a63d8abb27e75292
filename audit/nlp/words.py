r"""Word tokens with exact offsets (one compiled pattern of the ``regex`` engine).

A token is a word: letters or digits, optionally joined by hyphens, apostrophes
(straight or curly), periods or ``@`` between word characters, so that
``well-known``, ``don’t``, ``3.5``, ``U.S``, ``e.g`` and ``jane.doe@example.com``
are one token each (Flesch counts hyphenated words, contractions, abbreviations
and figures as one word). URLs are one token. Punctuation, em and en dashes,
curly quotes and slashes separate tokens and are never tokens themselves.

The pattern runs on the ``regex`` engine (which NLTK depends on and whose
``RegexpTokenizer`` uses it too), because its Unicode classes differ from
``re``'s: a combining accent (``e`` + U+0301) is a word character there, so
``café`` spelled with one stays a single token. It is compiled once and run
directly with ``finditer(text, start, end)``: no slicing, no per-token
generator layers. On ASCII text the two engines agree on every character class
the pattern uses except ``\s`` on U+001C..U+001F (whitespace for ``re`` only),
so ASCII text without those four characters is matched with the same pattern
compiled by ``re``, whose matches are cheaper to produce. The pattern is linear
(each repetition starts with a joiner that cannot begin a word), so it needs no
match timeout.
"""

from __future__ import annotations

import re
from typing import Any

import regex

__all__ = ["PATTERN", "WORD_RE", "tokenize"]

#: URL, or a word of word characters joined by - ‐ ‑ ' ’ . @ (each joiner between word characters).
PATTERN = (
    r"(?:https?://|www\.)[^\s<>\"“”'’()\[\]]*[^\s<>\"“”'’()\[\].,;:!?]"
    r"|[^\W_]+(?:[-\u2010\u2011'’.@_][^\W_]+)*"
)

_FLAGS = re.UNICODE | re.MULTILINE | re.DOTALL
#: :data:`PATTERN` compiled with the flags NLTK's ``RegexpTokenizer`` uses.
WORD_RE = regex.compile(PATTERN, _FLAGS)
#: The same pattern for ASCII text (see the module docs).
_ASCII_WORD_RE = re.compile(PATTERN, _FLAGS)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word spans ``(start, end)`` of ``text[start:end]``, as offsets into ``text``.

    The pattern has no anchors or look-behind, so matching ``text`` between
    ``start`` and ``end`` finds exactly the tokens of the slice.
    """
    if text.isascii() and not ("\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text):
        rx: Any = _ASCII_WORD_RE
    else:
        rx = WORD_RE
    return [m.span() for m in rx.finditer(text, start, len(text) if end is None else end)]
