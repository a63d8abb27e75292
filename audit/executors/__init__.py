"""Where batches of files are checked: this process, a local pool, or a cluster.

:func:`create` turns the command-line choice (``--executor``, ``--jobs``,
``--scheduler``) into an executor for :func:`audit.parallel.run`. The local
executors live in :mod:`audit.parallel`; distributed ones live here, each in
its own module imported only when chosen, so their libraries are optional
extras (``pip install 'audit-health[dask]'``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audit.config import Config

NAMES = ("local", "dask")


class ExecutorError(Exception):
    """The chosen executor cannot be used (missing extra, unreachable scheduler)."""


def create(name: str, cfg: Config, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (), debug: bool = False, jobs: int = 1, scheduler: str | None = None) -> Any:
    """An executor for ``name``, or None to let :func:`audit.parallel.run` pick a local one.

    Raises :class:`ExecutorError` for an unknown name, a missing optional
    dependency, a missing ``scheduler`` address, or a scheduler that cannot be
    reached.
    """
    if name == "local":
        return None
    if name == "dask":
        if not scheduler:
            raise ExecutorError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        from audit.executors.dask_backend import DaskExecutor
        from audit.parallel import Job

        return DaskExecutor(Job(cfg, tuple(select), tuple(ignore), debug), scheduler)
    raise ExecutorError(f"unknown executor {name!r} (choose from {', '.join(NAMES)})")
