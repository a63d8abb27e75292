"""The pipeline: inputs -> documents -> rules -> findings -> file results.

The library is usable without the CLI::

    from audit.config import load
    from audit.engine import discover, run
    cfg = load(None, ["corpus"])
    for result in run(discover(["corpus"], cfg), cfg):
        print(result.path, len(result.findings))
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from audit.config import Config, Settings
from audit.model import SEVERITY_RANK, Document, Finding, Hit
from audit.readers import InputError, decode, format_for, parse
from audit.rules.base import Context, Rule, all_rules, get_rule
from audit.safety import NotRegularFile, open_regular

#: Files larger than this are reported (IN003) instead of checked (docs/robustness.md: bigger files
#: could not be checked within the per-document time budget anyway).
MAX_FILE_BYTES = 16 * 1024 * 1024


class UsageError(Exception):
    """A problem with the command line itself (exit code 2)."""


@dataclass(frozen=True)
class Input:
    """One thing to check: a file on disk or standard input."""

    display: str  # path as shown in output (relative to the working directory)
    path: Path | None  # None for standard input
    relpath: str  # POSIX path relative to the config root, for override patterns
    format: str
    data: bytes | None = None  # standard input content


#: ``(open, statuses)``: for the findings whose status is "open", ``[severity, category, rule,
#: count]`` for each distinct triple in order of first appearance; and the number of the
#: other findings by status.
Tally = tuple[list[list[Any]], dict[str, int]]


def tally_of(findings: Iterable[Finding]) -> Tally:
    """The :data:`Tally` of ``findings``: all :class:`Summary` and the gating count need of them."""
    counts: dict[tuple[str, str, str], int] = {}
    statuses: dict[str, int] = {}
    for f in findings:
        if f.status != "open":
            statuses[f.status] = statuses.get(f.status, 0) + 1
            continue
        key = (f.severity, f.category, f.rule)
        counts[key] = counts.get(key, 0) + 1
    return [[*k, n] for k, n in counts.items()], statuses


@dataclass
class FileResult:
    """Everything a run learned about one file."""

    path: str
    format: str
    metadata: dict[str, Any] = field(default_factory=dict)
    readability: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)
    #: Per-file results contributed by rule families (claims summary, promotion score...).
    extras: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""
    words: int = 0
    #: Kept only when a report needs the text (HTML report); otherwise None.
    document: Document | None = field(default=None, repr=False)
    #: What the document-reading reports need of a document checked in another process, which
    #: does not send the document back: ``{"source": text, "claims": inventory rows}`` (see
    #: :func:`audit.reporters._common.detach_document`). Never cached or written to a report.
    report: dict[str, Any] | None = field(default=None, repr=False)

    # A result served from the cache holds its path and word count, and decodes the other
    # fields on first use (``_load_result``, ``_load_findings``: see ``__getattr__``). It
    # carries what most runs need without them: ``_tally`` (see :func:`tally_of`) and
    # ``_record_tail``, which is ``(text, ids)``: the JSON report's text of :meth:`as_record`
    # after the path (UTF-8 bytes or str, see :func:`audit.reporters.json.record_tail`),
    # valid while ``findings`` holds the objects whose ids are ``ids`` (None: not built yet)
    # and the other fields are unchanged. Postprocess hooks that change findings assign new
    # ones (findings are frozen).

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes missing from the instance: fields of a cache hit before
        # their first use.
        state = self.__dict__
        if name == "findings":
            load = state.pop("_load_findings", None)
            if load is not None:
                findings = self.findings = load()
                tail = state.get("_record_tail")
                if tail is not None:
                    self._record_tail = (tail[0], tuple(map(id, findings)))
                return findings
        elif name in _FIELD_NAMES:
            load = state.pop("_load_result", None)
            if load is not None:
                for key, value in load().items():
                    state.setdefault(key, value)  # a field set since keeps its value
                return state[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getstate__(self) -> dict[str, Any]:
        # The fields only (decoded if need be): what pickling and copying keep, and the cache
        # entry a worker encoded for the result (see audit.cache.EntryEncoder).
        state = {name: getattr(self, name) for name in _FIELD_NAMES}
        entry = self.__dict__.get("_cache_entry")
        if entry is not None:
            state["_cache_entry"] = entry
        return state

    def tally(self) -> Tally:
        """Counts of the findings (see :func:`tally_of`), without building the findings of a cache hit."""
        t = self.__dict__.get("_tally")
        if t is not None and "findings" not in self.__dict__:
            return t
        return tally_of(self.findings)

    def record_tail(self) -> str | bytes | memoryview | None:
        """The JSON report's text of this record after its path (str or UTF-8 bytes), when known and still valid."""
        tail = self.__dict__.get("_record_tail")
        if tail is None:
            return None
        text, ids = tail
        findings = self.__dict__.get("findings")
        if findings is None:
            return text if ids is None and "_load_findings" in self.__dict__ else None
        if ids is None or len(ids) != len(findings) or tuple(map(id, findings)) != ids:
            return None
        return text

    def as_record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "sha256": self.sha256,
            "metadata": self.metadata,
            "readability": self.readability,
            "findings": [f.as_record() for f in self.findings],
        }
        rec.update(self.extras)
        return rec


#: Every field of FileResult. Fields with a plain default would keep it as a class attribute,
#: which would hide a cache hit's not yet decoded value from ``__getattr__``; ``__init__``
#: holds its own copy of the defaults.
_FIELD_NAMES = tuple(f.name for f in fields(FileResult))
for _name in _FIELD_NAMES:
    if _name in FileResult.__dict__:
        delattr(FileResult, _name)


def _is_hidden(name: str) -> bool:
    return name.startswith(".") and name not in (".", "..")


def _rel(p: Path, root: Path) -> str:
    try:
        return p.resolve().relative_to(root).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the root, or a symlink loop
        return p.as_posix()


def discover(paths: Iterable[str], cfg: Config, stdin_name: str = "-", stdin: bytes | None = None) -> list[Input]:
    """Expand files, directories (recursive) and glob patterns into inputs.

    Hidden files and folders inside directories are skipped; ``include`` and
    ``exclude`` patterns from the config apply to files found in directories
    (a file named explicitly is always checked unless excluded). Raises
    :class:`UsageError` for a path that does not exist or a glob that matches
    nothing.
    """
    return list(iter_inputs(paths, cfg, stdin_name, stdin))


def iter_inputs(paths: Iterable[str], cfg: Config, stdin_name: str = "-", stdin: bytes | None = None) -> Iterator[Input]:
    """:func:`discover`, one input at a time: a large folder is never listed whole.

    Every path is checked before the first input is yielded, so a path that does
    not exist raises :class:`UsageError` before any work starts.
    """
    paths = list(paths)
    globs = _check_paths(paths)
    return _walk_inputs(paths, globs, cfg, stdin_name, stdin)


def _check_paths(paths: list[str]) -> dict[str, list[str]]:
    """Raise :class:`UsageError` for a path that does not exist or a glob that matches
    nothing; return each glob's matches (sorted)."""
    import glob as globmod

    globs: dict[str, list[str]] = {}
    for raw in paths:
        if raw == "-":
            continue
        p = Path(raw)
        if p.is_dir() or p.exists() or p.is_symlink():
            continue
        if any(ch in raw for ch in "*?["):
            globs[raw] = sorted(globmod.glob(raw, recursive=True))
            if not globs[raw]:
                raise UsageError(f"no files match {raw!r}")
            continue
        raise UsageError(f"path does not exist: {raw}")
    return globs


def _walk_inputs(paths: list[str], globs: dict[str, list[str]], cfg: Config, stdin_name: str, stdin: bytes | None) -> Iterator[Input]:
    specs: dict[str, Any] = {}

    def matches(key: str, rel: str) -> bool:
        # pathspec is imported only when there is a pattern to match (not for one named file and no excludes).
        patterns = getattr(cfg, key)
        if not patterns:
            return False
        if key not in specs:
            from audit.safety import path_spec

            specs[key] = path_spec(patterns)
        return bool(specs[key].match_file(rel))

    root = cfg.root.resolve()
    # One folder walked alone never yields a file twice; otherwise (several paths, a glob
    # whose matches overlap) each file's absolute path is remembered.
    seen: set[str] | None = None if len(paths) == 1 and not globs else set()

    def add(p: Path, explicit: bool, rel: str | None = None, shown: str | None = None) -> Input | None:
        """``shown``: a symbolic link's own path from the root, which ``include`` may match
        instead of its target's (``link.md`` to ``notes.data``, a dangling ``draft.md``)."""
        if rel is None:
            rel = _rel(p, root)
        if matches("exclude", rel) or (shown and matches("exclude", shown)):
            return None
        if not explicit and not matches("include", rel) and not (shown and matches("include", shown)):
            return None
        if seen is not None:
            key = os.path.normcase(os.path.abspath(p))
            if key in seen:
                return None
            seen.add(key)
        return Input(display=str(p), path=p, relpath=rel, format=format_for(p.name))

    def walk(d: Path) -> Iterator[Input]:
        try:
            for dirpath, dirnames, filenames in os.walk(d, followlinks=False, onerror=None):
                dirnames[:] = sorted(n for n in dirnames if not _is_hidden(n) and not matches("exclude", _rel(Path(dirpath, n), root) + "/"))
                names = sorted(n for n in filenames if not _is_hidden(n))
                if not names:
                    continue
                # A file that is not a symbolic link resolves to its resolved folder + its
                # name, so the folder is resolved once (each resolve costs a system call
                # per path component).
                base = _rel(Path(dirpath), root)
                prefix = "" if base == "." else base + "/"
                for name in names:
                    p = Path(dirpath, name)
                    inp = add(p, False, None, prefix + name) if os.path.islink(p) else add(p, False, prefix + name)
                    if inp is not None:
                        yield inp
        except OSError:
            pass

    for raw in paths:
        if raw == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            name = stdin_name if stdin_name != "-" else "<stdin>"
            yield Input(display=name, path=None, relpath=name, format=format_for(name, "markdown"), data=data)
            continue
        p = Path(raw)
        if p.is_dir():
            yield from walk(p)
        elif raw in globs:
            for m in globs[raw]:
                mp = Path(m)
                if mp.is_dir():
                    yield from walk(mp)
                elif (inp := add(mp, explicit=False)) is not None:
                    yield inp
        elif (inp := add(p, explicit=True)) is not None:
            yield inp


def peek(inputs: Iterable[Input], limit: int = 256) -> list[Input] | Iterator[Input]:
    """``inputs`` as a list when there are at most ``limit`` of them (so a run can size its
    batches and workers to them), else as an iterator over all of them."""
    from itertools import chain, islice

    it = iter(inputs)
    head = list(islice(it, limit + 1))
    if len(head) <= limit:
        return head
    return chain(head, it)


def input_finding(path: str, rule_id: str, message: str, fix: str | None = None, severity: str | None = None) -> Finding:
    """A finding about a whole file (unreadable, undecodable, too large...)."""
    rule = get_rule(rule_id)
    assert rule is not None, rule_id
    return Finding(
        path=path, line=1, column=1, end_line=1, end_column=1,
        rule=rule.id, name=rule.name, category=rule.category,
        severity=severity or rule.severity, message=message, match="", fix=fix,
    )


def to_finding(doc: Document, rule: type[Rule], severity: str, hit: Hit) -> Finding:
    start = max(0, min(hit.start, len(doc.source)))
    end = max(start, min(hit.end, len(doc.source)))
    line, col = doc.position(start)
    eline, ecol = doc.position(end)
    return Finding(
        path=doc.path, line=line, column=col, end_line=eline, end_column=ecol,
        rule=rule.id, name=rule.name, category=rule.category,
        severity=hit.severity or severity, message=hit.message,
        match=doc.source[start:end], fix=hit.fix, offset=start, end_offset=end, data=hit.data,
    )


#: Work that depends only on a file's settings (and the run's ``--select``/``--ignore``), done
#: once per settings object: a run has one, or one per combination of matching
#: ``[[overrides]]``. Settings are immutable; each entry keeps its settings object, so the id
#: in its key stays that object's.
_ACTIVE: dict[tuple[int, tuple[str, ...], tuple[str, ...]], tuple[Settings, tuple[type[Rule], ...], list[type[Rule]]]] = {}
_CONTEXTS: dict[tuple[int, type[Rule]], tuple[Settings, Context, str]] = {}
_MAX_MEMO = 256


def _memo_put(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= _MAX_MEMO:
        memo.clear()
    memo[key] = value


def active_rules(settings: Settings, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[type[Rule]]:
    """Rules enabled for these settings, narrowed by CLI ``--select``/``--ignore``."""
    select, ignore = tuple(select), tuple(ignore)
    registered = tuple(all_rules())
    key = (id(settings), select, ignore)
    hit = _ACTIVE.get(key)
    if hit is None or hit[0] is not settings or hit[1] != registered:
        hit = (settings, registered, _active_rules(settings, registered, select, ignore))
        _memo_put(_ACTIVE, key, hit)
    return list(hit[2])


def _active_rules(
    settings: Settings, registered: Iterable[type[Rule]], select: tuple[str, ...], ignore: tuple[str, ...]
) -> list[type[Rule]]:
    from audit.rules.base import matches

    rules = []
    for r in registered:
        if getattr(r, "engine_only", False):
            continue
        if select:
            if not any(matches(r, s) for s in select):
                continue
        elif not settings.rule_enabled(r):
            continue
        if any(matches(r, s) for s in ignore):
            continue
        rules.append(r)
    return rules


def check_document(doc: Document, settings: Settings, rules: Iterable[type[Rule]], debug: bool = False) -> list[Finding]:
    """Run rules over one document. A rule that raises becomes an IN900 finding."""
    findings: list[Finding] = []
    sid = id(settings)
    for rule in rules:
        memo = _CONTEXTS.get((sid, rule))
        if memo is None or memo[0] is not settings:
            # Rules read their options and never change them: one context serves every document.
            memo = (settings, Context(settings.rule_options(rule), settings), settings.rule_severity(rule))
            _memo_put(_CONTEXTS, (sid, rule), memo)
        _, ctx, severity = memo
        try:
            for hit in rule().check(doc, ctx):
                findings.append(to_finding(doc, rule, severity, hit))
        except Exception as e:  # one rule's bug must not lose the run
            if debug:
                raise
            findings.append(input_finding(
                doc.path, "IN900",
                f"internal error in rule {rule.id} ({rule.name}): {type(e).__name__}: {e}",
                "Report this as a bug in audit with the file that triggered it; other rules still ran.",
            ))
    findings.sort()
    return findings


def read_input(inp: Input) -> bytes:
    if inp.data is not None:
        return inp.data
    assert inp.path is not None
    try:
        size = inp.path.stat().st_size
    except OSError as e:
        raise InputError("IN001", f"cannot be read: {e.strerror or e}") from None
    if size > MAX_FILE_BYTES:
        raise InputError("IN003", f"is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit for one document", "Split the file, or exclude it in the config.")
    try:
        with open_regular(inp.path) as fh:  # never blocks on a FIFO or device
            data = fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise InputError("IN001", "is a directory, not a file") from None
    except NotRegularFile as e:
        raise InputError("IN001", f"{e.strerror}; only regular files are checked", "Exclude it in the config.") from None
    except OSError as e:
        raise InputError("IN001", f"cannot be read: {e.strerror or e}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError("IN003", f"is over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit for one document", "Split the file, or exclude it in the config.")
    return data


def check_input(inp: Input, cfg: Config, select: Iterable[str] = (), ignore: Iterable[str] = (), keep_document: bool = False, debug: bool = False, run_rules: bool = True) -> FileResult:
    """Read, parse and check one input; never raises for bad input.

    With ``run_rules=False`` only readability is measured (input problems are
    still reported). A document whose checking outlasts the per-document time
    budget (:mod:`audit.safety`) is stopped and reported as IN004.
    """
    from audit.safety import DocumentTimeout, time_budget, time_budget_seconds

    try:
        with time_budget(time_budget_seconds()):
            return _check_input(inp, cfg, select, ignore, keep_document, debug, run_rules)
    except DocumentTimeout as e:
        return FileResult(path=inp.display, format=inp.format, findings=[input_finding(
            inp.display, "IN004", f"{inp.display} was not checked: it took longer than the {e.seconds:g} s time budget for one document",
            "Split the file or exclude it in the config; AUDIT_TIME_BUDGET sets the budget (docs/robustness.md).")])


def _check_input(inp: Input, cfg: Config, select: Iterable[str], ignore: Iterable[str], keep_document: bool, debug: bool, run_rules: bool) -> FileResult:
    result = FileResult(path=inp.display, format=inp.format)
    settings = cfg.settings_for(inp.relpath)
    try:
        data = read_input(inp)
        result.sha256 = hashlib.sha256(data).hexdigest()
        text = decode(data)
    except InputError as e:
        result.findings.append(input_finding(inp.display, e.rule, f"{inp.display} {e.message}", e.fix))
        return result
    try:
        doc = parse(inp.display, text, inp.format)
    except RecursionError:
        result.findings.append(input_finding(inp.display, "IN002", f"{inp.display} is nested too deeply to parse", "Simplify the markup."))
        return result
    except Exception as e:
        if debug:
            raise
        result.findings.append(input_finding(inp.display, "IN900", f"internal error reading {inp.display}: {type(e).__name__}: {e}"))
        return result
    rules = active_rules(settings, select, ignore) if run_rules else []
    return finish(doc, result, settings, rules, keep_document, debug)


def finish(doc: Document, result: FileResult, settings: Settings, rules: list[type[Rule]], keep_document: bool, debug: bool) -> FileResult:
    """Measure and check a parsed document, filling ``result``."""
    from audit.readability import measure

    result.metadata = doc.metadata
    result.readability = measure(doc, settings)
    result.words = int(result.readability.get("words_total", result.readability.get("words", 0))) if result.readability else 0
    doc.cache["readability"] = result.readability
    result.findings = check_document(doc, settings, rules, debug)
    from audit.gating.inline import apply_inline

    result.findings = apply_inline(doc, result.findings, rules, settings)
    for key, value in doc.cache.items():
        if key.startswith("extra:"):
            result.extras[key[6:]] = value
    if keep_document:
        result.document = doc
    return result


def run(inputs: Iterable[Input], cfg: Config, select: Iterable[str] = (), ignore: Iterable[str] = (), keep_documents: bool = False, debug: bool = False, jobs: int = 1, cache: Any = None, executor: Any = None, report_data: bool = False, fingerprints: bool = False) -> Iterator[FileResult]:
    """Check inputs, yielding results in input order.

    ``jobs`` worker processes (0 = one per CPU), an incremental ``cache``
    (:class:`audit.cache.ResultCache`) and another ``executor`` (e.g. Dask)
    are handled by :func:`audit.parallel.run`; the output is the same.
    ``report_data``: each result carries what the reports that read documents need of
    its document, in ``report`` (see :func:`audit.parallel.run`); with
    ``keep_documents`` the document itself. ``fingerprints``: findings checked in another
    process, or stored in the cache, carry their fingerprints (``Finding.fingerprint``).
    """
    # (A run for the reports that read documents, or that needs fingerprints, takes the batch
    # path even with one job: it builds what they need of each document while it is at hand,
    # see audit.parallel.check_batch.)
    if jobs == 1 and cache is None and executor is None and (keep_documents or not (report_data or fingerprints)):
        for inp in inputs:
            yield check_input(inp, cfg, select, ignore, keep_documents, debug)
        return
    from audit.parallel import run as run_parallel

    yield from run_parallel(inputs, cfg, select, ignore, keep_documents, debug, jobs=jobs, cache=cache, executor=executor,
                            report_data=report_data, fingerprints=fingerprints)


@dataclass
class Summary:
    """Totals over a run, and the exit decision."""

    files: int = 0
    words: int = 0
    by_severity: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    by_category: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)
    suppressed: int = 0
    fail_on: str = "error"
    failing: int = 0
    #: Baseline, waiver and changed-lines totals, filled by :mod:`audit.gating` (empty when unused).
    gating: dict[str, Any] = field(default_factory=dict)

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.words += result.words
        threshold = SEVERITY_RANK.get(self.fail_on, 99)
        counts, statuses = result.tally()
        self.suppressed += sum(statuses.values())
        for severity, category, rule, n in counts:
            self.by_severity[severity] = self.by_severity.get(severity, 0) + n
            self.by_category[category] = self.by_category.get(category, 0) + n
            self.by_rule[rule] = self.by_rule.get(rule, 0) + n
            if SEVERITY_RANK[severity] >= threshold:
                self.failing += n

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())

    @property
    def exit_code(self) -> int:
        return 1 if self.failing else 0

    def as_record(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "words": self.words,
            "findings": self.findings,
            "by_severity": self.by_severity,
            "by_category": dict(sorted(self.by_category.items())),
            "by_rule": dict(sorted(self.by_rule.items())),
            "suppressed": self.suppressed,
            "fail_on": self.fail_on,
            "failing": self.failing,
            "exit_code": self.exit_code,
            **({"gating": self.gating} if self.gating else {}),
        }


def execute(
    inputs: Iterable[Input],
    cfg: Config,
    reporters: list[Any],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: str = "error",
    postprocess: Iterable[Any] = (),
    progress: Any = None,
    debug: bool = False,
    run_options: dict[str, Any] | None = None,
) -> Summary:
    """Check ``inputs`` and stream each result to every reporter; return the summary.

    ``postprocess`` callables receive each :class:`FileResult` before it is
    counted and reported (suppressions, baselines, waivers, changed lines).
    """
    # Reporters that read the documents get them, or from worker processes what they need of them.
    needs = any(getattr(r, "needs_documents", False) for r in reporters)
    # Those that identify findings by their fingerprints get them made where each file is checked.
    fingerprints = any(getattr(r, "needs_fingerprints", False) for r in reporters)
    summary = Summary(fail_on=fail_on)
    for r in reporters:
        r.begin()
    for result in run(inputs, cfg, select, ignore, False, debug, **(run_options or {}), report_data=needs,
                      fingerprints=fingerprints):
        for hook in postprocess:
            hook(result)
        summary.add(result)
        for r in reporters:
            r.file(result)
        if progress is not None:
            progress(result)
    for r in reporters:
        r.end(summary)
    return summary
