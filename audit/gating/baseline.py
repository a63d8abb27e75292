"""Baselines: accept today's findings, fail only on new ones.

``audit baseline PATHS -o audit-baseline.json`` records every open finding as
``(path, rule, fingerprint)`` with a count; ``audit check --baseline FILE``
marks findings that match an entry as ``baselined`` (each entry absorbs at
most ``count`` findings) and reports entries that matched nothing as stale.
A file the baseline does not name may use the entries of files that no longer
exist: a moved or renamed article keeps its accepted findings.

Paths in the file are POSIX paths relative to the folder of the baseline file,
so the same baseline works from any working directory. The file is JSON,
sorted and indented for clean diffs::

    {"version": 1, "tool": {...}, "created": "...", "entries": [
        {"path": "docs/a.md", "rule": "CL001", "fingerprint": "9f1c...", "match": "cures", "count": 1}]}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit import tool_record
from audit.gating.errors import GatingError
from audit.gating.fingerprint import fingerprint, fingerprints, needs_source

VERSION = 1
#: Matched text kept in an entry, for reviewers reading the file.
MATCH_CHARS = 160


def key_path(display: str, base_dir: Path) -> str:
    """A checked file's path as stored in a baseline or matched by a waiver glob."""
    if not display or display.startswith("<"):
        return display
    try:
        rel = os.path.relpath(os.path.abspath(display), os.path.abspath(base_dir))
    except ValueError:  # another drive on Windows
        return Path(display).as_posix()
    return Path(rel).as_posix()


@dataclass
class Entry:
    """One accepted finding (or ``count`` identical ones) in a baseline."""

    path: str
    rule: str
    fingerprint: str
    match: str
    count: int = 1

    def as_record(self) -> dict[str, Any]:
        return {"path": self.path, "rule": self.rule, "fingerprint": self.fingerprint, "match": self.match,
                "count": self.count}


@dataclass
class Baseline:
    """A loaded baseline file."""

    file: Path
    entries: list[Entry] = field(default_factory=list)
    created: str | None = None

    @property
    def base_dir(self) -> Path:
        return self.file.resolve().parent


def load(path: str | os.PathLike[str]) -> Baseline:
    """Read and validate a baseline file; raises :class:`GatingError` naming the file and key."""
    p = Path(path)
    name = str(p)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GatingError(f"baseline {name}: no such file (create it with `audit baseline PATHS -o {name}`)") from None
    except OSError as e:
        raise GatingError(f"baseline {name}: cannot read: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GatingError(f"baseline {name}: not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise GatingError(f"baseline {name}: expected a JSON object")
    if data.get("version") != VERSION:
        raise GatingError(f"baseline {name}: version: expected {VERSION}, got {data.get('version')!r}")
    raw = data.get("entries")
    if not isinstance(raw, list):
        raise GatingError(f"baseline {name}: entries: expected a list")
    entries = []
    for i, item in enumerate(raw):
        where = f"baseline {name}: entries[{i}]"
        if not isinstance(item, dict):
            raise GatingError(f"{where}: expected an object")
        for key in ("path", "rule", "fingerprint"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise GatingError(f"{where}.{key}: expected a non-empty string")
        count = item.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise GatingError(f"{where}.count: expected a positive integer")
        match = item.get("match", "")
        if not isinstance(match, str):
            raise GatingError(f"{where}.match: expected a string")
        entries.append(Entry(item["path"], item["rule"].upper(), item["fingerprint"], match, count))
    return Baseline(file=p, entries=entries, created=data.get("created"))


def collect(findings: Iterable[tuple[str, Any, str | None]], base_dir: Path) -> list[Entry]:
    """Baseline entries for ``(display path, finding, source text)`` triples of open findings."""
    merged: dict[tuple[str, str, str], Entry] = {}
    for display, f, source in findings:
        path = key_path(display, base_dir)
        fp = fingerprint(f, source)
        key = (path, f.rule, fp)
        if key in merged:
            merged[key].count += 1
        else:
            snippet = " ".join(f.match.split())
            if len(snippet) > MATCH_CHARS:
                snippet = snippet[: MATCH_CHARS - 3] + "..."
            merged[key] = Entry(path, f.rule, fp, snippet)
    return sorted(merged.values(), key=lambda e: (e.path, e.rule, e.fingerprint))


def dumps(entries: list[Entry], created: dt.datetime | None = None) -> str:
    """The baseline file text (stable key order, sorted entries, trailing newline)."""
    when = (created or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    doc = {
        "version": VERSION,
        "tool": tool_record(),
        "created": when.isoformat(),
        "entries": [e.as_record() for e in sorted(entries, key=lambda e: (e.path, e.rule, e.fingerprint))],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


class Matcher:
    """Marks findings that a baseline accepts; remembers what matched for the end-of-run report."""

    def __init__(self, baseline: Baseline) -> None:
        self.baseline = baseline
        self.remaining: dict[tuple[str, str, str], int] = {}
        for e in baseline.entries:
            k = (e.path, e.rule, e.fingerprint)
            self.remaining[k] = self.remaining.get(k, 0) + e.count
        self.seen_paths: set[str] = set()
        self.matched = 0
        #: Every path the baseline names.
        self._named = {e.path for e in baseline.entries}
        #: Entries of files that no longer exist, by ``(rule, fingerprint)``: the findings of a
        #: moved or renamed file are looked up there (built on first need).
        self._gone: dict[tuple[str, str], list[str]] | None = None
        self._exists: dict[str, bool] = {}

    def _deleted(self, path: str) -> bool:
        """Whether a recorded file no longer exists (standard input never does; asked once a path)."""
        if path not in self._exists:
            self._exists[path] = path.startswith("<") or (self.baseline.base_dir / path).exists()
        return not self._exists[path]

    def _gone_entries(self) -> dict[tuple[str, str], list[str]]:
        if self._gone is None:
            gone: dict[tuple[str, str], list[str]] = {}
            for e in self.baseline.entries:
                if self._deleted(e.path):
                    paths = gone.setdefault((e.rule, e.fingerprint), [])
                    if e.path not in paths:
                        paths.append(e.path)
            self._gone = gone
        return self._gone

    def _take(self, path: str, rule: str, fps: tuple[str, ...], moved: bool) -> tuple[str, str] | None:
        """Use up one recorded finding for this file's finding: ``(fingerprint, recorded path)``,
        or None. A file the baseline does not name (``moved``) may take the entries of a file
        that no longer exists: it was moved or renamed, and its findings are no newer."""
        for fp in fps:  # the current form first, then an earlier one
            k = (path, rule, fp)
            if self.remaining.get(k, 0) > 0:
                self.remaining[k] -= 1
                return fp, path
        if moved:
            for fp in fps:
                for old in self._gone_entries().get((rule, fp), ()):
                    k = (old, rule, fp)
                    if self.remaining.get(k, 0) > 0:
                        self.remaining[k] -= 1
                        return fp, old
        return None

    def apply(self, result: Any, source: Callable[[], str | None]) -> None:
        """Mark ``result``'s open findings that the baseline accepts as ``baselined``."""
        path = key_path(result.path, self.baseline.base_dir)
        self.seen_paths.add(path)
        if not any(f.status == "open" for f in result.findings):
            return
        text = source() if any(f.status == "open" and needs_source(f) for f in result.findings) else None
        moved = path not in self._named
        out = []
        for f in result.findings:
            if f.status == "open":
                taken = self._take(path, f.rule, fingerprints(f, text), moved)
                if taken is not None:
                    fp, recorded = taken
                    self.matched += 1
                    detail = {"by": "baseline", "baseline": str(self.baseline.file), "fingerprint": fp}
                    if recorded != path:
                        detail["recorded_for"] = recorded
                    f = dataclasses.replace(f, status="baselined", status_detail=detail)
            out.append(f)
        result.findings = out

    def stale(self) -> list[Entry]:
        """Entries that matched fewer findings than recorded, in files this run checked or that no longer exist."""
        out = []
        for e in self.baseline.entries:
            k = (e.path, e.rule, e.fingerprint)
            left = self.remaining.get(k, 0)
            if left <= 0:
                continue
            if e.path in self.seen_paths or self._deleted(e.path):
                take = min(left, e.count)
                self.remaining[k] = left - take
                out.append(Entry(e.path, e.rule, e.fingerprint, e.match, take))
        # Restore, so report() can be called more than once.
        for e in out:
            k = (e.path, e.rule, e.fingerprint)
            self.remaining[k] += e.count
        return out

    def report(self) -> dict[str, Any]:
        stale = self.stale()
        return {
            "file": str(self.baseline.file),
            "entries": sum(e.count for e in self.baseline.entries),
            "matched": self.matched,
            "stale": sum(e.count for e in stale),
            "stale_entries": [e.as_record() for e in stale[:100]],
        }
