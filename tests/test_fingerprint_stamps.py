"""Fingerprints made where a file is checked: workers and the cache hand them on, the
SARIF log and baselines use them, and every output stays what the parent would write."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import audit.gating
from audit.cache import ResultCache
from audit.cli import cli
from audit.config import from_dict
from audit.engine import discover, run
from audit.gating.fingerprint import fingerprint, stamp
from audit.readers import decode
from tests.reporting_fixtures import comparable
from tests.test_parallel import make_files

ARTICLE = """# Joint pain

This supplement cures arthritis and is 100% safe, a new study proves.
Our cutting-edge formula is the best on the market. Buy now!

Ask your doctor. The trial followed 40 adults and was not blinded.
"""


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def articles(folder: Path, n: int = 5) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i}.md").write_text(ARTICLE.replace("40", str(40 + i)) + f"\nBuy now! {i}\n", encoding="utf-8")
    return folder


def made_in_parent(result) -> list[str]:
    """The fingerprints the parent makes for a result's findings, reading its file."""
    source = decode(Path(result.path).read_bytes())
    return [fingerprint(dataclasses.replace(f, fingerprint=""), source) for f in result.findings]


def test_stamp_sets_the_fingerprint_the_finding_would_get(tmp_path: Path) -> None:
    cfg = from_dict({})
    [inp] = discover([str(articles(tmp_path / "d", 1))], cfg)
    [result] = run([inp], cfg, keep_documents=True)
    assert result.findings and not any(f.fingerprint for f in result.findings)
    stamped = stamp(result.findings, result.document.source)
    assert [f.fingerprint for f in stamped] == [fingerprint(f, result.document.source) for f in result.findings]
    assert stamped == result.findings  # the stamp takes no part in comparisons
    assert [f.as_record() for f in stamped] == [f.as_record() for f in result.findings]
    # A stamped finding gives its stamp, whatever text it is asked about.
    assert [fingerprint(f, "other text") for f in stamped] == [f.fingerprint for f in stamped]


def test_workers_stamp_findings_with_what_the_parent_would_make(tmp_path: Path) -> None:
    make_files(tmp_path / "gen", n=6)
    cfg = from_dict({})
    inputs = discover([str(tmp_path / "gen")], cfg)
    plain = list(run(inputs, cfg, jobs=2))
    stamped = list(run(inputs, cfg, jobs=2, fingerprints=True))
    assert [r.as_record() for r in stamped] == [r.as_record() for r in plain]
    assert not any(f.fingerprint for r in plain for f in r.findings)
    parsed = [r for r in stamped if r.words]
    assert len(parsed) == 6
    for r in parsed:
        assert [f.fingerprint for f in r.findings] == made_in_parent(r)
    # A file that could not be read as text keeps unstamped findings: whoever needs their
    # fingerprints reads the file, as for a run that did not ask for them.
    binary = next(r for r in stamped if r.path.endswith("binary.txt"))
    assert binary.findings and not any(f.fingerprint for f in binary.findings)


def test_an_entry_stored_without_fingerprints_gets_them_once(tmp_path: Path) -> None:
    cfg = from_dict({})
    inputs = discover([str(articles(tmp_path / "d"))], cfg)
    n = len(inputs)
    c = ResultCache(cfg, tmp_path / "c")
    plain = list(run(inputs, cfg, cache=c))
    assert c.puts == n

    # A run that needs fingerprints is served these entries: their findings are stamped from
    # the bytes just hashed, and each entry is stored again with the stamps...
    c = ResultCache(cfg, tmp_path / "c")
    upgraded = list(run(inputs, cfg, cache=c, fingerprints=True))
    assert (c.hits, c.misses, c.puts) == (n, 0, n)
    # ... which later runs read.
    c = ResultCache(cfg, tmp_path / "c")
    served = list(run(inputs, cfg, cache=c, fingerprints=True))
    assert (c.hits, c.misses, c.puts) == (n, 0, 0)
    for r in (*upgraded, *served):
        assert r.findings and [f.fingerprint for f in r.findings] == made_in_parent(r)
    assert [r.as_record() for r in served] == [r.as_record() for r in upgraded] == [r.as_record() for r in plain]
    # The same entries serve runs that do not need fingerprints.
    c = ResultCache(cfg, tmp_path / "c")
    assert [r.as_record() for r in run(inputs, cfg, cache=c)] == [r.as_record() for r in plain]
    assert (c.hits, c.misses, c.puts) == (n, 0, 0)


def test_a_report_run_that_needs_fingerprints_keeps_the_claims_inventory(tmp_path: Path) -> None:
    cfg = from_dict({})
    inputs = discover([str(articles(tmp_path / "d", 2))], cfg)
    fresh = list(run(inputs, cfg, report_data=True, fingerprints=True))
    list(run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c"), report_data=True))  # no stamps stored
    c = ResultCache(cfg, tmp_path / "c")
    served = list(run(inputs, cfg, cache=c, report_data=True, fingerprints=True))
    assert (c.hits, c.puts) == (2, 2)
    assert [r.report for r in served] == [r.report for r in fresh]
    assert [[f.fingerprint for f in r.findings] for r in served] == [[f.fingerprint for f in r.findings] for r in fresh]


def sarif(*args: str) -> str:
    r = CliRunner().invoke(cli, ["check", "-f", "sarif", "--fail-on", "never", *args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return comparable(r.output)


def test_sarif_is_the_same_from_this_process_workers_and_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_files(tmp_path / "gen", n=6)
    articles(tmp_path / "more")
    paths = [str(tmp_path / "gen"), str(tmp_path / "more")]
    cache = ["--cache-dir", str(tmp_path / "c")]
    serial = sarif("--no-cache", *paths)
    assert json.loads(serial)["runs"][0]["results"]

    # Workers and the cache hand on the fingerprints: the parent reads only the files whose
    # findings could not be stamped (the binary file).
    read = []
    real = audit.gating.source_of
    monkeypatch.setattr(audit.gating, "source_of", lambda result: read.append(Path(result.path).name) or real(result))
    assert sarif("--no-cache", "--jobs", "2", *paths) == serial
    assert read == ["binary.txt"]
    assert sarif("--no-cache", "--jobs", "1", *paths) == serial  # stamped in this process, text at hand
    assert sarif(*cache, *paths) == serial  # one job, filling the cache
    assert sarif(*cache, "--jobs", "2", *paths) == serial  # served from the cache
    assert read == ["binary.txt"] * 4


def test_baseline_matches_the_same_findings_with_stamped_fingerprints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    articles(tmp_path / "docs")
    r = CliRunner().invoke(cli, ["baseline", "docs", "-o", "base.json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    # New text in one file: its old findings stay baselined, the new ones are open.
    (tmp_path / "docs" / "a0.md").write_text("# New title\n\nMiracle cure, guaranteed.\n\n" + ARTICLE, encoding="utf-8")

    def gated(*args: str) -> str:
        r = CliRunner().invoke(cli, ["check", "docs", "-f", "json", "--fail-on", "never", "--baseline", "base.json", *args],
                                 catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return comparable(r.output)

    serial = gated("--no-cache")
    statuses = [f.get("status", "open") for fr in json.loads(serial)["files"] for f in fr["findings"]]
    assert "baselined" in statuses and "open" in statuses
    assert gated("--no-cache", "--jobs", "2") == serial
    assert gated("--cache-dir", "c") == gated("--cache-dir", "c", "--jobs", "2") == serial


def test_audit_baseline_is_the_same_from_workers_and_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    articles(tmp_path / "docs")
    make_files(tmp_path / "docs" / "gen", n=3)

    def baseline(*args: str) -> list[dict]:
        r = CliRunner().invoke(cli, ["baseline", "docs", "-o", "base.json", *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))["entries"]

    serial = baseline("--no-cache")
    assert len(serial) > 20
    read = []
    real = audit.gating.source_of
    monkeypatch.setattr(audit.gating, "source_of", lambda result: read.append(Path(result.path).name) or real(result))
    assert baseline("--no-cache", "--jobs", "2") == serial
    assert baseline("--cache-dir", "c") == baseline("--cache-dir", "c", "--jobs", "2") == serial
    # Only the file whose findings could not be stamped where it was checked is read again.
    assert set(read) == {"binary.txt"}


def test_a_sarif_step_after_an_annotations_step_is_served_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The documented CI workflow annotates the diff (--format github), then writes SARIF over
    # the same files: the second step reads the first one's entries and stamps them.
    make_files(tmp_path / "gen", n=4)
    paths = [str(tmp_path / "gen"), "--cache-dir", str(tmp_path / "c")]
    expected = sarif("--no-cache", str(tmp_path / "gen"))
    r = CliRunner().invoke(cli, ["check", "-f", "github", "--fail-on", "never", *paths], catch_exceptions=False)
    assert r.exit_code == 0 and "::" in r.output
    import audit.engine

    checked = []
    real_check = audit.engine.check_input
    monkeypatch.setattr(audit.engine, "check_input", lambda inp, *a, **k: checked.append(inp.display) or real_check(inp, *a, **k))
    assert sarif(*paths) == expected
    # Only the files that are never cached (unreadable ones) were checked again.
    assert all(name.endswith("binary.txt") for name in checked)


def test_sarif_fingerprints_of_standard_input_are_those_of_the_same_text_in_a_file(tmp_path: Path) -> None:
    # Text read from standard input has no file to read again: its fingerprints are made
    # while its text is at hand, with the words around each finding, as for a file.
    path = tmp_path / "draft.md"
    path.write_text(ARTICLE, encoding="utf-8")

    def fingerprints(*args: str, stdin: str | None = None) -> list[str]:
        r = CliRunner().invoke(cli, ["check", "-f", "sarif", "--fail-on", "never", *args], input=stdin, catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return [res["partialFingerprints"]["auditFinding/v1"] for res in json.loads(r.output)["runs"][0]["results"]]

    from_file = fingerprints("--no-cache", str(path))
    assert len(from_file) > 3
    assert fingerprints("--no-cache", "-", stdin=ARTICLE) == from_file
    assert fingerprints("-", "--stdin-filename", "other.md", stdin=ARTICLE) == from_file
