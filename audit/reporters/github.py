"""GitHub Actions workflow commands: one annotation per finding.

::

    ::error file=docs/a.md,line=3,col=5,endLine=3,endColumn=19,title=CL001 unsupported-claim::Message. Fix: ...

Severity ``error`` becomes ``::error``, ``warning`` ``::warning`` and ``info``
``::notice``. Paths are relative to ``$GITHUB_WORKSPACE`` when the file is
inside it, else to the project root, so annotations land on the diff. Values
are escaped as the runner expects: ``%``, CR and LF everywhere, and ``:`` and
``,`` in properties, so article text can never end a command early or start
a new one. Suppressed, baselined and waived findings are not annotated.

GitHub shows at most :data:`SHOWN_PER_KIND` annotations of each kind per step
and silently drops the rest. When a run writes more, a last ``::notice`` says
how many of each kind there were, so nobody takes the ten shown for all.
"""

from __future__ import annotations

import os
from typing import Any

from audit.reporters import Reporter as Base
from audit.reporters._common import display_relative, open_findings, repo_relative

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
#: Annotations of one kind (error, warning, notice) that GitHub shows for a step.
SHOWN_PER_KIND = 10


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: Any) -> str:
    """One workflow command line, e.g. ``command("error", "msg", file="a.md", line=3)``."""
    body = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind} {body}::{escape_data(message)}" if body else f"::{kind}::{escape_data(message)}"


class Reporter(Base):
    """Prints a workflow command per finding and a plain summary line."""

    def _path(self, path: str) -> str:
        workspace = self.options.extra.get("github_workspace", os.environ.get("GITHUB_WORKSPACE"))
        if workspace:
            rel = repo_relative(path, workspace)
            if rel is not None:
                return rel
        return display_relative(path, self.options.root)

    def begin(self) -> None:
        #: Annotations written, by kind.
        self._written = dict.fromkeys(("error", "warning", "notice"), 0)

    def file(self, result: Any) -> None:
        path = self._path(result.path)
        for f in open_findings(result.findings):
            message = f.message if not f.fix else f"{f.message} Fix: {f.fix}"
            kind = COMMANDS.get(f.severity, "warning")
            self._written[kind] = self._written.get(kind, 0) + 1
            self.out.write(command(
                kind,
                message,
                file=path,
                line=f.line,
                col=f.column,
                endLine=f.end_line,
                endColumn=f.end_column,
                title=f"{f.rule} {f.name}".strip(),
            ) + "\n")

    def end(self, summary: Any) -> None:
        if any(n > SHOWN_PER_KIND for n in self._written.values()):
            counts = ", ".join(f"{n:,} {kind}{'s' if n != 1 else ''}" for kind, n in self._written.items() if n)
            # (This notice is the eleventh when ten notices were shown already; the line in the log stays.)
            self.out.write(command(
                "notice",
                f"{counts} annotated; GitHub shows {SHOWN_PER_KIND} of each kind per step, so some are not on the "
                "diff. Every one is in this step's log, and in code scanning when the SARIF report is uploaded.",
                title="audit: more findings than annotations shown",
            ) + "\n")
        sev = summary.by_severity
        verdict = f"failing: {summary.failing} at or above '{summary.fail_on}'" if summary.failing else "passing"
        self.out.write(
            f"audit: {summary.files} files, {sev.get('error', 0)} errors, {sev.get('warning', 0)} warnings, "
            f"{sev.get('info', 0)} notes ({verdict})\n"
        )
