"""Throughput and latency of ``audit check``, side by side with proselint.

    python benchmarks/speed.py DATASETS_DIR [--limit N] [--repeat 1] [--latency-runs 7] [--stages] [--profile]
                               [--reports] [--sarif] [--json FILE]

Writes each of the health news stories (DATASETS_DIR/health_news_stories.jsonl)
as a ``.txt`` file (title on the first line, then the text) into a temporary
folder and measures, each as a separate process from start to exit:

* ``audit check DIR -f json --no-cache --jobs 1``   (all rules, readability, JSON out)
* ``audit check DIR -f json --no-cache --jobs 2``
* ``audit check DIR -f json`` a second time over the unchanged folder (served from a fresh cache)
* ``proselint -o json check DIR`` on the same files (its own command line, one process, which is
  how it is used; skipped with a note when proselint is not installed: ``pip install proselint``)
* single-file latency: ``audit check ONE.txt`` (median of N runs; without and with the cache) and
  ``proselint check ONE.txt``

and prints articles/s, words/s (words = whitespace-separated tokens of the files, the same count
for both tools), wall time, CPU time (user + system, all processes of the run: a measure that other
load on the machine disturbs much less than wall time), and peak memory. The three audit outputs must be byte-identical; the
script says so. ``--stages`` also times each pipeline stage and rule in this process (CPU time, no
profiler; ``--stages-only`` does just that); ``--profile`` also profiles the library (cProfile).
The package's bytecode is written first, as installing it does, so that no measured process
compiles modules from source. The load average is printed before and after: wall times are only
comparable between runs on an equally idle machine, ratios measured side by side are.
``--repeat N`` runs the throughput commands in N rounds and keeps the fastest run of each.
``--reports`` also times ``audit report`` (all five artefacts) with one and two jobs and no
cache, then a cache-filling run and a second, cached run, and checks that the four runs wrote
the same artefacts (but for the time and command line they record). ``--sarif`` does the same
for ``audit check -f sarif`` (the format code-scanning dashboards read, whose fingerprints are
made where each file is checked), with a cache fill on two jobs.

Nothing is installed by this script.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import Measured, audit_command, compile_package, machine, run
from synth_corpus import write_stories

TARGETS = {
    "throughput vs proselint (words/s, --jobs 1)": 5.0,
    "CPU-time throughput vs proselint (words/CPU s)": 5.0,
    "--jobs 2 speed-up over --jobs 1": 1.7,
    "cached second run speed-up over --jobs 1": 20.0,
}
LATENCY_TARGET = 0.3


def proselint_command() -> list[str] | None:
    exe = Path(sys.executable).with_name("proselint")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("proselint")
    return [found] if found else None


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def row(name: str, m: Measured, articles: int, words: int) -> dict[str, Any]:
    return {
        "run": name,
        "seconds": round(m.seconds, 3),
        "cpu_seconds": round(m.cpu_seconds, 2),
        "words_per_cpu_s": round(words / m.cpu_seconds) if m.cpu_seconds else 0,
        "articles_per_s": round(articles / m.seconds, 1),
        "words_per_s": round(words / m.seconds),
        "max_rss_mb": round(m.max_rss_kb / 1024, 1),
        "peak_total_rss_mb": round(m.peak_tree_rss_kb / 1024, 1),
        "exit": m.returncode,
    }


#: What differs between two runs of audit report over the same files: the time and the command.
_RUN_STAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d| UTC)?|audit report [^<\"\n]*")


def report_digest(folder: Path) -> str:
    """SHA-256 over the artefacts of one audit report run, with its time and command line masked."""
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        h.update(path.name.encode() + b"\0" + _RUN_STAMP.sub("~", path.read_text(encoding="utf-8")).encode() + b"\0")
    return h.hexdigest()


def timed_runs(title: str, runs: list[tuple[str, list[str], dict[str, str] | None, Path]], words: int, articles: int,
               digest: Any) -> dict[str, Any]:
    """Run each ``(name, command, env, output)`` once, in order; print and return the rows, the
    cached second run's speed-up over the first (``--jobs 1`` without the cache) and whether
    every run wrote the same output (``digest(output)``, which masks what may differ)."""
    rows, digests = [], set()
    print(f"\n{title}:")
    for name, cmd, env, out in runs:
        m = run(cmd, env=env)
        digests.add(digest(out))
        if out.is_dir():
            shutil.rmtree(out, ignore_errors=True)
        else:
            out.unlink(missing_ok=True)
        rows.append(row(name, m, articles, words))
        print(f"  {name:<28} {m.seconds:7.2f} s  CPU {m.cpu_seconds:6.1f} s  max RSS {m.max_rss_kb / 1024:6.1f} MB")
    speedup = rows[0]["seconds"] / rows[-1]["seconds"]
    same = len(digests) == 1
    print(f"  cached second run {speedup:.2f}x faster than --jobs 1 without the cache; "
          f"outputs identical: {'yes' if same else 'NO'}")
    return {"runs": rows, "cached_speedup": round(speedup, 2), "identical": same}


def cache_runs(label: str, base: list[str], out: Any, fill_jobs: str, tmp: Path) -> list[tuple[str, list[str], dict[str, str] | None, Path]]:
    """The four runs of a command (``base``; ``out(i)`` is the output path of run ``i``): one and
    two jobs without the cache, then a cache fill (``fill_jobs`` jobs) and a cached run."""
    env = {"XDG_CACHE_HOME": str(tmp / f"{label}-cache")}
    shutil.rmtree(tmp / f"{label}-cache", ignore_errors=True)
    fill = f"{label} (cache fill)" if fill_jobs == "1" else f"{label} (cache fill, --jobs {fill_jobs})"
    plan = [
        (f"{label} --jobs 1 --no-cache", ["--jobs", "1", "--no-cache"], None),
        (f"{label} --jobs 2 --no-cache", ["--jobs", "2", "--no-cache"], None),
        (fill, ["--jobs", fill_jobs], env),
        (f"{label} cached second run", ["--jobs", "1"], env),
    ]
    return [(name, [*base, "-o", str(out(i)), *extra], run_env, out(i)) for i, (name, extra, run_env) in enumerate(plan)]


def report_runs(audit: list[str], folder: Path, tmp: Path, words: int, articles: int) -> dict[str, Any]:
    """``audit report`` over ``folder``: one and two jobs without the cache, then a cache fill and a cached run."""
    base = [*audit, "report", str(folder), "--fail-on", "never", "--no-progress"]
    runs = cache_runs("report", base, lambda i: tmp / f"report-{i}", "1", tmp)
    return timed_runs("audit report (five artefacts)", runs, words, articles, report_digest)


def sarif_runs(audit: list[str], folder: Path, tmp: Path, words: int, articles: int) -> dict[str, Any]:
    """``audit check -f sarif`` over ``folder``: one and two jobs without the cache, then a cache fill
    (two jobs) and a cached run."""
    base = [*audit, "check", str(folder), "-f", "sarif", "--fail-on", "never", "--no-progress"]
    runs = cache_runs("sarif", base, lambda i: tmp / f"{i}.sarif", "2", tmp)

    def digest(path: Path) -> str:
        return hashlib.sha256(_RUN_STAMP.sub("~", path.read_text(encoding="utf-8")).encode()).hexdigest()

    return timed_runs("audit check -f sarif", runs, words, articles, digest)


def latency(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    times = [run(cmd, env=env).seconds for _ in range(runs)]
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3), "runs": runs}


def stages(folder: Path) -> None:
    """CPU time per pipeline stage and per rule, in this process, without a profiler.

    Shared analyses (``doc.memo``) are charged to the first rule that asks for them.
    """
    import time
    from collections import defaultdict

    from audit.config import load
    from audit.engine import active_rules, discover, read_input, to_finding
    from audit.readability import measure
    from audit.readers import decode, parse
    from audit.rules.base import Context

    cfg = load(None, [str(folder)])
    inputs = discover([str(folder)], cfg)
    cost: dict[str, float] = defaultdict(float)
    clock = time.process_time
    for inp in inputs:
        settings = cfg.settings_for(inp.relpath)
        t = clock()
        doc = parse(inp.display, decode(read_input(inp)), inp.format)
        t1 = clock()
        list(doc.sentences())
        t2 = clock()
        doc.cache["readability"] = measure(doc, settings)
        t3 = clock()
        cost["read + parse"] += t1 - t
        cost["segment (sentences, words)"] += t2 - t1
        cost["readability measure"] += t3 - t2
        for rule in active_rules(settings):
            t = clock()
            ctx = Context(settings.rule_options(rule), settings)
            sev = settings.rule_severity(rule)
            for hit in rule().check(doc, ctx):
                to_finding(doc, rule, sev, hit)
            cost[f"rule {rule.id} {rule.name}"] += clock() - t
    total = sum(cost.values())
    print(f"\n== CPU time by stage ({len(inputs)} files, {total:.2f} s) ==")
    for name, sec in sorted(cost.items(), key=lambda kv: -kv[1]):
        if sec >= 0.005 * total:
            print(f"  {name:<50} {sec:7.2f} s  {100 * sec / total:5.1f} %")


def profile(folder: Path, top: int = 30) -> None:
    """Profile the library in this process over the folder (no cache, one process)."""
    import cProfile
    import pstats

    from audit.config import load
    from audit.engine import discover
    from audit.engine import run as run_audit

    cfg = load(None, [str(folder)])
    inputs = discover([str(folder)], cfg)
    prof = cProfile.Profile()
    prof.enable()
    for _ in run_audit(inputs, cfg):
        pass
    prof.disable()
    stats = pstats.Stats(prof, stream=sys.stdout)
    print("\n== profile: cumulative ==")
    stats.sort_stats("cumulative").print_stats(top)
    print("\n== profile: own time ==")
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", type=Path, help="the datasets folder (holds health_news_stories.jsonl)")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N stories")
    ap.add_argument("--latency-runs", type=int, default=7, help="runs for the single-file median (default 7)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of the throughput runs; the fastest of each command counts (default 1)")
    ap.add_argument("--profile", action="store_true", help="also profile the library in this process")
    ap.add_argument("--stages", action="store_true", help="also print CPU time per stage and rule (no profiler)")
    ap.add_argument("--stages-only", action="store_true", help="only the per-stage timing (no subprocess runs)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    ap.add_argument("--reports", action="store_true", help="also time audit report, without and with the cache")
    ap.add_argument("--sarif", action="store_true", help="also time audit check -f sarif, without and with the cache")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="audit-speed-"))
    try:
        return _bench(args, tmp)
    finally:
        if args.keep:
            print(f"\nkept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _bench(args: argparse.Namespace, tmp: Path) -> int:
    folder = tmp / "stories"
    paths = write_stories(args.datasets, folder, args.limit)
    if args.stages_only:
        stages(folder)
        return 0
    articles = len(paths)
    texts = [p.read_text(encoding="utf-8") for p in paths]
    words = sum(len(t.split()) for t in texts)
    by_len = sorted(zip((len(t.split()) for t in texts), paths))
    one = by_len[len(by_len) // 2][1]  # a median-length story
    cache_env = {"XDG_CACHE_HOME": str(tmp / "cache")}
    compile_package()
    audit = audit_command()
    base = [*audit, "check", str(folder), "-f", "json", "--fail-on", "never", "--no-progress"]

    info: dict[str, Any] = {"machine": machine(), "articles": articles, "words": words}
    import audit as audit_pkg

    info["audit"] = f"{audit_pkg.__version__} (ruleset {audit_pkg.RULESET_VERSION})"
    print("machine:", ", ".join(f"{k} {v}" for k, v in info["machine"].items()))
    print(f"corpus: {articles} stories, {words:,} words, in {folder}")
    print(f"audit {info['audit']}\n")

    prose = proselint_command()
    if not prose:
        print("  proselint: not installed (pip install proselint), column skipped")
    # Each round runs every command once, in the same order; with --repeat N the fastest of the
    # N rounds counts for each command, so that load from other jobs on the machine, which only
    # ever slows a run down, disturbs the comparison less.
    best: dict[str, Measured] = {}
    shas: dict[str, set[str]] = {}  # each output's SHA-256, over the rounds
    for rnd in range(1, args.repeat + 1):
        if args.repeat > 1:
            print(f"round {rnd} of {args.repeat}")
        shutil.rmtree(tmp / "cache", ignore_errors=True)
        runs: list[tuple[str, list[str], dict[str, str] | None, Path | None]] = [
            ("audit --jobs 1", [*base, "--no-cache", "--jobs", "1", "-o", str(tmp / "1.json")], None, tmp / "1.json"),
            ("audit --jobs 2", [*base, "--no-cache", "--jobs", "2", "-o", str(tmp / "2.json")], None, tmp / "2.json"),
            ("(cache fill, --jobs 2)", [*base, "--jobs", "2", "-o", str(tmp / "fill.json")], cache_env, None),
            ("audit cached second run", [*base, "-o", str(tmp / "cached.json")], cache_env, tmp / "cached.json"),
        ]
        if prose:
            runs.append(("proselint", [*prose, "-o", "json", "check", str(folder)], None, None))
        for name, cmd, env, out in runs:
            m = run(cmd, env=env)
            print(f"  {name:<28} {m.seconds:7.2f} s")
            if out is not None:
                shas.setdefault(name, set()).add(sha(out))
            if name in best and best[name].seconds <= m.seconds:
                continue
            best[name] = m
    rows = [row(name, m, articles, words) for name, m in best.items() if not name.startswith("(")]
    outs = {name: next(iter(found)) if len(found) == 1 else "" for name, found in shas.items()}

    lat = {
        "audit check ONE --no-cache": latency([*audit, "check", str(one), "--no-cache", "-f", "json"], args.latency_runs),
        "audit check ONE (cached)": latency([*audit, "check", str(one), "-f", "json"], args.latency_runs, cache_env),
        "audit --version": latency([*audit, "--version"], args.latency_runs),
    }
    if prose:
        lat["proselint check ONE"] = latency([*prose, "check", str(one)], args.latency_runs)

    print(f"\n{'run':<28} {'seconds':>8} {'CPU s':>7} {'articles/s':>11} {'words/s':>10} {'words/CPU s':>12} "
          f"{'max RSS MB':>11} {'total RSS MB':>13}")
    for r in rows:
        print(f"{r['run']:<28} {r['seconds']:>8.2f} {r['cpu_seconds']:>7.1f} {r['articles_per_s']:>11.1f} "
              f"{r['words_per_s']:>10,} {r['words_per_cpu_s']:>12,} {r['max_rss_mb']:>11.1f} {r['peak_total_rss_mb']:>13.1f}")
    print(f"\nsingle-file latency, process start to exit ({one.name}, {len(one.read_text().split())} words):")
    for k, v in lat.items():
        print(f"  {k:<30} median {v['median_s']:.3f} s  (min {v['min_s']:.3f} s, {v['runs']} runs)")

    print("load average at end:", "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    same = len(set(outs.values())) == 1 and all(outs.values())
    print(f"\naudit outputs byte-identical (--jobs 1, --jobs 2, cached): {'yes' if same else 'NO'}")
    by = {r["run"]: r for r in rows}
    results = {
        "--jobs 2 speed-up over --jobs 1": by["audit --jobs 1"]["seconds"] / by["audit --jobs 2"]["seconds"],
        "cached second run speed-up over --jobs 1": by["audit --jobs 1"]["seconds"] / by["audit cached second run"]["seconds"],
    }
    if "proselint" in by:
        results["throughput vs proselint (words/s, --jobs 1)"] = by["audit --jobs 1"]["words_per_s"] / by["proselint"]["words_per_s"]
        results["CPU-time throughput vs proselint (words/CPU s)"] = (
            by["audit --jobs 1"]["words_per_cpu_s"] / by["proselint"]["words_per_cpu_s"])
    print("\ntargets:")
    for k, target in TARGETS.items():
        if k in results:
            v = results[k]
            print(f"  {k:<45} {v:6.2f}x  (target {target}x)  {'met' if v >= target else 'NOT met'}")
    cold = lat["audit check ONE --no-cache"]["median_s"]
    print(f"  {'single-file latency, no cache':<45} {cold:6.3f} s  (target {LATENCY_TARGET} s)  "
          f"{'met' if cold <= LATENCY_TARGET else 'NOT met'}")

    reports = report_runs(audit, folder, tmp, words, articles) if args.reports else None
    sarif = sarif_runs(audit, folder, tmp, words, articles) if args.sarif else None
    same = same and all(extra["identical"] for extra in (reports, sarif) if extra is not None)
    if args.json:
        info.update(runs=rows, latency=lat, ratios=results, identical=same, single_file=one.name, repeat=args.repeat)
        if reports is not None:
            info["reports"] = reports
        if sarif is not None:
            info["sarif"] = sarif
        args.json.write_text(json.dumps(info, indent=2) + "\n")
    if args.stages:
        stages(folder)
    if args.profile:
        profile(folder)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
