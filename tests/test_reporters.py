"""Machine formats: SARIF, JUnit, GitHub annotations, Markdown and CSV, plus atomic writes."""

from __future__ import annotations

import csv
import enum
import functools
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from collections import OrderedDict
from pathlib import Path

import pytest

from audit.reporters import Spool, _utf8_bytes_of, atomic_writer, available, github, markdown
from audit.reporters import csv as csv_reporter
from tests.reporting_fixtures import CLAIM, LONG, PROMO, document, find, render, result

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = '<script>alert(1)</script> & "quotes", 50% off\nnext::error::pwned'


@pytest.fixture
def article():
    text = (
        "# Knee pain\n\n"
        "This cure works for everyone, 100% of the time.\n\n"
        "Buy now, it is the best supplement ever.\n"
    )
    doc = document(text)
    fs = [
        find(doc, "cure works for everyone", CLAIM, "error"),
        find(doc, "works for everyone, 100%", PROMO, "warning"),
        find(doc, "Buy now", PROMO, "info"),
        find(doc, "best supplement ever", PROMO, "warning", status="waived"),
    ]
    return result(doc, fs)


def test_formats_are_discovered():
    assert {"sarif", "junit", "github", "markdown", "csv", "html", "json", "text"} <= set(available())


# -- SARIF -------------------------------------------------------------------------------------------------------------


def _sarif(results, root=None, **kw):
    return json.loads(render("sarif", results, root=root, **kw))


def test_sarif_validates_against_the_schema(article, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = _sarif([article])
    jsonschema.Draft4Validator(schema).validate(log)
    # The validator is not vacuous: a broken log fails.
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)


def test_sarif_results_rules_and_locations(article):
    log = _sarif([article])
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert {"ZZ101", "ZZ201"} <= set(by_id)
    # Registered rules carry their documentation.
    reg = next(r for r in rules if r["id"] == "IN001")
    assert reg["help"]["markdown"].startswith("**IN001 unreadable-file**")
    assert "Why:" in reg["help"]["text"]
    res = run["results"]
    assert [r["level"] for r in res] == ["error", "warning", "note", "warning"]
    for r in res:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    loc = res[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "docs/article.md", "uriBaseId": "%SRCROOT%", "index": 0}
    assert loc["region"] == {"startLine": 3, "startColumn": 6, "endLine": 3, "endColumn": 29,
                             "snippet": {"text": "cure works for everyone"}}
    assert "Fix: Cite a source." in res[0]["message"]["text"]
    assert run["artifacts"][0]["hashes"]["sha-256"] == article.sha256
    assert run["invocations"][0]["exitCode"] == 1
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    # The waived finding is kept, marked as suppressed outside the source.
    assert "suppressions" not in res[0]
    assert res[3]["suppressions"][0]["kind"] == "external"
    assert res[3]["suppressions"][0]["justification"] == "accepted in review"


def test_sarif_paths_outside_root_are_absolute_uris(tmp_path):
    doc = document("A cure.\n", path=str(tmp_path / "elsewhere.md"))
    log = _sarif([result(doc, [find(doc, "cure")])], root=tmp_path / "project")
    art = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert art["uri"].startswith("file:///") and "uriBaseId" not in art


def test_sarif_columns_count_code_points():
    # Astral characters (one code point, two UTF-16 units) before the match.
    doc = document("😀😀 A cure here.\n")
    region = _sarif([result(doc, [find(doc, "cure")])])["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (6, 10)


def _fingerprints(text):
    doc = document(text)
    fs = [find(doc, "cure works", CLAIM, nth=i) for i in range(text.count("cure works"))]
    log = _sarif([result(doc, fs)])
    return [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["partialFingerprints"]["auditFinding/v1"])
            for r in log["runs"][0]["results"]]


def test_sarif_fingerprints_survive_lines_inserted_above():
    body = "Intro.\n\nThis cure works wonders.\n\nAgain this cure works wonders.\n"
    before = _fingerprints(body)
    after = _fingerprints("# New heading\n\nA new paragraph.\n\n" + body)
    assert [line for line, _ in after] == [line + 4 for line, _ in before]
    assert [fp for _, fp in after] == [fp for _, fp in before]


def test_sarif_fingerprints_tell_duplicates_and_changes_apart():
    (_, a), (_, b) = _fingerprints("This cure works.\n\nThis cure works.\n")
    assert a.split(":")[0] == b.split(":")[0] and a.endswith(":0") and b.endswith(":1")
    (_, c), = _fingerprints("That cure works.\n")
    (_, d), = _fingerprints("This cure works.\n")
    assert c != d


# -- JUnit -------------------------------------------------------------------------------------------------------------


def test_junit_parses_and_counts(article):
    other = document("Nothing to see.\n", path="docs/clean.md")
    xml = render("junit", [article, result(other, [])], fail_on="warning")
    root = ET.fromstring(xml)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["article.md", "clean.md"]
    assert cases[0].get("classname") == "docs" and cases[0].get("file") == "docs/article.md"
    failures = cases[0].findall("failure")
    # error and warning fail at --fail-on warning; the note goes to system-out; the waived one nowhere.
    assert [f.get("type") for f in failures] == ["ZZ101", "ZZ201"]
    assert "Buy now" in cases[0].findtext("system-out")
    assert "best supplement" not in xml
    assert cases[1].find("failure") is None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["audit.fail_on"] == "warning" and props["audit.config_sha256"] == "c" * 64


def test_junit_escapes_markup_and_control_characters():
    doc = document(f"Intro {HOSTILE} \x01\x1b end.\n")
    f = find(doc, "<script>alert(1)</script>", CLAIM, "error", message="bad \x01 <b>", fix="x & y")
    xml = render("junit", [result(doc, [f])])
    assert "<script>" not in xml
    failure = ET.fromstring(xml).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "1:7 ZZ101 unsupported-claim: bad \\u0001 <b>"
    assert "> <script>alert(1)</script>" in failure.text


# -- GitHub ------------------------------------------------------------------------------------------------------------


def test_github_escaping():
    assert github.escape_data("50%\r\nx") == "50%25%0D%0Ax"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = github.command("error", "one\n::error::two", file="a,b:c.md", line=3)
    assert line == "::error file=a%2Cb%3Ac.md,line=3::one%0A::error::two"
    assert "\n" not in line


def test_github_annotations(article, monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    lines = render("github", [article]).splitlines()
    assert lines[0] == ("::error file=docs/article.md,line=3,col=6,endLine=3,endColumn=29,"
                        "title=ZZ101 unsupported-claim::unsupported-claim: cure works for every Fix: Cite a source.")
    assert [ln.split(" ", 1)[0] for ln in lines[:3]] == ["::error", "::warning", "::notice"]
    assert len([ln for ln in lines if ln.startswith("::")]) == 3  # the waived finding is not annotated
    assert lines[-1].startswith("audit: 1 files")


def test_github_paths_relative_to_workspace(tmp_path, monkeypatch):
    (tmp_path / "site").mkdir()
    doc = document("A cure.\n", path=str(tmp_path / "site" / "a.md"))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    out = render("github", [result(doc, [find(doc, "cure")])], root=tmp_path / "site")
    assert "file=site/a.md," in out


def test_github_hostile_message_stays_one_command():
    doc = document(f"Text {HOSTILE}\n")
    f = find(doc, "<script>", CLAIM, message=HOSTILE)
    cmds = [ln for ln in render("github", [result(doc, [f])]).splitlines() if ln.startswith("::")]
    assert len(cmds) == 1 and "%0Anext::error::pwned" in cmds[0] and "50%25 off" in cmds[0]


# -- Markdown ----------------------------------------------------------------------------------------------------------


def test_markdown_summary(article):
    text = render("markdown", [article])
    assert text.startswith("## audit report")
    assert "**Failing:** 1 finding at or above `error`." in text
    assert "| Errors | 1 |" in text and "| Warnings | 1 |" in text and "| Notes | 1 |" in text
    assert "| ZZ201 | promotional\\-language | 2 |" in text or "| ZZ201 | promotional-language | 2 |" in text
    assert "| docs/article.md | 1 | 1 | 1 |" in text


def test_text_output_shows_control_characters_as_escapes():
    """Article text and file names must not drive the terminal (colours, cursor, titles) or
    reorder what it shows (bidirectional overrides)."""
    doc = document("We sell \x1b[31mmiracle\x1b]0;owned\x07 pills \u202egnp.exe now.\n", path="docs/\x1b[2Jart.md")
    f = find(doc, "\x1b[31mmiracle\x1b]0;owned\x07 pills \u202egnp", CLAIM, message="claim '\x1b[31mmiracle'")
    text = render("text", [result(doc, [f])])
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "docs/\\x1b[2Jart.md" in text and "\\x1b[31mmiracle\\x1b]0;owned\\x07 pills \\u202egnp" in text
    assert "claim '\\x1b[31mmiracle'" in text


def test_markdown_escapes_article_text():
    doc = document("We say | <img src=x onerror=alert(1)> [x](javascript:y) @team *bold*\n")
    f = find(doc, "| <img src=x onerror=alert(1)> [x](javascript:y) @team *bold*", CLAIM,
             message="cell | break <b>x</b> @org/team")
    text = render("markdown", [result(doc, [f])])
    row = next(ln for ln in text.splitlines() if ln.startswith("| docs/article.md:1:8"))
    # Every | inside a cell is escaped, so the row keeps its five columns.
    assert row.replace("\\|", "").count("|") == 6
    assert "<img" not in text and "<b>" not in text and "](javascript" not in text
    assert "@team" not in text and "@&#8203;team" in text


def test_markdown_stays_under_the_comment_limit():
    lines = [f"Sentence {i} with a cure that works and some padding text." for i in range(3000)]
    doc = document("\n".join(lines) + "\n")
    long = "x" * 400
    fs = [find(doc, f"Sentence {i} with a cure", LONG, "error", message=f"{long} {i}") for i in range(3000)]
    text = render("markdown", [result(doc, fs)], markdown_findings=5000)
    assert len(text) <= markdown.LIMIT
    assert "more findings: see the full report" in text
    assert text.rstrip().endswith("</sub>")
    shown = sum(1 for ln in text.splitlines() if ln.startswith("| docs/article.md:"))
    assert 50 < shown < 3000


def test_markdown_lists_the_files_with_most_errors_first(article):
    # More files than the table lists: the reporter keeps only those that can still be
    # listed, and the table is the first MAX_FILES of all of them in order.
    import dataclasses

    n = 3 * markdown.MAX_FILES + 7
    results = []
    for i in range(n):
        keep = [f for k, f in enumerate(article.findings) if (i * 7 + k) % 3 != 0]
        results.append(dataclasses.replace(article, path=f"docs/a{(i * 37) % n:03d}.md", findings=keep))
    results.append(dataclasses.replace(article, path="docs/clean.md", findings=[]))
    text = render("markdown", results)
    table = [ln for ln in text.split("### Files")[1].split("###")[0].splitlines() if ln.startswith("| docs/")]

    def counts(r):
        c = {"error": 0, "warning": 0, "info": 0}
        for f in r.findings:
            if f.status == "open":
                c[f.severity] += 1
        return c

    expected = sorted(((r.path, counts(r)) for r in results if any(counts(r).values())),
                      key=lambda pc: (-pc[1]["error"], -sum(pc[1].values()), pc[0]))[: markdown.MAX_FILES]
    assert table == [f"| {p} | {c['error']} | {c['warning']} | {c['info']} |" for p, c in expected]
    assert f"| … {n - markdown.MAX_FILES} more files | | | |" in text


def test_markdown_shows_the_first_n_findings(article):
    text = render("markdown", [article], markdown_findings=1)
    assert sum(1 for ln in text.splitlines() if ln.startswith("| docs/article.md:")) == 1
    assert "… and 2 more findings" in text


# -- CSV ---------------------------------------------------------------------------------------------------------------


def test_csv_round_trip():
    text = 'He said "a, b"\nand then =SUM(A1) -1 @x\ttab.\n'
    doc = document(text, path="docs/q,uote\".md")
    fs = [find(doc, 'said "a, b"\nand', CLAIM, "error", message='multi\nline, "quoted"', fix=None),
          find(doc, "=SUM(A1)", PROMO, message="=HYPERLINK(\"http://x\")")]
    out = render("csv", [result(doc, fs)])
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert list(rows[0]) == list(csv_reporter.FINDING_COLUMNS)
    assert len(rows) == 2
    assert rows[0]["path"] == 'docs/q,uote".md'
    assert rows[0]["match"] == 'said "a, b"\nand'
    assert rows[0]["message"] == 'multi\nline, "quoted"'
    assert rows[0]["fix"] == "" and rows[0]["line"] == "1" and rows[0]["end_line"] == "2"
    # Cells a spreadsheet would evaluate are neutralised, and restore() undoes it.
    assert rows[1]["match"] == "'=SUM(A1)" and csv_reporter.restore(rows[1]["match"]) == "=SUM(A1)"
    assert csv_reporter.restore(rows[1]["message"]) == '=HYPERLINK("http://x")'
    assert csv_reporter.restore("'plain") == "'plain"


def test_claims_csv_rows(monkeypatch):
    claims = [{"line": 3, "column": 1, "end_line": 3, "end_column": 20, "text": "=cmd|' /C calc'!A0 cures it",
               "claim": True, "kind": "efficacy", "strength": "strong", "hedged": False, "hedges": [],
               "absolutes": ["always", "never"], "support": "none",
               "citations": [{"type": "link", "text": "[1]", "url": "https://doi.org/x"}]}]
    import audit.reporters._common as common

    monkeypatch.setattr(common, "claims_inventory", lambda result, options: claims)
    monkeypatch.setattr(csv_reporter, "claims_inventory", lambda result, options: claims)
    doc = document("Some text.\n")
    out = render("csv", [result(doc, [])], reporter=csv_reporter.ClaimsReporter)
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert rows == [{
        "path": "docs/article.md", "line": "3", "column": "1", "end_line": "3", "end_column": "20",
        "kind": "efficacy", "strength": "strong", "support": "none", "hedged": "false", "hedges": "",
        "absolutes": "always; never", "citations": "https://doi.org/x", "attributions": "", "statistics": "",
        "text": "'=cmd|' /C calc'!A0 cures it",
    }]


# -- JSON ---------------------------------------------------------------------------------------------------------------


class _Tag(str):
    pass


class _Level(enum.IntEnum):
    LOW = 1


#: Values that json.dumps writes in ways a hand-made encoder easily gets wrong.
AWKWARD: list = [
    {},
    [],
    (),
    {"a": {}, "b": [], "c": [{}], "d": [[]]},
    {"nested": {"deeper": {"list": [1, [2, [3, {"x": None}]]]}}},
    {"same": 1, "float": 1.0, "bool": True, "zero": 0, "negzero": -0.0, "fzero": 0.0, "no": False},
    [True, 1, 1.0, False, 0, 0.0, -0.0, None],
    {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "tiny": 5e-324, "big": 1e300, "huge": 10**40},
    {"quote\"key": "a \"quoted\" \\ value", "percent %s %d %%": "100% sure", "tab\tkey": "line\nbreak"},
    {"ls": "one\u2028two\u0085three\u2029", "ctl": "\x00\x1f\x7f", "astral": "\U0001f600 caf\u00e9 \u2019"},
    {3: "int key", 2.5: "float key", True: "bool key", None: "none key"},
    {"tuple": (1, "a", (2.5, None)), "list of tuples": [(1, 2), ()]},
    {"str subclass": _Tag("tagged"), "int subclass": _Level.LOW, _Tag("key subclass"): 1},
    {"ordered": OrderedDict([("b", 1), ("a", 2)]), "deep": functools.reduce(lambda acc, _: [acc], range(80), 1)},
]


@pytest.mark.parametrize("indent", [0, 2, 4])
def test_json_encoder_matches_json_dumps(indent):
    from audit.reporters.json import IndentedEncoder

    enc = IndentedEncoder()
    for _ in range(2):  # the second round is served from the encoder's caches
        for value in AWKWARD:
            expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * indent)
            assert enc.encode(value, indent) == expected, value
            assert "".join(enc.parts(value, indent)) == expected, value


def test_json_encoder_keeps_equal_values_of_different_types_apart():
    from audit.reporters.json import IndentedEncoder

    enc = IndentedEncoder()
    # 1 == 1.0 == True and 0.0 == -0.0: a cache keyed by value alone would mix them up.
    assert enc.encode([1, 1.0, True, 0.0, -0.0, 0, False]) == json.dumps([1, 1.0, True, 0.0, -0.0, 0, False], indent=2)
    assert enc.encode({"v": True}) == '{\n  "v": true\n}'
    assert enc.encode({"v": 1.0}) == '{\n  "v": 1.0\n}'
    assert enc.encode({"v": -0.0}) == '{\n  "v": -0.0\n}'


def test_json_encoder_errors_like_json_dumps():
    from audit.reporters.json import IndentedEncoder

    enc = IndentedEncoder()
    with pytest.raises(TypeError, match="not JSON serializable"):
        enc.encode({"ok": 1, "bad": {1, 2}})
    loop: list = []
    loop.append({"self": loop})
    with pytest.raises(ValueError, match="Circular reference"):
        enc.encode({"loop": loop})


def test_json_report_is_json_dumps_of_the_whole_document(article):
    doc = document("# Title\n\nThis cures\u2028cancer, 100% \"proven\" \u2019 safe.\n")
    other = result(doc, [find(doc, "cures", CLAIM, "error"), find(doc, "100%", PROMO, "info", status="waived")],
                   claims={"total": 1, "by_kind": {}}, promotion={"score": 1.5, "by_rule": {"PR001": 1}})
    empty = result(document("", path="empty.md"), [])
    results = [article, other, empty]
    out = render("json", results)
    parsed = json.loads(out)
    assert out == json.dumps(parsed, ensure_ascii=False, indent=2) + "\n"
    assert [f["path"] for f in parsed["files"]] == [r.path for r in results]
    assert parsed["files"][1] == json.loads(json.dumps(other.as_record()))
    assert render("json", []) == json.dumps(json.loads(render("json", [])), ensure_ascii=False, indent=2) + "\n"


# -- atomic writes -----------------------------------------------------------------------------------------------------


def test_atomic_write_keeps_the_old_file_on_error(tmp_path, article):
    target = tmp_path / "findings.sarif"
    target.write_text("previous report\n", encoding="utf-8")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), atomic_writer(target) as fh:
        fh.write("half a report")
        raise Boom
    assert target.read_text(encoding="utf-8") == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["findings.sarif"]  # no temporary file left

    with atomic_writer(target) as fh:
        fh.write(render("sarif", [article]))
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert target.stat().st_mode & 0o044  # readable like any other file, not private


# -- streamed formats: same text, flat memory ----------------------------------------------------------------------------


def _streamed_results(article):
    doc = document("# Title\n\nThis cures\u2028cancer, 100% \"proven\" \u2019 safe.\n", path="docs/other.md")
    f = find(doc, "cures", CLAIM, "error")
    import dataclasses

    f = dataclasses.replace(f, data={"scope": "document", "cues": ("cures", "100%"), "n": 2})
    other = result(doc, [f, find(doc, "100%", PROMO, "info", status="waived")])
    no_findings = result(document("Plain words.\n", path="docs/plain.md"), [])
    return [article, no_findings, other, no_findings]


@pytest.mark.parametrize("spool_bytes", [None, 1])
def test_sarif_log_is_json_dumps_of_the_whole_log(article, monkeypatch, spool_bytes):
    # Streamed artifacts and results (kept in memory, or in temporary files from the first byte)
    # give exactly the text json.dumps writes for the whole log.
    import audit.reporters

    if spool_bytes is not None:
        monkeypatch.setattr(audit.reporters, "SPOOL_MEMORY", spool_bytes)
    for results in (_streamed_results(article), [], [_streamed_results(article)[1]]):
        out = render("sarif", results)
        log = json.loads(out)
        assert out == json.dumps(log, ensure_ascii=False, indent=2) + "\n"
        run = log["runs"][0]
        assert [a["location"]["uri"] for a in run["artifacts"]] == [r.path for r in results]
        assert [r["ruleId"] for r in run["results"]] == [f.rule for r in results for f in r.findings]
        assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["index"] for r in run["results"]] == [
            i for i, r in enumerate(results) for _ in r.findings
        ]
    data = json.loads(render("sarif", _streamed_results(article)))["runs"][0]["results"][-2]["properties"]["data"]
    assert data == {"scope": "document", "cues": ["cures", "100%"], "n": 2}


@pytest.mark.parametrize("spool_bytes", [None, 1])
def test_a_limited_sarif_log_keeps_the_most_severe_results_in_file_order(article, monkeypatch, spool_bytes):
    import audit.reporters
    from tests.reporting_fixtures import comparable

    if spool_bytes is not None:
        monkeypatch.setattr(audit.reporters, "SPOOL_MEMORY", spool_bytes)
    results = _streamed_results(article)
    findings = [f for r in results for f in r.findings]
    full_text = render("sarif", results)
    full = json.loads(full_text)["runs"][0]["results"]
    rank = [{"error": 0, "warning": 1, "info": 2}[f.severity] if f.status == "open" else 3 for f in findings]
    assert sorted(rank) == [0, 0, 1, 2, 3, 3]
    for limit in range(1, len(findings)):
        out = render("sarif", results, sarif_max_results=limit)
        log = json.loads(out)
        assert out == json.dumps(log, ensure_ascii=False, indent=2) + "\n"
        # Open errors, then warnings, notes and the suppressed, the first of each in file order.
        keep = sorted(sorted(range(len(findings)), key=lambda i: rank[i])[:limit])
        run = log["runs"][0]
        assert run["results"] == [full[i] for i in keep], limit
        assert run["properties"]["results"] == {"limit": limit, "found": len(findings)}
        note = run["invocations"][0]["toolExecutionNotifications"][0]
        assert note["descriptor"]["id"] == "sarif-max-results" and f"holds {limit:,} of the run's 6 results" in note["message"]["text"]
        # Every artifact stays, and the summary counts every finding.
        assert len(run["artifacts"]) == len(results)
        assert run["properties"]["summary"]["by_severity"] == json.loads(full_text)["runs"][0]["properties"]["summary"]["by_severity"]
    # A limit the run does not reach changes nothing.
    for limit in (len(findings), 100):
        assert comparable(render("sarif", results, sarif_max_results=limit)) == comparable(full_text)


def test_a_limited_sarif_log_validates_against_the_schema(article):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(_sarif(_streamed_results(article)[:3], sarif_max_results=2))


def test_sarif_results_of_every_shape_hold_their_findings():
    # Results are written from templates per shape (snippet, fix, data, suppression) and rule:
    # each must read back as the object its finding describes, whatever values it holds.
    import dataclasses

    from audit.gating.fingerprint import fingerprint

    doc = document("# T\n\nA cure \"here\", and \ue0001\ue001 odd.\n\nAnd \u2028 a cure.\n")
    cure = find(doc, "cure", CLAIM, "error")
    variants = [
        cure,
        dataclasses.replace(cure, fix=None),
        dataclasses.replace(cure, fix=""),
        dataclasses.replace(cure, match="", fix=None),
        dataclasses.replace(cure, data={"scope": "document", "cues": ("a", 1, 2.5, None, True), "deep": {"x": [[], {}]}}),
        dataclasses.replace(cure, data={1: "int key"}),
        dataclasses.replace(cure, status="suppressed", status_detail={"justification": "quoted from a source"}),
        dataclasses.replace(cure, status="baselined", status_detail=None, fix=None, data={"n": 3}),
        dataclasses.replace(cure, message="\ue0003\ue001 looks like a stand-in", name="\ue0009\ue001"),
        dataclasses.replace(cure, line=True, column=2.0),  # odd types go to the encoder as they are
        find(doc, "\ue0001\ue001", PROMO, "info"),
        find(doc, "cure", PROMO, "warning", nth=1, fix="Say less."),
    ]
    checked = result(doc, variants)
    out = render("sarif", [checked])
    assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"
    results = json.loads(out)["runs"][0]["results"]
    assert len(results) == len(variants) == len(checked.findings)
    for f, r in zip(checked.findings, results):
        assert r["ruleId"] == f.rule and r["level"] == {"error": "error", "warning": "warning", "info": "note"}[f.severity]
        assert r["message"]["text"] == (f"{f.message} Fix: {f.fix}" if f.fix else f.message)
        region = r["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
            f.line, f.column, f.end_line, f.end_column)
        assert region.get("snippet") == ({"text": f.match} if f.match else None)
        assert r["partialFingerprints"]["auditFinding/v1"].split(":")[0] == fingerprint(f, doc.source)
        props = r["properties"]
        assert (props["category"], props["severity"], props["name"]) == (f.category, f.severity, f.name)
        assert props.get("fix") == (f.fix or None)
        assert props.get("data") == (json.loads(json.dumps(f.data)) if f.data else None)
        if f.status == "open":
            assert "suppressions" not in r
        else:
            [sup] = r["suppressions"]
            assert sup["kind"] == ("inSource" if f.status == "suppressed" else "external")
            assert sup["properties"]["status"] == f.status
            assert sup.get("justification") == (f.status_detail or {}).get("justification")


@pytest.mark.parametrize("spool_bytes", [None, 1])
def test_junit_is_the_whole_tree_indented_at_once(article, monkeypatch, spool_bytes):
    import audit.reporters

    if spool_bytes is not None:
        monkeypatch.setattr(audit.reporters, "SPOOL_MEMORY", spool_bytes)
    for results in (_streamed_results(article), [], [_streamed_results(article)[1]]):
        xml = render("junit", results, fail_on="warning")
        head, body = xml.split("\n", 1)
        assert head == '<?xml version="1.0" encoding="UTF-8"?>'
        tree = ET.fromstring(body)
        ET.indent(tree)
        assert body == ET.tostring(tree, encoding="unicode") + "\n"
        cases = tree.findall("testsuite/testcase")
        assert [c.get("file") for c in cases] == [r.path for r in results]
        assert tree.find("testsuite").get("tests") == str(len(results))


def test_html_page_is_the_same_when_spooled_to_disk(article, monkeypatch):
    import audit.reporters

    def page():
        text = render("html", _streamed_results(article), readability_metric="smog_index", readability_target=8.0)
        # The generation time is the only part that may differ between two renderings.
        return re.sub(r"\d{4}-\d\d-\d\d[T ][\d:]+(?:\+00:00| UTC)", "TIME", text)

    in_memory = page()
    monkeypatch.setattr(audit.reporters, "SPOOL_MEMORY", 1)
    assert page() == in_memory
    data = json.loads(re.search(r'<script type="application/json" id="audit-data">(.*?)</script>', in_memory, re.DOTALL).group(1))
    assert sorted(data["findings"], key=int) == [str(i) for i in range(sum(len(r.findings) for r in _streamed_results(article)))]
    assert in_memory.count('<section class="article"') == 4


@pytest.mark.parametrize("fmt", ["sarif", "junit", "html", "json", "markdown", "csv"])
def test_streamed_reports_do_not_hold_findings(fmt, monkeypatch):
    # Memory flat as a run grows: after the first files, each further file (here with 60 findings
    # and its text) leaves at most a small record behind in the reporter, not its findings.
    import dataclasses
    import tracemalloc

    import audit.reporters
    from tests.reporting_fixtures import summarise

    monkeypatch.setattr(audit.reporters, "SPOOL_MEMORY", 1)
    text = "".join(f"Paragraph {i}: this cure works for everyone, buy now.\n\n" for i in range(30))
    doc = document(text)
    fs = [find(doc, "cure works", CLAIM, "error", nth=i) for i in range(30)]
    fs += [find(doc, "buy now", PROMO, "warning", nth=i) for i in range(30)]
    base = result(doc, fs)
    out = io.StringIO()
    rep = audit.reporters.get(fmt)(out, audit.reporters.ReportOptions(config_digest="c" * 64))
    rep.begin()

    def feed(start, n):
        for i in range(start, start + n):
            rep.file(dataclasses.replace(base, path=f"docs/a{i}.md"))
            out.seek(0)
            out.truncate()  # what was written is the output's business, not the reporter's

    feed(0, 20)
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        feed(20, 100)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert grown / 100 < 2000, f"{fmt}: {grown / 100:.0f} bytes kept per file"
    rep.end(summarise([base]))


@pytest.mark.parametrize("head, items, tail", [
    ({}, [], {}),
    ({"version": 1}, [{"a": [1, 2.5, None]}], {"summary": {"n": 1}}),
    ({"t\u00e9": "\u2028x", "n": [], "e": {}}, [{}, [], "s", {"deep": {"k": ({"x": True},)}}], {"z": []}),
])
def test_write_streamed_is_what_json_dumps_writes(head, items, tail):
    from audit.reporters.json import write_streamed

    out = io.StringIO()
    write_streamed(out, head, "files", iter(items), lambda: tail)
    assert out.getvalue() == json.dumps({**head, "files": items, **tail}, indent=2, ensure_ascii=False) + "\n"


def test_paths_are_made_relative_to_the_root_as_written_or_through_symbolic_links(tmp_path, monkeypatch):
    from audit.reporters._common import display_relative, repo_relative

    real = tmp_path / "real"
    (real / "docs").mkdir(parents=True)
    (real / "docs" / "a.md").write_text("x", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    assert repo_relative(str(real / "docs" / "a.md"), real) == "docs/a.md"
    assert repo_relative("real/docs/a.md", real) == "docs/a.md"  # relative to the working directory
    # Written through a link to the root: only resolving the links shows it is inside.
    assert repo_relative(str(link / "docs" / "a.md"), real) == "docs/a.md"
    assert repo_relative(str(real / "docs" / "a.md"), link) == "docs/a.md"
    assert repo_relative(str(tmp_path / "elsewhere.md"), real) is None
    assert repo_relative("<stdin>", real) is None
    assert display_relative(str(tmp_path / "elsewhere.md"), real) == str(tmp_path / "elsewhere.md")


def test_github_says_when_more_findings_were_annotated_than_github_shows(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    doc = document("A cure. " * 12 + "\n")
    few = [find(doc, "cure", CLAIM, "error", nth=i) for i in range(10)]
    assert "more findings than annotations shown" not in render("github", [result(doc, few)])
    many = [find(doc, "cure", CLAIM, "error", nth=i) for i in range(11)] + [find(doc, "A cure", PROMO, "warning")]
    lines = render("github", [result(doc, many)]).splitlines()
    notice = [ln for ln in lines if "more findings than annotations shown" in ln]
    assert len(notice) == 1 and notice[0].startswith("::notice title=audit%3A more findings than annotations shown::")
    assert "11 errors, 1 warning annotated; GitHub shows 10 of each kind per step" in notice[0]
    assert lines.index(notice[0]) == len(lines) - 2 and lines[-1].startswith("audit: 1 files")


# --- Spool: what streamed reports keep until the end ------------------------------------


def _spooled(max_size: int) -> tuple[Spool, str]:
    """A spool holding text with one- to four-byte characters, one of them across the 1 MiB
    chunks ``copy_to`` reads (and across the memory limit when ``max_size`` is small)."""
    spool = Spool(max_size=max_size)
    text = "a" * ((1 << 20) - 1) + "é–😀\n" + "naïve café\r\n" * 1000
    for i in range(0, len(text), 65536):
        spool.write(text[i : i + 65536])
    return spool, text


@pytest.mark.parametrize("max_size", [64, 1 << 30], ids=["on-disk", "in-memory"])
def test_spool_copies_into_a_report_file_byte_for_byte(tmp_path, max_size):
    spool, text = _spooled(max_size)
    target = tmp_path / "out.txt"
    with atomic_writer(target) as out:
        out.write("before ü|")
        # (copied as bytes where "\n" is the line end; else decoded and written as text)
        assert (_utf8_bytes_of(out) is out.buffer) == (os.linesep == "\n")
        spool.copy_to(out)
        out.write("|after ß")
        spool.write("more")  # (a spool goes on after a copy)
        spool.copy_to(out)
    spool.close()
    assert target.read_bytes() == ("before ü|" + text + "|after ß" + text + "more").encode("utf-8")


@pytest.mark.parametrize("max_size", [64, 1 << 30], ids=["on-disk", "in-memory"])
def test_spool_decodes_for_other_outputs(max_size):
    spool, text = _spooled(max_size)
    for out in (io.StringIO(), io.TextIOWrapper(io.BytesIO(), encoding="utf-16", newline="")):
        out.write("x")
        spool.copy_to(out)
        out.seek(0)
        assert out.read() == "x" + text
    assert not spool.used or spool.reader().read(len(text) - 5) == text[:-5]
    spool.close()


def test_spool_reads_back_by_characters():
    spool = Spool(max_size=8)
    parts = ["ä😀", "plain", "", "–ñ"]
    for p in parts:
        spool.write(p)
    reader = spool.reader()
    assert [reader.read(len(p)) for p in parts] == parts and reader.read() == ""
    spool.close()
    assert not Spool().used
