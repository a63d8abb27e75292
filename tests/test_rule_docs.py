"""Every rule is documented and its examples behave as documented (the meta-test)."""

from __future__ import annotations

import re

import pytest

from audit.rules.base import all_rules
from audit.rules.docs import render_markdown, render_text
from tests.conftest import check_text

RULES = all_rules()


def test_there_are_rules_in_every_family_that_exists() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z]{2}\d{3}", i) for i in ids), ids
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names), names


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_documented(rule) -> None:
    for attr in ("what", "why", "example", "instead"):
        text = getattr(rule, attr)
        assert isinstance(text, str) and len(text.strip()) >= 15, f"{rule.id} has no '{attr}' documentation"
    assert rule.references, f"{rule.id} names no guideline or reference"
    assert rule.fail_examples, f"{rule.id} has no failing example"
    assert rule.pass_examples, f"{rule.id} has no passing example"
    for o in rule.options:
        assert o.help, f"{rule.id} option {o.name} has no help"
        assert o.validate(o.default) == o.default
    rendered = render_text(rule)
    assert rule.id in rendered and rule.why.split()[0] in rendered


EXECUTABLE = [r for r in RULES if not getattr(r, "engine_only", False)]
FAIL_CASES = [(r, i, ex) for r in EXECUTABLE for i, ex in enumerate(r.fail_examples)]
PASS_CASES = [(r, i, ex) for r in EXECUTABLE for i, ex in enumerate(r.pass_examples)]


@pytest.mark.parametrize("rule,i,example", FAIL_CASES, ids=[f"{r.id}-fail{i}" for r, i, _ in FAIL_CASES])
def test_failing_example_is_flagged(rule, i, example) -> None:
    result = check_text(example.text, example.format, example.config, select=(rule.id,))
    hits = [f for f in result.findings if f.rule == rule.id]
    assert hits, f"{rule.id} did not flag its failing example {i}: {example.text!r}"
    for f in hits:
        assert f.line >= 1 and f.column >= 1
        assert (f.end_line, f.end_column) >= (f.line, f.column)


@pytest.mark.parametrize("rule,i,example", PASS_CASES, ids=[f"{r.id}-pass{i}" for r, i, _ in PASS_CASES])
def test_passing_example_is_not_flagged(rule, i, example) -> None:
    result = check_text(example.text, example.format, example.config, select=(rule.id,))
    hits = [f for f in result.findings if f.rule == rule.id]
    assert not hits, f"{rule.id} flagged its passing example {i}: {[h.match for h in hits]}"
    assert not [f for f in result.findings if f.rule == "IN900"], result.findings


def test_markdown_reference_lists_every_rule() -> None:
    md = render_markdown(RULES)
    for r in RULES:
        assert f"## {r.id}" in md
