"""Reporters: one module per output format, all built from the same records.

A reporter is streamed: :meth:`Reporter.begin`, then :meth:`Reporter.file` for
each :class:`audit.engine.FileResult` in order, then :meth:`Reporter.end` with
the :class:`audit.engine.Summary`. Formats that need the whole run (an HTML
page) collect what they need in ``file``. Each module ``audit/reporters/<name>.py``
defines ``Reporter``; :func:`get` finds it by format name.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pkgutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from audit import RULESET_VERSION, __version__


@dataclass
class ReportOptions:
    """What every reporter may need besides the results."""

    color: bool = False
    quiet: bool = False
    fail_on: str = "error"
    #: Directory that artifact paths are made relative to (SARIF, annotations).
    root: Path = field(default_factory=Path.cwd)
    config_digest: str = ""
    command: str = "check"
    extra: dict[str, Any] = field(default_factory=dict)

    def tool(self) -> dict[str, Any]:
        return {"name": "audit", "version": __version__, "ruleset": RULESET_VERSION}


class Reporter:
    """Base class: subclasses write to ``self.out``."""

    #: Whether this format needs each document's text kept in memory.
    needs_documents = False

    def __init__(self, out: IO[str], options: ReportOptions) -> None:
        self.out = out
        self.options = options

    def begin(self) -> None:
        """Called once before the first file."""

    def file(self, result: Any) -> None:
        """Called once per file, in input order."""

    def end(self, summary: Any) -> None:
        """Called once after the last file."""


def available() -> list[str]:
    """Names of all output formats."""
    import audit.reporters as pkg

    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))


def get(name: str) -> type[Reporter]:
    """The reporter class for a format name."""
    if name not in available():
        raise KeyError(name)
    mod = importlib.import_module(f"audit.reporters.{name}")
    cls: type[Reporter] = mod.Reporter
    return cls


def _is_device_or_pipe(target: Path) -> bool:
    """Whether ``target`` is a character device, FIFO or socket, or a link in /dev to one (/dev/stdout)."""
    try:
        mode = os.lstat(target).st_mode
        if stat.S_ISLNK(mode) and os.path.dirname(os.path.abspath(target)) in ("/dev", "/dev/fd"):
            mode = os.stat(target).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], encoding: str = "utf-8", devices: bool = True) -> Iterator[IO[str]]:
    """Write a file so that it is replaced only when complete.

    Content goes to a temporary file in the same folder, which is renamed over
    the target on success and removed on any error or interruption. A target
    that is a device or a pipe (``-o /dev/null``, ``-o /dev/stdout``, a FIFO) is
    written to directly: renaming a file over it would put a regular file in its
    place (``devices=False``: replaced like any file, for names the tool chose
    itself, such as the files of a report folder). Any other symbolic link is
    replaced, never written through (a link planted in a report folder cannot
    redirect the report).
    """
    target = Path(path)
    if devices and _is_device_or_pipe(target):
        with open(target, "w", encoding=encoding, newline="") as out:
            yield out
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates the file private (0600); give it the usual permissions for the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
