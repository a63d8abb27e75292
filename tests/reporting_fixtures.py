"""Builders for reporter tests: real documents, findings made by the engine from source offsets."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from audit.engine import FileResult, Summary, to_finding
from audit.model import Document
from audit.readers import parse
from audit.reporters import ReportOptions, get


class FakeRule:
    """A rule-shaped object for :func:`audit.engine.to_finding` (not registered)."""

    def __init__(self, rid: str, name: str, category: str) -> None:
        self.id, self.name, self.category = rid, name, category


CLAIM = FakeRule("ZZ101", "unsupported-claim", "claims")
PROMO = FakeRule("ZZ201", "promotional-language", "promotion")
LONG = FakeRule("ZZ301", "sentence-too-long", "readability")


def document(text: str, path: str = "docs/article.md", fmt: str = "markdown") -> Document:
    """Parse ``text`` with the real reader."""
    return parse(path, text, fmt)


def find(doc: Document, needle: str, rule: FakeRule = CLAIM, severity: str = "warning", nth: int = 0,
         message: str | None = None, fix: str | None = "Cite a source.", status: str = "open") -> Any:
    """A finding on the ``nth`` occurrence of ``needle`` in the document source."""
    from audit.model import Hit

    start = -1
    for _ in range(nth + 1):
        start = doc.source.index(needle, start + 1)
    hit = Hit(start, start + len(needle), message or f"{rule.name}: {needle[:20]}", fix)
    f = to_finding(doc, rule, severity, hit)  # type: ignore[arg-type]
    if status != "open":
        import dataclasses

        f = dataclasses.replace(f, status=status, status_detail={"reason": "accepted in review"})
    return f


def result(doc: Document, findings: list[Any], keep: bool = True, **extra: Any) -> FileResult:
    """A file result for ``doc`` as the engine would produce it."""
    r = FileResult(path=doc.path, format=doc.format, findings=sorted(findings),
                   sha256=hashlib.sha256(doc.source.encode()).hexdigest(), words=len(doc.source.split()))
    r.readability = extra.pop("readability", {"words": r.words})
    r.extras.update(extra)
    if keep:
        r.document = doc
    return r


def summarise(results: list[FileResult], fail_on: str = "error") -> Summary:
    s = Summary(fail_on=fail_on)
    for r in results:
        s.add(r)
    return s


def render(fmt: str, results: list[FileResult], fail_on: str = "error", root: Path | None = None,
           reporter: Any = None, **extra: Any) -> str:
    """Run one reporter over ``results`` and return what it wrote."""
    out = io.StringIO()
    opts = ReportOptions(fail_on=fail_on, root=root or Path.cwd(), config_digest="c" * 64, extra=extra)
    rep = (reporter or get(fmt))(out, opts)
    rep.begin()
    for r in results:
        rep.file(r)
    rep.end(summarise(results, fail_on))
    return out.getvalue()
