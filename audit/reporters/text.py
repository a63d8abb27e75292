"""Terminal output for people: findings grouped by file, then a summary.

::

    corpus/seed.txt
      3:45  error    CL001  Unsupported efficacy claim ...
            > significantly reduce RLS symptoms
            fix: cite a trial or systematic review ...
"""

from __future__ import annotations

import re
from typing import Any

import click

from audit.reporters import Reporter as Base

_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}
#: Control characters (C0 but tab, DEL, C1) and the bidirectional overrides: article text and
#: file names must not move the cursor, recolour or rewrite the terminal, or reorder what it shows.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with its control characters written as escapes (``\\x1b``)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text) if _CONTROL.search(text) else text


class Reporter(Base):
    def begin(self) -> None:
        self._files_with_findings = 0
        self._input_errors = 0

    def _s(self, text: str, **style: Any) -> str:
        return click.style(text, **style) if self.options.color else text

    def file(self, result: Any) -> None:
        shown = [f for f in result.findings if f.status == "open"]
        if self.options.quiet:
            threshold = {"error": 3, "warning": 2, "info": 1}.get(self.options.fail_on, 3)
            rank = {"error": 3, "warning": 2, "info": 1}
            shown = [f for f in shown if rank[f.severity] >= threshold]
        if not shown:
            return
        self._files_with_findings += 1
        w = self.out.write
        path = visible(result.path)
        w(self._s(path, bold=True, underline=True) + "\n")
        for f in shown:
            pos = f"{f.line}:{f.column}"
            sev = self._s(f"{f.severity:<7}", fg=_COLORS.get(f.severity), bold=f.severity == "error")
            w(f"  {path}:{pos:<8} {sev}  {self._s(f.rule, bold=True)}  {visible(f.message)}\n")
            if f.match and not self.options.quiet:
                snippet = " ".join(f.match.split())
                if len(snippet) > 100:
                    snippet = snippet[:97] + "..."
                w("      " + self._s("> " + visible(snippet), dim=True) + "\n")
            if f.fix and not self.options.quiet:
                w("      " + self._s("fix: ", fg="green") + visible(f.fix) + "\n")
        w("\n")

    def end(self, summary: Any) -> None:
        sev = summary.by_severity
        parts = [
            self._s(f"{sev.get('error', 0)} errors", fg="red" if sev.get("error") else None),
            self._s(f"{sev.get('warning', 0)} warnings", fg="yellow" if sev.get("warning") else None),
            f"{sev.get('info', 0)} notes",
        ]
        line = f"{summary.files} files checked, {summary.words:,} words: " + ", ".join(parts)
        if summary.suppressed:
            line += f" ({summary.suppressed} suppressed, baselined or waived)"
        if summary.by_category:
            line += "\n  by category: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_category.items()))
        verdict = (
            self._s(f"failing: {summary.failing} findings at or above '{summary.fail_on}'", fg="red", bold=True)
            if summary.failing
            else self._s(f"passing (fail-on: {summary.fail_on})", fg="green")
        )
        self.out.write(line + "\n" + verdict + "\n")
