"""Fingerprints and baselines: stable matching, counts, stale entries, the CLI round trip."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.engine import FileResult
from audit.gating import GatingError
from audit.gating import baseline as bl
from audit.gating.fingerprint import fingerprint, fingerprint_parts, fingerprints
from audit.model import Finding
from tests.test_gating_inline import run, test_rules  # noqa: F401  (fixture)


def fps(text: str) -> list[tuple[str, str]]:
    r = run(text, select=("TS",))
    return [(f.rule, fingerprint(f, text)) for f in r.findings]


def test_fingerprint_is_stable_when_text_is_inserted_above(test_rules: None) -> None:  # noqa: F811
    before = "Intro.\n\nWe sell zorbix to everyone.\n"
    after = "A new heading\n\nTwo new paragraphs.\n\nMore.\n\nIntro.\n\nWe sell zorbix to everyone.\n"
    assert fps(before) == fps(after)
    assert len(fps(before)) == 1


def test_fingerprint_ignores_rewrapping_case_and_markup(test_rules: None) -> None:  # noqa: F811
    a = "We sell zorbix to everyone.\n"
    b = "We sell\nZORBIX to *everyone*.\n"
    assert [f for _, f in fps(a)] == [f for _, f in fps(b)]


def test_fingerprint_changes_with_the_wording_around_the_match(test_rules: None) -> None:  # noqa: F811
    assert fps("We sell zorbix to everyone.\n") != fps("We give zorbix to everyone.\n")


def test_fingerprint_depends_on_rule_and_match_not_path() -> None:
    src = "Take zorbix daily."
    f = Finding("a.md", 1, 6, 1, 12, "TS001", "promotion", "error", "m", "zorbix", offset=5, end_offset=11)
    moved = Finding("other/b.md", 9, 6, 9, 12, "TS001", "promotion", "error", "m", "zorbix", offset=5, end_offset=11)
    other_rule = Finding("a.md", 1, 6, 1, 12, "TS002", "promotion", "error", "m", "zorbix", offset=5, end_offset=11)
    assert fingerprint(f, src) == fingerprint(moved, src)
    assert fingerprint(f, src) != fingerprint(other_rule, src)
    assert len(fingerprint(f, src)) == 16 and int(fingerprint(f, src), 16) >= 0


def test_context_stops_at_paragraph_breaks() -> None:
    s1 = "Old paragraph above.\n\nzorbix works."
    s2 = "Completely different paragraph above.\n\nzorbix works."
    f1 = Finding("a.md", 3, 1, 3, 7, "TS001", "promotion", "error", "m", "zorbix", offset=22, end_offset=28)
    f2 = Finding("a.md", 3, 1, 3, 7, "TS001", "promotion", "error", "m", "zorbix", offset=39, end_offset=45)
    assert s1[22:28] == s2[39:45] == "zorbix"
    assert fingerprint(f1, s1) == fingerprint(f2, s2)


def test_document_level_finding_fingerprint_ignores_the_text() -> None:
    f = Finding("a.md", 1, 1, 1, 1, "TS001", "promotion", "error", "grade 12", "")
    assert fingerprint(f, "one text") == fingerprint(f, "another text entirely")


def test_whole_document_finding_is_identified_by_its_rule_whatever_text_it_is_shown_at() -> None:
    a, b = "Iron and you\n\nText.", "A new title\n\nText."
    fa = Finding("a.md", 1, 1, 1, 13, "PV001", "provenance", "warning", "no author", a[:12], offset=0, end_offset=12,
                 data={"scope": "document"})
    fb = Finding("a.md", 1, 1, 1, 12, "PV001", "provenance", "warning", "no author", b[:11], offset=0, end_offset=11,
                 data={"scope": "document"})
    assert fingerprint(fa, a) == fingerprint(fb, b)
    # Baselines and waivers written before whole-document findings had their own form still match.
    current, earlier = fingerprints(fa, a)
    assert current == fingerprint(fa, a)
    assert earlier == fingerprint_parts("PV001", a[:12], a, 0, 12) != current
    span = Finding("a.md", 1, 1, 1, 13, "CL001", "claims", "error", "m", a[:12], offset=0, end_offset=12)
    assert fingerprints(span, a) == (fingerprint(span, a),)


def test_baseline_written_with_the_earlier_fingerprint_still_matches(tmp_path: Path) -> None:
    from tests.conftest import check_text

    text = "# Iron\n\nIron tablets cure tiredness in everyone.\n"
    r = check_text(text, "markdown", select=("PV001",))
    [f] = r.findings
    assert f.data == {"scope": "document"}
    r.path = str(tmp_path / "a.md")
    entry = bl.Entry("a.md", "PV001", fingerprint_parts("PV001", f.match, text, f.offset, f.end_offset), f.match)
    p = tmp_path / "base.json"
    p.write_text(bl.dumps([entry]))
    m = bl.Matcher(bl.load(p))
    m.apply(r, lambda: text)
    assert [x.status for x in r.findings] == ["baselined"]
    assert m.report()["stale"] == 0


def _result(path: str, text: str) -> tuple[FileResult, str]:
    r = run(text, select=("TS",))
    r.path = path
    return r, text


def test_collect_counts_duplicates_and_sorts(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    text = "zorbix.\n\nzorbix.\n\nquux\n"
    r, src = _result(str(tmp_path / "a.md"), text)
    entries = bl.collect([(r.path, f, src) for f in r.findings], tmp_path)
    assert [(e.path, e.rule, e.count, e.match) for e in entries] == [("a.md", "TS001", 2, "zorbix"),
                                                                    ("a.md", "TS002", 1, "quux")]


def test_dump_and_load_round_trip(tmp_path: Path) -> None:
    entries = [bl.Entry("b.md", "TS002", "00ff", "quux", 1), bl.Entry("a.md", "TS001", "abcd", "zorbix", 3)]
    p = tmp_path / "base.json"
    p.write_text(bl.dumps(entries))
    data = json.loads(p.read_text())
    assert data["version"] == 1 and data["tool"]["name"] == "audit" and data["created"]
    assert [e["path"] for e in data["entries"]] == ["a.md", "b.md"]
    assert list(data["entries"][0]) == ["path", "rule", "fingerprint", "match", "count"]
    loaded = bl.load(p)
    assert [(e.path, e.rule, e.fingerprint, e.count) for e in loaded.entries] == [
        ("a.md", "TS001", "abcd", 3), ("b.md", "TS002", "00ff", 1)]


@pytest.mark.parametrize("content,expected", [
    ("not json", "not valid JSON"),
    ("[]", "expected a JSON object"),
    ('{"version": 9, "entries": []}', "version"),
    ('{"version": 1}', "entries"),
    ('{"version": 1, "entries": [{"path": "a", "rule": "TS001"}]}', "entries[0].fingerprint"),
    ('{"version": 1, "entries": [{"path": "a", "rule": "TS001", "fingerprint": "ab", "count": 0}]}', "entries[0].count"),
])
def test_bad_baseline_files_name_the_file_and_key(tmp_path: Path, content: str, expected: str) -> None:
    p = tmp_path / "b.json"
    p.write_text(content)
    with pytest.raises(GatingError) as e:
        bl.load(p)
    assert str(p) in str(e.value) and expected in str(e.value)


def test_missing_baseline_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(GatingError, match="audit baseline"):
        bl.load(tmp_path / "none.json")


def test_matcher_marks_known_findings_and_keeps_new_ones_open(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    old = "Intro.\n\nzorbix once.\n"
    r, src = _result(str(tmp_path / "a.md"), old)
    p = tmp_path / "base.json"
    p.write_text(bl.dumps(bl.collect([(r.path, f, src) for f in r.findings], tmp_path)))
    new = "Added.\n\nIntro.\n\nzorbix once.\n\nzorbix twice.\n"
    r2, src2 = _result(str(tmp_path / "a.md"), new)
    m = bl.Matcher(bl.load(p))
    m.apply(r2, lambda: src2)
    assert [(f.line, f.status) for f in r2.findings] == [(5, "baselined"), (7, "open")]
    assert r2.findings[0].status_detail["by"] == "baseline"
    rep = m.report()
    assert (rep["entries"], rep["matched"], rep["stale"]) == (1, 1, 0)


def test_count_limits_how_many_identical_findings_match(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    r, src = _result(str(tmp_path / "a.md"), "zorbix.\n")
    p = tmp_path / "base.json"
    p.write_text(bl.dumps(bl.collect([(r.path, f, src) for f in r.findings], tmp_path)))
    r2, src2 = _result(str(tmp_path / "a.md"), "zorbix.\n\nzorbix.\n")
    m = bl.Matcher(bl.load(p))
    m.apply(r2, lambda: src2)
    assert sorted(f.status for f in r2.findings) == ["baselined", "open"]


def test_stale_entries_only_for_checked_or_deleted_files(tmp_path: Path) -> None:
    (tmp_path / "checked.md").write_text("x")
    (tmp_path / "unchecked.md").write_text("x")
    entries = [bl.Entry("checked.md", "TS001", "aa", "zorbix", 2), bl.Entry("unchecked.md", "TS001", "bb", "z", 1),
               bl.Entry("deleted.md", "TS002", "cc", "quux", 1)]
    p = tmp_path / "base.json"
    p.write_text(bl.dumps(entries))
    m = bl.Matcher(bl.load(p))
    m.apply(FileResult(str(tmp_path / "checked.md"), "markdown"), lambda: "x")
    rep = m.report()
    assert rep["stale"] == 3
    assert sorted((e["path"], e["count"]) for e in rep["stale_entries"]) == [("checked.md", 2), ("deleted.md", 1)]
    assert m.report() == rep  # reporting twice gives the same answer


def test_key_path_is_relative_to_the_baseline_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    assert bl.key_path("a.md", tmp_path) == "docs/a.md"
    assert bl.key_path(str(tmp_path / "docs" / "a.md"), tmp_path) == "docs/a.md"
    assert bl.key_path("<stdin>", tmp_path) == "<stdin>"


# -- command line -------------------------------------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_baseline_then_check_fails_only_on_new_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            test_rules: None) -> None:  # noqa: F811
    monkeypatch.chdir(tmp_path)
    Path("docs").mkdir()
    Path("docs/a.md").write_text("Intro.\n\nWe sell zorbix.\n\nAnd quux.\n")
    Path("docs/b.md").write_text("zorbix here too.\n")
    assert invoke("check", "docs", "--select", "TS").exit_code == 1

    r = invoke("baseline", "docs", "--select", "TS", "-o", "audit-baseline.json")
    assert r.exit_code == 0, r.output
    assert "3 findings" in r.output
    data = json.loads(Path("audit-baseline.json").read_text())
    assert [(e["path"], e["rule"]) for e in data["entries"]] == [
        ("docs/a.md", "TS001"), ("docs/a.md", "TS002"), ("docs/b.md", "TS001")]

    r = invoke("check", "docs", "--select", "TS", "--baseline", "audit-baseline.json")
    assert r.exit_code == 0, r.output
    assert "3 of 3 recorded findings matched" in r.output

    # Lines inserted above, one finding fixed, one new finding: only the new one fails.
    Path("docs/a.md").write_text("# Title\n\nNew text.\n\nIntro.\n\nWe sell zorbix.\n\nAnd quux.\n\nzorbix is new.\n")
    Path("docs/b.md").write_text("fixed.\n")
    r = invoke("check", "docs", "--select", "TS", "--baseline", "audit-baseline.json", "-f", "json")
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    findings = {(f["line"], f.get("status", "open")) for fr in out["files"] for f in fr["findings"]}
    assert findings == {(7, "baselined"), (9, "baselined"), (11, "open")}
    gating = out["summary"]["gating"]["baseline"]
    assert (gating["matched"], gating["stale"]) == (2, 1)
    assert gating["stale_entries"][0]["path"] == "docs/b.md"
    assert out["summary"]["suppressed"] == 2 and out["summary"]["failing"] == 1


def test_cli_show_suppressed_lists_baselined_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      test_rules: None) -> None:  # noqa: F811
    monkeypatch.chdir(tmp_path)
    Path("a.md").write_text("zorbix\n")
    invoke("baseline", "a.md", "--select", "TS", "-o", "b.json")
    r = invoke("check", "a.md", "--select", "TS", "--baseline", "b.json", "-f", "text")
    assert r.exit_code == 0 and "baselined: in baseline" not in r.stdout
    r = invoke("check", "a.md", "--select", "TS", "--baseline", "b.json", "-f", "text", "--show-suppressed")
    assert r.exit_code == 0 and "a.md:1:1" in r.stdout and "baselined: in baseline b.json" in r.stdout


def test_cli_baseline_from_config_relative_to_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          test_rules: None) -> None:  # noqa: F811
    (tmp_path / "audit.toml").write_text('baseline = "ci/baseline.json"\nselect = ["TS"]\n')
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("zorbix\n")
    monkeypatch.chdir(tmp_path / "docs")
    r = invoke("baseline", "a.md")
    assert r.exit_code == 0 and (tmp_path / "ci" / "baseline.json").is_file()
    assert json.loads((tmp_path / "ci" / "baseline.json").read_text())["entries"][0]["path"] == "../docs/a.md"
    assert invoke("check", "a.md").exit_code == 0
    (tmp_path / "docs" / "a.md").write_text("zorbix\n\nzorbix again later\n")
    assert invoke("check", "a.md").exit_code == 1


def test_cli_bad_baseline_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.md").write_text("text\n")
    r = invoke("check", "a.md", "--baseline", "missing.json")
    assert r.exit_code == 2 and "missing.json" in r.output
    Path("bad.json").write_text("{")
    r = invoke("check", "a.md", "--baseline", "bad.json")
    assert r.exit_code == 2 and "bad.json" in r.output and "JSON" in r.output


def test_paths_in_baseline_do_not_depend_on_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               test_rules: None) -> None:  # noqa: F811
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("zorbix\n")
    monkeypatch.chdir(tmp_path)
    assert invoke("baseline", "docs", "--select", "TS", "-o", "b.json").exit_code == 0
    monkeypatch.chdir(tmp_path / "docs")
    assert invoke("check", "a.md", "--select", "TS", "--baseline", os.path.join("..", "b.json")).exit_code == 0


def test_html_context_stops_at_tags() -> None:
    a = "<p>First.</p><p>zorbix works.</p>"
    b = "<p>First.</p><p>Inserted paragraph.</p>\n<p>zorbix works.</p>"
    fa = Finding("a.html", 1, 1, 1, 1, "TS001", "promotion", "error", "m", "zorbix",
                 offset=a.index("zorbix"), end_offset=a.index("zorbix") + 6)
    fb = Finding("a.html", 2, 1, 2, 1, "TS001", "promotion", "error", "m", "zorbix",
                 offset=b.index("zorbix"), end_offset=b.index("zorbix") + 6)
    assert fingerprint(fa, a) == fingerprint(fb, b)


def test_corpus_findings_stay_baselined_when_paragraphs_are_inserted(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With the real rules: every file gets a new paragraph in its middle; no finding may look new."""
    import re
    import shutil

    from tests.conftest import CORPUS

    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    assert invoke("baseline", "corpus", "-o", "b.json").exit_code == 0
    recorded = sum(e["count"] for e in json.loads(Path("b.json").read_text())["entries"])
    assert recorded > 20
    for f in sorted(Path("corpus").iterdir()):
        s = f.read_text(encoding="utf-8")
        if f.suffix in (".md", ".txt"):
            paras = s.split("\n\n")
            paras.insert(len(paras) // 2, "An inserted paragraph about sleep hygiene.\nIt wraps over two lines.")
            s = "\n\n".join(paras)
        elif f.suffix == ".html":
            starts = [m.start() for m in re.finditer(r"<p[ >]", s)]
            if starts:
                j = starts[len(starts) // 2]
                s = s[:j] + "<p>An inserted paragraph about sleep hygiene.</p>\n" + s[j:]
        f.write_text(s, encoding="utf-8")
    r = invoke("check", "corpus", "--baseline", "b.json", "-f", "json")
    out = json.loads(r.stdout)
    new = [(fr["path"], f["rule"], f["line"]) for fr in out["files"] for f in fr["findings"] if "status" not in f]
    assert new == []
    # The inserted sentences are plain, so at most a document-level finding (a grade) can have gone away.
    assert out["summary"]["gating"]["baseline"]["matched"] >= recorded - 2
    assert r.exit_code == 0


def test_whole_document_findings_stay_baselined_when_every_title_changes(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the real rules: every file of the sample corpus gets a new title. No author, no date,
    no sources, no risks, undisclosed interest, the grade and too-little-prose are still the same
    findings about the same documents."""
    import re
    import shutil

    from tests.conftest import CORPUS

    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    assert invoke("baseline", "corpus", "-o", "b.json").exit_code == 0
    whole = {"PV001", "PV002", "PV003", "PV004", "PV005", "RD001", "RD004"}
    recorded = [e for e in json.loads(Path("b.json").read_text())["entries"] if e["rule"] in whole]
    assert len({e["rule"] for e in recorded}) >= 5
    retitled = 0
    for f in sorted(Path("corpus").iterdir()):
        s = f.read_text(encoding="utf-8")
        if f.suffix == ".md":
            t = re.sub(r"(?m)^# .*$", "# Patient information sheet", s, count=1)
        elif f.suffix == ".txt":
            t = "Patient information sheet\n" + s.split("\n", 1)[1]
        else:
            t = re.sub(r"<h1([^>]*)>.*?</h1>", r"<h1\1>Patient information sheet</h1>", s, count=1, flags=re.DOTALL)
        retitled += t != s
        f.write_text(t, encoding="utf-8")
    assert retitled == len(list(Path("corpus").iterdir()))
    r = invoke("check", "corpus", "--baseline", "b.json", "-f", "json")
    out = json.loads(r.stdout)
    found = [f for fr in out["files"] for f in fr["findings"] if f["rule"] in whole]
    assert len(found) >= len(recorded)
    assert [(f["rule"], f["message"]) for f in found if f.get("status") != "baselined"] == []


def test_moved_file_keeps_its_baselined_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A renamed article takes the entries of the file that no longer exists; a copy of an
    article that still exists does not."""
    import shutil

    from tests.conftest import CORPUS

    (tmp_path / "content").mkdir()
    shutil.copy(CORPUS / "knee-arthroscopy.txt", tmp_path / "content" / "knee.txt")
    monkeypatch.chdir(tmp_path)
    assert invoke("baseline", "content", "-o", "b.json").exit_code == 0
    recorded = sum(e["count"] for e in json.loads(Path("b.json").read_text())["entries"])
    assert recorded > 5

    Path("content/knee.txt").rename("content/knee-surgery.txt")
    r = invoke("check", "content", "--baseline", "b.json", "-f", "json")
    out = json.loads(r.stdout)
    [fr] = out["files"]
    assert fr["path"] == "content/knee-surgery.txt"
    assert {f.get("status") for f in fr["findings"]} == {"baselined"}
    assert {f["status_detail"].get("recorded_for") for f in fr["findings"]} == {"content/knee.txt"}
    assert out["summary"]["gating"]["baseline"]["matched"] == recorded
    assert out["summary"]["gating"]["baseline"]["stale"] == 0
    assert r.exit_code == 0

    # Back under its recorded name, with a copy beside it: the copy's findings are new.
    Path("content/knee-surgery.txt").rename("content/knee.txt")
    shutil.copy("content/knee.txt", "content/a-copy.txt")
    r = invoke("check", "content", "--baseline", "b.json", "-f", "json")
    by_path = {fr["path"]: fr["findings"] for fr in json.loads(r.stdout)["files"]}
    assert all("status" not in f for f in by_path["content/a-copy.txt"])
    assert {f.get("status") for f in by_path["content/knee.txt"]} == {"baselined"}
    assert all("recorded_for" not in f["status_detail"] for f in by_path["content/knee.txt"])
    assert r.exit_code == 1
