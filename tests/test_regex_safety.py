"""Every regular expression the package ships runs in (near) linear time on adversarial text.

The test imports every module of :mod:`audit`, collects compiled patterns at
module level, inside module-level containers and classes, and inside the
objects returned by the zero-argument cached loaders (lexicons, tables), then
times each one on long adversarial strings: runs of one character, of spaces,
of ``"a "``, of punctuation, alternations, and runs built from the pattern's
own literal characters. A pattern with nested quantifiers or overlapping
unbounded repeats takes seconds to minutes there; the limit is 0.5 s each.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import time
from typing import Any

import pytest

import audit
from audit import safety

try:
    import regex as _regex_mod
except ImportError:  # pragma: no cover - optional
    _regex_mod = None

LIMIT = 0.5
LENGTH = 50_000
PATTERN_TYPES: tuple[type, ...] = (re.Pattern,) + ((_regex_mod.Pattern,) if _regex_mod is not None else ())


def _modules() -> list[Any]:
    mods = []
    for info in pkgutil.walk_packages(audit.__path__, "audit."):
        try:
            mods.append(importlib.import_module(info.name))
        except ImportError:  # optional extras (e.g. Dask) not installed
            continue
    return mods


def _walk(obj: Any, found: dict[str, Any], where: str, depth: int, seen: set[int]) -> None:
    if id(obj) in seen or depth < 0:
        return
    seen.add(id(obj))
    if isinstance(obj, PATTERN_TYPES):
        found.setdefault(f"{obj.pattern!r}/{obj.flags}", (where, obj))
        return
    if isinstance(obj, (str, bytes, int, float, bool)) or obj is None or inspect.ismodule(obj):
        return
    if isinstance(obj, dict):
        for k, v in list(obj.items())[:5000]:
            _walk(v, found, f"{where}[{k!r}]", depth - 1, seen)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for i, v in enumerate(list(obj)[:5000]):
            _walk(v, found, f"{where}[{i}]", depth - 1, seen)
    elif inspect.isclass(obj) or hasattr(obj, "__dict__") or hasattr(obj, "__slots__"):
        attrs = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
        for slot in getattr(type(obj), "__slots__", ()):
            if hasattr(obj, slot):
                attrs[slot] = getattr(obj, slot)
        for k, v in attrs.items():
            if not callable(v) or isinstance(v, PATTERN_TYPES):
                _walk(v, found, f"{where}.{k}", depth - 1, seen)


def _loaders(mod: Any) -> list[tuple[str, Any]]:
    """Zero-argument cached functions defined in ``mod`` (lexicon and table loaders)."""
    out = []
    for name, fn in vars(mod).items():
        if callable(fn) and hasattr(fn, "cache_info") and getattr(fn, "__module__", None) == mod.__name__:
            try:
                params = inspect.signature(fn).parameters.values()
            except (TypeError, ValueError):
                continue
            if all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
                out.append((name, fn))
    return out


def collect_patterns() -> dict[str, tuple[str, Any]]:
    """Every compiled pattern reachable from the package's modules, keyed by source and flags."""
    found: dict[str, tuple[str, Any]] = {}
    seen: set[int] = set()
    for mod in _modules():
        for name, value in vars(mod).items():
            if name.startswith("__"):
                continue
            if inspect.isclass(value) and value.__module__ != mod.__name__:
                continue
            _walk(value, found, f"{mod.__name__}.{name}", 4, seen)
        for name, fn in _loaders(mod):
            try:
                value = fn()
            except Exception:  # noqa: BLE001, S112 - a loader needing a resource is not this test's business
                continue
            _walk(value, found, f"{mod.__name__}.{name}()", 4, seen)
    return found


PATTERNS = collect_patterns()


def adversarial(pattern: str) -> list[str]:
    """Long strings likely to make a backtracking pattern blow up."""
    generic = ["a", " ", "a ", ".", "-", "*", "_", "[", "(", "<", "&", "#", "!", "\n", "\t", "1", "1.", "a.", "a-", "A",
               "ab", "aA", "a1", "a,", "a'", "'", '"', "\u00e9", "http://", "www.", "a.b", "- ", "> ", "# "]
    own = sorted({c for c in pattern if not c.isspace() and c not in "\\^$"} - set("()[]{}?+*|"))
    words = re.findall(r"[A-Za-z]{2,}", pattern)
    chunks = generic + own + [w + " " for w in words[:20]] + ["".join(own[:6])] + [w for w in words[:10]]
    out = []
    for chunk in dict.fromkeys(c for c in chunks if c):
        run = chunk * (LENGTH // len(chunk))
        out.append(run)
        out.append(run + "!")  # a failing tail forces backtracking through the whole run
    return out


#: Patterns the package only ever applies anchored (``.match``/``.fullmatch`` on one token or line):
#: searching them from every offset would be quadratic, matching once is linear. They are timed with
#: ``.match`` and ``.fullmatch``, and :func:`test_anchored_patterns_are_only_used_anchored` keeps this honest.
ANCHORED = {
    "audit.nlp.punkt._SINGLE_LETTERS_RE": "match on one Punkt token",
    "audit.nlp.punkt._RE.realign": "match at the start of the sentence after a break (Punkt's realignment)",
    "audit.nlp.punkt._regex_patterns().realign": "the same, on the regex engine",
    "audit.readers.text._LIST": "match at the start of a line",
    "audit.readers.text._DECORATION": "fullmatch of a line",
    "audit.readers.frontmatter._KEY_LINE": "match at the start of the second line",
}


def _run(pattern: Any, text: str, anchored: bool) -> None:
    if anchored:
        pattern.match(text)
        pattern.fullmatch(text)
    else:
        for _ in pattern.finditer(text):
            pass


def test_patterns_were_found() -> None:
    # The package compiles dozens of patterns (readers, NLP, lexicons, rules); finding few means the walk broke.
    assert len(PATTERNS) >= 30, sorted(w for w, _ in PATTERNS.values())
    sources = {w.split(".")[1] for w, _ in PATTERNS.values()}
    assert {"readers", "nlp", "rules"} <= sources, sources


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_pattern_is_linear_on_adversarial_text(key: str) -> None:
    where, pattern = PATTERNS[key]
    for text in adversarial(pattern.pattern if isinstance(pattern.pattern, str) else ""):
        if not isinstance(pattern.pattern, str):
            continue
        started = time.monotonic()
        try:
            with safety.time_budget(LIMIT * 4):
                _run(pattern, text, where in ANCHORED)
        except safety.DocumentTimeout:
            pass
        elapsed = time.monotonic() - started
        assert elapsed < LIMIT, f"{where}: {pattern.pattern!r} took {elapsed:.2f} s on {text[:12]!r}*{len(text)}"


def test_the_check_catches_a_catastrophic_pattern() -> None:
    bad = re.compile(r"(a+)+b")
    worst = max(
        (_time(bad, t) for t in adversarial(bad.pattern)),
        default=0.0,
    )
    assert worst >= LIMIT


def _time(pattern: Any, text: str) -> float:
    started = time.monotonic()
    try:
        with safety.time_budget(LIMIT * 2):
            for _ in pattern.finditer(text):
                pass
    except safety.DocumentTimeout:
        pass
    return time.monotonic() - started


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def test_anchored_patterns_are_only_used_anchored() -> None:
    for where in ANCHORED:
        assert where in {w for w, _ in PATTERNS.values()}, f"{where} is no longer found: drop it from ANCHORED"
        # The module is the longest importable prefix; the pattern is used through its last name.
        parts = where.split(".")
        module = next(m for m in (".".join(parts[:k]) for k in range(len(parts) - 1, 0, -1)) if _importable(m))
        name = parts[-1]
        source = inspect.getsource(importlib.import_module(module))
        uses = re.findall(rf"\b{re.escape(name)}\.(\w+)\(", source)
        assert uses, f"{where} is no longer used: drop it from ANCHORED"
        assert set(uses) <= {"match", "fullmatch"}, f"{where} is now used with {set(uses)}: make it linear under search"
