"""``audit baseline``: record today's findings so that only new ones fail a build."""

from __future__ import annotations

from typing import Any

import click

from audit.cli.options import (
    cache_options,
    check_selectors,
    config_options,
    executor_options,
    fail,
    jobs_option,
    load_config,
    load_inputs,
    note_cache_overflow,
    paths_argument,
    split_list,
)


@click.command("baseline")
@paths_argument
@config_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), metavar="FILE", help="Baseline file to write (default: config's baseline, else audit-baseline.json).")
@click.option("--waivers", "waivers", type=click.Path(dir_okay=False), metavar="FILE", help="Leave out findings these waivers accept (default: config's waivers).")
@jobs_option("The baseline is identical.")
@cache_options
@executor_options
def command(paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...], stdin_filename: str, debug: bool, output: str | None, waivers: str | None, jobs: str | None, no_cache: bool, cache_dir: str | None, executor: str | None, scheduler: str | None) -> None:
    """Record the current findings of PATHS in a baseline file.

    `audit check --baseline FILE` then reports only findings that are not in
    it, so a corpus with many existing findings can gate new changes today.
    Findings are matched by a fingerprint of the rule, the matched text and
    the words around it, so moving text or inserting lines above keeps them
    matched. Findings suppressed by inline comments or waived are not
    recorded. Run it again to drop entries for findings that were fixed.
    """
    from pathlib import Path

    from audit import reporters
    from audit.cli.cmd_check import run_options
    from audit.engine import execute
    from audit.gating import GatingError, source_of
    from audit.gating import baseline as bl
    from audit.gating.waivers import load as load_waivers

    cfg = load_config(config_path, paths)
    sel, ign = split_list(select), split_list(ignore)
    check_selectors(sel, "--select")
    check_selectors(ign, "--ignore")
    if output is None:
        output = str(Path(cfg.root) / cfg.baseline) if cfg.baseline else "audit-baseline.json"
    target = Path(output)
    base_dir = target.resolve().parent
    wfile = waivers or (str(Path(cfg.root) / cfg.waivers) if cfg.waivers else None)
    try:
        wv = load_waivers(wfile) if wfile else None
    except GatingError as e:
        fail(str(e))
        raise  # unreachable
    inputs = load_inputs(paths, cfg, stdin_filename)
    entries: list[bl.Entry] = []
    counted = [0]

    def record(result: Any) -> None:
        if wv is not None:
            wv.apply(result, lambda: source_of(result))
        open_ = [f for f in result.findings if f.status == "open"]
        if open_:
            # Findings checked in workers or served from the cache carry their fingerprints;
            # the file is read again only for the others.
            text = source_of(result) if not all(f.fingerprint for f in open_) else None
            entries.extend(bl.collect([(result.path, f, text) for f in open_], base_dir))
            counted[0] += len(open_)

    class _Keep(reporters.Reporter):
        # Files on disk are read again for fingerprints that were not made where they were
        # checked; only standard input must be kept.
        needs_documents = any(i.path is None for i in inputs)
        needs_fingerprints = True

    run_opts = run_options(cfg, sel, ign, debug, jobs, no_cache, cache_dir, executor, scheduler)
    summary = execute(inputs, cfg, [_Keep(None, reporters.ReportOptions())], sel, ign, "never", postprocess=[record], debug=debug,  # type: ignore[arg-type]
                      run_options=run_opts)
    note_cache_overflow(run_opts["cache"])
    with reporters.atomic_writer(target) as fh:
        fh.write(bl.dumps(entries))
    files = len({e.path for e in entries})
    click.echo(f"wrote {output}: {counted[0]} findings in {files} of {summary.files} files "
               f"({len(entries)} entries); check against it with `audit check --baseline {output}`", err=True)
