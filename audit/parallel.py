"""Checking many files: worker processes, bounded batches, the cache, input order.

:func:`run` is what :func:`audit.engine.run` uses when a run asks for more
than one job, a cache, or another executor. It streams: inputs are looked up
in the cache, the misses are grouped into small batches, at most a few batches
per worker are in flight at any time, and results are yielded strictly in
input order, so memory stays flat however large the corpus is and the output
is byte-identical to a one-process run.

Executors are small objects with ``submit(batch) -> future`` (anything with a
``result()`` method) and ``close()``:

* :class:`InlineExecutor` checks a batch in this process (``--jobs 1``);
* :class:`LocalExecutor` uses :class:`concurrent.futures.ProcessPoolExecutor`;
  each worker receives the configuration once, through the pool initializer;
* :class:`audit.executors.dask_backend.DaskExecutor` runs batches on a Dask
  cluster (``--executor dask --scheduler ADDRESS``).

Results cross process boundaries by pickling, so a :class:`FileResult` sent
back never carries its parsed ``document``. For reporters that read the
documents (the HTML report, the claims inventory) a worker sends back what they
need of it instead, as ``FileResult.report`` (``report_data``); for those that
identify findings by their fingerprints (SARIF, baselines) it stamps each finding
with its fingerprint (``fingerprints``). An executor made before the run learns
both from the run's :class:`Job` (``bind``). With a cache, a worker encodes each
result's entry, and a result that has one is sent as the entry alone (:class:`Shipped`).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from concurrent.futures import Future

    from audit.cache import ResultCache
    from audit.config import Config
    from audit.engine import FileResult, Input

#: Files per batch sent to a worker (smaller batches balance better, larger ones cost less).
MAX_BATCH = 16
#: Batches in flight per worker: enough to keep workers busy, few enough to keep memory flat.
IN_FLIGHT_PER_WORKER = 4


def resolve_jobs(jobs: int | str | None) -> int:
    """Number of worker processes: ``0``, ``"auto"`` or ``None`` mean one per CPU this process
    may use (:func:`available_cpus`)."""
    if jobs is None or jobs == "auto" or jobs == "0" or jobs == 0:
        return available_cpus()
    n = int(jobs)
    if n < 0:
        raise ValueError("jobs must be >= 0")
    return n


def available_cpus() -> int:
    """The CPUs this process may use: its affinity mask (``taskset``, cpusets), capped by the
    CPU quota of its control group (a container's ``--cpus``, a CI job's CPU limit), which
    ``os.cpu_count()`` ignores: on a 64-core host a container limited to two CPUs would
    otherwise start 64 workers."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        n = os.cpu_count() or 1
    quota = cgroup_cpu_quota()
    return max(1, min(n, quota) if quota is not None else n)


def cgroup_cpu_quota(proc_cgroup: str = "/proc/self/cgroup", root: str = "/sys/fs/cgroup") -> int | None:
    """CPUs the control group of this process may use (the smallest quota over its period,
    rounded up, of its own group and the groups above it, up to the root of the hierarchy,
    which is the container's own group inside a container), or None when none of them has a
    quota or none can be read. Reads cgroup v2 ``cpu.max`` and cgroup v1 ``cpu.cfs_quota_us``
    and ``cpu.cfs_period_us``."""
    try:
        with open(proc_cgroup, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    found: list[int] = []
    for line in lines:
        hierarchy, _, rest = line.partition(":")
        controllers, _, group = rest.partition(":")
        parts = [p for p in group.strip().split("/") if p]
        if hierarchy == "0" and not controllers:  # cgroup v2
            tops = [root]
        elif "cpu" in controllers.split(","):  # cgroup v1: the controller's own hierarchy
            tops = [os.path.join(root, controllers)] + ([os.path.join(root, "cpu")] if controllers != "cpu" else [])
        else:
            continue
        for top in tops:
            # The group, then each group above it, then the top of the hierarchy.
            for depth in range(len(parts), -1, -1):
                cpus = _group_quota(os.path.join(top, *parts[:depth]), v2=hierarchy == "0" and not controllers)
                if cpus is not None:
                    found.append(cpus)
    return min(found) if found else None


def _group_quota(folder: str, v2: bool) -> int | None:
    """The CPUs a quota in ``folder`` allows (None: no quota there, or none to read)."""
    try:
        if v2:
            with open(os.path.join(folder, "cpu.max"), encoding="utf-8") as fh:
                quota, _, period = fh.read().strip().partition(" ")
        else:
            with open(os.path.join(folder, "cpu.cfs_quota_us"), encoding="utf-8") as fh:
                quota = fh.read().strip()
            with open(os.path.join(folder, "cpu.cfs_period_us"), encoding="utf-8") as fh:
                period = fh.read().strip()
    except OSError:
        return None
    return _quota_cpus(quota, period)


def _quota_cpus(quota: str, period: str) -> int | None:
    try:
        q, p = int(quota), int(period)
    except ValueError:  # "max": no quota
        return None
    if q <= 0 or p <= 0:  # -1: no quota
        return None
    return max(1, -(-q // p))


class _Patterns:
    """A picklable stand-in for a compiled path-pattern spec (compiled again where used).

    Compiled specs may hold objects that cannot be pickled (e.g. a ``re2``
    backend), so worker processes receive the pattern lines instead.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self._spec: Any = None

    def match_file(self, path: str) -> bool:
        if self._spec is None:
            from audit.safety import path_spec

            self._spec = path_spec(self.lines)
        return bool(self._spec.match_file(path))

    def __getstate__(self) -> dict[str, Any]:
        return {"lines": self.lines}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.lines = state["lines"]
        self._spec = None


def portable_config(cfg: Config) -> Config:
    """A copy of ``cfg`` that pickles (for worker processes and cluster workers)."""
    c = copy.copy(cfg)
    c._settings_cache = {}
    raw_overrides = cfg.raw.get("overrides", []) if isinstance(cfg.raw, dict) else []
    overrides: list[tuple[Any, dict[str, Any]]] = []
    for i, (spec, body) in enumerate(cfg.overrides):
        if isinstance(spec, _Patterns):
            lines = spec.lines
        else:
            pats = getattr(spec, "patterns", None)
            if pats is not None and all(isinstance(getattr(p, "pattern", None), str) for p in pats):
                lines = [p.pattern for p in pats]
            else:
                lines = list(raw_overrides[i]["files"])
        overrides.append((_Patterns(lines), body))
    c.overrides = overrides
    return c


@dataclass(frozen=True)
class Job:
    """What every worker needs besides the inputs: the run's fixed parameters."""

    cfg: Config
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    debug: bool = False
    #: Send back, instead of each document, what the reports that read documents need of it
    #: (``FileResult.report``).
    report_data: bool = False
    #: Stamp each finding with its fingerprint (``Finding.fingerprint``), for the reports and
    #: gating that identify findings by it (SARIF, baselines, waivers).
    fingerprints: bool = False
    #: The run's cache's :class:`audit.cache.EntryEncoder`: each result comes with its cache
    #: entry (``_cache_entry``), encoded where the file was checked, for the run to write.
    cache_entries: Any = None
    #: Checked in another process: a result that has its entry is sent as the entry alone
    #: (:class:`Shipped`), one compact blob instead of the pickled findings, and the run's
    #: process serves it from the entry as it would serve a cache hit. Not for runs whose
    #: reports read the documents (their results carry what the entry does not hold).
    ship_entries: bool = False


def check_batch(job: Job, batch: list[Input]) -> list[FileResult]:
    """Check a batch of inputs in this process: no documents kept, but with ``job.report_data``
    each result's ``report`` holds what the reports that read documents need of it, and with
    ``job.fingerprints`` each finding carries its fingerprint."""
    from audit.engine import check_input

    if not (job.report_data or job.fingerprints):
        out = [check_input(inp, job.cfg, job.select, job.ignore, False, job.debug) for inp in batch]
    else:
        from audit.reporters._common import detach_document

        out = []
        for inp in batch:
            result = check_input(inp, job.cfg, job.select, job.ignore, True, job.debug)
            if job.fingerprints and result.document is not None:
                # (A file that could not be parsed keeps unstamped findings: whoever needs their
                # fingerprints reads the file, as for a run that did not ask for them.)
                from audit.gating.fingerprint import stamp

                result.findings = stamp(result.findings, result.document.source)
            if job.report_data:
                detach_document(result, job.cfg.settings_for(inp.relpath), job.debug)
            result.document = None
            out.append(result)
    if job.cache_entries is not None:
        ship = job.ship_entries and not job.report_data
        for i, (inp, result) in enumerate(zip(batch, out)):
            entry = job.cache_entries.encode(inp, result, job.fingerprints)
            if entry is None:
                continue
            if ship:
                out[i] = Shipped(entry)  # type: ignore[call-overload]
            else:
                vars(result)["_cache_entry"] = entry
    return out


class Shipped:
    """A result sent from the process that checked it as its cache entry alone (see
    :attr:`Job.ship_entries`); :meth:`audit.cache.ResultCache.put_shipped` stores it and
    gives the result it holds."""

    __slots__ = ("entry",)

    def __init__(self, entry: Any) -> None:
        self.entry = entry

    def __getstate__(self) -> Any:
        return self.entry

    def __setstate__(self, entry: Any) -> None:
        self.entry = entry


class Executor(Protocol):
    """Runs batches somewhere; futures are collected in submission order.

    An executor made before the run (``--executor dask``) may also have ``bind(job)``,
    which :func:`run` calls with the run's :class:`Job` before the first batch; one
    without it is not used for runs whose reports read the documents. One whose workers
    can be lost (a process killed or crashed) has ``lost(exc)``, which says whether a
    future's exception means that; it must take batches again afterwards (see
    :class:`Collector`).
    """

    workers: int

    def submit(self, batch: list[Input]) -> Any: ...

    def close(self) -> None: ...


class Done:
    """A batch already checked (what :class:`InlineExecutor` returns instead of a pending future)."""

    __slots__ = ("_results",)

    def __init__(self, results: list[FileResult]) -> None:
        self._results = results

    def result(self) -> list[FileResult]:
        return self._results


class InlineExecutor:
    """Checks each batch immediately in this process."""

    workers = 1

    def __init__(self, job: Job, keep_documents: bool = False) -> None:
        self.job = job
        self.keep_documents = keep_documents

    def submit(self, batch: list[Input]) -> Done:
        if not self.keep_documents:
            return Done(check_batch(self.job, batch))
        from audit.engine import check_input

        j = self.job
        return Done([check_input(inp, j.cfg, j.select, j.ignore, True, j.debug) for inp in batch])

    def close(self) -> None:
        pass


_WORKER_JOB: Job | None = None


def _init_worker(job: Job, parent: int) -> None:
    """Pool initializer: exit if the parent (pid ``parent``) dies; keep the job; load the rules once."""
    global _WORKER_JOB
    import threading

    threading.Thread(target=_exit_with_parent, args=(parent,), name="audit-parent-watch", daemon=True).start()
    _WORKER_JOB = job
    from audit.rules.base import all_rules

    all_rules()


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed without shutting the pool down).

    Otherwise workers would wait forever for work from a queue nobody writes to.
    """
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _worker_batch(batch: list[Input]) -> list[FileResult]:
    assert _WORKER_JOB is not None, "worker not initialised"
    return check_batch(_WORKER_JOB, batch)


class LocalExecutor:
    """A pool of worker processes on this machine (started on first use)."""

    def __init__(self, job: Job, workers: int) -> None:
        self.job = job
        self.workers = max(1, workers)
        self._pool: Any = None
        #: Worker processes could not be started: batches are checked in this process.
        self._inline = False

    def submit(self, batch: list[Input]) -> Future[list[FileResult]]:
        from concurrent.futures.process import BrokenProcessPool

        if self._inline:
            return Done(check_batch(self.job, batch))  # type: ignore[return-value]
        if self._pool is None:
            return self._start(batch)
        try:
            fut: Future[list[FileResult]] = self._pool.submit(_worker_batch, batch)
        except BrokenProcessPool:  # a worker process was lost: the pool takes no more work
            self._pool.shutdown(wait=True, cancel_futures=True)
            return self._start(batch)
        return fut

    @staticmethod
    def lost(exc: BaseException) -> bool:
        """Whether ``exc`` (from a future) means a worker process was lost (killed or crashed)."""
        from concurrent.futures.process import BrokenProcessPool

        return isinstance(exc, BrokenProcessPool)

    def _start(self, batch: list[Input]) -> Future[list[FileResult]]:
        """Start the pool with the first batch.

        With the ``fork`` start method the workers are forked during this first
        submit. Freezing the garbage collector around it keeps the workers' collector
        from walking (and so copying) everything the parent held at that moment,
        such as the list of inputs: about 35 MB per worker at 100,000 files.
        """
        import gc
        from concurrent.futures import ProcessPoolExecutor

        job = dataclasses.replace(self.job, cfg=portable_config(self.job.cfg), ship_entries=True)
        gc.freeze()
        try:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker, initargs=(job, os.getpid()))
            fut: Future[list[FileResult]] = self._pool.submit(_worker_batch, batch)
        except (OSError, NotImplementedError) as e:
            # No worker processes here: no shared-memory semaphores (/dev/shm missing, as on
            # some serverless hosts), a process limit that refuses the fork, no sem_open.
            self._without_pool(e)
            return self.submit(batch)
        finally:
            gc.unfreeze()
        return fut

    def _without_pool(self, exc: BaseException) -> None:
        """Check every batch in this process from now on, and say so once on standard error."""
        import sys

        if self._pool is not None:
            with contextlib.suppress(Exception):
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._inline = True
        sys.stderr.write(
            f"audit: note: worker processes cannot be started here ({type(exc).__name__}: {exc}); "
            "checking in this process instead, with the same results (--jobs 1 does so without this note)\n"
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


#: Files in a row that lose their worker even when checked alone before the run gives up:
#: then the workers cannot run at all (they fail as they start), whatever the file.
LOST_IN_A_ROW = 3


class WorkersLost(RuntimeError):
    """Worker processes stopped on :data:`LOST_IN_A_ROW` files in a row, each checked alone."""


class Collector:
    """The results of the batches of one run, in the order they are asked for.

    When a worker process was lost while a batch was in flight (killed, for example by the
    kernel for lack of memory, or crashed), the batch's results are gone, and so are those
    of every batch in flight on a local pool: each of its files is checked again on its
    own, one at a time, so that a file that loses its worker again is known to be the
    cause. That file gets an IN005 finding instead of results; every other file is checked
    as usual. When :data:`LOST_IN_A_ROW` files in a row (over the whole run) lose their
    workers even alone, the workers cannot check anything, and :class:`WorkersLost` ends
    the run.
    """

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self._lost = getattr(executor, "lost", None)
        self.in_a_row = 0

    def __call__(self, fut: Any, batch: list[Input]) -> list[FileResult]:
        """The results of ``batch``, submitted to the executor as ``fut``."""
        try:
            results = list(fut.result())
        except Exception as e:
            if self._lost is None or not self._lost(e):
                raise
        else:
            self.in_a_row = 0
            return results
        out: list[FileResult] = []
        for inp in batch:
            try:
                out.extend(self.executor.submit([inp]).result())
            except Exception as e:
                if not self._lost(e):
                    raise
                self.in_a_row += 1
                if self.in_a_row >= LOST_IN_A_ROW:
                    raise WorkersLost(
                        f"worker processes stopped on {self.in_a_row} files in a row, each checked alone, so they "
                        "cannot check anything here (look in the system log for processes killed for lack of "
                        f"memory; --jobs 1 checks in this process): {type(e).__name__}: {e}"
                    ) from e
                out.append(_lost_result(inp))
            else:
                self.in_a_row = 0
        return out


def _lost_result(inp: Input) -> FileResult:
    """The result of a file whose worker process was lost while checking it, also alone."""
    from audit.engine import FileResult, input_finding
    from audit.rules.input import WorkerLost

    return FileResult(path=inp.display, format=inp.format, findings=[input_finding(
        inp.display, WorkerLost.id,
        f"{inp.display} was not checked: the worker process checking it stopped (killed, for example for lack "
        "of memory, or crashed), also when it was checked alone", WorkerLost.instead)])


def batch_size(total: int | None, workers: int) -> int:
    """Files per batch: about eight batches per worker, at most :data:`MAX_BATCH`."""
    if workers <= 1:
        return 1
    if total is None:
        return MAX_BATCH
    return max(1, min(MAX_BATCH, total // (workers * 8) or 1))


def run(
    inputs: Iterable[Input],
    cfg: Config,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    keep_documents: bool = False,
    debug: bool = False,
    jobs: int = 1,
    cache: ResultCache | None = None,
    executor: Executor | None = None,
    report_data: bool = False,
    fingerprints: bool = False,
) -> Iterator[FileResult]:
    """Check ``inputs``, yielding one :class:`FileResult` per input in input order.

    Cached results are served from ``cache`` (and new results stored in it);
    the rest are checked by ``executor`` (default: this process for
    ``jobs == 1``, else a local pool of ``jobs`` processes). When
    ``keep_documents`` is set, everything is checked in this process and the
    cache is not used, because documents are neither cached nor sent between
    processes. ``report_data`` is for reports that read the documents (HTML,
    claims inventory): the files are checked in worker processes (or, with one job,
    in this one, or on the cluster of an executor that takes the run's job, see
    :class:`Executor`) and each result comes with ``report`` (its text and claims
    inventory, built with the file's own settings, see
    :func:`audit.reporters._common.detach_document`) instead of its document, which
    is not kept. The cache stores the inventory with the result, and a hit reads the
    file's text again.
    ``fingerprints``: each finding checked in a worker (or in this process, on the batch
    path) carries its fingerprint (``Finding.fingerprint``); the cache stores them, and
    stamps the findings of an entry stored by a run that did not make them.
    ``run`` owns ``executor``: it is closed when the run ends.
    """
    job = Job(cfg, tuple(select), tuple(ignore), debug, fingerprints=fingerprints)
    total = len(inputs) if hasattr(inputs, "__len__") else None  # type: ignore[arg-type]
    workers = resolve_jobs(jobs)
    if total is not None:
        workers = min(workers, max(1, total))
    if keep_documents:
        # Documents are neither cached nor sent between processes; another executor is not used.
        if executor is not None:
            executor.close()
        cache = None
        executor = InlineExecutor(job, keep_documents=True)
    elif report_data:
        # Each result comes with what the reports that read documents need of its document
        # (from worker processes, from this one with one job, or from a cluster) instead of
        # the document; the cache stores the claims inventory with the result and serves both.
        job = dataclasses.replace(job, report_data=True)
        if executor is not None and not hasattr(executor, "bind"):
            executor.close()  # it would check with its own job, which does not build them
            executor = None
    if cache is not None:
        # Entries are encoded where the files are checked; this process writes them.
        job = dataclasses.replace(job, cache_entries=cache.encoder)
    if executor is None:
        executor = InlineExecutor(job) if workers <= 1 else LocalExecutor(job, workers)
    elif hasattr(executor, "bind"):
        # An executor made before the run knew what its reports need (fingerprints) checks
        # with this run's job.
        executor.bind(job)
    size = batch_size(total, executor.workers)
    # Checked in this process: hand each result on at once; else keep every worker busy.
    limit = 0 if isinstance(executor, InlineExecutor) else max(2, executor.workers * IN_FLIGHT_PER_WORKER)
    # Each pending entry: (inputs of the batch, slots) where a slot is a cached result or
    # None (to be filled, in order, from the batch's future).
    pending: deque[tuple[list[Input], list[FileResult | None], Any]] = deque()

    collect = Collector(executor)

    def drain(n: int) -> Iterator[FileResult]:
        while len(pending) > n:
            batch_inputs, slots, fut = pending.popleft()
            fresh = iter(collect(fut, batch_inputs) if fut is not None else ())
            todo = iter(batch_inputs)
            for slot in slots:
                if slot is not None:
                    yield slot
                    continue
                result = next(fresh)
                inp = next(todo)
                if isinstance(result, Shipped):
                    assert cache is not None
                    yield cache.put_shipped(inp, result.entry)
                    continue
                if cache is not None:
                    cache.put(inp, result, fingerprints=job.fingerprints)
                yield result

    try:
        cur_inputs: list[Input] = []
        cur_slots: list[FileResult | None] = []
        for inp in inputs:
            hit = cache.get(inp, report=job.report_data, fingerprints=job.fingerprints) if cache is not None else None
            cur_slots.append(hit)
            if hit is None:
                cur_inputs.append(inp)
            if len(cur_inputs) >= size or (not cur_inputs and len(cur_slots) >= 64):
                fut = executor.submit(cur_inputs) if cur_inputs else None
                pending.append((cur_inputs, cur_slots, fut))
                cur_inputs, cur_slots = [], []
                yield from drain(limit)
        if cur_slots:
            pending.append((cur_inputs, cur_slots, executor.submit(cur_inputs) if cur_inputs else None))
        yield from drain(0)
    finally:
        executor.close()
        if cache is not None:
            cache.close()
