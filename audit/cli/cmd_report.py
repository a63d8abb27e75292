"""``audit report``: every report artefact from one run over the corpus."""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from pathlib import Path
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

#: File name -> (reporter module, class name), in the order they are listed.
ARTEFACTS: dict[str, tuple[str, str]] = {
    "index.html": ("html", "Reporter"),
    "findings.json": ("json", "Reporter"),
    "findings.sarif": ("sarif", "Reporter"),
    "claims.csv": ("csv", "ClaimsReporter"),
    "summary.md": ("markdown", "Reporter"),
}


#: Articles per page of the HTML report (``--page-size``).
PAGE_SIZE = 200


def output_folder(path: str) -> Path:
    """The report folder, created if needed; a usage error (exit 2) if it cannot be."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        fail(f"--output {path}: exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"--output {path}: cannot create the folder ({e.strerror or e})")
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(f"--output {path}: the folder is not writable")
    return folder


def target(folder: Path, name: str) -> Path:
    """``folder/name``, refusing any name that would land outside ``folder``.

    A symbolic link already at ``folder/name`` is replaced, never written through.
    """
    path = folder / name
    if Path(name).name != name or name in ("", ".", "..") or Path(os.path.abspath(path)).parent != Path(os.path.abspath(folder)):
        raise ValueError(f"report file {name!r} would be written outside {folder}")
    return path


def write_reports(inputs: Any, cfg: Any, folder: Path, options: Any, select: list[str], ignore: list[str],
                  fail_on: str, gate: Any = None, progress: Any = None, debug: bool = False, jobs: int = 1,
                  cache: Any = None, executor: Any = None, page_size: int = PAGE_SIZE) -> Any:
    """Check ``inputs`` once and write every artefact into ``folder``; return the summary.

    Each file is written to a temporary file beside its target and renamed over
    it only after the whole run succeeded: an error leaves the previous reports
    untouched. ``gate`` is an :class:`audit.gating.Gating` (suppressions,
    baselines, waivers) or None. With ``jobs`` above 1 the files are checked in
    that many worker processes; with a ``cache`` (:class:`audit.cache.ResultCache`)
    unchanged files are served from it; with an ``executor`` (Dask) the files are checked
    on its cluster. The reports are the same. An HTML report of more than ``page_size``
    articles (0: no limit) is split into ``index.html`` and pages ``index-NNNN.html``;
    the pages of an earlier report that this one does not have are removed.
    """
    import importlib

    from audit.engine import execute
    from audit.reporters import atomic_writer
    from audit.reporters.html import PageFiles

    pages = PageFiles(folder)
    options.extra.update({"pages": pages, "page_size": page_size})
    try:
        with contextlib.ExitStack() as stack:
            reporters: list[Any] = [gate] if gate is not None else []
            for name, (module, cls) in ARTEFACTS.items():
                out = stack.enter_context(atomic_writer(target(folder, name), devices=False))
                reporters.append(getattr(importlib.import_module(f"audit.reporters.{module}"), cls)(out, options))
            hooks = gate if gate is not None else ()
            summary = execute(inputs, cfg, reporters, select, ignore, fail_on, postprocess=hooks, progress=progress,
                              debug=debug, run_options={"jobs": jobs, "cache": cache, "executor": executor})
    except BaseException:
        pages.discard()
        raise
    pages.commit()
    for reporter in reporters:
        note_sarif_limit(reporter)
    return summary


@click.command("report")
@paths_argument
@config_options
@click.option("--output", "-o", "output", default="reports", show_default=True, type=click.Path(file_okay=False), metavar="DIR", help="Folder for the reports (created if missing; files in it are replaced atomically).")
@fail_on_option
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False), metavar="FILE", help="Count only findings not recorded in this baseline; default: config's baseline.")
@click.option("--waivers", "waivers", type=click.Path(dir_okay=False), metavar="FILE", help="Accept findings listed in this waiver file; default: config's waivers.")
@click.option("--title", default=None, metavar="TEXT", help="Title of the HTML report.")
@click.option("--page-size", "page_size", type=click.IntRange(min=0), default=PAGE_SIZE, show_default=True, metavar="N",
              help="Articles per page of the HTML report: a larger corpus gets an overview (index.html) and pages index-0001.html, ... beside it. 0: always one page.")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@sarif_max_results_option
@jobs_option("The reports are identical.")
@cache_options
@executor_options
def command(paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...], stdin_filename: str, debug: bool, output: str, fail_on: str | None, baseline: str | None, waivers: str | None, title: str | None, page_size: int, no_progress: bool, sarif_max_results: int, jobs: str | None, no_cache: bool, cache_dir: str | None, executor: str | None, scheduler: str | None) -> None:
    """Write the review reports for PATHS from one run.

    \b
    DIR/index.html      self-contained HTML report for editors and reviewers
                        (over --page-size articles: the overview, with the
                        articles on pages DIR/index-0001.html, ...)
    DIR/findings.json   the `audit check --format json` output
    DIR/findings.sarif  SARIF 2.1.0 for code-scanning dashboards
    DIR/claims.csv      the claims inventory, one row per claim
    DIR/summary.md      a Markdown summary for a pull-request comment

    Exit codes are those of `audit check`: 0 clean, 1 findings at or above
    --fail-on, 2 usage or config error. Writing the reports never changes it.
    """
    from audit import reporters
    from audit.engine import peek
    from audit.gating import GatingError, postprocessors

    cfg = load_config(config_path, paths)
    sel, ign = split_list(select), split_list(ignore)
    check_selectors(sel, "--select")
    check_selectors(ign, "--ignore")
    try:
        gate = postprocessors(cfg, baseline, waivers)
    except GatingError as e:
        fail(str(e))
        raise  # unreachable
    # Inputs are streamed (a large folder is never listed whole), except for a progress
    # bar, which needs their number. Each result comes with its claims inventory, built
    # with the file's own settings (``run(report_data=True)``).
    stream = gate.filter_inputs(load_inputs(paths, cfg, stdin_filename, stream=True), stdin="-" in paths)
    want_progress = not no_progress and stderr_is_tty()
    listed = list(stream) if want_progress else None
    inputs = peek(stream) if listed is None else listed
    folder = output_folder(output)
    threshold = fail_on or cfg.fail_on
    base = cfg.settings_for("")
    opts = reporters.ReportOptions(fail_on=threshold, root=cfg.root, config_digest=cfg.digest(), command="report")
    opts.extra.update({
        "readability_metric": base.readability_metric,
        "readability_target": base.readability_target,
        "command_line": shlex.join(["audit", *sys.argv[1:]]) if Path(sys.argv[0]).name in ("audit", "__main__.py") else "",
        "debug": debug,
        "sarif_max_results": sarif_max_results,
    })
    if title:
        opts.extra["title"] = title
    progress = None
    if listed is not None and len(listed) > 20:
        from audit.cli.cmd_check import _progress

        progress = _progress(len(listed))
    from audit.cli.cmd_check import run_options

    run_opts = run_options(cfg, sel, ign, debug, jobs, no_cache, cache_dir, executor, scheduler)
    try:
        summary = write_reports(inputs, cfg, folder, opts, sel, ign, threshold, gate, progress, debug, run_opts["jobs"],
                                run_opts["cache"], run_opts["executor"], page_size)
    except OSError as e:
        fail(f"cannot write the reports in {folder} ({e.strerror or e}); existing reports were left unchanged")
        raise  # unreachable
    except Exception as e:  # an internal error must not leave half-written reports, nor exit 1 like findings do
        if debug:
            raise
        fail(f"internal error while building the reports ({type(e).__name__}: {e}); existing reports were left unchanged")
        raise  # unreachable
    finally:
        if progress is not None:
            progress.close()
    note_cache_overflow(run_opts["cache"])
    sev = summary.by_severity
    click.echo(
        f"{summary.files} files, {summary.words:,} words: {sev.get('error', 0)} errors, "
        f"{sev.get('warning', 0)} warnings, {sev.get('info', 0)} notes"
        + (f" ({summary.suppressed} suppressed, baselined or waived)" if summary.suppressed else "")
    )
    click.echo(
        f"failing: {summary.failing} findings at or above '{summary.fail_on}'" if summary.failing
        else f"passing (fail-on: {summary.fail_on})"
    )
    for name in ARTEFACTS:
        click.echo(f"wrote {folder / name}")
    pages = opts.extra["pages"].written
    if pages:
        click.echo(f"wrote {folder / pages[0]} to {folder / pages[-1]} ({len(pages)} pages of articles)")
    for line in gate.lines() if gate.active else ():
        click.echo(line, err=True)
    sys.exit(summary.exit_code)
