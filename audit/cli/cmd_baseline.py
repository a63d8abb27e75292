"""``audit baseline``: record today's findings so that only new ones fail a build."""

from __future__ import annotations

from typing import Any

import click

from audit.cli.options import (
    check_selectors,
    config_options,
    fail,
    load_config,
    load_inputs,
    paths_argument,
    split_list,
)


@click.command("baseline")
@paths_argument
@config_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), metavar="FILE", help="Baseline file to write (default: config's baseline, else audit-baseline.json).")
@click.option("--waivers", "waivers", type=click.Path(dir_okay=False), metavar="FILE", help="Leave out findings these waivers accept (default: config's waivers).")
def command(paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...], stdin_filename: str, debug: bool, output: str | None, waivers: str | None) -> None:
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
            text = source_of(result)
            entries.extend(bl.collect([(result.path, f, text) for f in open_], base_dir))
            counted[0] += len(open_)

    class _Keep(reporters.Reporter):
        # Files on disk are read again for fingerprints; only standard input must be kept.
        needs_documents = any(i.path is None for i in inputs)

    summary = execute(inputs, cfg, [_Keep(None, reporters.ReportOptions())], sel, ign, "never", postprocess=[record], debug=debug)  # type: ignore[arg-type]
    with reporters.atomic_writer(target) as fh:
        fh.write(bl.dumps(entries))
    files = len({e.path for e in entries})
    click.echo(f"wrote {output}: {counted[0]} findings in {files} of {summary.files} files "
               f"({len(entries)} entries); check against it with `audit check --baseline {output}`", err=True)
