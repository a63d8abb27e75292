"""The sample corpus's output matches the reviewed golden files.

On an intended change: ``make golden``, then review ``git diff tests/golden``.
"""

from __future__ import annotations

import pytest

from tests.golden import CASES, GOLDEN, RULES_DOC, produce, rules_reference


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_golden(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    actual = produce(name)
    assert actual == expected, f"output for {name} changed: run `make golden` and review `git diff tests/golden`"


def test_rule_reference_is_current() -> None:
    assert RULES_DOC.read_text(encoding="utf-8") == rules_reference(), "docs/rules.md is stale: run `make golden`"
