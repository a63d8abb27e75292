"""Rule base class, typed options and the rule registry.

A rule is a small class with a stable ``id`` (family code plus number, e.g.
``RD001``), a readable ``name`` that names the problem, a ``category``, a
default ``severity``, typed ``options`` with defaults, documentation in one
template (``what``, ``why``, ``example``, ``instead``, ``references``) and
``fail_examples``/``pass_examples`` that the test-suite runs. ``check`` yields
:class:`audit.model.Hit` objects in source offsets.

Every module in :mod:`audit.rules` whose name does not start with ``_`` is
imported by :func:`all_rules`, so adding a rule family needs no edit here.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from audit.model import CATEGORIES, SEVERITIES, Document, Hit


@dataclass(frozen=True)
class Option:
    """A typed rule option. ``type`` is one of int, float, str, bool, list."""

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    #: Bounds of a number (inclusive). A number has at least 0 unless the option says otherwise:
    #: every numeric option is a count, a length or a share.
    minimum: float | None = None
    maximum: float | None = None

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to the option type, or raise ``ValueError``."""
        t = self.type
        if t is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if t is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError("expected a list of strings")
        elif t in (int, float) and isinstance(value, bool):
            raise ValueError(f"expected {t.__name__}, got a boolean")
        elif not isinstance(value, t):
            raise ValueError(f"expected {t.__name__}, got {type(value).__name__}")
        if self.choices is not None and value not in self.choices:
            raise ValueError("expected one of " + ", ".join(map(str, self.choices)))
        if t in (int, float):
            lo = 0 if self.minimum is None else self.minimum
            if math.isnan(value) or value < lo or (self.maximum is not None and value > self.maximum):
                bound = f"from {lo:g} to {self.maximum:g}" if self.maximum is not None else f"of at least {lo:g}"
                raise ValueError(f"expected a {'whole number' if t is int else 'number'} {bound}")
        return value


@dataclass(frozen=True)
class Example:
    """A documentation/test example: ``text`` in ``format`` (markdown by default)."""

    text: str
    format: str = "markdown"
    #: Extra settings for the example (e.g. organisation names), as config keys.
    config: dict[str, Any] = field(default_factory=dict)


class Context:
    """What a rule sees besides the document: its options and the file's settings."""

    __slots__ = ("options", "settings")

    def __init__(self, options: dict[str, Any], settings: Any) -> None:
        self.options = options
        #: The effective :class:`audit.config.Settings` for this file.
        self.settings = settings


class Rule:
    """Base class of all rules. Subclasses set the class attributes and ``check``."""

    id: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[str] = "warning"
    options: ClassVar[tuple[Option, ...]] = ()
    #: Documentation template.
    what: ClassVar[str] = ""
    why: ClassVar[str] = ""
    example: ClassVar[str] = ""
    instead: ClassVar[str] = ""
    references: ClassVar[tuple[str, ...]] = ()
    #: Texts this rule must flag and must not flag (run by the test-suite).
    fail_examples: ClassVar[tuple[Example, ...]] = ()
    pass_examples: ClassVar[tuple[Example, ...]] = ()
    #: Aliases kept when a rule is renamed.
    aliases: ClassVar[tuple[str, ...]] = ()

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def default_options(cls) -> dict[str, Any]:
        return {o.name: o.default for o in cls.options}

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """Machine-readable description (used by ``audit rules --format json`` and SARIF)."""
        return {
            "id": cls.id,
            "name": cls.name,
            "category": cls.category,
            "severity": cls.severity,
            "what": cls.what,
            "why": cls.why,
            "example": cls.example,
            "instead": cls.instead,
            "references": list(cls.references),
            "options": [
                {"name": o.name, "type": o.type.__name__, "default": o.default, "help": o.help}
                for o in cls.options
            ],
        }


_REGISTRY: dict[str, type[Rule]] = {}
_BY_NAME: dict[str, str] = {}
_LOADED = False


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator adding a rule to the registry (ids and names are unique)."""
    for attr in ("id", "name", "category"):
        if not getattr(cls, attr, None):
            raise TypeError(f"rule {cls.__name__} has no {attr}")
    if cls.category not in CATEGORIES:
        raise TypeError(f"rule {cls.id}: unknown category {cls.category!r}")
    if cls.severity not in SEVERITIES:
        raise TypeError(f"rule {cls.id}: unknown severity {cls.severity!r}")
    if cls.id in _REGISTRY and _REGISTRY[cls.id] is not cls:
        raise TypeError(f"duplicate rule id {cls.id}")
    for key in (cls.name, *cls.aliases):
        if key in _BY_NAME and _BY_NAME[key] != cls.id:
            raise TypeError(f"duplicate rule name {key}")
        _BY_NAME[key] = cls.id
    _REGISTRY[cls.id] = cls
    return cls


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    import audit.rules as pkg

    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not mod.name.startswith("_") and mod.name != "base":
            importlib.import_module(f"audit.rules.{mod.name}")
    _LOADED = True


def all_rules() -> list[type[Rule]]:
    """Every registered rule, sorted by id."""
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def get_rule(key: str) -> type[Rule] | None:
    """Look a rule up by id (case-insensitive), name or alias."""
    _load()
    k = key.strip()
    if k.upper() in _REGISTRY:
        return _REGISTRY[k.upper()]
    rid = _BY_NAME.get(k) or _BY_NAME.get(k.lower())
    return _REGISTRY[rid] if rid else None


def matches(rule: type[Rule], selector: str) -> bool:
    """Whether a select/ignore selector names this rule.

    A selector is ``ALL``, a rule id (``RD001``), a family prefix (``RD``), a
    rule name (``sentence-too-long``) or alias, or a category (``promotion``).
    """
    s = selector.strip()
    if s.upper() == "ALL":
        return True
    if s.upper() == rule.id or (s.isalpha() and s.isupper() and rule.id.startswith(s)):
        return True
    if s.lower() == rule.category:
        return True
    return s == rule.name or s in rule.aliases


def selector_is_known(selector: str) -> bool:
    """Whether a selector names anything at all (for config validation)."""
    return any(matches(r, selector) for r in all_rules())
