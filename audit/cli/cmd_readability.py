"""``audit readability``: the readability metrics table."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import click

from audit.cli.options import load_config, load_inputs, measure_options

COLUMNS = (
    ("words", "words", "{:.0f}"),
    ("sentences", "sent", "{:.0f}"),
    ("avg_sentence_length", "w/sent", "{:.1f}"),
    ("flesch_reading_ease", "FRE", "{:.1f}"),
    ("flesch_kincaid_grade", "FKGL", "{:.1f}"),
    ("smog_index", "SMOG", "{:.1f}"),
    ("gunning_fog", "Fog", "{:.1f}"),
    ("coleman_liau_index", "CLI", "{:.1f}"),
    ("automated_readability_index", "ARI", "{:.1f}"),
    ("dale_chall_readability_score", "DC", "{:.1f}"),
    ("text_standard", "grade", "{:.0f}"),
)


def _cell(value: Any, fmt: str) -> str:
    if isinstance(value, (int, float)):
        return fmt.format(value)
    return "-"


def cells(label: str, metrics: dict[str, Any]) -> list[str]:
    """A row of the table: the label, then each column's value as text."""
    return [label, *[_cell(metrics.get(k), f) for k, _, f in COLUMNS]]


def table(body: list[list[str]]) -> str:
    """Render rows of :func:`cells` as an aligned text table."""
    head = ["file", *[c[1] for c in COLUMNS]]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(head))]
    for r in body:
        lines.append("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))
    return "\n".join(lines)


@click.command("readability")
@click.argument("paths", nargs=-1, required=True, metavar="PATHS...")
@measure_options
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--sections", is_flag=True, help="Also show each section (heading to heading).")
def command(paths: tuple[str, ...], config_path: str | None, stdin_filename: str, debug: bool, fmt: str, sections: bool) -> None:
    """Readability metrics per document (and per section) with textstat.

    Keys follow textstat's names: flesch_reading_ease, flesch_kincaid_grade,
    smog_index, gunning_fog, coleman_liau_index, automated_readability_index,
    dale_chall_readability_score, text_standard.
    """
    from audit import tool_record
    from audit.engine import check_input

    cfg = load_config(config_path, paths)
    # Streamed: every path is checked first, then each file is measured in turn; the JSON
    # output is written file by file, the text table keeps only its cells.
    inputs = load_inputs(paths, cfg, stdin_filename, stream=True)
    results = (check_input(i, cfg, debug=debug, run_rules=False) for i in inputs)
    if fmt == "json":
        from audit.reporters.json import write_streamed

        summary = {"files": 0, "words": 0, "unreadable": 0}

        def records() -> Iterator[dict[str, Any]]:
            for r in results:
                summary["files"] += 1
                summary["words"] += r.words
                summary["unreadable"] += r.readability is None
                yield {"path": r.path, "format": r.format, "readability": r.readability, "findings": [f.as_record() for f in r.findings]}

        write_streamed(sys.stdout, {"version": 1, "tool": tool_record()}, "files", records(), lambda: {"summary": summary})
    else:
        from audit.reporters.text import visible  # (control characters of names and headings escaped)

        rows: list[list[str]] = []
        for r in results:
            if r.readability is None:
                rows.append(cells(visible(r.path + "  (" + "; ".join(f.message for f in r.findings) + ")"), {}))
                continue
            rows.append(cells(visible(r.path), r.readability))
            if sections:
                for s in r.readability.get("sections", []):
                    rows.append(cells(visible(f"  § {s.get('heading') or '(before first heading)'}"), s))
        click.echo(table(rows))
