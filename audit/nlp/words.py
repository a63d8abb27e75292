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
generator layers. The pattern's meaning depends only on which characters are
``\w`` and ``\s``; when the two engines agree on that for every character of a
text (true of most text: ASCII except U+001C..U+001F, whitespace for ``re``
only, and most accented letters and typographic punctuation), the text is
matched with the same pattern compiled by ``re``, whose matches are cheaper to
produce. Each character's verdict is remembered, and so is the choice for the
last text, since a block's sentences are tokenized one after another. The pattern is linear
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
#: The same pattern compiled by ``re`` (see the module docs).
_RE_WORD_RE = re.compile(PATTERN, _FLAGS)

_re_span = type(_RE_WORD_RE.match("a")).span  # type: ignore[union-attr]
_regex_span = type(WORD_RE.match("a")).span  # type: ignore[union-attr]

#: Characters on which the two engines agree about ``\w`` and ``\s`` (the only classes the
#: pattern uses besides literal characters), and characters on which they do not.
_AGREE: set[str] = set()
_DISAGREE: set[str] = set()


def _engines_agree(text: str) -> bool:
    """Whether ``re`` and ``regex`` classify every character of ``text`` alike."""
    if text.isascii():
        return not ("\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text)
    chars = set(text)
    if chars & _DISAGREE:
        return False
    for c in chars - _AGREE:
        same = (re.match(r"\w", c) is None) == (regex.match(r"\w", c) is None) and (
            re.match(r"\s", c) is None
        ) == (regex.match(r"\s", c) is None)
        (_AGREE if same else _DISAGREE).add(c)
        if not same:
            return False
    return True


#: The last text looked at and the engine chosen for it: a block's sentences are
#: tokenized one after another, so the choice is made once per block.
_LAST: tuple[str | None, Any] = (None, None)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word spans ``(start, end)`` of ``text[start:end]``, as offsets into ``text``.

    The pattern has no anchors or look-behind, so matching ``text`` between
    ``start`` and ``end`` finds exactly the tokens of the slice.
    """
    global _LAST
    last_text, span = _LAST
    if last_text is not text:
        span = _re_span if _engines_agree(text) else _regex_span
        _LAST = (text, span)
    rx: Any = _RE_WORD_RE if span is _re_span else WORD_RE
    return list(map(span, rx.finditer(text, start, len(text) if end is None else end)))
