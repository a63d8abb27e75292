"""Front matter: YAML between ``---`` lines or TOML between ``+++`` lines.

Only a block at the very start of the file counts. Malformed front matter never
raises: :func:`split_front_matter` returns an empty mapping and an error
message naming the line, which the reader stores as metadata
``_front_matter_error`` so a rule can report it.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

#: Metadata key under which a front matter problem is recorded.
ERROR_KEY = "_front_matter_error"

_OPEN = {"---": "yaml", "+++": "toml"}
_KEY_LINE = re.compile(r"[A-Za-z_][\w.-]*[ \t]*[:=]")


@dataclass
class FrontMatter:
    """Where the front matter sits in the source and what it held."""

    #: Source offset just after the closing delimiter line (0 when there is none).
    end: int = 0
    kind: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def _line_end(text: str, pos: int) -> int:
    """Offset just after the line break of the line starting at ``pos`` (or the end)."""
    nl = text.find("\n", pos)
    return len(text) if nl == -1 else nl + 1


def jsonable(value: Any) -> Any:
    """Make parsed values JSON-friendly: dates become ISO strings, unknown types ``str``."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def split_front_matter(text: str) -> FrontMatter:
    """Find and parse front matter at the start of ``text``."""
    first_end = _line_end(text, 0)
    delim = text[:first_end].rstrip("\r\n").rstrip(" \t")
    kind = _OPEN.get(delim)
    if kind is None:
        return FrontMatter()
    body_start = first_end
    pos = body_start
    line_no = 2
    while pos < len(text):
        end = _line_end(text, pos)
        line = text[pos:end].rstrip("\r\n").rstrip(" \t")
        if line == delim or (kind == "yaml" and line == "..."):
            raw = text[body_start:pos]
            data, error = _parse(kind, raw)
            return FrontMatter(end=end, kind=kind, data=data, error=error)
        pos = end
        line_no += 1
    # No closing delimiter: a Markdown thematic break, unless it clearly opened front matter.
    second = text[first_end : _line_end(text, first_end)]
    if _KEY_LINE.match(second):
        closer = "---" if kind == "yaml" else "+++"
        return FrontMatter(
            kind=kind, error=f"front matter opened with '{delim}' on line 1 is never closed (expected a '{closer}' line)"
        )
    return FrontMatter()


def _parse(kind: str, raw: str) -> tuple[dict[str, Any], str | None]:
    # Line numbers in messages are file lines: the body starts on line 2.
    if kind == "toml":
        import tomllib

        try:
            data: Any = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as e:
            msg = str(e)
            m = re.search(r"line (\d+)", msg)
            if m:
                n = int(m.group(1)) + 1
                msg = re.sub(r"\(at line \d+, column (\d+)\)", f"(at line {n}, column \\1)", msg)
                msg = msg if f"line {n}" in msg else f"{msg} (line {n})"
            return {}, f"invalid TOML front matter: {msg}"
    else:
        import yaml

        try:
            data = yaml.safe_load(raw)
        except (yaml.YAMLError, ValueError, OverflowError) as e:  # bad dates raise ValueError
            mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
            problem = getattr(e, "problem", None) or str(e).splitlines()[0]
            where = f" on line {mark.line + 2}, column {mark.column + 1}" if mark is not None else ""
            return {}, f"invalid YAML front matter{where}: {problem}"
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, f"front matter on lines 2-{raw.count(chr(10)) + 1} is a {type(data).__name__}, not a mapping of keys to values"
    if _expands_beyond(data, MAX_VALUES):
        return {}, f"front matter holds more than {MAX_VALUES:,} values once its aliases are expanded (or refers to itself)"
    return jsonable(data), None


#: Most values front matter may hold once YAML aliases are expanded (an alias bomb has billions).
MAX_VALUES = 100_000


def _expands_beyond(value: Any, limit: int) -> bool:
    """Whether expanding ``value`` (aliases repeat shared parts; a cycle never ends) visits over ``limit`` values."""
    stack, seen = [value], 0
    while stack:
        v = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list | tuple | set):
            stack.extend(v)
    return False
