"""JSON output, version 1 (documented in docs/output.md).

``{"version": 1, "tool": {...}, "files": [...], "summary": {...}}``, streamed
file by file so memory stays flat on large corpora.
"""

from __future__ import annotations

import json
from typing import Any

from audit.reporters import Reporter as Base

VERSION = 1


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False)


def _indent(text: str, n: int) -> str:
    # json.dumps escapes newlines inside strings, so every "\n" is structural. (splitlines()
    # would also split at U+2028, U+0085... that JSON leaves unescaped, breaking the output.)
    return text.replace("\n", "\n" + " " * n)


class Reporter(Base):
    def begin(self) -> None:
        self._first = True
        head = {"version": VERSION, "tool": self.options.tool()}
        if self.options.config_digest:
            head["config_sha256"] = self.options.config_digest
        body = dumps(head)
        self.out.write(body[:-2] + ',\n  "files": [')

    def file(self, result: Any) -> None:
        self.out.write(("\n    " if self._first else ",\n    ") + _indent(dumps(result.as_record()), 4))
        self._first = False

    def end(self, summary: Any) -> None:
        self.out.write(("\n  " if not self._first else "") + '],\n  "summary": ' + _indent(dumps(summary.as_record()), 2) + "\n}\n")
