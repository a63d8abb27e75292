"""Golden outputs for the sample corpus.

Regenerate after an intended change with ``make golden`` (which runs
``python -m tests.golden regenerate``) and review the result with
``git diff tests/golden docs/rules.md``.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"

#: Golden file name -> audit command-line arguments (run from the repository root).
CASES: dict[str, list[str]] = {
    "check-corpus.json": ["check", "corpus", "--format", "json", "--fail-on", "never"],
    "check-corpus.txt": ["check", "corpus", "--format", "text", "--no-color", "--fail-on", "never"],
}


@contextmanager
def _in_root():
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(old)


def produce(name: str) -> str:
    """The current output for one golden case."""
    from audit.cli import cli

    with _in_root():
        result = CliRunner().invoke(cli, CASES[name], catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"audit {' '.join(CASES[name])} exited {result.exit_code}:\n{result.output}")
    return result.output


#: The generated rule reference, kept in step with the rules' own documentation.
RULES_DOC = ROOT / "docs" / "rules.md"


def rules_reference() -> str:
    from audit.rules.base import all_rules
    from audit.rules.docs import render_markdown

    return render_markdown(all_rules())


def regenerate() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name in CASES:
        (GOLDEN / name).write_text(produce(name), encoding="utf-8")
        print(f"wrote tests/golden/{name}")
    RULES_DOC.write_text(rules_reference(), encoding="utf-8")
    print("wrote docs/rules.md")


if __name__ == "__main__":
    if sys.argv[1:] != ["regenerate"]:
        sys.exit("usage: python -m tests.golden regenerate")
    regenerate()
