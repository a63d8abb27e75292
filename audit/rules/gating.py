"""Suppression-comment rules (IN101, IN102): the gate reports on itself.

Inline ``<!-- audit: ... -->`` comments are applied by :mod:`audit.gating.inline`
right after the rules run. A comment that suppresses nothing, or that cannot
be understood, is itself a finding, so stale suppressions do not pile up and
a typo never silently disables a check. Baseline entries that no longer
match and expired waivers concern the baseline and waiver files rather than
an article; they are reported in the run summary (``summary.gating``).
"""

from __future__ import annotations

from collections.abc import Iterable

from audit.model import Document, Hit
from audit.rules.base import Context, Example, Rule, register


@register
class UnusedSuppression(Rule):
    id = "IN101"
    name = "unused-suppression"
    category = "input"
    severity = "warning"
    what = (
        "Reports an `<!-- audit: disable... -->` comment that suppressed no finding, although the rules it "
        "names ran on this file."
    )
    why = (
        "A suppression that no longer suppresses anything hides the next real problem at that place and tells a "
        "reviewer that something was accepted when nothing was. Linters report such comments for the same reason "
        "(ruff RUF100, ESLint --report-unused-disable-directives)."
    )
    example = "<!-- audit: disable-next-line CL001 -->\nEat a balanced diet."
    instead = "Remove the comment, or name the rule that is actually reported on the covered line."
    references = (
        "Suppression comments: docs/ci.md",
        "ruff RUF100 unused-noqa: https://docs.astral.sh/ruff/rules/unused-noqa/",
    )
    fail_examples = (Example("<!-- audit: disable-next-line -->\nA plain sentence about sleep.\n"),)
    pass_examples = (Example("A plain sentence about sleep, without any suppression comment.\n"),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        # Needs every other finding of the file: reported by audit.gating.inline.apply_inline.
        return ()


@register
class InvalidSuppression(Rule):
    id = "IN102"
    name = "invalid-suppression"
    category = "input"
    severity = "warning"
    what = (
        "Reports an `<!-- audit: ... -->` comment that cannot be understood: an unknown directive, a rule name "
        "that names no rule, or an `enable` with no earlier `disable`."
    )
    why = (
        "A misspelt rule name would otherwise suppress nothing (or everything) without anyone noticing; "
        "a gate must say when an instruction to it is ignored."
    )
    example = "<!-- audit: disable-next-line unsuported-claim -->"
    instead = (
        "Use one of disable, enable, disable-next-line, disable-line, disable-file followed by rule ids, "
        "families, names or categories (see `audit rules`)."
    )
    references = ("Suppression comments: docs/ci.md",)
    fail_examples = (Example("<!-- audit: disable-next-line no-such-rule -->\nA plain sentence.\n"),)
    pass_examples = (Example("<!-- an ordinary comment -->\nA plain sentence.\n"),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        from audit.gating.inline import problems

        for start, end, message in problems(doc):
            yield Hit(
                start, end, message,
                "Write e.g. `<!-- audit: disable-next-line CL001 -- reason -->`; `audit rules` lists the names.",
            )
