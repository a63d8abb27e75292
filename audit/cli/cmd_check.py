"""``audit check``: findings for files, directories, globs or standard input."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from audit.cli.options import (
    cache_options,
    check_selectors,
    config_options,
    executor_options,
    fail,
    fail_on_option,
    jobs_option,
    load_config,
    load_inputs,
    note_cache_overflow,
    note_sarif_limit,
    paths_argument,
    sarif_max_results_option,
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


def run_options(cfg: Any, sel: list[str], ign: list[str], debug: bool, jobs: str | None, no_cache: bool, cache_dir: str | None, executor: str | None, scheduler: str | None) -> dict[str, Any]:
    """How files are checked: worker processes, incremental cache and executor (flags, then config)."""
    from audit.parallel import resolve_jobs

    try:
        n = resolve_jobs(jobs if jobs is not None else cfg.jobs)
    except ValueError:
        fail(f"--jobs {jobs}: expected a whole number >= 0, or auto")
        raise  # unreachable
    name = executor or ("dask" if scheduler else "local")
    if scheduler and name != "dask":
        fail("--scheduler only applies with --executor dask")
    cache = None
    if cfg.cache and not no_cache:
        from audit.cache import ResultCache

        cache = ResultCache(cfg, cache_dir, sel, ign)
    ex = None
    if name != "local":
        from audit.executors import ExecutorError, create

        try:
            ex = create(name, cfg, tuple(sel), tuple(ign), debug, n, scheduler)
        except ExecutorError as e:
            fail(str(e))
    return {"jobs": n, "cache": cache, "executor": ex}


def _repository_hint(paths: tuple[str, ...]) -> str | None:
    """Where ``--changed-since`` asks git for the repository: the first path checked (its folder
    for a file), so that ``audit check /repo/docs`` works from any working directory."""
    for path in paths:
        if path != "-" and os.path.exists(path):
            return path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    return None


@click.command("check")
@paths_argument
@config_options
@click.option("--format", "-f", "fmt", default="auto", show_default=True, metavar="FORMAT", help="text, json, sarif, junit, github, markdown, csv; auto = github in GitHub Actions, else text.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to this file (atomically) instead of standard output.")
@fail_on_option
@click.option("--quiet", "-q", is_flag=True, help="Only findings at or above --fail-on; no matched text or fixes.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: when writing to a terminal).")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False), metavar="FILE", help="Report only findings not recorded in this baseline (from `audit baseline`); default: config's baseline.")
@click.option("--waivers", "waivers", type=click.Path(dir_okay=False), metavar="FILE", help="Accept findings listed in this TOML waiver file (reason, approver, expiry); default: config's waivers.")
@click.option("--changed-since", "changed_since", metavar="REV", help="Check only files changed since this git revision, and report only findings on changed lines.")
@click.option("--whole-files", is_flag=True, help="With --changed-since: report every finding in the changed files, not only on changed lines.")
@click.option("--show-suppressed", is_flag=True, help="Also list findings that are suppressed, waived or baselined (they never fail the run).")
@sarif_max_results_option
@jobs_option("Output is identical.")
@cache_options
@executor_options
def command(paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...], stdin_filename: str, debug: bool, fmt: str, output: str | None, fail_on: str | None, quiet: bool, color: bool | None, no_progress: bool, baseline: str | None, waivers: str | None, changed_since: str | None, whole_files: bool, show_suppressed: bool, sarif_max_results: int, jobs: str | None, no_cache: bool, cache_dir: str | None, executor: str | None, scheduler: str | None) -> None:
    """Check articles and report findings with exact line and column.

    PATHS are files, directories (searched recursively, hidden folders
    skipped), glob patterns, or - for standard input.

    To adopt the checker on an existing corpus, record today's findings with
    `audit baseline`, then fail only on new ones with --baseline; accept
    findings on the record with --waivers; check a pull request's changes
    only with --changed-since (see docs/ci.md).
    """
    from audit import reporters
    from audit.engine import execute, peek
    from audit.gating import GatingError, postprocessors

    cfg = load_config(config_path, paths)
    sel, ign = split_list(select), split_list(ignore)
    check_selectors(sel, "--select")
    check_selectors(ign, "--ignore")
    fmt = resolve_format(fmt)
    if whole_files and not changed_since:
        fail("--whole-files only applies with --changed-since REV")
    try:
        gate = postprocessors(cfg, baseline, waivers, changed_since, whole_files, cwd=_repository_hint(paths))
    except GatingError as e:
        fail(str(e))
        raise  # unreachable
    # Inputs are streamed (a large folder is never listed whole), except for a progress
    # bar, which needs their number.
    stream = gate.filter_inputs(load_inputs(paths, cfg, stdin_filename, stream=True), stdin="-" in paths)
    want_progress = not no_progress and stderr_is_tty()
    listed = list(stream) if want_progress else None
    inputs = peek(stream) if listed is None else listed
    threshold = fail_on or cfg.fail_on
    use_color = (output is None and sys.stdout.isatty()) if color is None else color
    opts = reporters.ReportOptions(color=use_color and output is None, quiet=quiet, fail_on=threshold, root=cfg.root, config_digest=cfg.digest())
    opts.extra["show_suppressed"] = show_suppressed
    opts.extra["sarif_max_results"] = sarif_max_results
    progress = _progress(len(listed)) if (listed is not None and len(listed) > 20) else None
    reporter_cls = reporters.get(fmt)
    run_opts = run_options(cfg, sel, ign, debug, jobs, no_cache, cache_dir, executor, scheduler)

    made: list[Any] = []

    def go(out: Any) -> Any:
        made.append(reporter_cls(out, opts))
        chain = [gate, made[-1]]
        if show_suppressed and fmt == "text":
            chain.append(_NotCounted(out, opts))
        return execute(inputs, cfg, chain, sel, ign, threshold, postprocess=gate, progress=progress, debug=debug, run_options=run_opts)

    if output:
        with reporters.atomic_writer(output) as fh:
            summary = go(fh)
    else:
        summary = go(sys.stdout)
    if progress is not None:
        progress.close()
    note_cache_overflow(run_opts["cache"])
    note_sarif_limit(made[-1])
    for line in gate.lines() if (gate.active or show_suppressed) and fmt != "json" else ():
        click.echo(line, err=True)
    sys.exit(summary.exit_code)


class _NotCounted:
    """Text listing of suppressed, waived and baselined findings (--show-suppressed)."""

    needs_documents = False

    def __init__(self, out: Any, opts: Any) -> None:
        self.out = out
        self.rows: list[str] = []

    def begin(self) -> None:
        """Nothing before the first file."""

    def file(self, result: Any) -> None:
        from audit.gating import describe_status

        for f in result.findings:
            if f.status != "open":
                self.rows.append(f"  {result.path}:{f.line}:{f.column}  {f.severity:<7}  {f.rule}  {f.message}\n"
                                 f"      {f.status}: {describe_status(f)}\n")

    def end(self, summary: Any) -> None:
        if self.rows:
            self.out.write(f"\nnot counted ({len(self.rows)} suppressed, waived or baselined):\n" + "".join(self.rows))


class _progress:
    """A progress bar on standard error, for long runs on a terminal."""

    def __init__(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label="checking", file=sys.stderr, show_pos=True)
        self.bar.__enter__()

    def __call__(self, result: Any) -> None:
        self.bar.update(1)

    def close(self) -> None:
        self.bar.__exit__(None, None, None)
