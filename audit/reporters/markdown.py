"""A Markdown summary sized for a pull-request comment.

Verdict, totals by severity and category, the most frequent rules, counts per
file and the first findings (``options.extra["markdown_findings"]``, default
50), truncated so the whole comment stays under :data:`LIMIT` characters
(GitHub refuses comments over 65,536). Article text is escaped: it cannot
open links, images, HTML or break out of a table cell.
"""

from __future__ import annotations

import re
from typing import Any

from audit.model import SEVERITY_RANK
from audit.reporters import Reporter as Base
from audit.reporters._common import display_relative, open_findings

LIMIT = 65_000
DEFAULT_FINDINGS = 50
TOP_RULES = 10
MAX_FILES = 30
CELL = 160
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~<>&$])")
SEVERITY_LABEL = {"error": "Errors", "warning": "Warnings", "info": "Notes"}


def md_text(text: str, limit: int = CELL) -> str:
    """``text`` as literal Markdown on one line (safe inside a table cell)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    out = _SPECIAL.sub(r"\\\1", text)
    # `<`, `>` and `&` are escaped again as entities: some renderers ignore backslashes before them.
    out = out.replace("\\&", "&amp;").replace("\\<", "&lt;").replace("\\>", "&gt;")
    # A zero-width space after `@` keeps article text from mentioning people or teams.
    return out.replace("@", "@&#8203;")


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


class Reporter(Base):
    """Collects counts and the first findings; writes the comment at the end."""

    def begin(self) -> None:
        self._max = int(self.options.extra.get("markdown_findings", DEFAULT_FINDINGS))
        #: The files with findings that may be among the :data:`MAX_FILES` listed (see :meth:`_order`).
        self._files: list[tuple[str, dict[str, int]]] = []
        self._n_files = 0
        self._first: list[tuple[str, Any]] = []
        self._names: dict[str, str] = {}
        self._total = 0

    def file(self, result: Any) -> None:
        path = display_relative(result.path, self.options.root)
        counts = {"error": 0, "warning": 0, "info": 0}
        found = sorted(open_findings(result.findings), key=lambda f: (-SEVERITY_RANK.get(f.severity, 0), f.line, f.column))
        for f in found:
            counts[f.severity] = counts.get(f.severity, 0) + 1
            self._names.setdefault(f.rule, f.name)
        self._total += len(found)
        if found:
            self._n_files += 1
            self._files.append((path, counts))
            if len(self._files) >= 2 * MAX_FILES:
                # Only the first MAX_FILES in the table's order can be listed: memory stays flat.
                self._files = self._order(self._files)[:MAX_FILES]
        self._first.extend((path, f) for f in found)
        # Keep only the most severe findings seen so far.
        if len(self._first) > self._max:
            self._first.sort(key=lambda pf: -SEVERITY_RANK.get(pf[1].severity, 0))
            del self._first[self._max :]

    @staticmethod
    def _order(files: list[tuple[str, dict[str, int]]]) -> list[tuple[str, dict[str, int]]]:
        """Files in the table's order: most errors, then most findings, then by path."""
        return sorted(files, key=lambda pc: (-pc[1]["error"], -sum(pc[1].values()), pc[0]))

    def render(self, summary: Any) -> str:
        """The Markdown text, never longer than :data:`LIMIT` characters."""
        from audit import RULESET_VERSION, __version__

        sev = summary.by_severity
        head = ["## audit report", ""]
        if summary.failing:
            head.append(f"**Failing:** {_n(summary.failing, 'finding')} at or above `{summary.fail_on}`.")
        else:
            head.append(f"**Passing** (fail-on: `{summary.fail_on}`).")
        head += [
            "",
            f"{_n(summary.files, 'file')}, {_n(summary.words, 'word')} checked.",
            "",
            "| Severity | Findings |",
            "|---|---:|",
            *[f"| {SEVERITY_LABEL[s]} | {sev.get(s, 0)} |" for s in ("error", "warning", "info")],
        ]
        if summary.suppressed:
            head.append(f"| Suppressed, baselined or waived | {summary.suppressed} |")
        if summary.by_category:
            head += ["", "| Category | Findings |", "|---|---:|"]
            head += [f"| {md_text(k)} | {v} |" for k, v in sorted(summary.by_category.items(), key=lambda kv: (-kv[1], kv[0]))]
        if summary.by_rule:
            top = sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_RULES]
            head += ["", "### Top rules", "", "| Rule | Name | Findings |", "|---|---|---:|"]
            head += [f"| {md_text(r)} | {md_text(self._names.get(r, ''))} | {n} |" for r, n in top]
        if self._files:
            files = self._order(self._files)
            head += ["", "### Files", "", "| File | Errors | Warnings | Notes |", "|---|---:|---:|---:|"]
            head += [f"| {md_text(p)} | {c['error']} | {c['warning']} | {c['info']} |" for p, c in files[:MAX_FILES]]
            if self._n_files > MAX_FILES:
                head.append(f"| … {self._n_files - MAX_FILES} more files | | | |")
        foot = ["", f"<sub>audit {__version__}, rule set {RULESET_VERSION}</sub>", ""]
        text = "\n".join(head)
        rows: list[str] = []
        if self._first:
            shown = sorted(self._first, key=lambda pf: (-SEVERITY_RANK.get(pf[1].severity, 0), pf[0], pf[1].line, pf[1].column))
            table = ["", "### Findings", "", "| Where | Severity | Rule | Message | Text |", "|---|---|---|---|---|"]
            budget = LIMIT - len(text) - len("\n".join(foot)) - 200
            used = sum(len(t) + 1 for t in table)
            for path, f in shown:
                row = (
                    f"| {md_text(path, 80)}:{f.line}:{f.column} | {f.severity} | {md_text(f.rule)} {md_text(f.name)} "
                    f"| {md_text(f.message)} | {md_text(f.match, 80)} |"
                )
                if used + len(row) + 1 > budget:
                    break
                rows.append(row)
                used += len(row) + 1
            if rows:
                text += "\n" + "\n".join(table + rows)
        more = self._total - len(rows)
        if more > 0:
            text += f"\n\n… and {more:,} more {'finding' if more == 1 else 'findings'}: see the full report."
        text += "\n" + "\n".join(foot)
        return text[:LIMIT]

    def end(self, summary: Any) -> None:
        self.out.write(self.render(summary))
