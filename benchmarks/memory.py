"""Peak memory of ``audit check`` or ``audit report`` as the corpus grows (run by hand, not in CI).

    python benchmarks/memory.py DATASETS_DIR [--sizes 1000,10000,100000] [--jobs 2] [--work DIR]
                                [--format json|sarif|junit|...] [--report]

Builds synthetic corpora of the given sizes with :mod:`synth_corpus` (paragraphs
sampled from the health news stories; about 400 words per article), runs
``audit check DIR -f FORMAT --no-cache`` (default ``json``) on each with standard
output discarded, or with ``--report`` ``audit report DIR -o OUT --no-cache`` (all five
artefacts, written to a folder that is removed afterwards), and prints wall time, articles/s and the peak memory: the peak resident set of
the largest single process (VmHWM), and the largest sum over all processes of
their proportional set sizes (shared pages counted once; sampled from ``/proc``
every 50 ms). Flat memory means these stay about the same from 1,000
to 100,000 files. The corpora are kept in ``--work`` (default: a temporary
folder, removed afterwards); 100,000 articles take about 300 MB of disk.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import audit_command, machine, run
from synth_corpus import write_synth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", type=Path)
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--jobs", default="2", help="--jobs for audit (default 2)")
    ap.add_argument("--work", type=Path, help="folder for the corpora (kept); default a temporary folder")
    ap.add_argument("--format", default="json", help="output format of audit check (default json)")
    ap.add_argument("--report", action="store_true", help="run audit report (every artefact) instead of audit check")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="audit-memory-"))
    print("machine:", ", ".join(f"{k} {v}" for k, v in machine().items()))
    what = "audit report DIR -o OUT" if args.report else f"audit check DIR -f {args.format}"
    print(f"command: {what} --no-cache --jobs {args.jobs}")
    print(f"\n{'articles':>9} {'MB on disk':>11} {'seconds':>9} {'articles/s':>11} {'max RSS MB':>11} {'total RSS MB':>13}")
    try:
        for n in sizes:
            folder = work / f"synth-{n}"
            if not folder.exists():
                size = write_synth(args.datasets, folder, n)
            else:
                size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            out = work / f"report-{n}"
            if args.report:
                cmd = [*audit_command(), "report", str(folder), "-o", str(out), "--no-cache"]
            else:
                cmd = [*audit_command(), "check", str(folder), "-f", args.format, "--no-cache"]
            cmd += ["--fail-on", "never", "--no-progress", "--jobs", args.jobs]
            m = run(cmd)
            shutil.rmtree(out, ignore_errors=True)
            print(f"{n:>9,} {size / 1e6:>11.1f} {m.seconds:>9.1f} {n / m.seconds:>11.1f} "
                  f"{m.max_rss_kb / 1024:>11.1f} {m.peak_tree_rss_kb / 1024:>13.1f}", flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
