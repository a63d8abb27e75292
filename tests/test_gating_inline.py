"""Inline suppression comments: scopes, rule selection, unused and invalid directives."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pytest

from audit.config import from_dict
from audit.engine import FileResult, Summary, active_rules, finish
from audit.model import Document, Hit
from audit.readers import parse
from audit.rules import base
from audit.rules.base import Context, Example, Rule

_WORDS = {"TS001": "zorbix", "TS002": "quux"}


class _WordRule(Rule):
    category = "promotion"
    references = ("test rule",)
    what = why = example = instead = "A rule used only by the gating tests."
    fail_examples = (Example("zorbix"),)
    pass_examples = (Example("plain"),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        word = re.compile(rf"\b{_WORDS[self.id]}\b", re.IGNORECASE)
        for block in doc.blocks:
            for m in word.finditer(block.text):
                a, b = block.map.span(m.start(), m.end())
                yield Hit(a, b, f"test word {m.group(0)!r}", "Remove it.")


class Zorbix(_WordRule):
    id = "TS001"
    name = "zorbix-word"
    severity = "error"


class Quux(_WordRule):
    id = "TS002"
    name = "quux-word"
    severity = "warning"


@pytest.fixture
def test_rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Register two word rules for the duration of one test."""
    base._load()
    for cls in (Zorbix, Quux):
        monkeypatch.setitem(base._REGISTRY, cls.id, cls)
        monkeypatch.setitem(base._BY_NAME, cls.name, cls.id)
    yield


def run(text: str, fmt: str = "markdown", select: tuple[str, ...] = ("TS", "IN101", "IN102")) -> FileResult:
    cfg = from_dict({})
    settings = cfg.settings_for("")
    rules = active_rules(settings, select)
    doc = parse(f"a.{ {'markdown': 'md', 'html': 'html', 'text': 'txt'}[fmt] }", text, fmt)
    return finish(doc, FileResult(doc.path, fmt), settings, rules, False, False)


def states(result: FileResult) -> list[tuple[str, int, str]]:
    return [(f.rule, f.line, f.status) for f in result.findings]


def test_without_comments_nothing_is_suppressed(test_rules: None) -> None:
    r = run("zorbix here\n\nquux there\n")
    assert states(r) == [("TS001", 1, "open"), ("TS002", 3, "open")]


def test_disable_next_line_skips_blank_lines_and_covers_one_line(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line TS001 -->\n\nzorbix one\nzorbix two\n")
    assert states(r) == [("TS001", 3, "suppressed"), ("TS001", 4, "open")]
    detail = r.findings[0].status_detail
    assert detail == {"by": "inline", "directive": "disable-next-line", "line": 1, "rules": ["TS001"]}


def test_disable_next_line_names_only_some_rules(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line TS002 -->\nzorbix and quux\n")
    assert states(r) == [("TS001", 2, "open"), ("TS002", 2, "suppressed")]


def test_no_rule_means_every_rule(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line -->\nzorbix and quux\n")
    assert [s for _, _, s in states(r)] == ["suppressed", "suppressed"]


def test_region_from_disable_to_enable(test_rules: None) -> None:
    text = "zorbix before\n<!-- audit: disable TS001 -->\nzorbix inside\n<!-- audit: enable -->\nzorbix after\n"
    assert states(run(text)) == [("TS001", 1, "open"), ("TS001", 3, "suppressed"), ("TS001", 5, "open")]


def test_region_without_enable_runs_to_end_of_file(test_rules: None) -> None:
    text = "<!-- audit: disable zorbix-word, quux-word -->\nzorbix\n\nquux\n"
    assert [s for _, _, s in states(run(text))] == ["suppressed", "suppressed"]


def test_enable_one_rule_keeps_the_others_disabled(test_rules: None) -> None:
    text = "<!-- audit: disable -->\nzorbix quux\n<!-- audit: enable TS001 -->\nzorbix quux\n"
    assert states(run(text)) == [
        ("TS001", 2, "suppressed"), ("TS002", 2, "suppressed"), ("TS001", 4, "open"), ("TS002", 4, "suppressed"),
    ]


def test_disable_file_anywhere_in_the_file(test_rules: None) -> None:
    text = "zorbix first\n\nquux\n\n<!-- audit: disable-file TS001 -- legacy page, rewritten in Q3 -->\n"
    r = run(text)
    assert states(r) == [("TS001", 1, "suppressed"), ("TS002", 3, "open")]
    assert r.findings[0].status_detail["reason"] == "legacy page, rewritten in Q3"


def test_disable_line_covers_the_comment_line(test_rules: None) -> None:
    r = run("zorbix here <!-- audit: disable-line TS001 -->\nzorbix next\n")
    assert states(r) == [("TS001", 1, "suppressed"), ("TS001", 2, "open")]


@pytest.mark.parametrize("selector", ["TS001", "ts001", "zorbix-word", "TS", "promotion", "ALL"])
def test_rules_are_named_like_select(test_rules: None, selector: str) -> None:
    r = run(f"<!-- audit: disable-next-line {selector} -->\nzorbix\n")
    assert states(r) == [("TS001", 2, "suppressed")]


def test_selector_for_another_category_does_not_suppress(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line claims -->\nzorbix\n", select=("TS", "IN102"))
    assert states(r) == [("TS001", 2, "open")]


def test_unused_suppression_is_reported_at_the_comment(test_rules: None) -> None:
    r = run("Some text.\n  <!-- audit: disable-next-line TS001 -->\nnothing to see\n")
    assert states(r) == [("IN101", 2, "open")]
    f = r.findings[0]
    assert (f.line, f.column, f.end_line) == (2, 3, 2)
    assert f.match == "<!-- audit: disable-next-line TS001 -->"
    assert f.severity == "warning" and "TS001" in f.message


def test_used_suppression_is_not_reported(test_rules: None) -> None:
    r = run("<!-- audit: disable TS001 -->\nzorbix\n<!-- audit: enable -->\n")
    assert [f.rule for f in r.findings] == ["TS001"]


def test_unused_is_not_reported_when_the_named_rule_did_not_run(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line TS002 -->\nquux\n", select=("TS001", "IN101"))
    assert r.findings == []


def test_unused_suppression_rule_can_be_turned_off(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line TS001 -->\nnothing\n", select=("TS",))
    assert r.findings == []


def test_unused_suppression_can_itself_be_suppressed_for_the_file(test_rules: None) -> None:
    r = run("<!-- audit: disable-file IN101 -->\n<!-- audit: disable-next-line TS001 -->\nnothing\n")
    assert states(r) == [("IN101", 2, "suppressed")]


def test_unknown_rule_is_reported_and_suppresses_nothing(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line zorbx-word -->\nzorbix\n")
    assert states(r) == [("IN102", 1, "open"), ("TS001", 2, "open")]
    assert "zorbx-word" in r.findings[0].message


def test_unknown_directive_is_reported(test_rules: None) -> None:
    r = run("<!-- audit: disabel TS001 -->\nzorbix\n")
    assert states(r) == [("IN102", 1, "open"), ("TS001", 2, "open")]
    assert "disabel" in r.findings[0].message


def test_enable_without_disable_is_reported(test_rules: None) -> None:
    r = run("zorbix\n<!-- audit: enable TS001 -->\n")
    assert states(r) == [("TS001", 1, "open"), ("IN102", 2, "open")]


def test_known_and_unknown_rules_in_one_comment(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line TS001, nope -->\nzorbix\n")
    assert states(r) == [("IN102", 1, "open"), ("TS001", 2, "suppressed")]


def test_ordinary_comments_are_ignored(test_rules: None) -> None:
    r = run("<!-- TODO: audit: later -->\n<!-- auditing notes -->\nzorbix\n")
    assert states(r) == [("TS001", 3, "open")]


def test_html_comments_work_in_html(test_rules: None) -> None:
    text = "<p>zorbix</p>\n<!--audit:disable-next-line TS001-->\n<p>zorbix</p>\n"
    assert states(run(text, fmt="html")) == [("TS001", 1, "open"), ("TS001", 3, "suppressed")]


def test_directives_in_markdown_code_are_not_directives(test_rules: None) -> None:
    text = "```\n<!-- audit: disable-file -->\n```\n\nUse `<!-- audit: disable -->` like this.\n\nzorbix\n"
    assert states(run(text)) == [("TS001", 7, "open")]


def test_markdown_inline_and_multi_line_comments(test_rules: None) -> None:
    text = "zorbix here <!-- audit: disable-line TS001 --> and\n\n<!--\naudit: disable-next-line\n-->\nzorbix\n"
    assert states(run(text)) == [("TS001", 1, "suppressed"), ("TS001", 6, "suppressed")]


def test_plain_text_files_use_the_same_comments(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line TS001 -->\nzorbix\nzorbix\n", fmt="text")
    assert states(r) == [("TS001", 2, "suppressed"), ("TS001", 3, "open")]


def test_comments_from_the_reader_are_used(test_rules: None) -> None:
    cfg = from_dict({})
    settings = cfg.settings_for("")
    text = "zorbix one\nzorbix two\n"
    doc = parse("a.md", text, "markdown")
    # A reader that found a directive (here: given directly) on line 1.
    doc.comments = [(0, 0, " audit: disable-file ")]
    r = finish(doc, FileResult("a.md", "markdown"), settings, active_rules(settings, ("TS",)), False, False)
    assert [f.status for f in r.findings] == ["suppressed", "suppressed"]


def test_summary_counts_suppressed_findings_and_they_do_not_fail(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line -->\nzorbix\n")
    s = Summary(fail_on="error")
    s.add(r)
    assert (s.suppressed, s.failing, s.exit_code, s.findings) == (1, 0, 0, 0)
    r2 = run("zorbix\n")
    s2 = Summary(fail_on="error")
    s2.add(r2)
    assert (s2.suppressed, s2.failing, s2.exit_code) == (0, 1, 1)


def test_suppressed_findings_keep_status_in_json_record(test_rules: None) -> None:
    r = run("<!-- audit: disable-next-line TS001 -- quoted from the trial report -->\nzorbix\n")
    rec = r.findings[0].as_record()
    assert rec["status"] == "suppressed" and rec["status_detail"]["reason"] == "quoted from the trial report"
