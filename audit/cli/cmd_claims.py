"""``audit claims``: the claims inventory (every claim, its kind, strength and support)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

import click

from audit.cli.options import load_config, load_inputs, measure_options, paths_argument

CSV_FIELDS = ("path", "line", "column", "end_line", "end_column", "claim", "kind", "strength", "hedged", "hedges", "absolutes", "support", "citations", "reason", "text")


def records(inputs: Iterable[Any], cfg: Any, all_sentences: bool, debug: bool = False) -> Iterator[dict[str, Any]]:
    """Each input's record in the inventory, one file at a time: ``{"path", "sentences"}``,
    or ``{"path", "error", "sentences": []}`` for a file that could not be read or analysed
    (the other files are still listed; ``debug`` raises instead)."""
    from audit.claims import inventory
    from audit.engine import read_input
    from audit.readers import InputError, decode, parse

    for inp in inputs:
        try:
            doc = parse(inp.display, decode(read_input(inp)), inp.format)
        except (InputError, RecursionError) as e:
            yield {"path": inp.display, "error": getattr(e, "message", str(e) or type(e).__name__), "sentences": []}
            continue
        try:
            rows = inventory(doc, cfg.settings_for(inp.relpath), all_sentences=all_sentences)
        except Exception as e:
            if debug:
                raise
            yield {"path": inp.display, "error": f"internal error: {type(e).__name__}: {e}", "sentences": []}
            continue
        yield {"path": inp.display, "sentences": rows}


class Totals:
    """The inventory's summary, counted file by file."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {"files": 0, "sentences": 0, "claims": 0, "by_support": {}, "by_kind": {}, "by_strength": {}, "unreadable": 0}

    def add(self, record: dict[str, Any]) -> dict[str, Any]:
        """Count ``record``; returns it."""
        totals = self.data
        totals["files"] += 1
        if "error" in record:
            totals["unreadable"] += 1
        for r in record["sentences"]:
            totals["sentences"] += 1
            if not r["claim"]:
                continue
            totals["claims"] += 1
            for key, value in (("by_support", r["support"]), ("by_kind", r["kind"] or "other"), ("by_strength", r["strength"] or "none")):
                totals[key][value] = totals[key].get(value, 0) + 1
        return record

    def summary(self) -> dict[str, Any]:
        return {k: dict(sorted(v.items())) if k.startswith("by_") else v for k, v in self.data.items()}


def _cite_text(r: dict[str, Any]) -> str:
    return "; ".join(c.get("url") or c["text"] for c in r["citations"])


def write_text(files: Iterable[dict[str, Any]], totals: Totals, out: IO[str], all_sentences: bool) -> None:
    from audit.reporters.text import visible

    # (Article text and file names are written with their control characters escaped: see
    # audit.reporters.text.)
    for f in files:
        path = visible(f["path"])
        if "error" in f:
            what = "not analysed" if f["error"].startswith("internal error:") else "not read"
            out.write(f"{path}: {what}: {visible(f['error'])}\n")
            continue
        for r in f["sentences"]:
            mark = "CLAIM" if r["claim"] else "-    "
            out.write(f"{path}:{r['line']}:{r['column']}  {mark}  {visible(r['text'])}\n")
            if r["claim"]:
                bits = [f"kind={r['kind']}", f"strength={r['strength'] or 'none'}", f"support={r['support']}"]
                if r["hedges"]:
                    bits.append("hedges=" + ",".join(r["hedges"]))
                if r["absolutes"]:
                    bits.append("absolutes=" + ",".join(r["absolutes"]))
                if r["citations"]:
                    bits.append("citations=" + _cite_text(r))
                out.write("      " + visible("  ".join(bits)) + "\n")
            if all_sentences:
                out.write(f"      why: {visible(r['reason'])}\n")
    s = totals.summary()
    out.write(
        f"\n{s['claims']} claims in {s['files']} files"
        + (f" ({s['sentences']} sentences)" if all_sentences else "")
        + "; support: " + ", ".join(f"{k} {v}" for k, v in s["by_support"].items())
        + "\n"
    )


def write_csv(files: Iterable[dict[str, Any]], out: IO[str]) -> None:
    from audit.reporters.csv import neutralise

    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for f in files:
        for r in f["sentences"]:
            # Article text and file names are untrusted: no cell may start a spreadsheet formula.
            w.writerow([neutralise(v) for v in (
                f["path"], r["line"], r["column"], r["end_line"], r["end_column"], str(r["claim"]).lower(), r["kind"] or "",
                r["strength"] or "", str(r["hedged"]).lower(), "|".join(r["hedges"]), "|".join(r["absolutes"]), r["support"],
                "|".join(c.get("url") or c["text"] for c in r["citations"]), r["reason"], r["text"],
            )])


@click.command("claims")
@paths_argument
@measure_options
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True, help="Output format.")
@click.option("--all-sentences", is_flag=True, help="List every sentence with its analysis and why it was or was not taken as a claim.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to this file (atomically) instead of standard output.")
def command(paths: tuple[str, ...], config_path: str | None, stdin_filename: str, debug: bool, fmt: str, all_sentences: bool, output: str | None) -> None:
    """Inventory of the health claims in articles: kind, strength, hedges, support and citations.

    Each claim is listed with its exact line and column, its kind (efficacy,
    causal, prevention, safety, comparative, diagnosis, association,
    mechanism, statistic), its strength (correlational, conditional_causal,
    direct_causal), hedges, absolute words, and the support found for it
    (none, vague, named, cited) with the citations and links it was matched to.
    """
    from audit.reporters import atomic_writer

    cfg = load_config(config_path, paths)
    # Streamed: every path is checked first, then each file is read, analysed and written in
    # turn, so memory does not grow with the corpus.
    inputs = load_inputs(paths, cfg, stdin_filename, stream=True)

    def emit(out: IO[str]) -> None:
        totals = Totals()
        files = map(totals.add, records(inputs, cfg, all_sentences, debug))
        if fmt == "json":
            from audit import tool_record
            from audit.reporters.json import write_streamed

            write_streamed(out, {"version": 1, "tool": tool_record()}, "files", files, lambda: {"summary": totals.summary()})
        elif fmt == "csv":
            write_csv(files, out)
        else:
            write_text(files, totals, out, all_sentences)

    if output:
        with atomic_writer(output) as fh:
            emit(fh)
    else:
        emit(sys.stdout)
    sys.exit(0)
