"""GitHub Actions workflow commands: one annotation per finding.

::

    ::error file=docs/a.md,line=3,col=5,endLine=3,endColumn=19,title=CL001 unsupported-claim::Message. Fix: ...

Severity ``error`` becomes ``::error``, ``warning`` ``::warning`` and ``info``
``::notice``. Paths are relative to ``$GITHUB_WORKSPACE`` when the file is
inside it, else to the project root, so annotations land on the diff. Values
are escaped as the runner expects: ``%``, CR and LF everywhere, and ``:`` and
``,`` in properties, so article text can never end a command early or start
a new one. Suppressed, baselined and waived findings are not annotated.
"""

from __future__ import annotations

import os
from typing import Any

from audit.reporters import Reporter as Base
from audit.reporters._common import display_relative, open_findings, repo_relative

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


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

    def file(self, result: Any) -> None:
        path = self._path(result.path)
        for f in open_findings(result.findings):
            message = f.message if not f.fix else f"{f.message} Fix: {f.fix}"
            self.out.write(command(
                COMMANDS.get(f.severity, "warning"),
                message,
                file=path,
                line=f.line,
                col=f.column,
                endLine=f.end_line,
                endColumn=f.end_column,
                title=f"{f.rule} {f.name}".strip(),
            ) + "\n")

    def end(self, summary: Any) -> None:
        sev = summary.by_severity
        verdict = f"failing: {summary.failing} at or above '{summary.fail_on}'" if summary.failing else "passing"
        self.out.write(
            f"audit: {summary.files} files, {sev.get('error', 0)} errors, {sev.get('warning', 0)} warnings, "
            f"{sev.get('info', 0)} notes ({verdict})\n"
        )
