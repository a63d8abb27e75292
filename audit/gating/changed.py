"""``--changed-since REV``: check only what a change touched.

Files: those that differ between ``REV`` and the working tree (committed,
staged and unstaged changes, as ``git diff REV`` shows them) plus untracked
files that are not ignored. Renamed files are checked under their new path;
deleted files are skipped. Lines: the new-side line ranges of the ``-U0``
hunks of the same diff (a renamed file without edits has none); untracked
files count as changed throughout.

Git is run as a subprocess with ``-z`` output, ``--no-ext-diff``,
``--no-textconv`` and fixed ``a/``/``b/`` prefixes, so user configuration
cannot change what is parsed.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.gating.errors import GatingError
from audit.model import about_whole_document

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **_GIT_ENV}
    try:
        return subprocess.run(
            ["git", "-c", "core.quotePath=false", *args], cwd=cwd, env=env,
            capture_output=True, check=False,
        )
    except FileNotFoundError:
        raise GatingError("--changed-since needs git, which was not found on PATH") from None


def unquote(name: str) -> str:
    """Undo git's C-style quoting of a path in patch headers (``"a\\tb"``, octal UTF-8 bytes)."""
    if not (len(name) >= 2 and name[0] == '"' and name[-1] == '"'):
        return name
    body = name[1:-1]
    out = bytearray()
    simple = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n in simple:
                out.append(simple[n])
                i += 2
                continue
            if n in "01234567" and i + 4 <= len(body) and all(ch in "01234567" for ch in body[i + 1 : i + 4]):
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
        out.extend(c.encode("utf-8"))
        i += 1
    return out.decode("utf-8", errors="surrogateescape")


@dataclass
class Changes:
    """What changed since a revision: per file (real path) the changed line ranges, ``None`` = every line."""

    revision: str
    commit: str
    top: Path
    files: dict[str, list[tuple[int, int]] | None] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)

    def key(self, path: str | os.PathLike[str]) -> str:
        return os.path.normcase(os.path.realpath(path))

    def contains(self, path: str | os.PathLike[str]) -> bool:
        """Whether a file on disk was changed (or added) since the revision."""
        return self.key(path) in self.files

    def ranges(self, path: str | os.PathLike[str]) -> list[tuple[int, int]] | None:
        """Changed line ranges (1-based, inclusive) of a changed file; ``None`` means the whole file."""
        return self.files.get(self.key(path), [])


def changes_since(revision: str, cwd: str | os.PathLike[str] | None = None) -> Changes:
    """Ask git what changed between ``revision`` and the working tree of the repository at ``cwd``."""
    here = Path(cwd) if cwd is not None else Path.cwd()
    if not revision or revision.startswith("-"):
        raise GatingError(f"--changed-since {revision!r}: expected a git revision (a branch, tag or commit)")
    top_p = _git(["rev-parse", "--show-toplevel"], here)
    if top_p.returncode != 0:
        raise GatingError(f"--changed-since: {here} is not inside a git repository")
    top = Path(top_p.stdout.decode("utf-8", "surrogateescape").strip())
    rev_p = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], top)
    if rev_p.returncode != 0:
        raise GatingError(f"--changed-since {revision}: unknown revision in {top} (fetch it first, e.g. "
                          f"`git fetch origin {revision}`, or use actions/checkout with fetch-depth: 0)")
    commit = rev_p.stdout.decode().strip()
    ch = Changes(revision=revision, commit=commit, top=top)
    common = ["--no-ext-diff", "--no-textconv", "--no-color", "-M", "--ignore-submodules", commit, "--"]

    ns = _git(["diff", "--name-status", "-z", *common], top)
    if ns.returncode != 0:
        raise GatingError(f"--changed-since {revision}: git diff failed: {ns.stderr.decode(errors='replace').strip()}")
    new_paths: dict[str, str] = {}  # repository path -> key
    toks = ns.stdout.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(toks) and toks[i]:
        status = toks[i]
        kind = status[:1]
        if kind in ("R", "C") and i + 2 < len(toks):
            old, new = toks[i + 1], toks[i + 2]
            i += 3
            if kind == "R":
                ch.renamed[ch.key(top / old)] = ch.key(top / new)
        else:
            old = new = toks[i + 1] if i + 1 < len(toks) else ""
            i += 2
        if kind == "D":
            ch.deleted.append(new)
            continue
        k = ch.key(top / new)
        new_paths[new] = k
        ch.files[k] = []

    if new_paths:
        diff = _git(["diff", "-U0", "--src-prefix=a/", "--dst-prefix=b/", *common], top)
        if diff.returncode != 0:
            raise GatingError(f"--changed-since {revision}: git diff failed: "
                              f"{diff.stderr.decode(errors='replace').strip()}")
        current: list[tuple[int, int]] | None = None
        for raw in diff.stdout.decode("utf-8", "surrogateescape").split("\n"):
            if raw.startswith("diff --git "):
                current = None
            elif raw.startswith("+++ "):
                name = raw[4:].rstrip("\t")
                name = unquote(name)
                current = None
                if name.startswith("b/"):
                    changed = new_paths.get(name[2:])
                    if changed is not None:
                        current = ch.files.setdefault(changed, [])
            elif current is not None and raw.startswith("@@"):
                m = _HUNK.match(raw)
                if m:
                    start, count = int(m.group(1)), int(m.group(2) or "1")
                    if count > 0:
                        current.append((start, start + count - 1))
                    else:
                        # Lines removed after line ``start``: the lines on either side of the
                        # gap changed their context (a citation or an author line deleted).
                        current.append((max(1, start), start + 1))

    un = _git(["ls-files", "-z", "--others", "--exclude-standard"], top)
    if un.returncode == 0:
        for name in un.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if name:
                ch.files[ch.key(top / name)] = None
    return ch


class Filter:
    """Keeps inputs that changed, and findings on changed lines (or every finding with ``whole_files``)."""

    def __init__(self, changes: Changes, whole_files: bool = False) -> None:
        self.changes = changes
        self.whole_files = whole_files
        self.outside = 0
        self.checked = 0
        #: The names standard input is shown under (``--stdin-filename``): never filtered.
        self._stdin: set[str] = set()

    def inputs(self, inputs: list[Any]) -> list[Any]:
        """The inputs that changed since the revision (standard input is always kept)."""
        return list(self.stream(inputs))

    def stream(self, inputs: Iterable[Any]) -> Iterator[Any]:
        """:meth:`inputs` one at a time (``checked`` counts them as they pass)."""
        self.checked = 0
        for i in inputs:
            if i.path is None:
                self._stdin.add(i.display)
            if i.path is None or self.changes.contains(i.path):
                self.checked += 1
                yield i

    def apply(self, result: Any) -> None:
        """Drop findings on lines the change did not touch."""
        if self.whole_files or result.path.startswith("<") or result.path in self._stdin or not os.path.exists(result.path):
            return  # (standard input shown under a file's name is not that file's text on disk)
        ranges = self.changes.ranges(result.path)
        if ranges is None:
            return
        kept = []
        for f in result.findings:
            # A finding about the whole document (no matched text, or one shown at the title: no
            # author, the grade...) counts when the file changed at all.
            whole = not f.match or about_whole_document(f)
            if (whole and ranges) or any(f.line <= hi and f.end_line >= lo for lo, hi in ranges):
                kept.append(f)
            else:
                self.outside += 1
        result.findings = kept

    def report(self) -> dict[str, Any]:
        return {
            "revision": self.changes.revision,
            "commit": self.changes.commit,
            "files_changed": len(self.changes.files),
            "files_deleted": len(self.changes.deleted),
            "files_checked": self.checked,
            "whole_files": self.whole_files,
            "outside_changed_lines": self.outside,
        }
