"""Gating: which findings count.

Turning a checker on for a corpus with thousands of existing findings takes
four tools, applied in this order to each file's findings:

1. inline comments (``<!-- audit: disable-next-line CL001 -->``), applied by
   the engine right after the rules run (:mod:`audit.gating.inline`);
2. waivers, accepted findings with a reason and an approver
   (:mod:`audit.gating.waivers`);
3. a baseline of the findings accepted when the tool was adopted
   (:mod:`audit.gating.baseline`);
4. ``--changed-since REV``: only changed files, only changed lines
   (:mod:`audit.gating.changed`).

Findings that do not count keep their place with a ``status`` of
``suppressed``, ``waived`` or ``baselined``; the summary leaves them out of
the exit decision. Library use::

    gate = postprocessors(cfg, baseline="audit-baseline.json")
    inputs = gate.filter_inputs(discover(paths, cfg))
    summary = execute(inputs, cfg, [gate, *reporters], postprocess=gate)
    summary.gating          # the same as gate.report()

Passing ``gate`` first among the reporters fills ``summary.gating`` before the
other reporters write the summary, and keeps each document's text available
to the hooks when fingerprints need it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit.gating.errors import GatingError

if TYPE_CHECKING:
    from audit.gating import baseline as bl
    from audit.gating import changed as chg
    from audit.gating import waivers as wv
from audit.gating.fingerprint import fingerprint

__all__ = ["Gating", "GatingError", "describe_status", "fingerprint", "postprocessors", "source_of"]


def source_of(result: Any) -> str | None:
    """The decoded text of a checked file: the kept document's, else read again from disk."""
    from audit.reporters._common import document_source

    kept = document_source(result)
    if kept is not None:
        return kept
    path = getattr(result, "path", "")
    if not path or path.startswith("<") or not os.path.isfile(path):
        return None
    from audit.readers import InputError, decode

    try:
        with open(path, "rb") as fh:
            return decode(fh.read())
    except (OSError, InputError):
        return None


def _resolve(path: str | os.PathLike[str] | None, cfg: Any, from_config: str | None) -> Path | None:
    """A CLI path as given; a config path relative to the config file's folder."""
    if path is not None:
        return Path(path)
    if from_config:
        p = Path(from_config)
        return p if p.is_absolute() else Path(cfg.root) / p
    return None


class Gating(list[Any]):
    """The gating of one run: a list of ``postprocess`` hooks with an end-of-run report.

    It is also a minimal reporter (``begin``/``file``/``end``): put it first
    among the reporters so ``summary.gating`` is filled before they end.
    """

    def __init__(
        self,
        cfg: Any,
        baseline: str | os.PathLike[str] | None = None,
        waivers: str | os.PathLike[str] | None = None,
        changed_since: str | None = None,
        whole_files: bool = False,
        today: dt.date | None = None,
        cwd: str | os.PathLike[str] | None = None,
        use_config: bool = True,
    ) -> None:
        super().__init__()
        # Each kind of gating is imported only when the run uses it (start-up time).
        self.baseline: bl.Matcher | None = None
        self.waivers: wv.Waivers | None = None
        self.changed: chg.Filter | None = None
        self.inline_suppressed = 0
        self._stdin = True
        bpath = _resolve(baseline, cfg, cfg.baseline if use_config else None)
        wpath = _resolve(waivers, cfg, cfg.waivers if use_config else None)
        if wpath is not None:
            from audit.gating import waivers as wv

            self.waivers = wv.load(wpath, today)
        if bpath is not None:
            from audit.gating import baseline as bl

            self.baseline = bl.Matcher(bl.load(bpath))
        if changed_since is not None:
            from audit.gating import changed as chg

            self.changed = chg.Filter(chg.changes_since(changed_since, cwd), whole_files)
        self.append(self.apply)

    # -- hooks -------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """Whether anything besides inline comments gates this run."""
        return any(x is not None for x in (self.baseline, self.waivers, self.changed))

    @property
    def needs_fingerprints(self) -> bool:
        """Whether a baseline or waiver identifies findings by their fingerprints."""
        return self.baseline is not None or (self.waivers is not None and self.waivers.needs_source)

    @property
    def needs_documents(self) -> bool:
        """Keep documents only for standard input: files on disk are read again when a fingerprint needs them."""
        return self.needs_fingerprints and self._stdin

    def filter_inputs(self, inputs: Iterable[Any], stdin: bool | None = None) -> Any:
        """Narrow inputs to changed files with ``changed_since``; otherwise unchanged.

        Returns a list; with ``stdin`` (whether the inputs include standard input) the
        inputs are instead passed on one at a time, as they come.
        """
        if stdin is not None:
            self._stdin = stdin
            return self.changed.stream(inputs) if self.changed is not None else inputs
        kept = self.changed.inputs(list(inputs)) if self.changed is not None else list(inputs)
        self._stdin = any(getattr(i, "path", 1) is None for i in kept)
        return kept

    def apply(self, result: Any) -> None:
        """The ``postprocess`` hook: waivers, then baseline, then the changed-lines filter."""
        cache: list[str | None] = []

        def source() -> str | None:
            if not cache:
                cache.append(source_of(result))
            return cache[0]

        if self.waivers is not None:
            self.waivers.apply(result, source)
        if self.baseline is not None:
            self.baseline.apply(result, source)
        if self.changed is not None:
            self.changed.apply(result)
        self.inline_suppressed += result.tally()[1].get("suppressed", 0)

    # -- reporter protocol -------------------------------------------------------------------
    def begin(self) -> None:
        """Nothing to do before the first file."""

    def file(self, result: Any) -> None:
        """Nothing to do per file: the hook already ran."""

    def end(self, summary: Any) -> None:
        """Store the gating report in the run summary (left empty when nothing was gated)."""
        if self.active or self.inline_suppressed:
            summary.gating = self.report()

    # -- report ------------------------------------------------------------------------------
    def report(self) -> dict[str, Any]:
        """Totals for ``summary.gating``: suppressed, waived, baselined, stale, expired, changed files."""
        rec: dict[str, Any] = {"suppressed": self.inline_suppressed}
        if self.waivers is not None:
            rec["waivers"] = self.waivers.report()
        if self.baseline is not None:
            rec["baseline"] = self.baseline.report()
        if self.changed is not None:
            rec["changed_since"] = self.changed.report()
        return rec

    def lines(self) -> list[str]:
        """The report as short lines for people (the CLI prints them on standard error)."""
        return report_lines(self.report())


def report_lines(rep: dict[str, Any], limit: int = 10) -> list[str]:
    """Human-readable lines for a ``summary.gating`` record."""
    out: list[str] = []
    if rep.get("suppressed"):
        out.append(f"inline comments: {rep['suppressed']} findings suppressed")
    w = rep.get("waivers")
    if w:
        out.append(f"waivers {w['file']}: {w['waived']} findings waived by {w['waivers']} waivers")
        for e in w["expired"][:limit]:
            out.append(f"  expired waiver #{e['waiver']} ({e['rule']} {e['path']}, approved by {e['approved_by']}) "
                       f"ended on {e['expires']}: its findings count again; renew or remove it")
        for e in w["unused"][:limit]:
            out.append(f"  unused waiver #{e['waiver']} ({e['rule']} {e['path']}): matched no finding")
    b = rep.get("baseline")
    if b:
        out.append(f"baseline {b['file']}: {b['matched']} of {b['entries']} recorded findings matched (baselined)"
                   + (f", {b['stale']} no longer found (stale)" if b["stale"] else ""))
        for e in b["stale_entries"][:limit]:
            snippet = f' "{e["match"]}"' if e["match"] else ""
            out.append(f"  stale: {e['path']} {e['rule']}{snippet}" + (f" x{e['count']}" if e["count"] > 1 else ""))
        if b["stale"]:
            out.append("  fixed findings leave stale entries; run `audit baseline` again to drop them")
    c = rep.get("changed_since")
    if c:
        line = (f"changed since {c['revision']} ({c['commit'][:10]}): {c['files_changed']} files changed, "
                f"{c['files_checked']} checked")
        if c["outside_changed_lines"]:
            line += f"; {c['outside_changed_lines']} findings on unchanged lines not shown (--whole-files shows them)"
        out.append(line)
    return out


def postprocessors(
    cfg: Any,
    baseline: str | os.PathLike[str] | None = None,
    waivers: str | os.PathLike[str] | None = None,
    changed_since: str | None = None,
    whole_files: bool = False,
    **kwargs: Any,
) -> Gating:
    """The ``postprocess`` hooks for :func:`audit.engine.execute` (a :class:`Gating`, which is a list).

    ``baseline`` and ``waivers`` default to the config's ``baseline`` and
    ``waivers`` (relative to the config file). Raises :class:`GatingError` for
    a bad file or revision. Call ``.report()`` after the run for stale baseline
    entries, expired waivers and matched counts.
    """
    return Gating(cfg, baseline, waivers, changed_since, whole_files, **kwargs)


def describe_status(finding: Any) -> str:
    """Why a finding does not count, in one line (for listings of suppressed findings)."""
    d: dict[str, Any] = finding.status_detail or {}
    if finding.status == "waived":
        text = f"waived by {d.get('approved_by')} on {d.get('date')}"
        if d.get("expires"):
            text += f" until {d['expires']}"
        return text + f": {d.get('reason')}"
    if finding.status == "baselined":
        return f"in baseline {d.get('baseline', '')}".rstrip()
    if finding.status == "suppressed":
        text = f"suppressed by `{d.get('directive', 'comment')}` on line {d.get('line')}"
        return text + (f": {d['reason']}" if d.get("reason") else "")
    return finding.status


Callback = Callable[[Any], None]
