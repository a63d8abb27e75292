"""``audit report`` and the machine formats of ``audit check``, through the CLI."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.cli.cmd_report import ARTEFACTS, target
from tests.reporting_fixtures import register_test_rules

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = "# Joint care\n\nThis MIRACLE powder helps.\n\nBuy now while stocks last.\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with a config, two articles and the test rules registered."""
    register_test_rules(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "audit.toml").write_text('select = ["ZZ901", "ZZ902"]\n', encoding="utf-8")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "joint.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "articles" / "clean.md").write_text("# Sleep\n\nAdults need seven hours of sleep.\n", encoding="utf-8")
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_report_writes_every_artefact(project):
    res = invoke("report", "articles", "-o", "out")
    assert res.exit_code == 1, res.output  # MIRACLE is an error
    out = project / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(ARTEFACTS)
    assert "2 files" in res.output and "1 errors" in res.output
    for name in ARTEFACTS:
        assert f"wrote {Path('out') / name}" in res.output

    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in data["files"]] == ["articles/clean.md", "articles/joint.md"]
    assert [f["rule"] for f in data["files"][1]["findings"]] == ["ZZ901", "ZZ902"]
    assert data["summary"]["exit_code"] == 1

    sarif = json.loads((out / "findings.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == ["articles/joint.md"] * 2

    html = (out / "index.html").read_text(encoding="utf-8")
    assert "articles/joint.md" in html and 'data-f="' in html

    md = (out / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("## audit report") and "| articles/joint.md | 1 | 1 | 0 |" in md

    with (out / "claims.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:5] == ["path", "line", "column", "end_line", "end_column"]


def test_report_json_is_the_check_json(project):
    invoke("report", "articles", "-o", "out")
    check = invoke("check", "articles", "--format", "json")
    report = json.loads((project / "out" / "findings.json").read_text(encoding="utf-8"))
    assert json.loads(check.output)["files"] == report["files"]


def test_report_exit_codes(project):
    assert invoke("report", "articles", "-o", "out", "--fail-on", "never").exit_code == 0
    assert invoke("report", "articles", "-o", "out", "--fail-on", "warning").exit_code == 1
    assert invoke("report", "articles/clean.md", "-o", "out").exit_code == 0
    # The config's fail_on is the default.
    (project / "audit.toml").write_text('select = ["ZZ902"]\nfail_on = "warning"\n', encoding="utf-8")
    assert invoke("report", "articles", "-o", "out").exit_code == 1


def test_report_usage_errors_exit_2(project):
    (project / "afile").write_text("x", encoding="utf-8")
    assert invoke("report", "articles", "-o", "afile").exit_code == 2
    assert invoke("report", "missing", "-o", "out").exit_code == 2
    assert invoke("report", "articles", "--select", "NOPE999").exit_code == 2
    (project / "audit.toml").write_text("fail_on = 3\n", encoding="utf-8")
    assert invoke("report", "articles", "-o", "out").exit_code == 2
    assert not (project / "out").exists()


def test_report_failure_leaves_previous_reports_intact(project, monkeypatch):
    assert invoke("report", "articles", "-o", "out").exit_code == 1
    before = {p.name: p.read_bytes() for p in (project / "out").iterdir()}
    (project / "articles" / "joint.md").write_text(ARTICLE + "\nAnother MIRACLE.\n", encoding="utf-8")
    from audit.reporters import html

    def boom(self, summary):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(html.Reporter, "end", boom)
    res = CliRunner().invoke(cli, ["report", "articles", "-o", "out"])
    assert res.exit_code == 2 and "left unchanged" in res.output
    after = {p.name: p.read_bytes() for p in (project / "out").iterdir()}
    assert after == before  # same files, same bytes, no temporary files left


def test_report_targets_stay_in_the_folder(tmp_path):
    assert target(tmp_path, "index.html") == tmp_path / "index.html"
    for bad in ("../index.html", "sub/index.html", "..", ""):
        with pytest.raises(ValueError):
            target(tmp_path, bad)


def test_report_replaces_a_symlink_instead_of_writing_through_it(project):
    outside = project / "outside.html"
    outside.write_text("not a report", encoding="utf-8")
    (project / "out").mkdir()
    (project / "out" / "index.html").symlink_to(outside)
    assert invoke("report", "articles", "-o", "out").exit_code == 1
    assert outside.read_text(encoding="utf-8") == "not a report"
    assert not (project / "out" / "index.html").is_symlink()


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github", "markdown", "csv"])
def test_check_accepts_the_machine_formats(project, fmt):
    res = invoke("check", "articles", "--format", fmt)
    assert res.exit_code == 1
    out = res.output
    if fmt == "sarif":
        assert len(json.loads(out)["runs"][0]["results"]) == 2
    elif fmt == "junit":
        assert len(ET.fromstring(out).findall("testsuite/testcase")) == 2
    elif fmt == "github":
        assert out.startswith("::error file=articles/joint.md,line=3,col=6,endLine=3,endColumn=13,title=ZZ901 test-marker-word::")
    elif fmt == "markdown":
        assert "**Failing:** 1 finding" in out
    else:
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        assert [(r["rule"], r["line"], r["column"], r["match"]) for r in rows] == [("ZZ901", "3", "6", "MIRACLE"), ("ZZ902", "5", "1", "Buy now")]


def test_check_auto_format_in_github_actions(project, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert invoke("check", "articles").output.startswith("::error file=articles/joint.md")
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert invoke("check", "articles").output.startswith("articles/joint.md")


def test_report_html_renders_the_hostile_draft_inert(project):
    (project / "articles" / "hostile.md").write_bytes((FIXTURES / "hostile.md").read_bytes())
    assert invoke("report", "articles", "-o", "out").exit_code == 1
    html = (project / "out" / "index.html").read_text(encoding="utf-8")
    # Exactly two script elements: the inert JSON data and the report's own script.
    assert html.count("<script") == 2
    assert "<img" not in html and "<svg onload" not in html and "<iframe" not in html
    assert 'href="javascript' not in html and "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    assert "&lt;script&gt;window.__pwned" in html


def test_report_with_worker_processes_is_the_same_report(tmp_path, monkeypatch):
    """With --jobs 2 the documents stay in the workers; what the HTML report and the claims
    inventory need of them comes back instead, so every artefact is the same but for the time
    and command line it records."""
    import shutil

    from tests.conftest import CORPUS
    from tests.reporting_fixtures import comparable

    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    for jobs in ("1", "2"):
        res = invoke("report", "corpus", "-o", f"out{jobs}", "--fail-on", "never", "--jobs", jobs, "--no-cache")
        assert res.exit_code == 0, res.output

    for name in ARTEFACTS:
        one = (tmp_path / "out1" / name).read_text(encoding="utf-8")
        two = (tmp_path / "out2" / name).read_text(encoding="utf-8")
        assert comparable(one) == comparable(two), name
    page = (tmp_path / "out2" / "index.html").read_text(encoding="utf-8")
    # The source view and the claims inventory are there, not just the findings.
    assert "Knee arthroscopy permanently cures knee pain" in page
    assert page.count('<table class="claims-table">') >= 5
    rows = list(csv.reader(io.StringIO((tmp_path / "out2" / "claims.csv").read_text(encoding="utf-8"))))
    assert len(rows) > 100


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_claims_inventory_follows_each_files_settings(tmp_path, monkeypatch, jobs):
    """The claims inventory (claims.csv, and the HTML page of `audit check -f html` too) is
    built with each file's effective settings: here an override makes one site authoritative
    for the files under trusted/, so the same claim is cited there and only named elsewhere."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "audit.toml").write_text(
        '[[overrides]]\nfiles = ["trusted/**"]\nauthoritative_domains = ["example-health.com"]\n', encoding="utf-8")
    article = ("# Statins\n\nStatins reduce the risk of heart attacks in adults "
               "([trial results](https://example-health.com/statins-trial)).\n")
    for folder in ("trusted", "other"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "statins.md").write_text(article, encoding="utf-8")
    res = invoke("report", "trusted", "other", "-o", "out", "--fail-on", "never", "--jobs", jobs, "--no-cache")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "claims.csv").read_text(encoding="utf-8"))))
    support = {r["path"]: r["support"] for r in rows}
    assert support == {"trusted/statins.md": "cited", "other/statins.md": "named"}
    res = invoke("check", "trusted", "other", "-f", "html", "-o", "page.html", "--fail-on", "never", "--jobs", jobs,
                 "--no-cache")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    trusted, other = page.split('<section class="article"')[1:]
    assert '<span class="support s-cited">' in trusted and '<span class="support s-cited">' not in other
    assert '<span class="support s-named">' in other


# -- a report split into pages --------------------------------------------------------------------


def _article_sections(html: str) -> list[str]:
    return re.findall(r'<section class="article" id="a\d+".*?</section>\n', html, re.DOTALL)


def _pages(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("index-*.html"))


@pytest.fixture
def five(project):
    for name in ("a", "b", "c"):
        (project / "articles" / f"{name}.md").write_text(f"# {name}\n\nA MIRACLE cure, {name}.\n", encoding="utf-8")
    return project


def test_a_large_report_is_split_into_pages_with_the_same_articles(five):
    res = invoke("report", "articles", "-o", "out", "--page-size", "2")
    assert res.exit_code == 1, res.output
    out = five / "out"
    assert _pages(out) == ["index-0001.html", "index-0002.html", "index-0003.html"]
    assert f"wrote {Path('out') / 'index-0001.html'} to {Path('out') / 'index-0003.html'} (3 pages of articles)" in res.output
    assert invoke("report", "articles", "-o", "single", "--page-size", "0").exit_code == 1
    assert _pages(five / "single") == []
    single = (five / "single" / "index.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    pages = [(out / name).read_text(encoding="utf-8") for name in _pages(out)]
    # The pages hold the one-page report's article sections, two by two, unchanged.
    sections = _article_sections(single)
    assert len(sections) == 5
    assert [_article_sections(p) for p in pages] == [sections[0:2], sections[2:4], sections[4:5]]
    assert _article_sections(index) == []
    # The overview keeps every row, each linking to its article's page, and every input hash.
    assert re.findall(r'<tr><td><a href="([^"]+)">', index) == [
        "index-0001.html#a1", "index-0001.html#a2", "index-0002.html#a3", "index-0002.html#a4", "index-0003.html#a5"]
    assert re.findall(r'<tr><td><a href="([^"]+)">', single) == [f"#a{i}" for i in range(1, 6)]
    assert index.count('<td class="hash">') == single.count('<td class="hash">') == 5
    assert [re.search(r'<li><a href="(index-\d+\.html)">Articles (\d+)–(\d+)</a>', index[m.start():]).groups()
            for m in re.finditer(r'<li><a href="index-', index)] == [
        ("index-0001.html", "1", "2"), ("index-0002.html", "3", "4"), ("index-0003.html", "5", "5")]
    assert 'id="audit-data">{"findings":{}}</script>' in index and 'id="filters"' not in index
    for k, page in enumerate(pages, start=1):
        # Each page is as self-contained as the one-page report, with its own findings' data.
        assert page.count("<script") == 2 and "Content-Security-Policy" in page and 'id="filters"' in page
        script = re.search(r"<script>(.*?)</script>", page, re.DOTALL).group(1)
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in page
        data = json.loads(re.search(r'id="audit-data">(.*?)</script>', page, re.DOTALL).group(1))
        shown = set(re.findall(r'<li class="finding[^"]*" id="f(\d+)"', page))
        assert set(data["findings"]) == shown and shown
        assert ('rel="prev"' in page) == (k > 1) and ('rel="next"' in page) == (k < 3)
        assert 'href="index.html"' in page


def test_pages_of_an_earlier_report_are_removed_and_other_files_kept(five):
    out = five / "out"
    assert invoke("report", "articles", "-o", "out", "--page-size", "2").exit_code == 1
    (out / "index-notes.html").write_text("mine", encoding="utf-8")
    (out / "index-1.html").write_text("mine too", encoding="utf-8")
    (out / "index-2019.html").write_text("<!DOCTYPE html><title>my archive</title>", encoding="utf-8")
    (out / "index-0009.html").symlink_to(out / "index-2019.html")
    assert invoke("report", "articles", "-o", "out", "--page-size", "4").exit_code == 1
    # Only pages audit wrote are removed; files of other names, or of a page's name but not
    # written by audit (no generator line of audit's), stay.
    assert _pages(out) == ["index-0001.html", "index-0002.html", "index-0009.html", "index-1.html", "index-2019.html",
                           "index-notes.html"]
    assert invoke("report", "articles", "-o", "out").exit_code == 1  # 5 articles: one page
    assert _pages(out) == ["index-0009.html", "index-1.html", "index-2019.html", "index-notes.html"]
    assert (out / "index-2019.html").read_text(encoding="utf-8") == "<!DOCTYPE html><title>my archive</title>"
    assert len(_article_sections((out / "index.html").read_text(encoding="utf-8"))) == 5


def test_a_failed_split_report_leaves_the_previous_pages_intact(five, monkeypatch):
    assert invoke("report", "articles", "-o", "out", "--page-size", "2").exit_code == 1
    before = {p.name: p.read_bytes() for p in (five / "out").iterdir()}
    (five / "articles" / "a.md").write_text("# a\n\nChanged, and a MIRACLE.\n", encoding="utf-8")
    from audit.reporters import html

    real_end = html.Reporter.end

    def boom(self, summary):
        real_end(self, summary)  # the last page is written, then something else fails
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(html.Reporter, "end", boom)
    res = CliRunner().invoke(cli, ["report", "articles", "-o", "out", "--page-size", "1"])
    assert res.exit_code == 2 and "left unchanged" in res.output
    assert {p.name: p.read_bytes() for p in (five / "out").iterdir()} == before  # no temporary file either


def test_a_symlink_in_a_pages_place_is_replaced_not_written_through(five):
    outside = five / "outside.html"
    outside.write_text("not a report", encoding="utf-8")
    (five / "out").mkdir()
    (five / "out" / "index-0002.html").symlink_to(outside)
    assert invoke("report", "articles", "-o", "out", "--page-size", "2").exit_code == 1
    assert outside.read_text(encoding="utf-8") == "not a report"
    assert not (five / "out" / "index-0002.html").is_symlink()
    assert "<section class=\"article\"" in (five / "out" / "index-0002.html").read_text(encoding="utf-8")


def test_the_page_size_must_be_a_count(project):
    assert invoke("report", "articles", "-o", "out", "--page-size", "-1").exit_code == 2


def test_the_sarif_log_can_be_limited_for_code_scanning(project):
    full = invoke("check", "articles", "-f", "sarif", "-o", "full.sarif")
    res = invoke("check", "articles", "-f", "sarif", "--sarif-max-results", "1", "-o", "one.sarif")
    assert full.exit_code == res.exit_code == 1  # the error still fails the run
    results = json.loads((project / "full.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    one = json.loads((project / "one.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert [r["level"] for r in results] == ["error", "warning"]
    assert one["results"] == results[:1] and one["properties"]["results"] == {"limit": 1, "found": 2}
    assert "the SARIF log holds the 1 most severe of 2 results" in res.stderr
    assert "most severe" not in full.stderr
    # The report's SARIF file takes the same limit.
    assert invoke("report", "articles", "-o", "out", "--sarif-max-results", "1").exit_code == 1
    assert len(json.loads((project / "out" / "findings.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]) == 1
    assert invoke("check", "articles", "-f", "sarif", "--sarif-max-results", "-5").exit_code == 2
