"""``audit init``: write a commented starter ``audit.toml``."""

from __future__ import annotations

from pathlib import Path

import click

from audit.cli.options import fail


@click.command("init")
@click.option("--path", "target", default="audit.toml", show_default=True, type=click.Path(dir_okay=False), help="Where to write the file.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def command(target: str, force: bool) -> None:
    """Write a commented starter audit.toml in the current folder."""
    from audit.config import STARTER

    p = Path(target)
    if p.exists() and not force:
        fail(f"{target} already exists (use --force to overwrite)")
    p.write_text(STARTER, encoding="utf-8")
    click.echo(f"wrote {target}; `audit config` shows the effective settings")
