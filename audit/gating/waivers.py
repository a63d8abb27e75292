"""Waivers: findings accepted on the record, with who, why and until when.

A waiver file is TOML kept under version control, so every acceptance goes
through review::

    [[waiver]]
    rule = "CL001"                 # rule id or name
    path = "articles/rls/*.md"     # gitignore-style pattern, relative to this file's folder
    match = "cures restless legs"  # optional: the finding's matched text (case and spacing ignored)
    fingerprint = "9f1c0e..."      # optional: a fingerprint from the baseline file or SARIF output
    reason = "Quoted from the 2023 trial report, cited below the quote."
    approved_by = "Dr. A. Reviewer"
    date = 2025-03-01
    expires = 2026-03-01           # optional: the waiver stops applying after this day

Every key is validated; a mistake names the file and key (exit status 2).
Waived findings keep their place in reports with ``status = "waived"`` and
the waiver's reason, approver and dates. Expired waivers stop applying (so
their findings count again) and are reported at the end of the run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.gating.baseline import key_path
from audit.gating.errors import GatingError
from audit.gating.fingerprint import fingerprints, needs_source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KEYS = ("rule", "path", "match", "fingerprint", "reason", "approved_by", "date", "expires")
REQUIRED = ("rule", "path", "reason", "approved_by", "date")


@dataclass
class Waiver:
    """One validated ``[[waiver]]`` entry."""

    index: int
    rule: str
    path: str
    reason: str
    approved_by: str
    date: dt.date
    match: str | None = None
    fingerprint: str | None = None
    expires: dt.date | None = None
    spec: Any = field(default=None, repr=False)
    used: int = 0
    paths_seen: int = 0

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def detail(self, file: str) -> dict[str, Any]:
        return {
            "by": "waiver",
            "reason": self.reason,
            "approved_by": self.approved_by,
            "date": self.date.isoformat(),
            "expires": self.expires.isoformat() if self.expires else None,
            "waiver": f"{file}#{self.index + 1}",
        }

    def describe(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"waiver": self.index + 1, "rule": self.rule, "path": self.path}
        if self.match is not None:
            rec["match"] = self.match
        if self.fingerprint is not None:
            rec["fingerprint"] = self.fingerprint
        rec.update(approved_by=self.approved_by, date=self.date.isoformat(),
                   expires=self.expires.isoformat() if self.expires else None)
        return rec


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise GatingError(f"{where}: expected a date like 2025-06-30")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise GatingError(f"{where}: expected a non-empty string")
    return value.strip()


def parse(data: Any, name: str) -> list[Waiver]:
    """Validate the TOML data of a waiver file (``name`` is used in error messages)."""
    from audit.rules.base import get_rule
    from audit.safety import path_spec

    if not isinstance(data, dict):
        raise GatingError(f"{name}: expected a table")
    unknown = [k for k in data if k != "waiver"]
    if unknown:
        raise GatingError(f"{name}: {unknown[0]}: unknown key (a waiver file holds [[waiver]] tables only)")
    raw = data.get("waiver", [])
    if not isinstance(raw, list):
        raise GatingError(f"{name}: waiver: expected an array of tables ([[waiver]])")
    out = []
    for i, w in enumerate(raw):
        where = f"{name}: waiver[{i + 1}]"
        if not isinstance(w, dict):
            raise GatingError(f"{where}: expected a table")
        for k in w:
            if k not in KEYS:
                raise GatingError(f"{where}.{k}: unknown key (known: {', '.join(KEYS)})")
        for k in REQUIRED:
            if k not in w:
                raise GatingError(f"{where}.{k}: required")
        rule_name = _text(w["rule"], f"{where}.rule")
        rule = get_rule(rule_name)
        if rule is None:
            raise GatingError(f"{where}.rule: {rule_name!r} is not a rule id or name (see `audit rules`)")
        path = _text(w["path"], f"{where}.path")
        try:
            spec = path_spec([path])
        except (ValueError, TypeError) as e:  # pathspec: GitWildMatchPatternError is a ValueError
            raise GatingError(f"{where}.path: bad pattern: {e}") from None
        match = _text(w["match"], f"{where}.match") if "match" in w else None
        fp = _text(w["fingerprint"], f"{where}.fingerprint").lower() if "fingerprint" in w else None
        if fp is not None and not all(c in "0123456789abcdef" for c in fp):
            raise GatingError(f"{where}.fingerprint: expected hexadecimal digits as in the baseline file")
        date = _date(w["date"], f"{where}.date")
        expires = _date(w["expires"], f"{where}.expires") if "expires" in w else None
        if expires is not None and expires < date:
            raise GatingError(f"{where}.expires: {expires} is before date {date}")
        out.append(Waiver(
            index=i, rule=rule.id, path=path, spec=spec, match=match, fingerprint=fp,
            reason=_text(w["reason"], f"{where}.reason"), approved_by=_text(w["approved_by"], f"{where}.approved_by"),
            date=date, expires=expires,
        ))
    return out


@dataclass
class Waivers:
    """A loaded waiver file, applied to findings file by file."""

    file: Path
    waivers: list[Waiver]
    today: dt.date = field(default_factory=dt.date.today)
    waived: int = 0

    @property
    def base_dir(self) -> Path:
        return self.file.resolve().parent

    @property
    def needs_source(self) -> bool:
        return any(w.fingerprint for w in self.waivers)

    def apply(self, result: Any, source: Callable[[], str | None]) -> None:
        """Mark ``result``'s open findings covered by a valid waiver as ``waived``."""
        path = key_path(result.path, self.base_dir)
        live = []
        for w in self.waivers:
            if w.spec.match_file(path):
                w.paths_seen += 1
                if not w.expired(self.today):
                    live.append(w)
        if not live or not any(f.status == "open" for f in result.findings):
            return
        out = []
        for f in result.findings:
            if f.status == "open":
                fps: tuple[str, ...] | None = None  # the finding's fingerprints, made on first need
                for w in live:
                    if w.rule != f.rule:
                        continue
                    if w.match is not None and _norm(w.match) != _norm(f.match):
                        continue
                    if w.fingerprint is not None:
                        if fps is None:
                            fps = fingerprints(f, source() if needs_source(f) else None)
                        if w.fingerprint not in fps:
                            continue
                    w.used += 1
                    self.waived += 1
                    f = dataclasses.replace(f, status="waived", status_detail=w.detail(str(self.file)))
                    break
            out.append(f)
        result.findings = out

    def report(self) -> dict[str, Any]:
        expired = [w for w in self.waivers if w.expired(self.today)]
        unused = [w for w in self.waivers if not w.expired(self.today) and w.paths_seen and not w.used]
        return {
            "file": str(self.file),
            "waivers": len(self.waivers),
            "waived": self.waived,
            "expired": [w.describe() for w in expired],
            "unused": [w.describe() for w in unused],
        }


def load(path: str | os.PathLike[str], today: dt.date | None = None) -> Waivers:
    """Read and validate a waiver file; raises :class:`GatingError` naming the file and key."""
    p = Path(path)
    name = str(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GatingError(f"{name}: no such waiver file") from None
    except OSError as e:
        raise GatingError(f"{name}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise GatingError(f"{name}: not valid UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GatingError(f"{name}: (syntax): {e}") from None
    return Waivers(file=p, waivers=parse(data, name), today=today or dt.date.today())
