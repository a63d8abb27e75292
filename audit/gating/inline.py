"""Inline suppression comments in Markdown, HTML and text.

Directives are HTML comments whose text starts with ``audit:``::

    <!-- audit: disable CL001, promotion -->   ... up to ...   <!-- audit: enable -->
    <!-- audit: enable CL001 -->               re-enable some rules only
    <!-- audit: disable-next-line CL001 -->    the next non-blank line
    <!-- audit: disable-line CL001 -->         the line(s) the comment is on
    <!-- audit: disable-file -->               the whole file

Rules are named like ``--select`` names them: an id (``CL001``), a family
(``CL``), a rule name (``unsupported-cure-claim``) or a category
(``promotion``); no rule at all means every rule. Text after `` -- `` is the
reason, kept with each suppressed finding. Suppressed findings are not
removed: they get ``status = "suppressed"`` so reports can list them.

A directive that suppressed nothing, although the rules it names ran, is
reported as ``unused-suppression`` (IN101) at the comment; a directive that
cannot be understood is reported as ``invalid-suppression`` (IN102).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from audit.model import CATEGORIES, Document, Finding

ACTIONS = ("disable", "enable", "disable-next-line", "disable-line", "disable-file")
UNUSED_RULE = "IN101"
INVALID_RULE = "IN102"


@dataclass
class Directive:
    """One parsed ``audit:`` comment. Offsets are into ``Document.source``."""

    action: str
    #: Rule selectors named; empty means every rule.
    selectors: tuple[str, ...]
    start: int
    end: int
    reason: str | None = None
    #: Problems found while parsing (unknown action or rule names).
    problems: list[str] = field(default_factory=list)
    #: Whether the comment named only unknown rules (it then applies to nothing).
    void: bool = False
    used: int = 0


def find_comments(doc: Document) -> list[tuple[int, int, str]]:
    """The document's comments.

    The Markdown and HTML readers list real comments (not those inside code
    blocks, code spans or scripts); plain text has no comment syntax, so
    ``<!-- ... -->`` is looked for in its source.
    """
    if doc.comments or doc.format in ("markdown", "html"):
        return list(doc.comments)
    out: list[tuple[int, int, str]] = []
    src = doc.source
    i = src.find("<!--")
    while i != -1:
        j = src.find("-->", i + 4)
        if j == -1:
            break
        out.append((i, j + 3, src[i + 4 : j]))
        i = src.find("<!--", j + 3)
    return out


def _split_selectors(text: str) -> list[str]:
    return [s for part in text.replace(",", " ").split() if (s := part.strip())]


def parse_directive(start: int, end: int, text: str) -> Directive | None:
    """Parse one comment's inner text; ``None`` if it is not an ``audit:`` comment."""
    from audit.rules.base import selector_is_known

    body = text.strip()
    if body[:5].lower() != "audit":
        return None
    rest = body[5:].lstrip()
    if not rest.startswith(":"):
        return None
    rest = rest[1:].strip()
    reason = None
    if " -- " in f" {rest} ":
        head, _, tail = f" {rest} ".partition(" -- ")
        rest, reason = head.strip(), tail.strip() or None
    words = rest.split(None, 1)
    action = words[0].lower() if words else ""
    names = _split_selectors(words[1]) if len(words) > 1 else []
    d = Directive(action=action, selectors=(), start=start, end=end, reason=reason)
    if action not in ACTIONS:
        d.problems.append(
            f"unknown suppression directive {action or '(none)'!r}; expected one of: " + ", ".join(ACTIONS)
        )
        d.void = True
        return d
    known: list[str] = []
    for name in names:
        if name.upper() == "ALL" or name.lower() in CATEGORIES or selector_is_known(name):
            known.append(name)
        else:
            d.problems.append(f"{name!r} names no rule, family or category (see `audit rules`)")
    if names and not known:
        d.void = True
    d.selectors = () if any(n.upper() == "ALL" for n in known) else tuple(known)
    return d


def directives(doc: Document) -> list[Directive]:
    """All ``audit:`` directives of a document, in source order (memoised per document)."""

    def compute(d: Document) -> list[Directive]:
        found = []
        for start, end, text in find_comments(d):
            parsed = parse_directive(start, end, text)
            if parsed is not None:
                found.append(parsed)
        found.sort(key=lambda x: x.start)
        return found

    result: list[Directive] = doc.memo("gating:directives", compute)
    return result


def _rule_of(rule_id: str) -> Any:
    from audit.rules.base import get_rule

    return get_rule(rule_id)


def _covers(selectors: tuple[str, ...], rule_id: str) -> bool:
    from audit.rules.base import matches

    if not selectors:
        return True
    rule = _rule_of(rule_id)
    if rule is None:
        return any(s.upper() == rule_id.upper() for s in selectors)
    return any(matches(rule, s) for s in selectors)


@dataclass
class _Region:
    start: int
    end: int
    directive: Directive
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    def covers(self, rule_id: str) -> bool:
        return _covers(self.include, rule_id) and not (self.exclude and _covers(self.exclude, rule_id))


def _regions(doc: Document, found: list[Directive], enable_problems: list[tuple[Directive, str]]) -> list[_Region]:
    closed: list[_Region] = []
    open_: list[_Region] = []
    for d in found:
        if d.void:
            continue
        if d.action == "disable":
            open_.append(_Region(d.end, len(doc.source), d, d.selectors))
        elif d.action == "enable":
            still: list[_Region] = []
            touched = False
            for r in open_:
                if not d.selectors:
                    closed.append(dataclasses.replace(r, end=d.start))
                    touched = True
                    continue
                if any(r.covers(rid) for rid in _ids_named(d.selectors)):
                    touched = True
                    closed.append(dataclasses.replace(r, end=d.start))
                    still.append(_Region(d.end, len(doc.source), r.directive, r.include, r.exclude + d.selectors))
                else:
                    still.append(r)
            open_ = still
            if not touched:
                enable_problems.append((d, "`enable` without an earlier `disable` of these rules"))
    closed.extend(open_)
    return closed


def _ids_named(selectors: tuple[str, ...]) -> list[str]:
    from audit.rules.base import all_rules, matches

    return [r.id for r in all_rules() if any(matches(r, s) for s in selectors)]


def _line_span(doc: Document, d: Directive) -> tuple[int, int]:
    return doc.position(d.start)[0], doc.position(max(d.start, d.end - 1))[0]


def _next_nonblank_line(doc: Document, after_line: int) -> int | None:
    starts = doc.line_starts()
    src = doc.source
    for i in range(after_line, len(starts)):  # index i is line i + 1
        end = starts[i + 1] if i + 1 < len(starts) else len(src)
        if src[starts[i] : end].strip():
            return i + 1
    return None


def _detail(d: Directive, doc: Document) -> dict[str, Any]:
    detail: dict[str, Any] = {"by": "inline", "directive": d.action, "line": doc.position(d.start)[0]}
    if d.selectors:
        detail["rules"] = list(d.selectors)
    if d.reason:
        detail["reason"] = d.reason
    return detail


def _directive_finding(doc: Document, d: Directive, rule_id: str, message: str, severity: str | None) -> Finding:
    rule = _rule_of(rule_id)
    line, col = doc.position(d.start)
    eline, ecol = doc.position(d.end)
    fix = (
        "Remove the comment, or name the rule that is reported on the line it covers."
        if rule_id == UNUSED_RULE
        else "Write `<!-- audit: disable-next-line RULE -->` with a rule id, family, name or category."
    )
    return Finding(
        path=doc.path, line=line, column=col, end_line=eline, end_column=ecol,
        rule=rule.id, name=rule.name, category=rule.category,
        severity=severity or rule.severity, message=message,
        match=doc.source[d.start : d.end], fix=fix, offset=d.start, end_offset=d.end,
    )


def _rules_active(selectors: tuple[str, ...], active: set[str] | None) -> bool:
    """Whether every rule family a directive names actually ran (so 'unused' is certain)."""
    if active is None or not selectors:
        return True
    from audit.rules.base import all_rules, matches

    for s in selectors:
        named = [r.id for r in all_rules() if matches(r, s)]
        if not any(rid in active for rid in named):
            return False
    return True


def apply_inline(
    doc: Document,
    findings: list[Finding],
    rules: Iterable[Any] | None = None,
    settings: Any = None,
) -> list[Finding]:
    """Mark findings covered by ``audit:`` comments as suppressed; add unused-suppression findings.

    ``rules`` are the rules that ran (for deciding whether a directive is
    unused, and whether IN101 is enabled); ``None`` means all of them.
    """
    found = directives(doc)
    if not found:
        return findings
    active = None if rules is None else {r.id for r in rules}
    enable_problems: list[tuple[Directive, str]] = []
    regions = _regions(doc, found, enable_problems)
    files = [d for d in found if d.action == "disable-file" and not d.void]
    line_targets: list[tuple[Directive, int, int]] = []
    for d in found:
        if d.void:
            continue
        if d.action == "disable-next-line":
            target = _next_nonblank_line(doc, _line_span(doc, d)[1])
            if target is not None:
                line_targets.append((d, target, target))
        elif d.action == "disable-line":
            lo, hi = _line_span(doc, d)
            line_targets.append((d, lo, hi))

    out: list[Finding] = []
    for f in findings:
        if f.status != "open" or f.rule == UNUSED_RULE:
            out.append(f)
            continue
        by = _suppressor(f, line_targets, regions, files)
        if by is None:
            out.append(f)
        else:
            by.used += 1
            out.append(dataclasses.replace(f, status="suppressed", status_detail=_detail(by, doc)))

    extra: list[Finding] = []
    if active is None or INVALID_RULE in active:
        sev = settings.rule_severity(_rule_of(INVALID_RULE)) if settings is not None else None
        for d, message in enable_problems:
            f = _directive_finding(doc, d, INVALID_RULE, f"invalid suppression comment: {message}", sev)
            by = next((x for x in files if x.selectors and _covers(x.selectors, INVALID_RULE)), None)
            if by is not None:
                by.used += 1
                f = dataclasses.replace(f, status="suppressed", status_detail=_detail(by, doc))
            extra.append(f)
    if active is None or UNUSED_RULE in active:
        sev = settings.rule_severity(_rule_of(UNUSED_RULE)) if settings is not None else None
        # Directives that may suppress IN101 itself are judged last, once the other IN101s are known.
        meta = [d for d in files if d.selectors and _covers(d.selectors, UNUSED_RULE)]
        for group in ([d for d in found if d not in meta], meta):
            for d in group:
                if d.void or d.action == "enable" or d.used or not _rules_active(d.selectors, active):
                    continue
                what = ", ".join(d.selectors) if d.selectors else "any rule"
                f = _directive_finding(
                    doc, d, UNUSED_RULE, f"unused suppression: `{d.action}` suppressed no finding of {what}", sev,
                )
                if group is not meta and meta:
                    meta[0].used += 1
                    f = dataclasses.replace(f, status="suppressed", status_detail=_detail(meta[0], doc))
                extra.append(f)
    out.extend(extra)
    out.sort()
    return out


def _suppressor(
    f: Finding,
    line_targets: list[tuple[Directive, int, int]],
    regions: list[_Region],
    files: list[Directive],
) -> Directive | None:
    """The most specific directive covering a finding: line, then innermost region, then file."""
    for d, lo, hi in line_targets:
        if f.line <= hi and f.end_line >= lo and _covers(d.selectors, f.rule):
            return d
    best: _Region | None = None
    for r in regions:
        if r.start <= f.offset < r.end and r.covers(f.rule) and (best is None or r.start > best.start):
            best = r
    if best is not None:
        return best.directive
    for d in files:
        if _covers(d.selectors, f.rule):
            return d
    return None


def problems(doc: Document) -> list[tuple[int, int, str]]:
    """``(start, end, message)`` for every directive that cannot be understood."""
    out = []
    for d in directives(doc):
        for p in d.problems:
            out.append((d.start, d.end, f"invalid suppression comment: {p}"))
    return out
