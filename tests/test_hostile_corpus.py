"""The CLI over a corpus of hostile inputs: every file reported, no traceback, documented exit codes.

The corpus is built in a temporary folder by :mod:`tests.hostile` (nothing big
is committed). One ``audit check --format json`` run over the whole folder is
shared by the tests below; it runs in a subprocess with a generous timeout, so
a hang fails the test instead of blocking the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import hostile

#: A short budget keeps the suite fast; the default (20 s) is exercised by hand (docs/robustness.md).
BUDGET = "5"
TIMEOUT = 300


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """``python -m audit ARGS`` in a subprocess (a hang becomes a test failure, not a stuck suite)."""
    full_env = {**os.environ, "AUDIT_TIME_BUDGET": BUDGET, "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "audit", *args], check=False, cwd=cwd, env=full_env, capture_output=True, text=True,
        timeout=timeout, stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    cases = hostile.build(folder)
    yield folder, cases
    hostile.cleanup(folder)


@pytest.fixture(scope="module")
def checked(corpus: Any) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], list[hostile.Case]]:
    folder, cases = corpus
    proc = run_cli("check", "--format", "json", "--no-cache", "--jobs", "2", "corpus", cwd=folder.parent)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"no JSON report (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return proc, data, cases


def _by_path(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(f["path"]).relative_to("corpus").as_posix(): f for f in data["files"]}


def test_the_run_completes_with_exit_1_and_no_traceback(checked: Any) -> None:
    proc, data, _ = checked
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr  # the input errors are findings at or above the default fail-on
    assert data["summary"]["exit_code"] == 1


def test_every_hostile_file_is_reported_exactly_once(checked: Any) -> None:
    _, data, cases = checked
    paths = [Path(f["path"]).relative_to("corpus").as_posix() for f in data["files"]]
    assert len(paths) == len(set(paths))
    assert {c.name for c in cases} <= set(paths)
    assert data["summary"]["files"] == len(paths)


def test_each_input_gets_its_documented_finding(checked: Any) -> None:
    _, data, cases = checked
    files = _by_path(data)
    for case in cases:
        rules = {f["rule"] for f in files[case.name]["findings"] if f["category"] == "input"}
        if case.expect is None:
            allowed = {"IN004"} if case.slow else set()
            assert rules <= allowed, (case.what, files[case.name]["findings"][:3])
        else:
            assert rules == {case.expect}, (case.what, rules)
            finding = next(f for f in files[case.name]["findings"] if f["rule"] == case.expect)
            assert case.name.split("/")[-1] in finding["message"] and finding["severity"] == "error"


def test_no_internal_errors_on_hostile_input(checked: Any) -> None:
    _, data, _ = checked
    internal = [(f["path"], x["message"]) for f in data["files"] for x in f["findings"] if x["rule"] == "IN900"]
    assert internal == []


def test_messages_say_what_is_wrong(checked: Any) -> None:
    _, data, cases = checked
    files = _by_path(data)
    names = {c.name for c in cases}

    def message(name: str) -> str:
        return " ".join(f["message"] for f in files[name]["findings"] if f["category"] == "input")

    assert "binary" in message("binary.md")
    assert "UTF-8" in message("invalid-utf8.md") and "line 3" in message("invalid-utf8.md")
    assert "UTF-16" in message("utf16-nobom.md")
    assert "16 MiB" in message("big.md")
    if "fifo.md" in names:
        assert "FIFO" in message("fifo.md")
    if "zero.md" in names:
        assert "device" in message("zero.md")
    if "loop-a.md" in names:
        assert "symbolic links" in message("loop-a.md")


def test_readable_odd_files_are_still_checked(checked: Any) -> None:
    _, data, _ = checked
    files = _by_path(data)
    # UTF-16 with a byte-order mark is text: it is read and checked like UTF-8.
    assert files["utf16-bom.md"]["sha256"] and files["utf16-bom.md"]["findings"]
    assert any(f["rule"] == "CL001" for f in files["utf16-bom.md"]["findings"])
    # Only script and style: nothing to check, no finding, no error.
    assert files["scripts-only.html"]["findings"] == []
    # Malformed front matter is reported by the provenance rule, and the body is still checked.
    bad = files["bad-front-matter.md"]["findings"]
    assert any(f["rule"] == "PV006" and "line 3" in f["message"] for f in bad)
    assert any(f["rule"] == "CL001" and f["line"] == 6 for f in bad)
    # Deep nesting is read, not refused.
    assert any(f["rule"].startswith(("CL", "PV")) for f in files["nested.html"]["findings"])


def test_yaml_tags_in_front_matter_execute_nothing(checked: Any, corpus: Any) -> None:
    folder, _ = corpus
    _, data, _ = checked
    assert not (folder / "pwned.txt").exists() and not (folder.parent / "pwned.txt").exists()
    files = _by_path(data)
    assert any(f["rule"] == "PV006" for f in files["python-tag.md"]["findings"])
    assert any(f["rule"] == "PV006" and "aliases" in f["message"] for f in files["billion-laughs.md"]["findings"])


def test_a_missing_path_is_a_usage_error(corpus: Any) -> None:
    folder, _ = corpus
    proc = run_cli("check", "corpus/empty.md", "corpus/no-such-file.md", cwd=folder.parent, timeout=60)
    assert proc.returncode == 2
    assert "path does not exist: corpus/no-such-file.md" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_one_hostile_file_does_not_hide_the_others(corpus: Any) -> None:
    folder, _ = corpus
    paths = ["corpus/binary.md", "corpus/utf16-bom.md", "corpus/whitespace.md"]
    if (folder / "fifo.md").exists():
        paths.insert(1, "corpus/fifo.md")
    proc = run_cli("check", "--format", "json", "--no-cache", *paths, cwd=folder.parent, timeout=60)
    data = json.loads(proc.stdout)
    assert [f["path"] for f in data["files"]] == paths
    assert proc.returncode == 1


def test_exit_0_when_nothing_reaches_fail_on(corpus: Any) -> None:
    folder, _ = corpus
    proc = run_cli("check", "--no-cache", "corpus/empty.md", "corpus/whitespace.md", "corpus/scripts-only.html", cwd=folder.parent, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_cli("check", "--no-cache", "--fail-on", "never", "corpus/binary.md", cwd=folder.parent, timeout=60)
    assert proc.returncode == 0 and "IN002" in proc.stdout
