"""``audit rules``: list every rule."""

from __future__ import annotations

import json
import re

import click

#: A full stop then a capital may end a documentation sentence ("e.g. the" does not)...
_STOP = re.compile(r"(?<=[a-z0-9)'\"`])\.\s+(?=[A-Z])")
#: ...unless it ends a title such as "Dr.".
_TITLES = ("Dr", "Mr", "Mrs", "Ms", "Prof", "St", "vs")


def first_sentence(text: str) -> str:
    """The first sentence of a rule's documentation, for one-line listings."""
    for m in _STOP.finditer(text):
        if not text[: m.start()].endswith(_TITLES):
            return text[: m.start()]
    return text.rstrip(".")


@click.command("rules")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True, help="Output format; markdown is the generated rule reference.")
@click.option("--category", "-c", multiple=True, help="Only rules of this category (repeatable).")
def command(fmt: str, category: tuple[str, ...]) -> None:
    """List every rule with its id, name, category and default severity."""
    from audit import tool_record
    from audit.rules.base import all_rules
    from audit.rules.docs import render_markdown

    rules = [r for r in all_rules() if not category or r.category in category]
    if fmt == "json":
        doc = {"version": 1, "tool": tool_record(), "rules": [r.describe() for r in rules]}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(render_markdown(rules), nl=False)
    else:
        width = max((len(r.name) for r in rules), default=10)
        for r in rules:
            summary = first_sentence(r.what)
            click.echo(f"{r.id}  {r.name:<{width}}  {r.category:<11}  {r.severity:<7}  {summary}")
        click.echo(f"\n{len(rules)} rules. `audit explain RULE` shows one in full.")
