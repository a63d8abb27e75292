"""Checking files on a Dask cluster (``audit check --executor dask --scheduler ADDRESS``).

The configuration is sent to the cluster once (scattered to every worker);
files are read here and sent with their bytes, so workers need the ``audit``
package installed but no shared file system. Batches are submitted a few at
a time per worker thread and collected in submission order, so results come
back in input order and memory stays bounded on both sides.

Start workers with one thread each and one process per core (the checks are
pure Python, so threads inside a worker do not run in parallel)::

    dask scheduler
    dask worker tcp://SCHEDULER:8786 --nworkers auto --nthreads 1
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from audit.executors import ExecutorError

if TYPE_CHECKING:
    from audit.engine import FileResult, Input
    from audit.parallel import Job

#: Seconds to wait for the scheduler before giving up.
CONNECT_TIMEOUT = 30


class _Merged:
    """Results of a batch split into remote and local parts, in input order."""

    def __init__(self, order: list[bool], remote: Any, local: list[FileResult]) -> None:
        self.order, self.remote, self.local = order, remote, local

    def result(self) -> list[FileResult]:
        remote = iter(self.remote.result() if self.remote is not None else ())
        local = iter(self.local)
        return [next(remote) if is_remote else next(local) for is_remote in self.order]


class DaskExecutor:
    """Runs batches with :func:`audit.parallel.check_batch` on a Dask cluster."""

    def __init__(self, job: Job, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ExecutorError(
                "the Dask executor needs the 'dask' extra: pip install 'audit-health[dask]'"
            ) from None
        self.job = job
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise ExecutorError(f"cannot reach the Dask scheduler at {address}: {e}") from None
        self._job_future: Any = None  # the job, sent to every worker with the first batch
        threads = sum(self.client.nthreads().values())
        self.workers = max(1, threads)

    def bind(self, job: Job) -> None:
        """Check with ``job`` (the run's, which says what its reports need) instead."""
        self.job = job
        self._job_future = None

    def _remote_job(self) -> Any:
        if self._job_future is None:
            from audit.parallel import portable_config

            portable = dataclasses.replace(self.job, cfg=portable_config(self.job.cfg), ship_entries=True)
            self._job_future = self.client.scatter(portable, broadcast=True, hash=False)
        return self._job_future

    def _materialize(self, inp: Input) -> Input | None:
        """The input with its bytes, or None when it must be checked here (unreadable, too large)."""
        from audit.engine import read_input
        from audit.readers import InputError

        if inp.data is not None:
            return inp
        if inp.path is None:
            return None
        try:
            data = read_input(inp)
        except InputError:  # unreadable, not a regular file, or over the size limit
            return None
        return dataclasses.replace(inp, data=data)

    def submit(self, batch: list[Input]) -> Any:
        from audit.parallel import Done, check_batch

        order: list[bool] = []
        remote: list[Input] = []
        here: list[Input] = []
        for inp in batch:
            m = self._materialize(inp)
            order.append(m is not None)
            if m is not None:
                remote.append(m)
            else:
                here.append(inp)
        local = check_batch(self.job, here) if here else []
        fut = self.client.submit(check_batch, self._remote_job(), remote, pure=False) if remote else None
        if fut is None:
            return Done(local)
        return _Merged(order, fut, local)

    def lost(self, exc: BaseException) -> bool:
        """Whether ``exc`` (from a future) means the cluster lost workers that ran the task:
        Dask retries a task whose worker dies, then gives up with ``KilledWorker``, and a task
        whose input (the job, scattered to the workers) died with them is cancelled. The job
        is scattered again with the next batch."""
        from distributed import KilledWorker
        from distributed.client import FutureCancelledError

        if not isinstance(exc, (KilledWorker, FutureCancelledError)):
            return False
        self._job_future = None
        return True

    def close(self) -> None:
        self.client.close()
