r"""Which regular-expression engine a text may be matched with.

Punkt and the word tokenizer are defined by patterns of the ``regex`` engine (the one
NLTK uses). Its Unicode classes differ from ``re``'s for some characters: a combining
accent is a word character there, U+001C..U+001F are white space only for ``re``, and
its Unicode tables may be newer than Python's. The patterns use no other classes than
``\w``, ``\s`` and ``\d`` (and their negations) besides literal characters, so on a text
where both engines classify every character alike they give the same matches. That is
true of most text: ASCII but U+001C..U+001F, and most accented letters and typographic
punctuation. Such text is matched by ``re``, which is part of the interpreter, produces
matches more cheaply, and needs no import: ``regex`` itself (about 10 ms to import) is
loaded only when a text holds a character whose verdict is not yet known.

Most characters need no test: the two engines' classes are defined by Unicode
categories, and for letters (``L*``), decimal digits (``Nd``), punctuation other than
connectors (``P*`` but ``Pc``), mathematical, currency and modifier symbols (``Sm``,
``Sc``, ``Sk``) and space separators (``Zs``) the definitions give the same verdict:
``re``'s ``\w`` is ``str.isalnum()`` (letters and numbers) and ``regex``'s is the
Unicode property (alphabetic, marks, decimal digits, connectors, joiners); ``\s`` is
``str.isspace()`` for one and the White_Space property for the other, which both hold
for ``Zs`` and neither for the rest; ``\d`` is ``Nd`` for both. So typographic quotes
and dashes, accented letters and non-breaking spaces are decided from
:func:`unicodedata.category` alone. Any other character (marks, other numbers such as
``½``, format and control characters, other symbols) is tested on both engines, which
imports ``regex``; ``tests/test_nlp_fast_paths.py`` checks every character of those
categories on both engines. (A character that Python's Unicode tables do not know yet
has category ``Cn`` and is tested; one that only an older ``regex`` release does not
know would be decided by Python's tables, which is what ``re`` does with it anyway.)

Each character's verdict is remembered for the life of the process.
"""

from __future__ import annotations

import re
import unicodedata
from types import ModuleType

__all__ = ["agree", "regex_module"]

_CLASSES = (r"\w", r"\s", r"\d")
#: Unicode categories whose characters both engines classify alike by definition (see above).
SAME_BY_CATEGORY = frozenset(
    ["Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "Zs"]
)
#: ASCII characters on which the engines disagree (white space for ``re`` only).
_ASCII_DISAGREE = ("\x1c", "\x1d", "\x1e", "\x1f")
#: Characters (beyond ASCII) on which the two engines agree about the classes, and
#: characters on which they do not.
_AGREE: set[str] = set()
_DISAGREE: set[str] = set()


def regex_module() -> ModuleType:
    """The ``regex`` module, imported on first use."""
    import regex

    return regex


def _same(c: str) -> bool:
    rx = regex_module()
    return all((re.match(k, c) is None) == (rx.match(k, c) is None) for k in _CLASSES)


def agree(text: str) -> bool:
    """Whether ``re`` and ``regex`` classify every character of ``text`` alike for ``\\w``,
    ``\\s`` and ``\\d``."""
    if text.isascii():
        return not any(c in text for c in _ASCII_DISAGREE)
    chars = set(text)
    if chars & _DISAGREE:
        return False
    for c in chars - _AGREE:
        if c.isascii():
            if c in _ASCII_DISAGREE:
                return False
            continue
        same = unicodedata.category(c) in SAME_BY_CATEGORY or _same(c)
        (_AGREE if same else _DISAGREE).add(c)
        if not same:
            return False
    return True
