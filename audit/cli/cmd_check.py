"""``audit check``: findings for files, directories, globs or standard input."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from audit.cli.options import (
    check_selectors,
    config_options,
    fail,
    fail_on_option,
    load_config,
    load_inputs,
    paths_argument,
    split_list,
    stderr_is_tty,
)


def resolve_format(fmt: str) -> str:
    from audit import reporters

    if fmt == "auto":
        if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in reporters.available():
            return "github"
        return "text"
    if fmt not in reporters.available():
        fail(f"--format {fmt}: unknown format (choose from auto, {', '.join(reporters.available())})")
    return fmt


@click.command("check")
@paths_argument
@config_options
@click.option("--format", "-f", "fmt", default="auto", show_default=True, metavar="FORMAT", help="text, json, sarif, junit, github, markdown, csv; auto = github in GitHub Actions, else text.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to this file (atomically) instead of standard output.")
@fail_on_option
@click.option("--quiet", "-q", is_flag=True, help="Only findings at or above --fail-on; no matched text or fixes.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: when writing to a terminal).")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
def command(paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...], stdin_filename: str, debug: bool, fmt: str, output: str | None, fail_on: str | None, quiet: bool, color: bool | None, no_progress: bool) -> None:
    """Check articles and report findings with exact line and column.

    PATHS are files, directories (searched recursively, hidden folders
    skipped), glob patterns, or - for standard input.
    """
    from audit import reporters
    from audit.engine import execute

    cfg = load_config(config_path, paths)
    sel, ign = split_list(select), split_list(ignore)
    check_selectors(sel, "--select")
    check_selectors(ign, "--ignore")
    fmt = resolve_format(fmt)
    inputs = load_inputs(paths, cfg, stdin_filename)
    threshold = fail_on or cfg.fail_on
    use_color = (output is None and sys.stdout.isatty()) if color is None else color
    opts = reporters.ReportOptions(color=use_color and output is None, quiet=quiet, fail_on=threshold, root=cfg.root, config_digest=cfg.digest())
    progress = _progress(len(inputs)) if (not no_progress and stderr_is_tty() and len(inputs) > 20) else None
    reporter_cls = reporters.get(fmt)

    def go(out: Any) -> Any:
        return execute(inputs, cfg, [reporter_cls(out, opts)], sel, ign, threshold, progress=progress, debug=debug)

    if output:
        with reporters.atomic_writer(output) as fh:
            summary = go(fh)
    else:
        summary = go(sys.stdout)
    if progress is not None:
        progress.close()
    sys.exit(summary.exit_code)


class _progress:
    """A progress bar on standard error, for long runs on a terminal."""

    def __init__(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label="checking", file=sys.stderr, show_pos=True)
        self.bar.__enter__()

    def __call__(self, result: Any) -> None:
        self.bar.update(1)

    def close(self) -> None:
        self.bar.__exit__(None, None, None)
