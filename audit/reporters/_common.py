"""Helpers shared by the report formats: paths, thresholds, fingerprints, claims.

Nothing here writes output; each format module turns the same
:class:`audit.model.Finding` records into its own syntax.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from audit.model import SEVERITY_RANK


def at_or_above(severity: str, fail_on: str) -> bool:
    """Whether ``severity`` reaches the ``fail_on`` threshold (``never`` is never reached)."""
    return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK.get(fail_on, 99)


def open_findings(findings: Iterable[Any]) -> list[Any]:
    """Findings that count: not suppressed inline, baselined or waived."""
    return [f for f in findings if getattr(f, "status", "open") == "open"]


def repo_relative(path: str, root: Path | str) -> str | None:
    """``path`` relative to ``root`` in POSIX form, or None when it lies outside ``root``.

    Standard input shown as ``<stdin>`` has no path and gives None; a
    ``--stdin-filename`` is taken relative to the working directory.
    """
    if path.startswith("<"):
        return None
    # Several reports ask for each file's path; resolving it takes system calls.
    return _repo_relative(path, root, os.getcwd())


@lru_cache(maxsize=4096)
def _repo_relative(path: str, root: Path | str, cwd: str) -> str | None:
    """:func:`repo_relative` for a path in working directory ``cwd``."""
    # As written first; resolving symbolic links (system calls) only when that is outside root.
    for absolute, base in _candidates(path, root):
        try:
            rel = absolute.relative_to(base)
        except ValueError:
            continue
        return PurePosixPath(*rel.parts).as_posix() if rel.parts else None
    return None


def _candidates(path: str, root: Path | str) -> Iterator[tuple[Path, Path]]:
    yield Path(os.path.abspath(path)), Path(os.path.abspath(root))
    yield Path(path).resolve(), Path(root).resolve()


def display_relative(path: str, root: Path | str) -> str:
    """The path as reports show it: relative to ``root`` when inside it, else as given."""
    rel = repo_relative(path, root)
    return rel if rel is not None else path.replace(os.sep, "/")


class Fingerprinter:
    """Fingerprints that identify a finding across edits of its file (SARIF ``partialFingerprints``).

    The hash is :func:`audit.gating.fingerprint.fingerprint`, the one baselines
    and waivers use: the rule id, the normalised matched text and a few
    normalised words around it, never the line or column, so a finding keeps
    its fingerprint when lines are inserted or removed above it. Identical
    findings in one file get an occurrence index (``:0``, ``:1``...) in order.
    Use one instance per file.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, finding: Any, source: str | None = None) -> str:
        """The fingerprint ``<hex>:<occurrence>`` of ``finding`` (``source``: the file's decoded text)."""
        from audit.gating.fingerprint import fingerprint

        digest = fingerprint(finding, source)
        n = self._seen.get(digest, 0)
        self._seen[digest] = n + 1
        return f"{digest}:{n}"


def settings_for(result: Any, options: Any) -> Any:
    """The effective settings for a result: ``options.extra["settings_for"](path)`` or the defaults."""
    get = options.extra.get("settings_for")
    if get is not None:
        return get(result.path)
    from audit.config import Settings

    return Settings()


class ClaimsUnavailable(Exception):
    """The claims inventory is not part of this installation."""


class InventoryError(Exception):
    """The claims inventory of a file checked in another process could not be built there."""


def claims_inventory(result: Any, options: Any) -> list[dict[str, Any]] | None:
    """Every claim in the result's document (:func:`audit.claims.inventory`).

    Returns None when there is no document (a file that could not be read: its claims are
    unknown, which is not the same as having none). Raises
    :class:`ClaimsUnavailable` when the claims analysis is not installed. For a
    file checked in another process the inventory comes with the result
    (``result.report``, see :func:`detach_document`).
    """
    report = result.report if result.document is None else None
    if report is not None:
        if "claims_unavailable" in report:
            raise ClaimsUnavailable(report["claims_unavailable"])
        if "claims_error" in report:
            raise InventoryError(report["claims_error"])
        return list(report["claims"])
    try:
        from audit.claims import inventory
    except ImportError as e:
        raise ClaimsUnavailable(str(e)) from None
    if result.document is None:
        return None
    return list(inventory(result.document, settings_for(result, options)))


def document_source(result: Any) -> str | None:
    """The decoded text of the result's file, if the run kept it (see :func:`detach_document`)."""
    doc = getattr(result, "document", None)
    if doc is not None:
        return str(doc.source)
    report = getattr(result, "report", None)
    return None if report is None else report.get("source")


def detach_document(result: Any, settings: Any, debug: bool = False) -> None:
    """Replace ``result.document`` by what the reports that read documents need of it.

    A worker process calls this instead of sending the document back: ``result.report``
    gets the source text and the claims inventory (or why it could not be built), which
    :func:`claims_inventory` and :func:`document_source` hand to the reporters.
    """
    doc = result.document
    if doc is None:
        return
    report: dict[str, Any] = {"source": doc.source}
    try:
        from audit.claims import inventory
    except ImportError as e:
        report["claims_unavailable"] = str(e)
    else:
        try:
            report["claims"] = list(inventory(doc, settings))
        except Exception as e:  # reported per file, as when the report builds it
            if debug:
                raise
            report["claims_error"] = f"{type(e).__name__}: {e}"
    result.report = report
    result.document = None
