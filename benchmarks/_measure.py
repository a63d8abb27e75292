"""Run a command and measure wall time and memory (shared by the speed and memory benchmarks)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measured:
    """One finished command."""

    seconds: float
    returncode: int
    #: Largest peak resident set (VmHWM) of any one process of the run (kB; sampled on Linux,
    #: else ``ru_maxrss`` from wait4, which on Linux would include this script's own size).
    max_rss_kb: int
    #: Largest sum of proportional set sizes over the process and its children, sampled
    #: (kB; Linux only, else 0).
    peak_tree_rss_kb: int
    #: User plus system CPU time of the process and its children (robust to other load on the machine).
    cpu_seconds: float = 0.0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> tuple[int, int]:
    """``(PSS or VmRSS, VmHWM)`` of a process in kB (zeros when it is gone).

    The proportional set size counts pages shared with other processes (a forked
    worker's inherited pages) once across them, so summing it over a process tree
    gives the memory the run really uses; VmRSS is the fallback.
    """
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    rss = int(line.split()[1])
                    break
    except (OSError, ValueError):
        pass
    return rss, hwm


def _tree_rss_kb(pid: int) -> tuple[int, int]:
    """Sum of PSS (else VmRSS) over the process tree, and the largest VmHWM in it."""
    total, top, todo, seen = 0, 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        rss, hwm = _rss_kb(p)
        total += rss
        top = max(top, hwm)
        todo.extend(_children(p))
    return total, top


def run(cmd: list[str], env: dict[str, str] | None = None, stdout: int | None = subprocess.DEVNULL, cwd: Path | None = None) -> Measured:
    """Run ``cmd`` to completion; time it from process start to exit and sample its memory."""
    full_env = {**os.environ, **(env or {})}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=full_env, stdout=stdout, stderr=subprocess.PIPE, cwd=cwd)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total, top = _tree_rss_kb(proc.pid)
            peak[0] = max(peak[0], total)
            peak[1] = max(peak[1], top)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True) if sys.platform.startswith("linux") else None
    if sampler:
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    done.set()
    if sampler:
        sampler.join()
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.stderr.write(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}\n")
    return Measured(seconds, proc.returncode, peak[1] or int(usage.ru_maxrss), peak[0], usage.ru_utime + usage.ru_stime)


def machine() -> dict[str, str]:
    """Where the benchmark ran: CPU model, cores, memory, Python."""
    model = platform.processor() or platform.machine()
    mem = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), model)
        with open("/proc/meminfo") as fh:
            kb = int(next(ln for ln in fh if ln.startswith("MemTotal")).split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    try:
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "?"
    return {
        "cpu": model,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load average at start": load,
    }


def compile_package() -> None:
    """Write the bytecode of every module of the ``audit`` package, as installing it does.

    A checkout run with ``PYTHONDONTWRITEBYTECODE`` set (or after an edit) would otherwise
    compile changed modules from source in every measured process, which is no cost an
    installed package has (about 8 ms a module).
    """
    import compileall

    import audit

    compileall.compile_dir(str(Path(audit.__file__).parent), quiet=1)


def audit_command() -> list[str]:
    """The installed ``audit`` console script next to this interpreter, else ``python -m audit``."""
    script = Path(sys.executable).with_name("audit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "audit"]
