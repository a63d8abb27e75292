"""SARIF 2.1.0 output for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

One run with ``tool.driver.rules`` from the rule documentation, one artifact
per checked file (with its SHA-256), and one result per finding. Locations
are relative to the project root (``uriBaseId: "%SRCROOT%"``), columns count
Unicode code points, and ``partialFingerprints`` survive lines moving (see
:class:`audit.reporters._common.Fingerprinter`). Suppressed, baselined and
waived findings are kept with a ``suppressions`` entry, as SARIF intends.

The log is the text ``json.dumps(log, ensure_ascii=False, indent=2)`` gives,
but streamed: each file's artifact and results are encoded as the file arrives
(by the JSON reporter's :class:`audit.reporters.json.IndentedEncoder`) into a
:class:`audit.reporters.Spool`, and put in place after the rules and the
invocation, which are only known at the end. Memory stays flat however many
files and findings a run has.

Code scanning rejects a run of more than 25,000 results (GitHub). With
``sarif_max_results`` (``--sarif-max-results N``) a log keeps at most N results:
the open errors, then open warnings, then open notes, then suppressed findings,
each in file order, and says in the invocation's notifications and the run's
properties how many there were. The exit code and the summary still count every
finding. For that the reporter remembers each result's rank and length (5 bytes).
"""

from __future__ import annotations

import json
import re
from array import array
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from audit.reporters import Reporter as Base
from audit.reporters import Spool
from audit.reporters._common import Fingerprinter, repo_relative
from audit.reporters.json import IndentedEncoder

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT_ID = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
#: Finding statuses set by inline comments; other statuses are external decisions.
IN_SOURCE_STATUSES = ("suppressed", "inline", "noqa")
FINGERPRINT_KEY = "auditFinding/v1"
#: The order in which results are kept when a log is limited (``sarif_max_results``): open
#: findings by severity, then those suppressed, baselined or waived.
_KEEP_RANK = {"error": 0, "warning": 1, "info": 2}
_NOT_OPEN_RANK = 3
#: The notification of a log that holds fewer results than the run found.
LIMIT_NOTIFICATION = "sarif-max-results"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    for end in (". ", "? ", "! "):
        i = text.find(end)
        if i != -1:
            return text[: i + 1]
    return text


def rule_descriptor(info: dict[str, Any]) -> dict[str, Any]:
    """A SARIF ``reportingDescriptor`` from :meth:`audit.rules.base.Rule.describe`."""
    what = info.get("what") or info.get("name") or info["id"]
    md = [f"**{info['id']} {info.get('name', '')}**", "", what]
    txt = [what]
    for title, key in (("Why", "why"), ("Example", "example"), ("Instead", "instead")):
        if info.get(key):
            md += ["", f"**{title}:** {info[key]}"]
            txt += [f"{title}: {info[key]}"]
    refs = info.get("references") or []
    if refs:
        md += ["", "**References:**", *[f"- {r}" for r in refs]]
        txt += ["References: " + "; ".join(refs)]
    desc: dict[str, Any] = {
        "id": info["id"],
        "name": info.get("name") or info["id"],
        "shortDescription": {"text": _first_sentence(what)},
        "fullDescription": {"text": what},
        "help": {"text": "\n".join(txt), "markdown": "\n".join(md)},
        "defaultConfiguration": {"level": LEVELS.get(info.get("severity", "warning"), "warning")},
        "properties": {"category": info.get("category", ""), "tags": [t for t in ("health-content", info.get("category")) if t]},
    }
    return desc


#: Indentation of the items of ``runs[0].artifacts`` and ``runs[0].results``.
_ITEM_INDENT = 8
_ITEM_SEP = ",\n" + " " * _ITEM_INDENT


def _members(encoder: IndentedEncoder, obj: dict[str, Any], n: int) -> str:
    """The members of a dict as ``encoder`` writes it at indent ``n``, without the braces
    (``\n`` and the first member's indentation included)."""
    text = encoder.encode(obj, n)
    return text[1 : -(n + 2)]


#: Values of a result object, in this order (see :func:`_result`).
_RULE_ID, _RULE_INDEX, _LEVEL, _TEXT, _START_LINE, _START_COLUMN, _END_LINE, _END_COLUMN, _SNIPPET, \
    _FINGERPRINT, _CATEGORY, _SEVERITY, _NAME, _FIX, _DATA, _SUPPRESSIONS, _ARTIFACT_LOCATION = range(17)
#: Values written by the encoder as containers at their place's indentation; the others are scalars.
_CONTAINERS = frozenset((_DATA, _SUPPRESSIONS, _ARTIFACT_LOCATION))
#: Values a template is made with: the same for every result of a rule at one severity.
_GIVEN = (_RULE_ID, _RULE_INDEX, _LEVEL, _CATEGORY, _SEVERITY, _NAME)
#: Templates kept (bounded: rule ids and severities come from rules, which may be plug-ins).
_MAX_TEMPLATES = 1000
#: A value's stand-in while a template is made: private-use characters, which the encoder
#: writes as they are, so each stand-in shows in the text as a quoted marker.
_MARK = re.compile('"\ue000(\\d+)\ue001"')


def _result(shape: tuple[bool, bool, bool, bool], v: list[Any]) -> dict[str, Any]:
    """The SARIF result object with the values ``v``. ``shape`` says which of the optional
    members it has: a snippet, a fix, data, suppressions."""
    snippet, fix, data, suppressions = shape
    region: dict[str, Any] = {
        "startLine": v[_START_LINE],
        "startColumn": v[_START_COLUMN],
        "endLine": v[_END_LINE],
        "endColumn": v[_END_COLUMN],
    }
    if snippet:
        region["snippet"] = {"text": v[_SNIPPET]}
    properties: dict[str, Any] = {"category": v[_CATEGORY], "severity": v[_SEVERITY], "name": v[_NAME]}
    if fix:
        properties["fix"] = v[_FIX]
    if data:
        properties["data"] = v[_DATA]
    res: dict[str, Any] = {
        "ruleId": v[_RULE_ID],
        "ruleIndex": v[_RULE_INDEX],
        "level": v[_LEVEL],
        "message": {"text": v[_TEXT]},
        "locations": [{"physicalLocation": {"artifactLocation": v[_ARTIFACT_LOCATION], "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: v[_FINGERPRINT]},
        "properties": properties,
    }
    if suppressions:
        res["suppressions"] = v[_SUPPRESSIONS]
    return res


def _present(shape: tuple[bool, bool, bool, bool], i: int) -> bool:
    """Whether a result of ``shape`` has the value at position ``i`` (see :func:`_result`)."""
    optional = {_SNIPPET: 0, _FIX: 1, _DATA: 2, _SUPPRESSIONS: 3}.get(i)
    return optional is None or shape[optional]


def _suppressions(f: Any) -> list[dict[str, Any]]:
    kind = "inSource" if f.status in IN_SOURCE_STATUSES else "external"
    sup: dict[str, Any] = {"kind": kind, "status": "accepted", "properties": {"status": f.status}}
    detail = f.status_detail or {}
    reason = detail.get("reason") or detail.get("justification")
    if reason:
        sup["justification"] = str(reason)
    return [sup]


class _ResultWriter:
    """Writes a finding's SARIF result object: the text ``encoder.encode(result, _ITEM_INDENT)``
    gives, from templates.

    A report has tens of thousands of results of a few shapes, each ten nested containers.
    A template is the encoder's text of a result whose rule, level, category, severity and
    name are given and whose other values are stand-ins, cut at the stand-ins; a result's
    text is the template of its shape and rule with its values encoded in their places
    (scalars by the encoder's own scalar encoders, containers by the encoder at their
    place's indentation). A value of another type than the encoder's plain ones sends the
    whole result to the encoder instead.
    """

    def __init__(self, encoder: IndentedEncoder) -> None:
        self.encoder = encoder
        self.scalars = encoder.scalars
        self.templates: dict[tuple[Any, ...], tuple[list[str], list[tuple[int, int]]] | None] = {}
        self._location_key: Any = None
        self._location_text: dict[int, str] = {}

    def _template(self, key: tuple[Any, ...]) -> tuple[list[str], list[tuple[int, int]]] | None:
        """The template for ``key`` (see :meth:`text`); None when its given values get in the way."""
        shape, given = key[:4], key[4:]
        values: list[Any] = [f"\ue000{i}\ue001" for i in range(17)]
        for i, value in zip(_GIVEN, given):
            values[i] = value
        cut = _MARK.split(self.encoder.encode(_result(shape, values), _ITEM_INDENT))
        pieces = cut[0::2]
        # Each value's slot: (its position in the values, its line's indentation for a container, else -1).
        slots = []
        for before, i in zip(pieces, map(int, cut[1::2])):
            line = before[before.rfind("\n") + 1 :]
            slots.append((i, len(line) - len(line.lstrip(" ")) if i in _CONTAINERS else -1))
        template: tuple[list[str], list[tuple[int, int]]] | None = (pieces, slots)
        if sorted(i for i, _ in slots) != [i for i in range(17) if i not in _GIVEN and _present(shape, i)]:
            template = None  # a given value looked like a stand-in
        if len(self.templates) >= _MAX_TEMPLATES:
            self.templates.clear()
        self.templates[key] = template
        return template

    def text(self, f: Any, rule_index: int, artifact_location: dict[str, Any], fingerprint: str) -> str:
        """The text of the result for finding ``f``."""
        has_fix = bool(f.fix)
        suppressed = f.status != "open"
        level = LEVELS.get(f.severity, "warning")
        key = (bool(f.match), has_fix, bool(f.data), suppressed, f.rule, rule_index, level, f.category, f.severity, f.name)
        v = [
            f.rule, rule_index, level, f.message if not has_fix else f"{f.message} Fix: {f.fix}",
            f.line, f.column, f.end_line, f.end_column, f.match, fingerprint, f.category, f.severity, f.name,
            f.fix, f.data, _suppressions(f) if suppressed else None, artifact_location,
        ]
        try:
            template = self.templates[key]
        except KeyError:
            template = self._template(key)
        except TypeError:  # a value that cannot be a key
            template = None
        if template is None:
            return self.encoder.encode(_result(key[:4], v), _ITEM_INDENT)
        pieces, slots = template
        out = [pieces[0]] * (2 * len(pieces) - 1)
        out[2::2] = pieces[1:]
        scalars = self.scalars
        try:
            k = 1
            for i, indent in slots:
                value = v[i]
                if indent < 0:
                    out[k] = scalars[type(value)](value)
                elif i == _ARTIFACT_LOCATION:
                    out[k] = self._location(value, indent)
                else:
                    out[k] = self.encoder.encode(value, indent)
                k += 2
        except KeyError:  # a value only the encoder itself can write
            return self.encoder.encode(_result(key[:4], v), _ITEM_INDENT)
        return "".join(out)

    def _location(self, value: dict[str, Any], indent: int) -> str:
        # The same for every result of a file: encoded once per file.
        if value is not self._location_key:
            self._location_key = value
            self._location_text = {}
        text = self._location_text.get(indent)
        if text is None:
            text = self._location_text[indent] = self.encoder.encode(value, indent)
        return text


class Reporter(Base):
    """Writes one SARIF log: artifacts and results are streamed, the rest written at the end."""

    needs_fingerprints = True

    def begin(self) -> None:
        from audit.rules.base import all_rules

        self._start = _now()
        self._rules: list[dict[str, Any]] = [rule_descriptor(r.describe()) for r in all_rules()]
        self._rule_index = {d["id"]: i for i, d in enumerate(self._rules)}
        self._encoder = IndentedEncoder()
        self._writer = _ResultWriter(self._encoder)
        self._artifacts = Spool()
        self._results = Spool()
        self._n_artifacts = 0
        #: At most this many results in the log (0: all); see the module docs.
        self._max_results = int(self.options.extra.get("sarif_max_results") or 0)
        #: With a limit: each result's rank (:data:`_KEEP_RANK`) and length, in order.
        self._ranks = bytearray()
        self._lengths = array("I")  # (4 bytes each)
        #: ``(results kept, results found)`` once a limited log was written without some.
        self.truncated: tuple[int, int] | None = None

    def _location(self, path: str) -> dict[str, Any]:
        rel = repo_relative(path, self.options.root)
        if rel is not None:
            return {"uri": quote(rel), "uriBaseId": ROOT_ID}
        if path.startswith("<"):
            return {"uri": quote(path.strip("<>"))}
        from pathlib import Path

        return {"uri": Path(path).resolve().as_uri()}

    def _rule(self, finding: Any) -> int:
        if finding.rule not in self._rule_index:
            self._rule_index[finding.rule] = len(self._rules)
            self._rules.append(rule_descriptor({"id": finding.rule, "name": finding.name or finding.rule, "category": finding.category, "severity": finding.severity}))
        return self._rule_index[finding.rule]

    def file(self, result: Any) -> None:
        location = self._location(result.path)
        index = self._n_artifacts
        self._n_artifacts += 1
        artifact: dict[str, Any] = {"location": dict(location), "sourceLanguage": result.format}
        if result.sha256:
            artifact["hashes"] = {"sha-256": result.sha256}
        self._artifacts.write(("" if index == 0 else _ITEM_SEP) + self._encoder.encode(artifact, _ITEM_INDENT))
        if not result.findings:
            return
        source = None
        if not all(f.fingerprint for f in result.findings):
            # Findings checked in this process, or that could not be stamped where they were checked.
            from audit.gating import source_of

            source = source_of(result)
        fingerprint = Fingerprinter()
        write = self._writer.text
        artifact_location = {**location, "index": index}
        results = []
        for f in result.findings:
            results.append(write(f, self._rule(f), artifact_location, fingerprint(f, source)))
        self._results.write(("" if not self._results.used else _ITEM_SEP) + _ITEM_SEP.join(results))
        if self._max_results:
            self._ranks.extend(_KEEP_RANK.get(f.severity, 2) if f.status == "open" else _NOT_OPEN_RANK for f in result.findings)
            self._lengths.extend(map(len, results))

    def _limit(self) -> tuple[int, int] | None:
        """With more results than the limit: the rank below which every result is kept, and
        how many of that rank are kept (the first, in file order)."""
        n = len(self._ranks)
        if not self._max_results or n <= self._max_results:
            return None
        room, cut = self._max_results, 0
        counts = [self._ranks.count(r) for r in range(_NOT_OPEN_RANK + 1)]
        while counts[cut] <= room:  # (the ranks together exceed the limit, so this stops)
            room -= counts[cut]
            cut += 1
        self.truncated = (self._max_results, n)
        return cut, room

    def _copy_results(self, out: Any, cut: int, room: int) -> None:
        """Write the results spooled that :meth:`_limit` keeps, in order."""
        spooled = self._results.reader()
        sep = len(_ITEM_SEP)
        first = True
        for i, (rank, length) in enumerate(zip(self._ranks, self._lengths)):
            if i:
                spooled.read(sep)
            text = spooled.read(length)
            if rank < cut or (rank == cut and room > 0):
                room -= rank == cut
                out.write(text if first else _ITEM_SEP + text)
                first = False

    def end(self, summary: Any) -> None:
        from audit import RULESET_VERSION, __version__

        root_uri = self.options.root.resolve().as_uri().rstrip("/") + "/"
        invocation: dict[str, Any] = {
            "executionSuccessful": True,
            "exitCode": summary.exit_code,
            "startTimeUtc": self._start,
            "endTimeUtc": _now(),
        }
        cmdline = self.options.extra.get("command_line")
        if cmdline:
            invocation["commandLine"] = cmdline
        limit = self._limit()
        if self.truncated:
            kept, found = self.truncated
            invocation["toolExecutionNotifications"] = [{
                "level": "warning",
                "message": {"text": (
                    f"This log holds {kept:,} of the run's {found:,} results (--sarif-max-results): open errors "
                    "first, then warnings, notes and suppressed findings, each in file order. The exit code and "
                    "the summary count every finding; `audit check --format json` lists them all."
                )},
                "descriptor": {"id": LIMIT_NOTIFICATION},
            }]
        head: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "audit",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": self._rules,
                    "properties": {"rulesetVersion": RULESET_VERSION},
                }
            },
            "invocations": [invocation],
            "originalUriBaseIds": {ROOT_ID: {"uri": root_uri}},
        }
        tail: dict[str, Any] = {
            "columnKind": "unicodeCodePoints",
            "properties": {
                "rulesetVersion": RULESET_VERSION,
                "configSha256": self.options.config_digest,
                "failOn": summary.fail_on,
                "summary": summary.as_record(),
            },
        }
        if self.truncated:
            tail["properties"]["results"] = {"limit": self.truncated[0], "found": self.truncated[1]}
        # The run object, at indent 4 inside "runs", with the spooled lists in their place
        # (see json.dumps: an empty list is "[]", items go one level deeper).
        out = self.out
        out.write('{\n  "$schema": ' + json.dumps(SCHEMA_URI) + ',\n  "version": "2.1.0",\n  "runs": [\n    {')
        out.write(_members(self._encoder, head, 4))
        for key, spool in (("artifacts", self._artifacts), ("results", self._results)):
            out.write(f',\n      "{key}": ')
            if spool.used:
                out.write("[\n" + " " * _ITEM_INDENT)
                if spool is self._results and limit is not None:
                    self._copy_results(out, *limit)
                else:
                    spool.copy_to(out)
                out.write("\n      ]")
            else:
                out.write("[]")
            spool.close()
        out.write("," + _members(self._encoder, tail, 4) + "\n    }\n  ]\n}\n")
