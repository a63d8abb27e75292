"""Guards against hostile input: safe file opening, a per-document time budget, safe path patterns.

A CI gate that hangs on one odd file burns the pipeline, and one that crashes
blocks every author. This module holds the three guards the engine and the
config loader use:

* :func:`open_regular` opens a file without ever blocking (a FIFO or a device
  named ``*.md`` would block or never end) and refuses anything that is not a
  regular file;
* :func:`time_budget` stops the checking of one document that takes longer
  than :data:`DOCUMENT_TIME_BUDGET` seconds, so a pathological file costs a
  bounded time and becomes an ``IN004`` finding instead of a hung run;
* :func:`path_pattern_problem` rejects ``include``/``exclude``/``files``
  patterns that could make pattern matching take super-linear time.

See ``docs/robustness.md``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from typing import IO, Any

#: Seconds one document may take (reading, parsing, rules); over it, checking stops with IN004.
DOCUMENT_TIME_BUDGET = 20.0
#: Environment variable overriding :data:`DOCUMENT_TIME_BUDGET` (seconds; ``0`` or ``off`` turns it off).
TIME_BUDGET_ENV = "AUDIT_TIME_BUDGET"
#: Most ``*`` wildcards allowed in one segment of a path pattern (more backtrack super-linearly).
MAX_STARS_PER_SEGMENT = 3

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """Raised by :func:`open_regular` for a FIFO, device, socket or directory."""


def describe_mode(mode: int) -> str:
    """What kind of file system object a ``st_mode`` describes, in words."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def open_regular(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open ``path`` for binary reading, only if it is a regular file.

    The file is opened non-blocking and checked with ``fstat`` on the open
    descriptor (no race between checking and opening): a FIFO, a device or a
    socket raises :class:`NotRegularFile` (an :class:`OSError`) at once
    instead of blocking or streaming forever.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(errno.EINVAL, f"is {describe_mode(st.st_mode)}, not a regular file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class DocumentTimeout(BaseException):
    """Raised inside a document's checking when its time budget runs out.

    A :class:`BaseException`, so that the per-rule ``except Exception`` that
    turns a rule's bug into IN900 does not swallow it: the whole document stops.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"time budget of {seconds:g} s exceeded")
        self.seconds = seconds


def time_budget_seconds() -> float | None:
    """The per-document budget in seconds (environment override applied), or None when off."""
    raw = os.environ.get(TIME_BUDGET_ENV, "").strip().lower()
    if not raw:
        return DOCUMENT_TIME_BUDGET
    if raw in ("0", "off", "none", "no"):
        return None
    try:
        value = float(raw)
    except ValueError:
        return DOCUMENT_TIME_BUDGET
    return value if value > 0 else None


def can_interrupt() -> bool:
    """Whether :func:`time_budget` can stop work here (a POSIX timer, in the main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in this block once ``seconds`` have passed.

    Uses a real-time interval timer, so it also stops pure-Python loops in
    third-party parsers. Where that is impossible (no ``setitimer``, or not
    the main thread, e.g. a thread-based executor) the block runs unbounded.
    Budgets do not nest: an inner budget is ignored while an outer one runs.
    The timer never interrupts an import (a half-initialised module would
    break every later document) or a finalizer (which would swallow the
    timeout): it fires again :data:`RETRY_SECONDS` later.
    """
    if seconds is None or not can_interrupt() or _ACTIVE[0]:
        yield
        return
    armed = [True]

    def on_alarm(signum: int, frame: Any) -> None:
        if not armed[0]:
            return
        if _in_import_or_finalizer(frame):
            # Stopping here would leave a half-imported module or swallow the timeout: retry soon.
            signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
            return
        armed[0] = False
        raise DocumentTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    _ACTIVE[0] = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _ACTIVE[0] = False


_ACTIVE = [False]
#: When the budget runs out inside an import or a finalizer, the timer fires again after this delay.
RETRY_SECONDS = 0.05


def _in_import_or_finalizer(frame: Any) -> bool:
    """Whether ``frame`` runs inside the import machinery or a ``__del__`` (unsafe places to interrupt)."""
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith("<frozen importlib") or code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False

_STAR_RUN = re.compile(r"\*+")


def path_spec(lines: Iterable[str]) -> Any:
    """A ``pathspec.GitIgnoreSpec`` of gitignore-style pattern lines.

    pathspec turns each pattern into a regular expression; for a pattern such as
    ``a[[b]`` or ``x[a&&b]`` Python's ``re`` then warns (``FutureWarning``) that a
    later Python may read that character set differently. The patterns mean today
    what gitignore says they mean, and the warning, which names a file inside the
    installed library, is no message for a user: it is silenced here.
    """
    import warnings

    import pathspec

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return pathspec.GitIgnoreSpec.from_lines(list(lines))


def path_pattern_problem(pattern: str) -> str | None:
    """Why a gitignore-style ``include``/``exclude``/``files`` pattern is refused, or None.

    Path patterns become regular expressions; without the optional RE2
    backend of pathspec they run on Python's backtracking engine, where a
    segment such as ``a*a*a*a*b`` takes time growing with the fourth power of
    a file name's length. Segments may hold at most
    :data:`MAX_STARS_PER_SEGMENT` runs of ``*`` (``**`` counts as one).
    """
    for segment in pattern.split("/"):
        stars = len(_STAR_RUN.findall(segment))
        if stars > MAX_STARS_PER_SEGMENT:
            return (
                f"pattern {pattern!r} has {stars} '*' wildcards in one path segment; "
                f"at most {MAX_STARS_PER_SEGMENT} are allowed (more can make matching very slow)"
            )
    return None
