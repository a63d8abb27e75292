"""Configuration: discovery, validation and per-file settings.

Sources, lowest precedence first: built-in defaults < the project file
(``audit.toml``, ``.audit.toml`` or ``[tool.audit]`` in ``pyproject.toml``,
found by searching upward from the checked paths, or ``--config FILE``) <
``[[overrides]]`` sections whose ``files`` patterns match the file < CLI flags.

Every key is validated; a mistake raises :class:`ConfigError` naming the file
and the key, which the CLI reports with exit code 2. Config is data only:
nothing in it is executed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.model import SEVERITIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAMES = ("audit.toml", ".audit.toml")
FAIL_ON = ("error", "warning", "info", "never")
READABILITY_METRICS = (
    "smog_index",
    "flesch_kincaid_grade",
    "gunning_fog",
    "coleman_liau_index",
    "automated_readability_index",
    "dale_chall_readability_score",
    "flesch_reading_ease",
    "text_standard",
)
DEFAULT_INCLUDE = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm")
DEFAULT_AUTHORITATIVE_DOMAINS = (
    "nih.gov",
    "cdc.gov",
    "fda.gov",
    "who.int",
    "nhs.uk",
    "nice.org.uk",
    "cochranelibrary.com",
    "cochrane.org",
    "pubmed.ncbi.nlm.nih.gov",
    "ncbi.nlm.nih.gov",
    "medlineplus.gov",
    "clinicaltrials.gov",
    "doi.org",
    "nejm.org",
    "jamanetwork.com",
    "thelancet.com",
    "bmj.com",
    "nature.com",
    "sciencedirect.com",
    "springer.com",
    "wiley.com",
    "academic.oup.com",
    "ahajournals.org",
    "annals.org",
    "plos.org",
    "frontiersin.org",
    "mayoclinic.org",
    "ema.europa.eu",
    "europepmc.org",
)


class ConfigError(Exception):
    """A configuration mistake; the message names the file and the key."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source, self.key, self.problem = source, key, problem
        super().__init__(f"{source}: {key}: {problem}")


def _str_list(v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ValueError("expected a list of strings")
    return list(v)


def _choice(*choices: str) -> Any:
    def check(v: Any) -> str:
        if not isinstance(v, str) or v not in choices:
            raise ValueError("expected one of: " + ", ".join(choices))
        return v

    return check


def _number(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError("expected a number")  # noqa: TRY004 (the caller turns ValueError into a ConfigError)
    return float(v)


def _target(v: Any) -> float:
    """A readability target: a grade, or a Flesch reading-ease score (0 to 100)."""
    x = _number(v)
    if not 0 <= x <= 100:
        raise ValueError("expected a number from 0 to 100 (a grade, or a reading-ease score)")
    return x


def _string(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("expected a string")  # noqa: TRY004 (the caller turns ValueError into a ConfigError)
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("expected true or false")  # noqa: TRY004 (the caller turns ValueError into a ConfigError)
    return v


def _jobs(v: Any) -> int | str:
    """``jobs``: a number of worker processes, or ``"auto"`` (or 0) for one per available CPU."""
    if v == "auto":
        return v
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError('expected a whole number >= 0, or "auto" (one worker per available CPU)')
    return v


def _positive_int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise ValueError("expected a whole number >= 1")
    return v


#: Keys allowed at top level (and, except the path keys, inside [[overrides]]).
#: Each maps to a validator that returns the cleaned value or raises ValueError.
TOP_KEYS: dict[str, Any] = {
    "include": _str_list,
    "exclude": _str_list,
    "fail_on": _choice(*FAIL_ON),
    "select": _str_list,
    "ignore": _str_list,
    "organizations": _str_list,
    "accepted_terms": _str_list,
    "authoritative_domains": _str_list,
    "language": _choice("en"),
    "baseline": _string,
    "waivers": _string,
    "cache": _bool,
    "jobs": _jobs,
}
READABILITY_KEYS: dict[str, Any] = {
    "metric": _choice(*READABILITY_METRICS),
    "target": _target,
    "min_words": _positive_int,
}
#: Keys that only make sense at top level.
TOP_ONLY = ("include", "exclude", "fail_on", "baseline", "waivers", "cache", "jobs", "overrides")
ALIASES = {"organisations": "organizations"}


@dataclass(frozen=True)
class Settings:
    """The effective settings for one file."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    accepted_terms: tuple[str, ...] = ()
    authoritative_domains: tuple[str, ...] = DEFAULT_AUTHORITATIVE_DOMAINS
    readability_metric: str = "smog_index"
    readability_target: float = 8.0
    readability_min_words: int = 100
    #: Per rule id: ``{"severity": ..., "enabled": ..., <options>}`` as configured.
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)

    def rule_enabled(self, rule: Any) -> bool:
        from audit.rules.base import matches

        conf = self.rules.get(rule.id, {})
        if "enabled" in conf:
            return bool(conf["enabled"])
        if not any(matches(rule, s) for s in self.select):
            return False
        return not any(matches(rule, s) for s in self.ignore)

    def rule_severity(self, rule: Any) -> str:
        return self.rules.get(rule.id, {}).get("severity", rule.severity)

    def rule_options(self, rule: Any) -> dict[str, Any]:
        opts = rule.default_options()
        conf = self.rules.get(rule.id, {})
        opts.update({k: v for k, v in conf.items() if k in opts})
        return opts


@dataclass
class Config:
    """A loaded, validated project configuration."""

    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    raw: dict[str, Any] = field(default_factory=dict)
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    fail_on: str = "error"
    baseline: str | None = None
    waivers: str | None = None
    cache: bool = True
    jobs: int | str = 1
    base: dict[str, Any] = field(default_factory=dict)
    overrides: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)
    _settings_cache: dict[tuple[int, ...], Settings] = field(default_factory=dict)

    def settings_for(self, relpath: str) -> Settings:
        """Effective settings for a path relative to :attr:`root` (POSIX form)."""
        hits = tuple(i for i, (spec, _) in enumerate(self.overrides) if spec.match_file(relpath))
        if hits not in self._settings_cache:
            merged = copy.deepcopy(self.base)
            for i in hits:
                _merge(merged, self.overrides[i][1])
            self._settings_cache[hits] = _to_settings(merged)
        return self._settings_cache[hits]

    def effective(self) -> dict[str, Any]:
        """The effective top-level configuration, as ``audit config`` prints it."""
        s = self.settings_for("")
        out: dict[str, Any] = {
            "config_file": str(self.path) if self.path else None,
            "root": str(self.root),
            "include": list(self.include),
            "exclude": list(self.exclude),
            "fail_on": self.fail_on,
            "baseline": self.baseline,
            "waivers": self.waivers,
            "cache": self.cache,
            "jobs": self.jobs,
            "select": list(s.select),
            "ignore": list(s.ignore),
            "organizations": list(s.organizations),
            "accepted_terms": list(s.accepted_terms),
            "authoritative_domains": list(s.authoritative_domains),
            "readability": {
                "metric": s.readability_metric,
                "target": s.readability_target,
                "min_words": s.readability_min_words,
            },
            "rules": {},
            "overrides": list(self.raw.get("overrides", [])),
        }
        from audit.rules.base import all_rules

        for rule in all_rules():
            out["rules"][rule.id] = {
                "name": rule.name,
                "enabled": s.rule_enabled(rule),
                "severity": s.rule_severity(rule),
                **s.rule_options(rule),
            }
        return out

    def digest(self) -> str:
        """SHA-256 of the effective configuration (for caches and report provenance)."""
        eff = {k: v for k, v in self.effective().items() if k not in ("config_file", "root")}
        blob = json.dumps(eff, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()


def to_toml(data: dict[str, Any]) -> str:
    """Render a configuration mapping as TOML (``None`` values are left out)."""
    import tomli_w

    def clean(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items() if x is not None}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v

    return tomli_w.dumps(clean(data))


def _merge(into: dict[str, Any], layer: dict[str, Any]) -> None:
    for k, v in layer.items():
        if k == "rules":
            rules = into.setdefault("rules", {})
            for rid, conf in v.items():
                rules.setdefault(rid, {}).update(conf)
        elif k == "readability":
            into.setdefault("readability", {}).update(v)
        else:
            into[k] = v


def _to_settings(d: dict[str, Any]) -> Settings:
    r = d.get("readability", {})
    extra_domains = tuple(d.get("authoritative_domains", ()))
    return Settings(
        select=tuple(d.get("select", ("ALL",))),
        ignore=tuple(d.get("ignore", ())),
        organizations=tuple(d.get("organizations", ())),
        accepted_terms=tuple(d.get("accepted_terms", ())),
        authoritative_domains=DEFAULT_AUTHORITATIVE_DOMAINS + extra_domains,
        readability_metric=r.get("metric", "smog_index"),
        readability_target=float(r.get("target", 8.0)),
        readability_min_words=int(r.get("min_words", 100)),
        rules=d.get("rules", {}),
    )


def _validate_rules(table: Any, source: str, prefix: str) -> dict[str, dict[str, Any]]:
    from audit.rules.base import get_rule

    if not isinstance(table, dict):
        raise ConfigError(source, prefix, "expected a table of rules")
    out: dict[str, dict[str, Any]] = {}
    for key, conf in table.items():
        rule = get_rule(key)
        where = f"{prefix}.{key}"
        if rule is None:
            raise ConfigError(source, where, "unknown rule (see `audit rules`)")
        if not isinstance(conf, dict):
            raise ConfigError(source, where, "expected a table, e.g. severity = \"warning\"")
        clean: dict[str, Any] = {}
        opts = {o.name: o for o in rule.options}
        for k, v in conf.items():
            if k == "severity":
                if v not in SEVERITIES:
                    raise ConfigError(source, f"{where}.{k}", "expected one of: " + ", ".join(SEVERITIES))
                clean[k] = v
            elif k == "enabled":
                if not isinstance(v, bool):
                    raise ConfigError(source, f"{where}.{k}", "expected true or false")
                clean[k] = v
            elif k in opts:
                try:
                    clean[k] = opts[k].validate(v)
                except ValueError as e:
                    raise ConfigError(source, f"{where}.{k}", str(e)) from None
            else:
                known = ", ".join(["severity", "enabled", *opts]) or "severity, enabled"
                raise ConfigError(source, f"{where}.{k}", f"unknown option (known: {known})")
        out[rule.id] = {**out.get(rule.id, {}), **clean}
    return out


def _validate_section(data: dict[str, Any], source: str, prefix: str, top: bool) -> dict[str, Any]:
    from audit.rules.base import selector_is_known

    out: dict[str, Any] = {}
    for key, value in data.items():
        name = ALIASES.get(key, key)
        where = f"{prefix}{key}"
        if not top and name in TOP_ONLY:
            raise ConfigError(source, where, "only allowed at top level, not inside [[overrides]]")
        if name in TOP_KEYS:
            try:
                out[name] = TOP_KEYS[name](value)
            except ValueError as e:
                raise ConfigError(source, where, str(e)) from None
            if name in ("select", "ignore"):
                for sel in out[name]:
                    if not selector_is_known(sel):
                        raise ConfigError(source, where, f"{sel!r} names no rule, family or category")
        elif name == "readability":
            if not isinstance(value, dict):
                raise ConfigError(source, where, "expected a table")
            r: dict[str, Any] = {}
            for k, v in value.items():
                if k not in READABILITY_KEYS:
                    raise ConfigError(source, f"{where}.{k}", "unknown key (known: " + ", ".join(READABILITY_KEYS) + ")")
                try:
                    r[k] = READABILITY_KEYS[k](v)
                except ValueError as e:
                    raise ConfigError(source, f"{where}.{k}", str(e)) from None
            out["readability"] = r
        elif name == "rules":
            out["rules"] = _validate_rules(value, source, where)
        elif (name == "overrides" and top) or (name == "files" and not top):
            continue
        else:
            known = sorted(set(TOP_KEYS) | {"readability", "rules"} | ({"overrides"} if top else {"files"}))
            raise ConfigError(source, where, "unknown key (known: " + ", ".join(known) + ")")
    return out


def _compile_patterns(patterns: list[str], source: str, key: str) -> Any:
    from audit.safety import path_pattern_problem, path_spec

    for pattern in patterns:
        problem = path_pattern_problem(pattern)
        if problem:
            raise ConfigError(source, key, problem)
    try:
        return path_spec(patterns)
    except Exception as e:  # noqa: BLE001 (pathspec raises several types for bad patterns)
        raise ConfigError(source, key, f"bad pattern: {e}") from None


def from_dict(data: dict[str, Any], source: str = "<config>", path: Path | None = None, root: Path | None = None) -> Config:
    """Validate a configuration mapping (as read from TOML) into a :class:`Config`."""
    if not isinstance(data, dict):
        raise ConfigError(source, "(top level)", "expected a table")
    base = _validate_section(data, source, "", top=True)
    cfg = Config(path=path, root=root or (path.parent if path else Path.cwd()), raw=data)
    for key in ("include", "exclude"):
        if key in base:
            _compile_patterns(base[key], source, key)
            setattr(cfg, key, tuple(base.pop(key)))
    for key in ("fail_on", "baseline", "waivers", "cache", "jobs"):
        if key in base:
            setattr(cfg, key, base.pop(key))
    cfg.base = base
    overrides = data.get("overrides", [])
    if not isinstance(overrides, list):
        raise ConfigError(source, "overrides", "expected an array of tables ([[overrides]])")
    for i, ov in enumerate(overrides):
        where = f"overrides[{i}]"
        if not isinstance(ov, dict):
            raise ConfigError(source, where, "expected a table")
        files = ov.get("files")
        try:
            files = _str_list(files)
        except ValueError:
            raise ConfigError(source, f"{where}.files", "required: a list of path patterns") from None
        body = _validate_section(ov, source, f"{where}.", top=False)
        cfg.overrides.append((_compile_patterns(files, source, f"{where}.files"), body))
    return cfg


def load_file(path: Path) -> Config:
    """Read and validate a config file (``audit.toml`` or ``pyproject.toml``)."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise ConfigError(source, "(file)", f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ConfigError(source, "(file)", "not valid UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(source, "(syntax)", str(e)) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(source, "tool", "expected a table")
        data = tool.get("audit", {})
        source += " [tool.audit]"
        if not isinstance(data, dict):
            raise ConfigError(source, "(table)", "expected a table")
    return from_dict(data, source, path=path.resolve(), root=path.resolve().parent)


def find_config(start: Path) -> Path | None:
    """Search upward from ``start`` for ``audit.toml``, ``.audit.toml`` or a
    ``pyproject.toml`` with a ``[tool.audit]`` table."""
    try:
        here = start.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        here = Path(os.path.abspath(start))
    if here.is_file() or not here.exists():
        here = here.parent
    for d in (here, *here.parents):
        for name in CONFIG_NAMES:
            p = d / name
            if p.is_file():
                return p
        pp = d / "pyproject.toml"
        if pp.is_file():
            try:
                if re.search(r"^\[tool\.audit(\.|\])", pp.read_text(encoding="utf-8", errors="replace"), re.MULTILINE):
                    return pp
            except OSError:
                pass
    return None


def load(config_path: str | None, paths: list[str]) -> Config:
    """The configuration for a run: ``--config`` if given, else discovered."""
    if config_path:
        p = Path(config_path)
        if not p.is_file():
            raise ConfigError(config_path, "(file)", "no such file")
        return load_file(p)
    starts = [Path(p) for p in paths if p != "-"] or [Path(os.getcwd())]
    found = find_config(starts[0])
    # One run has one configuration: paths governed by different ones would each get the
    # first path's, and the result would depend on the order they were given in.
    by_folder: dict[str, Path | None] = {}
    for other in starts[1:]:
        # (Many paths are often files of a few folders: a shell glob. One search per folder.)
        folder = os.path.abspath(other if other.is_dir() else other.parent)
        if folder not in by_folder:
            by_folder[folder] = find_config(other)
        theirs = by_folder[folder]
        if theirs != found:
            def name(c: Path | None) -> str:
                return str(c) if c else "no config file (the defaults)"

            raise ConfigError(
                name(found), "(paths)",
                f"{starts[0]} and {other} have different configurations ({name(found)}; {name(theirs)}): "
                "check them in separate runs, or choose one with --config",
            )
    return load_file(found) if found else Config()


STARTER = '''\
# audit.toml: configuration for `audit`.
# `audit config` prints every effective setting; `audit rules` lists rule ids.

# Files to check inside directories (gitignore-style patterns), and files to skip.
include = ["*.md", "*.markdown", "*.html", "*.htm", "*.txt"]
exclude = ["reports/", "node_modules/"]

# Exit with 1 when a finding has at least this severity: error, warning, info or never.
fail_on = "error"

# Rules to run and to skip: ids (RD001), families (PR), names or categories (promotion).
select = ["ALL"]
ignore = []

# Your organisation's names and domains: mentions in informational text are self-promotion.
organizations = []
# Terms never flagged (product names you must use, accepted jargon).
accepted_terms = []
# Sources that count as evidence, added to the built-in list (nih.gov, cdc.gov, who.int, ...).
authoritative_domains = []

[readability]
# One of: smog_index, flesch_kincaid_grade, gunning_fog, coleman_liau_index,
# automated_readability_index, dale_chall_readability_score, flesch_reading_ease, text_standard.
metric = "smog_index"
target = 8          # grade ceiling (for flesch_reading_ease: the minimum score)
min_words = 100     # shorter documents get a notice instead of a grade

# Per-rule settings: severity, enabled, and the rule's own options (see `audit explain RULE`).
[rules.RD002]
max_words = 25

# Settings for some paths only.
# [[overrides]]
# files = ["legacy/**"]
# ignore = ["RD"]
'''
