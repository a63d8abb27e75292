"""Reporters: one module per output format, all built from the same records.

A reporter is streamed: :meth:`Reporter.begin`, then :meth:`Reporter.file` for
each :class:`audit.engine.FileResult` in order, then :meth:`Reporter.end` with
the :class:`audit.engine.Summary`. Formats whose totals or index come before
the per-file parts (SARIF, JUnit, the HTML page) write each file's part as it
arrives into a :class:`Spool` and put it in place at the end, so memory stays
flat however many files a run has. Each module ``audit/reporters/<name>.py``
defines ``Reporter``; :func:`get` finds it by format name.
"""

from __future__ import annotations

import codecs
import contextlib
import importlib
import io
import os
import pkgutil
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from audit import tool_record


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
        return tool_record()


class Reporter:
    """Base class: subclasses write to ``self.out``."""

    #: Whether this format needs each document's text kept in memory.
    needs_documents = False
    #: Whether this format identifies findings by their fingerprints: then they are made
    #: where each file is checked (``Finding.fingerprint``) and stored in the cache.
    needs_fingerprints = False

    def __init__(self, out: IO[str], options: ReportOptions) -> None:
        self.out = out
        self.options = options

    def begin(self) -> None:
        """Called once before the first file."""

    def file(self, result: Any) -> None:
        """Called once per file, in input order."""

    def end(self, summary: Any) -> None:
        """Called once after the last file."""


#: Bytes (about) a :class:`Spool` keeps in memory before it moves to a temporary file.
SPOOL_MEMORY = 4 * 1024 * 1024


class Spool:
    """Text written while a run streams and copied into the output at the end.

    Held in memory up to about ``max_size`` bytes (default :data:`SPOOL_MEMORY`),
    then in an anonymous temporary file (in ``TMPDIR``; removed when closed or when
    the process ends, even if it is killed), so a report's memory does not grow
    with the number of files; the temporary space needed is about the size of the
    part spooled. The text is kept as UTF-8 bytes, which :meth:`copy_to` copies as
    they are into an output that writes UTF-8 bytes unchanged (a report file): no
    decoding and encoding again of what can be hundreds of megabytes.
    """

    def __init__(self, max_size: int | None = None) -> None:
        size = SPOOL_MEMORY if max_size is None else max_size
        # Open until close(): a spool outlives this call.
        self._file = tempfile.SpooledTemporaryFile(max_size=size, mode="w+b")  # noqa: SIM115
        #: Whether anything was written.
        self.used = False

    def write(self, text: str) -> None:
        if text:
            self._file.write(text.encode("utf-8"))
            self.used = True

    def copy_to(self, out: IO[str]) -> None:
        """Write everything spooled so far to ``out``."""
        self._file.flush()
        self._file.seek(0)
        raw = _utf8_bytes_of(out)
        if raw is not None:
            out.flush()  # (what it holds comes first)
            shutil.copyfileobj(self._file, raw, 1 << 20)
        else:
            decoder = codecs.getincrementaldecoder("utf-8")()
            for chunk in iter(lambda: self._file.read(1 << 20), b""):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
        self._file.seek(0, os.SEEK_END)

    def reader(self) -> IO[str]:
        """The text spooled so far, to read from the start (write nothing more after this)."""
        self._file.flush()
        self._file.seek(0)
        self._reader = io.TextIOWrapper(self._file, encoding="utf-8", newline="")
        return self._reader

    def close(self) -> None:
        self._file.close()


def _utf8_bytes_of(out: IO[str]) -> IO[bytes] | None:
    """The byte stream under ``out`` when text written to ``out`` reaches it as UTF-8
    unchanged (a text file whose line ends are not translated), else None."""
    raw = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if not isinstance(out, io.TextIOWrapper) or raw is None or not encoding:
        return None
    try:
        if codecs.lookup(encoding).name != "utf-8":
            return None
    except LookupError:
        return None
    # "\n" goes out as it is where it is the line end (the report files are opened with
    # newline="" everywhere; a console on Windows translates it).
    return raw if os.linesep == "\n" else None


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
    """Whether ``target`` is a character device, FIFO or socket, or a name in ``/dev`` or
    ``/proc`` (``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``). Those names stand for an
    open file of the process, a regular file when standard output is redirected to one
    (``-o /dev/stdout > out.csv``): it must be written through, never replaced (renaming a
    temporary file over ``/dev/stdout`` would put a regular file in the link's place)."""
    if os.path.abspath(target).startswith(("/dev/", "/proc/")):
        return True
    try:
        mode = os.lstat(target).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def temporary_beside(target: Path) -> tuple[int, str]:
    """A new temporary file in ``target``'s folder, named after it (``.NAME.XXXXXX.tmp``),
    with the permissions a file created there would have: its descriptor and path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates the file private (0600); give it the usual permissions for the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return fd, tmp


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
        # Appending: "-o /dev/stdout >> log" must not truncate the log, nor "(echo head; audit
        # ... -o /dev/stdout) > out" what came before (a device or pipe has no end to append to).
        with open(target, "a", encoding=encoding, newline="") as out:
            yield out
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temporary_beside(target)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
