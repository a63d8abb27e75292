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
"""

from __future__ import annotations

import json
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


class Reporter(Base):
    """Writes one SARIF log: artifacts and results are streamed, the rest written at the end."""

    def begin(self) -> None:
        from audit.rules.base import all_rules

        self._start = _now()
        self._rules: list[dict[str, Any]] = [rule_descriptor(r.describe()) for r in all_rules()]
        self._rule_index = {d["id"]: i for i, d in enumerate(self._rules)}
        self._encoder = IndentedEncoder()
        self._artifacts = Spool()
        self._results = Spool()
        self._n_artifacts = 0

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
        encode = self._encoder.encode
        self._artifacts.write(("" if index == 0 else _ITEM_SEP) + encode(artifact, _ITEM_INDENT))
        results: list[str] = []
        from audit.gating import source_of

        source = source_of(result) if result.findings else None
        fingerprint = Fingerprinter()
        for f in result.findings:
            region: dict[str, Any] = {
                "startLine": f.line,
                "startColumn": f.column,
                "endLine": f.end_line,
                "endColumn": f.end_column,
            }
            if f.match:
                region["snippet"] = {"text": f.match}
            text = f.message if not f.fix else f"{f.message} Fix: {f.fix}"
            res: dict[str, Any] = {
                "ruleId": f.rule,
                "ruleIndex": self._rule(f),
                "level": LEVELS.get(f.severity, "warning"),
                "message": {"text": text},
                "locations": [{"physicalLocation": {"artifactLocation": {**location, "index": index}, "region": region}}],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f, source)},
                "properties": {"category": f.category, "severity": f.severity, "name": f.name},
            }
            if f.fix:
                res["properties"]["fix"] = f.fix
            if f.data:
                res["properties"]["data"] = f.data
            if f.status != "open":
                kind = "inSource" if f.status in IN_SOURCE_STATUSES else "external"
                sup: dict[str, Any] = {"kind": kind, "status": "accepted", "properties": {"status": f.status}}
                detail = f.status_detail or {}
                reason = detail.get("reason") or detail.get("justification")
                if reason:
                    sup["justification"] = str(reason)
                res["suppressions"] = [sup]
            results.append(encode(res, _ITEM_INDENT))
        if results:
            self._results.write(("" if not self._results.used else _ITEM_SEP) + _ITEM_SEP.join(results))

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
        # The run object, at indent 4 inside "runs", with the spooled lists in their place
        # (see json.dumps: an empty list is "[]", items go one level deeper).
        out = self.out
        out.write('{\n  "$schema": ' + json.dumps(SCHEMA_URI) + ',\n  "version": "2.1.0",\n  "runs": [\n    {')
        out.write(_members(self._encoder, head, 4))
        for key, spool in (("artifacts", self._artifacts), ("results", self._results)):
            out.write(f',\n      "{key}": ')
            if spool.used:
                out.write("[\n" + " " * _ITEM_INDENT)
                spool.copy_to(out)
                out.write("\n      ]")
            else:
                out.write("[]")
            spool.close()
        out.write("," + _members(self._encoder, tail, 4) + "\n    }\n  ]\n}\n")
