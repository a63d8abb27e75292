"""JSON output, version 1 (documented in docs/output.md).

``{"version": 1, "tool": {...}, "files": [...], "summary": {...}}``, streamed
file by file so memory stays flat on large corpora.

The text is exactly what ``json.dumps(document, ensure_ascii=False, indent=2)``
would give for the whole document. CPython's ``json`` module falls back to its
pure-Python encoder whenever ``indent`` is set, which made encoding the larger
part of a cached run, so records are written by :class:`IndentedEncoder`
instead: the same bytes, with the per-value work done by C-level calls.
"""

from __future__ import annotations

import builtins
import codecs
import json
import math
import os
import sys
from collections.abc import Callable, Iterable
from itertools import groupby
from json.encoder import c_encode_basestring  # type: ignore[attr-defined]
from typing import Any

from audit.reporters import Reporter as Base

VERSION = 1

if sys.version_info >= (3, 11):
    from operator import call
else:

    def call(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)


#: Encoded scalars kept for reuse. Findings repeat their rule names, messages and fixes,
#: so most strings of a report are encoded once; the bounds (entries, characters of one
#: string, characters in all) keep memory flat: a full cache is emptied and refilled.
_MAX_MEMO = 100_000
_MAX_MEMO_CHARS = 200
_MAX_MEMO_TOTAL = 6_000_000
_MAX_TEMPLATES = 1000
#: Deeper values are written by json.dumps itself (which also reports circular references).
_MAX_DEPTH = 64
_INF = float("inf")


def dumps(obj: Any) -> str:
    """The reference encoding; :class:`IndentedEncoder` gives the same text."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False)


def _indent(text: str, n: int) -> str:
    # json.dumps escapes newlines inside strings, so every "\n" is structural. (splitlines()
    # would also split at U+2028, U+0085... that JSON leaves unescaped, breaking the output.)
    return text.replace("\n", "\n" + " " * n)


def _float(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if v == _INF:
        return "Infinity"
    if v == -_INF:
        return "-Infinity"
    return float.__repr__(v)


class _Memo(dict[Any, str]):
    """Encoded form of each value seen; a plain dict lookup on a hit (no Python call).

    Only ever given values of one exact type (see ``_Level.conv``), so values that
    compare equal across types (``1``, ``1.0``, ``True``) never share an entry.
    """

    def __init__(self, encode: Any, keep: Any) -> None:
        super().__init__()
        self.encode = encode
        self.keep = keep
        self.size = 0

    def __missing__(self, value: Any) -> str:
        text: str = self.encode(value)
        if self.keep(value):
            if len(self) >= _MAX_MEMO or self.size >= _MAX_MEMO_TOTAL:
                self.clear()
                self.size = 0
            self[value] = text
            self.size += len(text)
        return text


class _Level:
    """Writes the containers that start on a line indented by ``nl[1:]`` (items one level deeper)."""

    def __init__(self, nl: str, scalars: dict[type, Any], depth: int) -> None:
        self.nl = nl
        self.inner = nl + "  "
        self.sep = "," + self.inner
        self.scalars = scalars
        self.depth = depth
        #: Keys of a dict -> its text as a list, with None where the values go.
        self.templates: dict[tuple[Any, ...], list[str | None]] = {}
        self._conv: Any = None
        self._child: _Level | None = None

    def conv(self) -> Any:
        """``type -> encoder`` for the items of containers at this level (created on first use)."""
        if self._conv is None:
            self._child = child = _Level(self.inner, self.scalars, self.depth + 1)
            table = dict(self.scalars)
            table.update({dict: child.dict, list: child.list, tuple: child.list})
            self._conv = table.__getitem__
        return self._conv

    def slow(self, obj: Any) -> str:
        return dumps(obj).replace("\n", self.nl)

    def template(self, keys: tuple[Any, ...]) -> list[str | None] | None:
        """The text of a dict with these keys, None where the values go (None: json.dumps must write it)."""
        # Non-string keys are converted by json (1 -> "1", True -> "true") and compare equal
        # across types, so they never get a template.
        if self.depth > _MAX_DEPTH or not all(type(k) is str for k in keys):
            return None
        if len(self.templates) >= _MAX_TEMPLATES:
            self.templates.clear()
        template: list[str | None] = []
        for k in keys:
            template += [(self.sep if template else "{" + self.inner) + c_encode_basestring(k) + ": ", None]
        template.append(self.nl + "}")
        self.templates[keys] = template
        return template

    def dict(self, obj: dict[Any, Any]) -> str:
        if not obj:
            return "{}"
        template = self.templates.get(tuple(obj)) or self.template(tuple(obj))
        if template is None:
            return self.slow(obj)
        conv = self._conv or self.conv()
        values = obj.values()
        out = template.copy()
        try:
            out[1::2] = map(call, map(conv, map(type, values)), values)
        except KeyError:  # a type json handles through isinstance (a subclass), or cannot encode
            return self.slow(obj)
        return "".join(out)  # type: ignore[arg-type]

    def items(self, obj: list[Any] | tuple[Any, ...]) -> list[str]:
        """The texts of a list's items (KeyError: a type only json itself can encode)."""
        conv = self._conv or self.conv()
        return list(map(call, map(conv, map(type, obj)), obj))

    def list(self, obj: list[Any] | tuple[Any, ...]) -> str:
        if not obj:
            return "[]"
        if self.depth > _MAX_DEPTH:
            return self.slow(obj)
        try:
            return "[" + self.inner + self.sep.join(self.items(obj)) + self.nl + "]"
        except KeyError:
            return self.slow(obj)

    def parts(self, obj: builtins.dict[Any, Any]) -> builtins.list[str]:  # (dict, list: methods here)
        """The text of a dict as a list of strings, each list value split into its items.

        A report is mostly ASCII; keeping the few items with other characters apart keeps
        the rest cheap to join and to encode as UTF-8 (one non-ASCII character makes a
        Python string two or four bytes per character throughout).
        """
        template = (self.templates.get(tuple(obj)) or self.template(tuple(obj))) if obj else None
        if template is None:
            return [self.dict(obj)]
        conv = self._conv or self.conv()
        child = self._child
        assert child is not None
        out: list[str] = []
        try:
            for piece, value in zip(template[0::2], obj.values()):
                out.append(piece)  # type: ignore[arg-type]
                if type(value) is list and value and child.depth <= _MAX_DEPTH:
                    items = child.items(value)
                    seq = [child.sep] * (2 * len(items) - 1)
                    seq[0::2] = items
                    out.append("[" + child.inner)
                    out += seq
                    out.append(child.nl + "]")
                else:
                    out.append(conv(type(value))(value))
        except KeyError:
            return [self.slow(obj)]
        out.append(template[-1])  # type: ignore[arg-type]
        return out


class IndentedEncoder:
    """``json.dumps(obj, ensure_ascii=False, indent=2)``, indented by ``n`` more spaces after each line break."""

    def __init__(self) -> None:
        self.scalars: dict[type, Any] = {
            str: _Memo(c_encode_basestring, lambda s: len(s) <= _MAX_MEMO_CHARS).__getitem__,
            int: _Memo(int.__repr__, lambda v: True).__getitem__,
            # 0.0 == -0.0: zeros are encoded every time.
            float: _Memo(_float, bool).__getitem__,
            bool: {True: "true", False: "false"}.__getitem__,
            type(None): {None: "null"}.__getitem__,
        }
        self.levels: dict[int, _Level] = {}

    def _level(self, n: int) -> _Level:
        level = self.levels.get(n)
        if level is None:
            level = self.levels[n] = _Level("\n" + " " * n, self.scalars, 0)
        return level

    def encode(self, obj: Any, n: int = 0) -> str:
        t = type(obj)
        if t is dict:
            return self._level(n).dict(obj)
        if t is list or t is tuple:
            return self._level(n).list(obj)
        return _indent(dumps(obj), n)

    def parts(self, obj: Any, n: int = 0) -> list[str]:
        """:meth:`encode` as a list of strings to write one after the other."""
        if type(obj) is dict:
            return self._level(n).parts(obj)
        return [self.encode(obj, n)]


def write_streamed(out: Any, head: dict[str, Any], key: str, items: Iterable[Any], tail: Callable[[], dict[str, Any]]) -> None:
    """Write ``{**head, key: [*items], **tail()}`` as ``json.dumps(indent=2, ensure_ascii=False)``
    writes it (and a line break), each item as it comes: ``tail`` is called after the last,
    so it can hold totals counted over the items."""
    encode = IndentedEncoder().encode
    members = [f"\n  {c_encode_basestring(k)}: {encode(v, 2)}" for k, v in head.items()]
    out.write("{" + "".join(m + "," for m in members) + f"\n  {c_encode_basestring(key)}: [")
    sep = "\n    "
    for item in items:
        out.write(sep + encode(item, 4))
        sep = ",\n    "
    out.write("]" if sep == "\n    " else "\n  ]")
    out.write("".join(f",\n  {c_encode_basestring(k)}: {encode(v, 2)}" for k, v in tail().items()) + "\n}\n")


_RECORD_ENCODER: list[IndentedEncoder] = []


def _record_head(path: str) -> str:
    """How a file record starts in the report: its first key is the path (see ``FileResult.as_record``)."""
    return '{\n      "path": ' + c_encode_basestring(path)


def record_tail(result: Any) -> str | None:
    """The text :class:`Reporter` writes for ``result`` after its path (None: not a plain record).

    The cache stores it with a result, so that a later run writes a file's record without
    encoding it again, whatever the file's path is then (:meth:`Reporter.file`).
    """
    if not _RECORD_ENCODER:
        _RECORD_ENCODER.append(IndentedEncoder())
    text = "".join(_RECORD_ENCODER[0].parts(result.as_record(), 4))
    head = _record_head(result.path)
    return text[len(head) :] if text.startswith(head) else None


def _byte_stream(out: Any) -> Any:
    """The binary stream under a UTF-8 text stream that writes "\n" unchanged, else None."""
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if buffer is None or not encoding or os.linesep != "\n":
        return None
    try:
        return buffer if codecs.lookup(encoding).name == "utf-8" else None
    except LookupError:
        return None


class Reporter(Base):
    def begin(self) -> None:
        self._first = True
        self._encoder = IndentedEncoder()
        #: Stored records (UTF-8) are copied straight to this binary stream, if any; the text
        #: stream is flushed first when text was written to it since (``_text_pending``).
        self._bytes_out = _byte_stream(self.out)
        self._text_pending = True
        head = {"version": VERSION, "tool": self.options.tool()}
        if self.options.config_digest:
            head["config_sha256"] = self.options.config_digest
        body = self._encoder.encode(head)
        self.out.write(body[:-2] + ',\n  "files": [')

    def file(self, result: Any) -> None:
        tail = result.record_tail() if hasattr(result, "record_tail") else None
        if tail is not None:  # encoded already (a cache hit, or stored in the cache this run)
            head = ("\n    " if self._first else ",\n    ") + _record_head(result.path)
            self._first = False
            if type(tail) is str:
                self.out.write(head + tail)
                self._text_pending = True
            elif self._bytes_out is None:
                self.out.write(head + str(tail, "utf-8"))
                self._text_pending = True
            else:
                if self._text_pending:
                    self.out.flush()
                    self._text_pending = False
                self._bytes_out.write(head.encode("utf-8"))
                self._bytes_out.write(tail)
            return
        self._text_pending = True
        parts = self._encoder.parts(result.as_record(), 4)
        parts[0] = ("\n    " if self._first else ",\n    ") + parts[0]
        for _, run in groupby(parts, str.isascii):
            self.out.write("".join(run))
        self._first = False

    def end(self, summary: Any) -> None:
        self.out.write(("\n  " if not self._first else "") + '],\n  "summary": ' + self._encoder.encode(summary.as_record(), 2) + "\n}\n")
