"""--changed-since against real git repositories: changed files, changed lines, renames, deletions."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.gating import GatingError
from audit.gating.changed import Filter, changes_since, unquote
from tests.test_gating_inline import run, test_rules  # noqa: F401  (fixture)

GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
         "-c", "init.defaultBranch=main", *args],
        cwd=repo, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV},
    )
    return out.stdout


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


LONG = "".join(f"Paragraph {i} of a longer article that is renamed.\n\n" for i in range(8)) + "zorbix stays.\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with a base commit, then edits, a rename, a deletion and an untracked file."""
    r = tmp_path / "repo"
    r.mkdir()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    git(r, "init", "-q")
    (r / "edited.md").write_text("zorbix old line one.\n\nUnchanged text.\n\nzorbix old line five.\n")
    (r / "moved.md").write_text("zorbix in a file that only moves.\n")
    (r / "moved_edited.md").write_text(LONG)
    (r / "gone.md").write_text("zorbix will be deleted.\n")
    (r / "same.md").write_text("zorbix never changes.\n")
    (r / "ü space.md").write_text("First.\n")
    (r / ".gitignore").write_text("ignored.md\n")
    commit(r, "base")
    git(r, "tag", "base")
    # Committed change after the base.
    (r / "edited.md").write_text("zorbix old line one.\n\nUnchanged text.\n\nzorbix old line five.\n\nzorbix new.\n")
    commit(r, "edit")
    # Working-tree changes: staged rename, unstaged edits, deletion, untracked and ignored files.
    git(r, "mv", "moved.md", "renamed.md")
    git(r, "mv", "moved_edited.md", "renamed_edited.md")
    (r / "renamed_edited.md").write_text(LONG + "\nzorbix added after rename.\n")
    (r / "gone.md").unlink()
    (r / "untracked.md").write_text("zorbix brand new file.\n")
    (r / "ignored.md").write_text("zorbix ignored.\n")
    (r / "ü space.md").write_text("First.\nzorbix second.\n")
    git(r, "add", "-A")
    monkeypatch.chdir(r)
    return r


def test_changed_files_and_line_ranges(repo: Path) -> None:
    ch = changes_since("base", repo)
    names = sorted(os.path.relpath(k, os.path.realpath(repo)) for k in ch.files)
    assert names == sorted(["edited.md", "renamed.md", "renamed_edited.md", "untracked.md", "ü space.md"])
    assert ch.ranges(repo / "edited.md") == [(6, 7)]
    assert ch.ranges(repo / "renamed.md") == []  # moved without edits: no changed line
    assert ch.ranges(repo / "renamed_edited.md") == [(18, 19)]
    assert ch.ranges(repo / "ü space.md") == [(2, 2)]
    assert ch.ranges(repo / "same.md") == []
    assert not ch.contains(repo / "same.md")
    assert ch.deleted == ["gone.md"]
    assert ch.renamed == {os.path.realpath(repo / "moved.md"): os.path.realpath(repo / "renamed.md"),
                          os.path.realpath(repo / "moved_edited.md"): os.path.realpath(repo / "renamed_edited.md")}


def test_untracked_files_count_as_changed_throughout(repo: Path) -> None:
    git(repo, "reset", "-q")  # unstage everything: the new file is untracked again
    ch = changes_since("base", repo)
    assert ch.ranges(repo / "untracked.md") is None
    assert ch.contains(repo / "untracked.md")
    assert not ch.contains(repo / "ignored.md")


def test_head_sees_only_working_tree_changes(repo: Path) -> None:
    ch = changes_since("HEAD", repo)
    assert ch.ranges(repo / "edited.md") == []
    assert not ch.contains(repo / "edited.md")
    assert ch.contains(repo / "renamed_edited.md")


def test_works_from_a_subdirectory(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert changes_since("base").ranges(repo / "edited.md") == [(6, 7)]


def test_errors_outside_a_repository_and_for_unknown_revisions(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(GatingError, match="not inside a git repository"):
        changes_since("HEAD", outside)
    with pytest.raises(GatingError, match="unknown revision"):
        changes_since("no-such-branch", repo)
    with pytest.raises(GatingError, match="expected a git revision"):
        changes_since("--output=x", repo)


def test_filter_keeps_changed_inputs_and_findings_on_changed_lines(repo: Path, test_rules: None) -> None:  # noqa: F811
    flt = Filter(changes_since("base", repo))
    r = run((repo / "edited.md").read_text(), select=("TS",))
    r.path = str(repo / "edited.md")
    assert [f.line for f in r.findings] == [1, 5, 7]
    flt.apply(r)
    assert [f.line for f in r.findings] == [7]
    assert flt.report()["outside_changed_lines"] == 2
    wide = Filter(changes_since("base", repo), whole_files=True)
    r = run((repo / "edited.md").read_text(), select=("TS",))
    r.path = str(repo / "edited.md")
    wide.apply(r)
    assert [f.line for f in r.findings] == [1, 5, 7]


def test_unquote_handles_git_c_style_paths() -> None:
    assert unquote('"a\\tb\\"c\\\\d"') == 'a\tb"c\\d'
    assert unquote('"\\303\\274.md"') == "ü.md"
    assert unquote("plain.md") == "plain.md"


# -- command line -------------------------------------------------------------------------------


def check(*args: str):
    return CliRunner().invoke(cli, ["check", "--select", "TS", *args], catch_exceptions=False)


def test_cli_reports_only_new_findings_on_changed_lines(repo: Path, test_rules: None) -> None:  # noqa: F811
    assert check(".").exit_code == 1
    r = check(".", "--changed-since", "base", "-f", "json")
    assert r.exit_code == 1, r.output
    out = json.loads(r.stdout)
    got = sorted((fr["path"], f["line"]) for fr in out["files"] for f in fr["findings"])
    assert got == [("edited.md", 7), ("renamed_edited.md", 19), ("untracked.md", 1), ("ü space.md", 2)]
    assert sorted(fr["path"] for fr in out["files"]) == sorted(
        ["edited.md", "renamed.md", "renamed_edited.md", "untracked.md", "ü space.md"])
    c = out["summary"]["gating"]["changed_since"]
    assert (c["revision"], c["files_deleted"], c["outside_changed_lines"]) == ("base", 1, 4)


def test_cli_whole_files(repo: Path, test_rules: None) -> None:  # noqa: F811
    r = check(".", "--changed-since", "base", "--whole-files", "-f", "json")
    out = json.loads(r.stdout)
    # edited 3, renamed 1, renamed_edited 2, untracked 1, ü 1; same.md and the ignored file are not checked.
    assert sum(len(fr["findings"]) for fr in out["files"]) == 8
    assert "same.md" not in {fr["path"] for fr in out["files"]}


def test_cli_passes_when_the_change_adds_no_finding(repo: Path, test_rules: None) -> None:  # noqa: F811
    commit(repo, "everything")
    (repo / "edited.md").write_text((repo / "edited.md").read_text() + "\nA clean new paragraph.\n")
    r = check(".", "--changed-since", "HEAD")
    assert r.exit_code == 0, r.output
    assert "findings on unchanged lines not shown" in r.stderr


def test_cli_errors_exit_2(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           test_rules: None) -> None:  # noqa: F811
    r = check(".", "--changed-since", "nope")
    assert r.exit_code == 2 and "unknown revision" in r.output
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "a.md").write_text("text\n")
    monkeypatch.chdir(outside)
    r = check(".", "--changed-since", "HEAD")
    assert r.exit_code == 2 and "not inside a git repository" in r.output
    assert check(".", "--whole-files").exit_code == 2


def test_whole_document_findings_count_when_the_file_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No author, no date, no sources and the grade are shown at the title, which the change did
    not touch; they are about the whole document, so they count whenever the file changed."""
    from tests.conftest import CORPUS

    r = tmp_path / "repo"
    r.mkdir()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    git(r, "init", "-q")
    article = (CORPUS / "knee-arthroscopy.txt").read_text(encoding="utf-8")
    (r / "a.txt").write_text(article, encoding="utf-8")
    (r / "b.txt").write_text(article, encoding="utf-8")
    commit(r, "base")
    git(r, "tag", "base")
    (r / "a.txt").write_text(article + "\nIron tablets cure tiredness in everyone.\n", encoding="utf-8")
    monkeypatch.chdir(r)
    result = CliRunner().invoke(cli, ["check", ".", "--changed-since", "base", "--no-cache", "-f", "json"],
                                catch_exceptions=False)
    [fr] = json.loads(result.stdout)["files"]  # b.txt did not change
    rules = {(f["rule"], f["line"]) for f in fr["findings"]}
    last = len((r / "a.txt").read_text(encoding="utf-8").splitlines())
    assert {("PV001", 1), ("PV002", 1), ("PV003", 1), ("RD001", 1), ("CL001", last)} <= rules
    # Findings on lines the change did not touch stay out.
    assert all(line in (1, last) or (f, line) == ("PV005", 3) for f, line in rules)


def _one_article_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    git(r, "init", "-q")
    (r / "a.md").write_text(text, encoding="utf-8")
    commit(r, "base")
    return r


ARTICLE_WITH_AUTHOR = (
    "---\ntitle: Iron\nauthor: Dr A. Smith\ndate: 2026-01-05\n---\n\n# Iron\n\n"
    "Iron deficiency is common in pregnancy. Iron tablets can cause constipation.\n"
)


def test_a_change_that_only_deletes_lines_still_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deleting the author line is a change: the whole-document finding it causes counts."""
    r = _one_article_repo(tmp_path, monkeypatch, ARTICLE_WITH_AUTHOR)
    (r / "a.md").write_text(ARTICLE_WITH_AUTHOR.replace("author: Dr A. Smith\n", ""), encoding="utf-8")
    monkeypatch.chdir(r)
    result = CliRunner().invoke(cli, ["check", "a.md", "--changed-since", "HEAD", "--no-cache", "-f", "json",
                                      "--select", "PV001", "--fail-on", "warning"], catch_exceptions=False)
    [fr] = json.loads(result.stdout)["files"]
    assert [f["rule"] for f in fr["findings"]] == ["PV001"] and result.exit_code == 1
    # The lines around the gap count as changed; a line far from it does not.
    ch = changes_since("HEAD", r)
    assert ch.ranges(r / "a.md") == [(2, 3)]


def test_the_repository_is_the_checked_paths_not_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = _one_article_repo(tmp_path, monkeypatch, ARTICLE_WITH_AUTHOR)
    (r / "a.md").write_text(ARTICLE_WITH_AUTHOR + "\nIron tablets cure tiredness in everyone.\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(cli, ["check", str(r), "--changed-since", "HEAD", "--no-cache", "-f", "json",
                                      "--select", "CL001"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    [fr] = json.loads(result.stdout)["files"]
    assert [f["line"] for f in fr["findings"]] == [11]  # the new sentence only


def test_standard_input_is_not_filtered_by_the_named_files_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--stdin-filename a.md`` names the text for messages and settings; the text itself is not
    the file on disk, so the file's (absent) changes do not filter its findings."""
    _one_article_repo(tmp_path, monkeypatch, ARTICLE_WITH_AUTHOR)
    monkeypatch.chdir(tmp_path / "repo")
    result = CliRunner().invoke(cli, ["check", "-", "--stdin-filename", "a.md", "--changed-since", "HEAD", "--no-cache",
                                      "-f", "json", "--select", "CL001"],
                                input="Iron tablets cure tiredness in everyone.\n", catch_exceptions=False)
    [fr] = json.loads(result.stdout)["files"]
    assert [f["rule"] for f in fr["findings"]] == ["CL001"] and result.exit_code == 1
