"""Option bundles shared by commands, and helpers for loading config and inputs."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import click

from audit.config import FAIL_ON, Config, ConfigError, load
from audit.engine import UsageError, discover, iter_inputs


def fail(message: str) -> None:
    """Print a usage/config error and exit with status 2."""
    raise click.ClickException(message)


# click.ClickException exits with 1; usage and config errors must exit with 2.
click.ClickException.exit_code = 2


def paths_argument(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("paths", nargs=-1, required=True, metavar="PATHS...")(f)


def config_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--config``, ``--select``, ``--ignore``, ``--stdin-filename``, ``--debug``."""
    decorators = [
        click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file instead of searching upward for audit.toml / pyproject.toml."),
        click.option("--select", multiple=True, metavar="RULES", help="Run only these rules (ids, families, names or categories; comma-separated or repeated)."),
        click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (comma-separated or repeated)."),
    ]
    for d in reversed(decorators):
        f = d(f)
    return _input_options(f)


def measure_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--config``, ``--stdin-filename``, ``--debug``: for the commands that run no rules
    (``audit claims``, ``audit readability``), which therefore take no ``--select``/``--ignore``."""
    f = click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file instead of searching upward for audit.toml / pyproject.toml.")(f)
    return _input_options(f)


def _input_options(f: Callable[..., Any]) -> Callable[..., Any]:
    decorators = [
        click.option("--stdin-filename", default="-", metavar="NAME", help="Name (and so format) for text read from '-'; default Markdown."),
        click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks for internal errors."),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


def split_list(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def load_config(config_path: str | None, paths: tuple[str, ...]) -> Config:
    try:
        return load(config_path, list(paths))
    except ConfigError as e:
        fail(f"config error: {e}")
        raise  # unreachable


def check_selectors(selectors: list[str], flag: str) -> None:
    from audit.rules.base import selector_is_known

    for s in selectors:
        if not selector_is_known(s):
            fail(f"{flag} {s}: names no rule, family or category (see `audit rules`)")


def load_inputs(paths: tuple[str, ...], cfg: Config, stdin_filename: str, stream: bool = False) -> Any:
    """The inputs (a list; with ``stream``, an iterator: every path is checked first)."""
    try:
        if stream:
            return iter_inputs(paths, cfg, stdin_name=stdin_filename)
        return discover(paths, cfg, stdin_name=stdin_filename)
    except UsageError as e:
        fail(str(e))
        raise  # unreachable


def cache_dir_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--cache-dir DIR``: the folder of the incremental cache."""
    return click.option("--cache-dir", type=click.Path(file_okay=False), metavar="DIR", help="Cache folder (default: $XDG_CACHE_HOME/audit, else ~/.cache/audit).")(f)


def cache_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--no-cache`` and ``--cache-dir`` (the incremental cache of unchanged files)."""
    return click.option("--no-cache", is_flag=True, help="Neither read nor write the incremental cache of unchanged files.")(cache_dir_option(f))


def jobs_option(same: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--jobs N``; ``same`` says what stays identical (e.g. "Output is identical.")."""
    return click.option("--jobs", "-j", "jobs", default=None, metavar="N",
                        help=f"Worker processes: a number, or 0/auto for one per available CPU (default: config's jobs, else 1). {same}")


def executor_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--executor`` and ``--scheduler`` (where files are checked)."""
    f = click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --executor dask).")(f)
    return click.option("--executor", type=click.Choice(["local", "dask"]), default=None, help="Where files are checked: local processes (default), or a Dask cluster (needs --scheduler).")(f)


def note_cache_overflow(cache: Any) -> None:
    """Say on standard error when the cache could not keep this run's results (its bound is
    smaller than the corpus needs), so that the next run would check them all again."""
    note = cache.overflow_note() if cache is not None else None
    if note:
        click.echo(f"audit: {note}", err=True)


def sarif_max_results_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--sarif-max-results N``: at most N results in a SARIF log (code scanning's limit)."""
    return click.option(
        "--sarif-max-results", "sarif_max_results", type=click.IntRange(min=0), default=0, metavar="N",
        help="At most N results in the SARIF log, the most severe first (GitHub code scanning rejects more than "
             "25,000); 0: all (default). The exit code still counts every finding.",
    )(f)


def note_sarif_limit(reporter: Any) -> None:
    """Say on standard error when a SARIF log left results out (``--sarif-max-results``)."""
    truncated = getattr(reporter, "truncated", None)
    if truncated:
        kept, found = truncated
        click.echo(f"audit: the SARIF log holds the {kept:,} most severe of {found:,} results (--sarif-max-results); "
                   "the exit code counts every finding", err=True)


def fail_on_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON),
        default=None,
        help="Exit 1 when a finding has at least this severity (default: config's fail_on, else error).",
    )(f)


def stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty() and not os.environ.get("CI")
    except (AttributeError, ValueError):
        return False

