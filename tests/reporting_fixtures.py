"""Builders for reporter tests: real documents, findings made by the engine from source offsets."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from audit.engine import FileResult, Summary, to_finding
from audit.model import Document, Hit
from audit.readers import parse
from audit.reporters import ReportOptions, get
from audit.rules.base import Example, Rule


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


def comparable(text: str) -> str:
    """A report's text with what differs between two runs over the same files masked: the
    time it was made and the ``audit report ...`` command line it records."""
    import re

    text = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d| UTC)?", "TIME", text)
    return re.sub(r"audit report [^<\"]*", "COMMAND", text)


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


# -- rules for end-to-end tests ------------------------------------------------

#: Words the test rules flag, with the severity of each hit.
MARKERS = {"MIRACLE": "error", "javascript:": "warning", "</script>": "info"}


class MarkerRule(Rule):
    """Flags the marker words (test only; registered by :func:`register_test_rules`)."""

    id = "ZZ901"
    name = "test-marker-word"
    category = "claims"
    severity = "warning"
    what = "Flags marker words in test documents."
    why = "Reporter tests need findings at known places."
    instead = "Remove the marker."
    fail_examples = (Example("A MIRACLE."),)
    pass_examples = (Example("Nothing here."),)

    def check(self, doc: Document, ctx: Any) -> Iterable[Hit]:
        for word, sev in MARKERS.items():
            start = doc.source.find(word)
            while start != -1:
                yield Hit(start, start + len(word), f"Marker {word!r} <b>here</b> & there", f"Replace {word!r}.", severity=sev)
                start = doc.source.find(word, start + 1)


class BuyRule(Rule):
    """Flags 'Buy now' (test only)."""

    id = "ZZ902"
    name = "test-buy-now"
    category = "promotion"
    severity = "warning"
    what = "Flags 'Buy now'."
    fail_examples = (Example("Buy now."),)
    pass_examples = (Example("Read on."),)

    def check(self, doc: Document, ctx: Any) -> Iterable[Hit]:
        start = doc.source.find("Buy now")
        while start != -1:
            yield Hit(start, start + 7, "Call to action.", "Inform instead.")
            start = doc.source.find("Buy now", start + 1)


def register_test_rules(monkeypatch: Any) -> None:
    """Add :class:`MarkerRule` and :class:`BuyRule` to the registry for one test."""
    from audit.rules import base

    base.all_rules()
    for rule in (MarkerRule, BuyRule):
        monkeypatch.setitem(base._REGISTRY, rule.id, rule)
        monkeypatch.setitem(base._BY_NAME, rule.name, rule.id)
