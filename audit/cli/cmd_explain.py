"""``audit explain RULE``: a rule's documentation."""

from __future__ import annotations

import click

from audit.cli.options import fail


@click.command("explain")
@click.argument("rule")
def command(rule: str) -> None:
    """Show what a rule checks, why it matters, an example and what to write instead.

    RULE is an id (RD001) or a name (sentence-too-long).
    """
    from audit.rules.base import get_rule
    from audit.rules.docs import render_text

    cls = get_rule(rule)
    if cls is None:
        fail(f"unknown rule {rule!r} (see `audit rules`)")
        return
    click.echo(render_text(cls))
