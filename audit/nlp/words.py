r"""Word tokens with exact offsets (one compiled pattern of the ``regex`` engine).

A token is a word: letters or digits, optionally joined by hyphens, apostrophes
(straight or curly), periods or ``@`` between word characters, so that
``well-known``, ``don’t``, ``3.5``, ``U.S``, ``e.g`` and ``jane.doe@example.com``
are one token each (Flesch counts hyphenated words, contractions, abbreviations
and figures as one word). URLs are one token. Punctuation, em and en dashes,
curly quotes and slashes separate tokens and are never tokens themselves.

The pattern is defined on the ``regex`` engine (which NLTK depends on and whose
``RegexpTokenizer`` uses it too), because its Unicode classes differ from
``re``'s: a combining accent (``e`` + U+0301) is a word character there, so
``café`` spelled with one stays a single token. It is compiled once and run
directly with ``finditer(text, start, end)``: no slicing, no per-token
generator layers. The pattern's meaning depends only on which characters are
``\w`` and ``\s``; when the two engines agree on that for every character of a
text (:func:`audit.nlp.engines.agree`: true of most text), the text is matched
with the same pattern compiled by ``re``, whose matches are cheaper to produce,
and ``regex`` is not even imported. The choice for the last text is remembered,
since a block's sentences are tokenized one after another. The pattern is linear
(each repetition starts with a joiner that cannot begin a word), so it needs no
match timeout.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from audit.nlp import engines

__all__ = ["PATTERN", "regex_word_re", "tokenize"]

#: URL, or a word of word characters joined by - ‐ ‑ ' ’ . @ (each joiner between word characters).
PATTERN = (
    r"(?:https?://|www\.)[^\s<>\"“”'’()\[\]]*[^\s<>\"“”'’()\[\].,;:!?]"
    r"|[^\W_]+(?:[-\u2010\u2011'’.@_][^\W_]+)*"
)

_FLAGS = re.UNICODE | re.MULTILINE | re.DOTALL
#: :data:`PATTERN` compiled by ``re`` (see the module docs).
_RE_WORD_RE = re.compile(PATTERN, _FLAGS)
_re_span = type(_RE_WORD_RE.match("a")).span  # type: ignore[union-attr]


@cache
def regex_word_re() -> Any:
    """:data:`PATTERN` compiled by ``regex`` with the flags NLTK's ``RegexpTokenizer`` uses
    (compiled on first use)."""
    return engines.regex_module().compile(PATTERN, _FLAGS)


#: The last text looked at, the pattern chosen for it and its matches' ``span`` method: a
#: block's sentences are tokenized one after another, so the choice is made once per block.
_LAST: tuple[str | None, Any, Any] = (None, None, None)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word spans ``(start, end)`` of ``text[start:end]``, as offsets into ``text``.

    The pattern has no anchors or look-behind, so matching ``text`` between
    ``start`` and ``end`` finds exactly the tokens of the slice.
    """
    global _LAST
    last_text, rx, span = _LAST
    if last_text is not text:
        rx = _RE_WORD_RE if engines.agree(text) else regex_word_re()
        span = _re_span if rx is _RE_WORD_RE else type(rx.match("a")).span  # type: ignore[union-attr]
        _LAST = (text, rx, span)
    return list(map(span, rx.finditer(text, start, len(text) if end is None else end)))
