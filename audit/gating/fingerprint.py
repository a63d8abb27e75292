"""Stable fingerprints of findings, shared by baselines, waivers and SARIF.

A fingerprint identifies *what* was found, not *where*: it hashes the rule
id, the matched text and a few words on either side of it, all normalised
(case-folded, punctuation and markup dropped, whitespace ignored). It does not
change when lines are inserted above the finding, when a paragraph is
re-wrapped or when the file is renamed; it does change when the matched text
or its immediate wording changes, which is when a reviewer should look again.

A finding about the whole document (``data["scope"] == "document"``: no author,
reading grade too high...) is shown at the title or the first claim, but that
text is not what it reports: its fingerprint is its rule alone.

The path is deliberately not part of the hash: baselines keep the path next to
the fingerprint and match on both.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

from audit.model import about_whole_document

#: Words of context taken on each side of the match.
CONTEXT_WORDS = 4
#: Hex digits kept from the SHA-256 digest.
LENGTH = 16

_WORD = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\r?\n")


def normalise(text: str) -> str:
    """Case-folded words of ``text`` joined by single spaces (markup and punctuation dropped)."""
    return " ".join(_WORD.findall(text.casefold()))


def _paragraph_bounds(source: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the paragraph (text between blank lines) around ``[start, end)``."""
    lo = 0
    for m in _PARAGRAPH_BREAK.finditer(source, max(0, start - 4000), start):
        lo = m.end()
    after = _PARAGRAPH_BREAK.search(source, end, end + 4000)
    hi = after.start() if after else min(len(source), end + 4000)
    return lo, max(hi, end)


def context(source: str, start: int, end: int, words: int = CONTEXT_WORDS) -> tuple[str, str]:
    """Normalised words just before and just after ``source[start:end]``.

    The context stays inside the finding's paragraph: it stops at a blank line
    and at an HTML tag, so a paragraph inserted next to the finding does not
    change it.
    """
    if not words:
        return "", ""
    lo, hi = _paragraph_bounds(source, start, end)
    left = source[max(lo, start - 400) : start]
    right = source[end : min(hi, end + 400)]
    # HTML paragraphs need no blank line between them: a tag also ends the context.
    cut = max(left.rfind("<"), left.rfind(">"))
    if cut != -1:
        left = left[cut + 1 :]
    cuts = [i for i in (right.find("<"), right.find(">")) if i != -1]
    if cuts:
        right = right[: min(cuts)]
    before = _WORD.findall(left.casefold())[-words:]
    after = _WORD.findall(right.casefold())[:words]
    return " ".join(before), " ".join(after)


def fingerprint_parts(rule: str, match: str, source: str | None, start: int, end: int) -> str:
    """Fingerprint from its parts (see :func:`fingerprint`)."""
    norm = normalise(match)
    before = after = ""
    # A finding about the whole document (no matched text) is identified by its rule alone,
    # so editing the article does not make it look new.
    if norm and source:
        start = max(0, min(start, len(source)))
        end = max(start, min(end, len(source)))
        before, after = context(source, start, end)
    blob = f"{rule.upper()}\x1f{norm}\x1f{before}\x1f{after}".encode()
    return hashlib.sha256(blob).hexdigest()[:LENGTH]


def fingerprint(finding: Any, source_text: str | None) -> str:
    """Stable fingerprint of a :class:`audit.model.Finding` in the document ``source_text``.

    ``source_text`` is the decoded source the finding's offsets refer to; with
    ``None`` only the rule and matched text are used. A finding about the whole
    document (``data["scope"] == "document"``: no author, grade too high...) is
    identified by its rule alone, whatever text it is shown at. A finding that
    carries its fingerprint (see :func:`stamp`) gives that one.
    """
    stamped = getattr(finding, "fingerprint", "")
    if stamped:
        return stamped
    if about_whole_document(finding):
        return fingerprint_parts(finding.rule, "", None, 0, 0)
    return fingerprint_parts(finding.rule, finding.match, source_text, finding.offset, finding.end_offset)


def needs_source(finding: Any) -> bool:
    """Whether :func:`fingerprints` needs the document's text for ``finding``: it carries no
    fingerprint, or it is about the whole document (whose earlier fingerprint used the text)."""
    return not getattr(finding, "fingerprint", "") or about_whole_document(finding)


def fingerprints(finding: Any, source_text: str | None) -> tuple[str, ...]:
    """:func:`fingerprint`, then the fingerprint that rule sets before 2026.12.1 gave the same
    finding, if it differs: baselines and waivers written then still match."""
    current = fingerprint(finding, source_text)
    if not about_whole_document(finding):
        return (current,)
    # A whole-document finding was identified by the text it is shown at, like any other.
    earlier = fingerprint_parts(finding.rule, finding.match, source_text, finding.offset, finding.end_offset)
    return (current,) if earlier == current else (current, earlier)


def stamp(findings: list[Any], source_text: str) -> list[Any]:
    """``findings`` (:class:`audit.model.Finding`) with their ``fingerprint`` set, made in
    the document ``source_text``.

    Where a file is checked its text is at hand: a worker process stamps the findings
    it sends back when the run's reports need fingerprints (SARIF, baselines), so the
    parent neither reads the file again nor hashes every finding, and the cache stores
    the stamps with the findings.
    """
    return [f if f.fingerprint else dataclasses.replace(f, fingerprint=fingerprint(f, source_text)) for f in findings]
