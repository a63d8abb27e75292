"""``audit claims``: the claims inventory (every claim, its kind, strength and support)."""

from __future__ import annotations

import csv
import json
import sys
from typing import IO, Any

import click

from audit.cli.options import config_options, load_config, load_inputs, paths_argument

CSV_FIELDS = ("path", "line", "column", "end_line", "end_column", "claim", "kind", "strength", "hedged", "hedges", "absolutes", "support", "citations", "reason", "text")


def collect(paths: tuple[str, ...], config_path: str | None, stdin_filename: str, all_sentences: bool) -> dict[str, Any]:
    """Read every input and build the inventory record (the JSON output)."""
    from audit import RULESET_VERSION, __version__
    from audit.claims import inventory
    from audit.engine import read_input
    from audit.readers import InputError, decode, parse

    cfg = load_config(config_path, paths)
    inputs = load_inputs(paths, cfg, stdin_filename)
    files: list[dict[str, Any]] = []
    totals: dict[str, Any] = {"files": 0, "sentences": 0, "claims": 0, "by_support": {}, "by_kind": {}, "by_strength": {}, "unreadable": 0}
    for inp in inputs:
        totals["files"] += 1
        try:
            doc = parse(inp.display, decode(read_input(inp)), inp.format)
        except (InputError, RecursionError) as e:
            totals["unreadable"] += 1
            files.append({"path": inp.display, "error": getattr(e, "message", str(e) or type(e).__name__), "sentences": []})
            continue
        rows = inventory(doc, cfg.settings_for(inp.relpath), all_sentences=all_sentences)
        files.append({"path": inp.display, "sentences": rows})
        for r in rows:
            totals["sentences"] += 1
            if not r["claim"]:
                continue
            totals["claims"] += 1
            for key, value in (("by_support", r["support"]), ("by_kind", r["kind"] or "other"), ("by_strength", r["strength"] or "none")):
                totals[key][value] = totals[key].get(value, 0) + 1
    for key in ("by_support", "by_kind", "by_strength"):
        totals[key] = dict(sorted(totals[key].items()))
    return {"version": 1, "tool": {"name": "audit", "version": __version__, "ruleset": RULESET_VERSION}, "files": files, "summary": totals}


def _cite_text(r: dict[str, Any]) -> str:
    return "; ".join(c.get("url") or c["text"] for c in r["citations"])


def write_text(data: dict[str, Any], out: IO[str], all_sentences: bool) -> None:
    for f in data["files"]:
        if "error" in f:
            out.write(f"{f['path']}: not read: {f['error']}\n")
            continue
        for r in f["sentences"]:
            mark = "CLAIM" if r["claim"] else "-    "
            out.write(f"{f['path']}:{r['line']}:{r['column']}  {mark}  {r['text']}\n")
            if r["claim"]:
                bits = [f"kind={r['kind']}", f"strength={r['strength'] or 'none'}", f"support={r['support']}"]
                if r["hedges"]:
                    bits.append("hedges=" + ",".join(r["hedges"]))
                if r["absolutes"]:
                    bits.append("absolutes=" + ",".join(r["absolutes"]))
                if r["citations"]:
                    bits.append("citations=" + _cite_text(r))
                out.write("      " + "  ".join(bits) + "\n")
            if all_sentences:
                out.write(f"      why: {r['reason']}\n")
    s = data["summary"]
    out.write(
        f"\n{s['claims']} claims in {s['files']} files"
        + (f" ({s['sentences']} sentences)" if all_sentences else "")
        + "; support: " + ", ".join(f"{k} {v}" for k, v in s["by_support"].items())
        + "\n"
    )


def write_csv(data: dict[str, Any], out: IO[str]) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for f in data["files"]:
        for r in f["sentences"]:
            w.writerow([
                f["path"], r["line"], r["column"], r["end_line"], r["end_column"], str(r["claim"]).lower(), r["kind"] or "",
                r["strength"] or "", str(r["hedged"]).lower(), "|".join(r["hedges"]), "|".join(r["absolutes"]), r["support"],
                "|".join(c.get("url") or c["text"] for c in r["citations"]), r["reason"], r["text"],
            ])


@click.command("claims")
@paths_argument
@config_options
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True, help="Output format.")
@click.option("--all-sentences", is_flag=True, help="List every sentence with its analysis and why it was or was not taken as a claim.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to this file (atomically) instead of standard output.")
def command(paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...], stdin_filename: str, debug: bool, fmt: str, all_sentences: bool, output: str | None) -> None:
    """Inventory of the health claims in articles: kind, strength, hedges, support and citations.

    Each claim is listed with its exact line and column, its kind (efficacy,
    causal, prevention, safety, comparative, diagnosis, association,
    mechanism, statistic), its strength (correlational, conditional_causal,
    direct_causal), hedges, absolute words, and the support found for it
    (none, vague, named, cited) with the citations and links it was matched to.
    """
    from audit.reporters import atomic_writer

    data = collect(paths, config_path, stdin_filename, all_sentences)

    def emit(out: IO[str]) -> None:
        if fmt == "json":
            json.dump(data, out, indent=2, ensure_ascii=False)
            out.write("\n")
        elif fmt == "csv":
            write_csv(data, out)
        else:
            write_text(data, out, all_sentences)

    if output:
        with atomic_writer(output) as fh:
            emit(fh)
    else:
        emit(sys.stdout)
    sys.exit(0)
