"""CSV output: one row per finding, and (for ``audit report``) one row per claim.

Findings: ``path, line, column, end_line, end_column, severity, rule, name,
category, message, match, fix, status``. Claims (:class:`ClaimsReporter`,
written as ``claims.csv``): ``path, line, column, end_line, end_column,
kind, strength, support, hedged, hedges, absolutes, citations, attributions,
statistics, text`` (lists joined with ``; ``).

Written with :mod:`csv` (RFC 4180 quoting, ``\\r\\n`` rows), so commas, quotes
and line breaks in article text survive a round trip. A spreadsheet would run
a cell that starts with ``=``, ``+``, ``-``, ``@``, tab or CR as a formula, and
article text is untrusted: such text cells get a leading ``'``
(:func:`neutralise`; :func:`restore` removes it).
"""

from __future__ import annotations

import csv
from typing import Any

from audit.reporters import Reporter as Base
from audit.reporters._common import ClaimsUnavailable, claims_inventory, display_relative

FINDING_COLUMNS = (
    "path", "line", "column", "end_line", "end_column", "severity", "rule", "name",
    "category", "message", "match", "fix", "status",
)
CLAIM_COLUMNS = (
    "path", "line", "column", "end_line", "end_column", "kind", "strength", "support",
    "hedged", "hedges", "absolutes", "citations", "attributions", "statistics", "text",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would not evaluate (numbers pass unchanged)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralise` on a cell read back from the file."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return neutralise("; ".join(_plain(v) for v in value))
    return neutralise(value)


def _plain(v: Any) -> str:
    if isinstance(v, dict):
        return str(v.get("url") or v.get("text") or v.get("label") or v)
    return str(v)


class Reporter(Base):
    """Findings, one row each, streamed."""

    def begin(self) -> None:
        self._w = csv.writer(self.out)
        self._w.writerow(FINDING_COLUMNS)

    def file(self, result: Any) -> None:
        path = display_relative(result.path, self.options.root)
        for f in result.findings:
            rec = {
                "path": path, "line": f.line, "column": f.column, "end_line": f.end_line,
                "end_column": f.end_column, "severity": f.severity, "rule": f.rule, "name": f.name,
                "category": f.category, "message": f.message, "match": f.match, "fix": f.fix, "status": f.status,
            }
            self._w.writerow([_cell(rec[c]) for c in FINDING_COLUMNS])


class ClaimsReporter(Base):
    """The claims inventory, one row per claim (needs each document's text)."""

    needs_documents = True

    def begin(self) -> None:
        self._w = csv.writer(self.out)
        self._w.writerow(CLAIM_COLUMNS)
        #: Set when the claims analysis is not installed; rows are then absent.
        self.unavailable: str | None = None

    def file(self, result: Any) -> None:
        if self.unavailable is not None:
            return
        try:
            claims = claims_inventory(result, self.options)
        except ClaimsUnavailable as e:
            self.unavailable = str(e)
            return
        if claims is None:  # (a file that could not be read)
            return
        path = display_relative(result.path, self.options.root)
        for c in claims:
            rec = {**c, "path": path}
            self._w.writerow([_cell(rec.get(col)) for col in CLAIM_COLUMNS])
