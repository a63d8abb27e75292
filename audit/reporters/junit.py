"""JUnit XML output, as CI dashboards (Jenkins, GitLab, Azure, CircleCI) read it.

One ``<testsuite>`` named ``audit``; one ``<testcase>`` per checked file
(``classname`` = the file's folder, ``name`` = the file). Each finding at or
above ``--fail-on`` is a ``<failure>`` of that test case (``type`` = rule id,
``message`` = position and message); findings below the threshold are listed
in ``<system-out>``. Built with :mod:`xml.etree.ElementTree`, so markup in
article text is escaped; characters that XML 1.0 cannot carry at all (most
control characters) are written as ``\\uXXXX``.

Each test case is serialised as its file arrives (into a
:class:`audit.reporters.Spool`) and put in place inside the suite at the end,
when the totals are known: the same text as indenting and serialising the
whole tree at once, with memory that stays flat however many files a run has.
"""

from __future__ import annotations

import re
import socket
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from audit.reporters import Reporter as Base
from audit.reporters import Spool
from audit.reporters._common import at_or_above, display_relative, open_findings

if TYPE_CHECKING:
    from audit.model import Finding

# Characters outside the XML 1.0 Char production (lone surrogates included).
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with characters XML 1.0 forbids written as ``\\uXXXX``."""
    return _INVALID_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _describe(f: Any, path: str) -> str:
    lines = [f"{path}:{f.line}:{f.column}: {f.severity} {f.rule} {f.name}: {f.message}"]
    if f.match:
        lines.append(f"  > {' '.join(f.match.split())}")
    if f.fix:
        lines.append(f"  fix: {f.fix}")
    return "\n".join(lines)


#: Indentation level of a ``<testcase>`` (inside ``<testsuites>`` and ``<testsuite>``).
_CASE_LEVEL = 2
_CASE_SEP = "\n" + "  " * _CASE_LEVEL
#: Stands where the test cases go while the suite around them is serialised (an element
#: name: article text cannot produce a raw ``<`` anywhere in the output).
_PLACEHOLDER = "audit-test-cases"


class Reporter(Base):
    """Serialises each test case as it comes; writes the suite around them at the end."""

    def begin(self) -> None:
        self._started = time.monotonic()
        self._last = self._started
        self._timestamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        self._cases = Spool()
        self._n_cases = 0
        self._failures = 0
        self._failed_cases = 0

    def file(self, result: Any) -> None:
        now = time.monotonic()
        path = display_relative(result.path, self.options.root)
        folder, _, name = path.rpartition("/")
        case = ET.Element("testcase", {
            "classname": xml_safe(folder.replace("/", ".") or "audit"),
            "name": xml_safe(name or path),
            "file": xml_safe(path),
            "time": f"{now - self._last:.3f}",
        })
        self._last = now
        failing: list[Finding] = []
        other: list[Finding] = []
        for f in open_findings(result.findings):
            (failing if at_or_above(f.severity, self.options.fail_on) else other).append(f)
        for f in failing:
            el = ET.SubElement(case, "failure", {
                "type": xml_safe(f.rule),
                "message": xml_safe(f"{f.line}:{f.column} {f.rule} {f.name}: {f.message}"),
            })
            el.text = xml_safe(_describe(f, path))
        if failing:
            self._failures += len(failing)
            self._failed_cases += 1
        if other:
            out = ET.SubElement(case, "system-out")
            out.text = xml_safe("\n".join(_describe(f, path) for f in other) + "\n")
        ET.indent(case, level=_CASE_LEVEL)
        self._cases.write(("" if self._n_cases == 0 else _CASE_SEP) + ET.tostring(case, encoding="unicode"))
        self._n_cases += 1

    def end(self, summary: Any) -> None:
        from audit import RULESET_VERSION, __version__

        total = f"{time.monotonic() - self._started:.3f}"
        suites = ET.Element("testsuites", {
            "name": "audit",
            "tests": str(self._n_cases),
            "failures": str(self._failed_cases),
            "errors": "0",
            "time": total,
        })
        suite = ET.SubElement(suites, "testsuite", {
            "name": "audit",
            "tests": str(self._n_cases),
            "failures": str(self._failed_cases),
            "errors": "0",
            "skipped": "0",
            "time": total,
            "timestamp": self._timestamp,
            "hostname": xml_safe(socket.gethostname() or "localhost"),
        })
        props = ET.SubElement(suite, "properties")
        for key, value in (
            ("audit.version", __version__),
            ("audit.ruleset", RULESET_VERSION),
            ("audit.config_sha256", self.options.config_digest),
            ("audit.fail_on", summary.fail_on),
            ("audit.findings", str(summary.findings)),
            ("audit.failing_findings", str(self._failures)),
        ):
            ET.SubElement(props, "property", {"name": key, "value": value})
        if self._n_cases:
            ET.SubElement(suite, _PLACEHOLDER)
        ET.indent(suites)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        text = ET.tostring(suites, encoding="unicode")
        if self._n_cases:
            before, after = text.split(f"<{_PLACEHOLDER} />")
            self.out.write(before)
            self._cases.copy_to(self.out)
            self.out.write(after)
        else:
            self.out.write(text)
        self._cases.close()
        self.out.write("\n")
