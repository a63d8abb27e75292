"""``audit config``: print the effective configuration."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from audit.cli.options import load_config

if TYPE_CHECKING:
    from audit.config import Config


@click.command("config")
@click.argument("paths", nargs=-1, metavar="[PATH]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file instead of searching upward.")
@click.option("--format", "-f", "fmt", type=click.Choice(["toml", "json"]), default="toml", show_default=True)
def command(paths: tuple[str, ...], config_path: str | None, fmt: str) -> None:
    """Print the effective configuration (defaults merged with the project file).

    With PATH, the settings that apply to that file, overrides included.
    """
    from audit.config import to_toml

    cfg = load_config(config_path, paths)
    eff = cfg.effective()
    if paths:
        eff["settings_for"] = {p: cfg.settings_for(_rel(p, cfg)).__dict__ for p in paths}
    if fmt == "json":
        click.echo(json.dumps(eff, indent=2, default=list))
    else:
        click.echo(to_toml(eff), nl=False)


def _rel(path: str, cfg: Config) -> str:
    from pathlib import Path

    from audit.engine import _rel as rel

    return rel(Path(path), cfg.root.resolve())
