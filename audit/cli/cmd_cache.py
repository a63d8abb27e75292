"""``audit cache``: where the cache of unchanged files is, what it holds, and clearing it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from audit.cli.options import cache_dir_option, fail


def _folder(cache_dir: str | None) -> Path:
    from audit.cache import cache_folder

    return cache_folder(cache_dir)


@click.group("cache")
def command() -> None:
    """The cache of unchanged files: where it is, what it holds, and clearing it.

    `audit check`, `audit report` and `audit baseline` keep each file's result
    there, keyed by the file's content, the configuration and the tool release,
    and serve it while nothing of that changes. The folder is bounded by
    AUDIT_CACHE_MAX_MB (default 512); deleting it is always safe.
    """


@command.command("dir")
@cache_dir_option
def dir_(cache_dir: str | None) -> None:
    """Print the cache folder."""
    click.echo(str(_folder(cache_dir)))


@command.command("info")
@cache_dir_option
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def info(cache_dir: str | None, fmt: str) -> None:
    """Print the cache folder, its entries, their size and the bound."""
    from audit.cache import folder_info

    data = folder_info(_folder(cache_dir))
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    mb = 1024 * 1024
    click.echo(f"folder:   {data['folder']}" + ("" if data["exists"] else " (not created yet)"))
    click.echo(f"entries:  {data['entries']:,} (layout v{data['layout']}), {data['bytes'] / mb:.1f} MB")
    click.echo(f"bound:    {data['max_bytes'] / mb:g} MB (AUDIT_CACHE_MAX_MB)")
    if data["older_layout_files"]:
        click.echo(f"older:    {data['older_layout_files']:,} files of older layouts (removed at the next pruning)")


@command.command("clear")
@cache_dir_option
def clear(cache_dir: str | None) -> None:
    """Remove every entry from the cache folder (the next run checks every file again)."""
    from audit.cache import clear_folder

    folder = _folder(cache_dir)
    try:
        removed = clear_folder(folder)
    except ValueError as e:
        fail(str(e))
        raise  # unreachable
    except OSError as e:
        fail(f"cannot clear {folder}: {e.strerror or e}")
        raise  # unreachable
    click.echo(f"removed {removed:,} files from {folder}")
