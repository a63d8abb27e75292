"""Input rules (IN): files that cannot be checked are findings, never crashes.

These are raised by the engine and readers rather than by ``check``; their
behaviour is tested in ``tests/test_input.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

from audit.model import Document, Hit
from audit.rules.base import Context, Example, Rule, register


class _EngineRule(Rule):
    category = "input"
    severity = "error"
    engine_only = True

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        return ()


@register
class UnreadableFile(_EngineRule):
    id = "IN001"
    name = "unreadable-file"
    what = "Reports a file that could not be read at all: missing permissions, a broken link, a device."
    why = (
        "A gate that silently skips a file tells a reviewer something false: that the file was checked. "
        "The run goes on with every other file and this one is listed as not checked."
    )
    example = "reports/secret.md cannot be read: Permission denied"
    instead = "Fix the file's permissions, or exclude it in the config (`exclude = [...]`)."
    references = ("Exit codes and input handling: docs/cli.md",)
    fail_examples = (Example("(a file without read permission)"),)
    pass_examples = (Example("A readable file."),)


@register
class UndecodableFile(_EngineRule):
    id = "IN002"
    name = "undecodable-file"
    what = "Reports a file that is binary, or is not valid UTF-8 / UTF-16 / UTF-32 (with a byte-order mark), or is too deeply nested to parse."
    why = (
        "Guessing an encoding silently garbles medical terms and doses and moves every column; "
        "the tool asks for a known encoding instead."
    )
    example = "notes.md is not valid UTF-8 (byte 0xE9 on line 3)"
    instead = "Save the file as UTF-8 (any editor's 'Save with encoding' does it)."
    references = ("WHATWG Encoding Standard: UTF-8 is the encoding for the web",)
    fail_examples = (Example("binary\x00\x01\x02 content"),)
    pass_examples = (Example("Plain UTF-8 text with an accent: café."),)


@register
class FileTooLarge(_EngineRule):
    id = "IN003"
    name = "file-too-large"
    what = "Reports a file over the size limit for one document (16 MiB) instead of checking it."
    why = "A single huge file would hold up a CI gate for minutes; real articles are far smaller."
    example = "dump.txt is 80 MB, over the 16 MiB limit for one document"
    instead = "Split the file into articles, or exclude it."
    references = ("Performance notes: docs/performance.md",)
    fail_examples = (Example("(a file over 16 MiB)"),)
    pass_examples = (Example("A short article."),)


@register
class DocumentTimeBudget(_EngineRule):
    id = "IN004"
    name = "document-time-budget-exceeded"
    what = "Reports a file whose checking took longer than the time budget for one document (20 s by default); it is not checked."
    why = (
        "A gate that hangs on one pathological file burns the whole pipeline; a bounded time per document "
        "keeps every other file's results, and the file is listed as not checked rather than silently passed."
    )
    example = "dump.md was not checked: it took longer than the 20 s time budget for one document"
    instead = "Split the file into articles or exclude it; AUDIT_TIME_BUDGET=<seconds> raises the budget."
    references = ("Robustness: docs/robustness.md",)
    fail_examples = (Example("(a file that takes longer than the time budget)"),)
    pass_examples = (Example("A short article."),)


@register
class WorkerLost(_EngineRule):
    id = "IN005"
    name = "worker-lost"
    what = (
        "Reports a file whose worker process stopped while checking it, twice: killed (for example for lack of "
        "memory) or crashed. It is not checked; every other file is."
    )
    why = (
        "In a run over a large corpus one file that brings down its worker process must not end the run and "
        "lose every other file's results; the file is listed as not checked rather than silently passed."
    )
    example = "dump.md was not checked: the worker process checking it stopped (killed or crashed), also when it was checked alone"
    instead = (
        "Check the file alone with `audit check FILE --jobs 1 --debug`; split it or exclude it in the config, "
        "and report it as a bug in audit if it is an ordinary article."
    )
    references = ("Robustness: docs/robustness.md",)
    fail_examples = (Example("(a file whose checking ends its worker process)"),)
    pass_examples = (Example("A short article."),)


@register
class InternalError(_EngineRule):
    id = "IN900"
    name = "internal-error"
    what = "Reports a rule or reader that failed on this document; every other rule still ran."
    why = "One bug must not lose a whole run's results; the failure is visible instead of silent."
    example = "internal error in rule PR001 (puffery): ValueError: ..."
    instead = "Report the bug with the file that triggered it; use --debug to see the traceback."
    references = ("Robustness: docs/robustness.md",)
    fail_examples = (Example("(a rule raising an exception)"),)
    pass_examples = (Example("Any document where every rule works."),)
