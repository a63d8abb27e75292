"""Robustness guarantees: rule failures isolated, bounded time, safe reads, data-only config, atomic reports."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from audit import safety
from audit.cli import cli, main
from audit.config import ConfigError, from_dict, load
from audit.engine import Input, UsageError, check_input, discover
from audit.model import Hit
from audit.readers import InputError, decode
from audit.readers.frontmatter import split_front_matter
from audit.reporters import atomic_writer
from audit.rules import base
from tests.conftest import check_text

ARTICLE = "# Iron\n\nIron tablets cure tiredness in everyone.\n\nExercise may help some people sleep better.\n"


@contextlib.contextmanager
def registered(rule_cls: type[base.Rule]) -> Iterator[type[base.Rule]]:
    """Register a rule for the duration of a test, then restore the registry exactly."""
    base.all_rules()
    saved_registry, saved_names = dict(base._REGISTRY), dict(base._BY_NAME)
    try:
        yield base.register(rule_cls)
    finally:
        base._REGISTRY.clear()
        base._REGISTRY.update(saved_registry)
        base._BY_NAME.clear()
        base._BY_NAME.update(saved_names)


def _broken_rule() -> type[base.Rule]:
    class Broken(base.Rule):
        id = "ZZ901"
        name = "always-crashes"
        category = "claims"
        severity = "warning"

        def check(self, doc: Any, ctx: Any) -> Iterator[Hit]:
            yield Hit(0, 1, "first hit before the crash")
            raise ZeroDivisionError("boom in a rule")

    return Broken


# -- one rule's exception ---------------------------------------------------------------------


def test_a_crashing_rule_becomes_in900_and_the_other_rules_still_run() -> None:
    clean = check_text(ARTICLE)
    with registered(_broken_rule()):
        result = check_text(ARTICLE)
    internal = [f for f in result.findings if f.rule == "IN900"]
    assert len(internal) == 1
    assert "ZZ901" in internal[0].message and "always-crashes" in internal[0].message
    assert "ZeroDivisionError: boom in a rule" in internal[0].message
    others = sorted((f.rule, f.line, f.column) for f in result.findings if f.rule not in ("IN900", "ZZ901"))
    assert others == sorted((f.rule, f.line, f.column) for f in clean.findings)
    assert others, "the article has ordinary findings"


def test_the_registry_is_restored_after_a_test_rule() -> None:
    with registered(_broken_rule()):
        assert base.get_rule("ZZ901") is not None
    assert base.get_rule("ZZ901") is None and base.get_rule("always-crashes") is None
    assert not any(f.rule == "IN900" for f in check_text(ARTICLE).findings)


def test_cli_reports_a_rule_crash_without_traceback_and_debug_shows_it(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text(ARTICLE)
    runner = CliRunner()
    with registered(_broken_rule()):
        plain = runner.invoke(cli, ["check", "--no-cache", str(article)])
        debug = runner.invoke(cli, ["check", "--no-cache", "--debug", str(article)])
    assert plain.exit_code == 1 and "IN900" in plain.output and "Traceback" not in plain.output
    assert isinstance(debug.exception, ZeroDivisionError)


def test_an_unexpected_error_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.md"
    article.write_text(ARTICLE)

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("audit.engine.execute", explode)
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--no-cache", str(article)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: disk on fire" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(RuntimeError, match="disk on fire"):
        main(["check", "--no-cache", "--debug", str(article)])


# -- time budget ------------------------------------------------------------------------------


def _slow_rule() -> type[base.Rule]:
    class Slow(base.Rule):
        id = "ZZ902"
        name = "takes-forever"
        category = "claims"

        def check(self, doc: Any, ctx: Any) -> Iterator[Hit]:
            end = time.monotonic() + 60
            while time.monotonic() < end:  # a pure-Python loop, like a pathological parser
                pass
            return iter(())

    return Slow


@pytest.mark.skipif(not safety.can_interrupt(), reason="needs a POSIX interval timer in the main thread")
def test_a_document_over_the_time_budget_becomes_in004(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(safety.TIME_BUDGET_ENV, "0.5")
    previous = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with registered(_slow_rule()):
        result = check_text(ARTICLE)
    assert time.monotonic() - started < 10
    assert [f.rule for f in result.findings] == ["IN004"]
    assert "0.5 s time budget" in result.findings[0].message and result.findings[0].severity == "error"
    assert not result.sha256, "a timed-out result must not be cached"
    # The next document is checked normally: the timer was cleared and the handler restored.
    assert signal.getsignal(signal.SIGALRM) == previous
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert any(f.rule == "CL001" for f in check_text(ARTICLE).findings)


@pytest.mark.skipif(not safety.can_interrupt(), reason="needs a POSIX interval timer in the main thread")
def test_the_time_budget_never_fires_after_the_block() -> None:
    previous = signal.getsignal(signal.SIGALRM)
    with safety.time_budget(0.05):
        pass
    time.sleep(0.1)  # an alarm left armed would raise here
    assert signal.getsignal(signal.SIGALRM) == previous
    with pytest.raises(safety.DocumentTimeout), safety.time_budget(0.05):
        time.sleep(1)


def test_time_budget_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(safety.TIME_BUDGET_ENV, raising=False)
    assert safety.time_budget_seconds() == safety.DOCUMENT_TIME_BUDGET
    for raw, expected in (("7.5", 7.5), ("off", None), ("0", None), ("-3", None), ("junk", safety.DOCUMENT_TIME_BUDGET)):
        monkeypatch.setenv(safety.TIME_BUDGET_ENV, raw)
        assert safety.time_budget_seconds() == expected, raw


# -- reading files safely ---------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_open_regular_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(safety.NotRegularFile, match="FIFO"):
        safety.open_regular(fifo)
    assert time.monotonic() - started < 2
    result = check_input(Input(display="pipe.md", path=fifo, relpath="pipe.md", format="markdown"), from_dict({}))
    assert [f.rule for f in result.findings] == ["IN001"]


def test_open_regular_reads_files_and_refuses_folders_and_devices(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"text")
    with safety.open_regular(f) as fh:
        assert fh.read() == b"text"
    with pytest.raises(OSError):
        safety.open_regular(tmp_path)
    if os.path.exists("/dev/zero"):
        with pytest.raises(safety.NotRegularFile, match="character device"):
            safety.open_regular("/dev/zero")


def test_a_file_over_the_size_limit_is_in003_without_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("audit.engine.MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.md"
    big.write_bytes(b"word " * 400)
    result = check_input(Input(display="big.md", path=big, relpath="big.md", format="markdown"), from_dict({}))
    assert [f.rule for f in result.findings] == ["IN003"]
    small = tmp_path / "small.md"
    small.write_bytes(b"word " * 100)
    result = check_input(Input(display="small.md", path=small, relpath="small.md", format="markdown"), from_dict({}))
    assert not any(f.category == "input" for f in result.findings)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_symlink_loop_is_an_input_finding_not_a_crash(tmp_path: Path) -> None:
    os.symlink("b.md", tmp_path / "a.md")
    os.symlink("a.md", tmp_path / "b.md")
    cfg = load(None, [str(tmp_path / "a.md")])
    inputs = discover([str(tmp_path / "a.md"), str(tmp_path)], cfg)
    assert [Path(i.display).name for i in inputs] == ["a.md", "b.md"]
    for inp in inputs:
        assert [f.rule for f in check_input(inp, cfg).findings] == ["IN001"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="permission bits do not stop root")
def test_an_unreadable_file_is_in001(tmp_path: Path) -> None:
    f = tmp_path / "secret.md"
    f.write_text("Secret.")
    f.chmod(0)
    try:
        result = check_input(Input(display="secret.md", path=f, relpath="secret.md", format="markdown"), from_dict({}))
    finally:
        f.chmod(0o644)
    assert [x.rule for x in result.findings] == ["IN001"] and "Permission denied" in result.findings[0].message


def test_nul_characters_do_not_shift_offsets() -> None:
    data = b"x" * 9000 + b"a\x00b\rc\r\nd" + b"y" * 9000
    text = decode(data)
    assert len(text) == len(data.decode())
    assert text[9000:9008] == "a\x00b\nc\r\nd"
    with pytest.raises(InputError):
        decode(b"\x00" + data)


# -- config and documents are data ------------------------------------------------------------


def test_yaml_front_matter_tags_are_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    fm = split_front_matter(f"---\nx: !!python/object/apply:os.system ['touch {marker}']\n---\nBody\n")
    assert fm.data == {} and fm.error and "python/object" in fm.error
    assert not marker.exists()


def test_yaml_alias_bombs_are_refused_quickly() -> None:
    lines = ["---", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    started = time.monotonic()
    fm = split_front_matter("\n".join([*lines, "---", "Body"]) + "\n")
    assert time.monotonic() - started < 5
    assert fm.data == {} and "aliases" in (fm.error or "")
    ok = split_front_matter("---\nbase: &b {author: Ann}\npage: *b\n---\nBody\n")
    assert ok.error is None and ok.data == {"base": {"author": "Ann"}, "page": {"author": "Ann"}}


def test_config_path_patterns_that_backtrack_are_refused() -> None:
    with pytest.raises(ConfigError) as e:
        from_dict({"exclude": ["drafts/a*a*a*a*b.md"]}, "audit.toml")
    assert "exclude" in str(e.value) and "wildcards" in str(e.value)
    with pytest.raises(ConfigError, match=r"overrides\[0\]\.files"):
        from_dict({"overrides": [{"files": ["*x*y*z*w*"], "select": ["RD"]}]}, "audit.toml")
    cfg = from_dict({"exclude": ["**/drafts/**", "*-draft-*.md", "a*b*c*.md"]}, "audit.toml")
    assert cfg.exclude == ("**/drafts/**", "*-draft-*.md", "a*b*c*.md")


def test_accepted_path_patterns_match_long_names_quickly() -> None:
    import pathspec

    cfg = from_dict({"exclude": ["a*a*a*b"], "include": ["*a*a*ab"]}, "audit.toml")
    for backend in ("simple", None):  # Python's backtracking engine, and the default (RE2 when installed)
        kwargs = {"backend": backend} if backend else {}
        for patterns in (cfg.exclude, cfg.include):
            spec = pathspec.GitIgnoreSpec.from_lines(list(patterns), **kwargs)
            started = time.monotonic()
            assert not spec.match_file("a" * 255 + "/" + "a" * 255)
            assert time.monotonic() - started < 0.5


# -- reports ----------------------------------------------------------------------------------


def test_atomic_writer_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write("half of a new rep")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    with pytest.raises(KeyboardInterrupt), atomic_writer(target) as fh:
        fh.write("partial")
        raise KeyboardInterrupt
    assert target.read_text() == "old report" and len(list(tmp_path.iterdir())) == 1
    with atomic_writer(target) as fh:
        fh.write("new report")
    assert target.read_text() == "new report" and len(list(tmp_path.iterdir())) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_output_to_a_pipe_or_device_writes_to_it_and_keeps_it(tmp_path: Path) -> None:
    """``-o /dev/null`` or a FIFO must not be replaced by a regular file (as root, a rename
    over /dev/null would break the whole machine)."""
    import stat
    import threading

    article = tmp_path / "draft.md"
    article.write_text("# Iron\n\nIron tablets cure tiredness in every case.\n", encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = CliRunner().invoke(cli, ["check", "-f", "json", "--no-cache", "--fail-on", "never", "-o", str(fifo), str(article)])
    reader.join(10)
    assert r.exit_code == 0, r.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith(b'{\n  "version": 1')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.md", "pipe"]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd") or not os.path.isdir("/dev/fd"), reason="needs /proc and /dev/fd")
@pytest.mark.parametrize("folder", ["/dev/fd", "/proc/self/fd"])
def test_output_to_a_descriptor_name_writes_through_to_the_redirected_file(tmp_path: Path, folder: str) -> None:
    """``-o /dev/stdout > out.json`` (here the name of another descriptor of this process, open on
    a regular file, as standard output is when redirected): the file receives the report, and
    nothing is created or replaced in the descriptor folder (a failure here cannot harm the
    machine: no file can be created in these folders)."""
    out = tmp_path / "out.json"
    with open(out, "w+b") as fh:
        fh.write(b"header\n")  # what the shell wrote before ("(echo header; audit ...) > out")
        fh.flush()
        with atomic_writer(f"{folder}/{fh.fileno()}") as w:
            w.write("report")
        fh.seek(0)
        assert fh.read() == b"header\nreport"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_files_the_tool_names_itself_replace_a_planted_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "index.html"
    os.mkfifo(fifo)
    with atomic_writer(fifo, devices=False) as fh:  # as `audit report` writes its folder
        fh.write("report")
    assert fifo.is_file() and fifo.read_text() == "report"


def test_report_writes_only_inside_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "project").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "article.md").write_text(ARTICLE)
    (outside / "..%2Findex.html.md").write_text(ARTICLE)
    monkeypatch.chdir(tmp_path / "project")
    before = {p for p in tmp_path.rglob("*")}
    result = CliRunner().invoke(cli, ["report", "../outside/article.md", "../outside/..%2Findex.html.md", "-o", "out", "--no-progress"])
    assert result.exit_code in (0, 1), result.output
    created = {p for p in tmp_path.rglob("*")} - before
    out = tmp_path / "project" / "out"
    assert all(p == out or out in p.parents for p in created), created
    assert {p.name for p in out.iterdir()} == {"index.html", "findings.json", "findings.sarif", "claims.csv", "summary.md"}


def test_report_file_names_cannot_escape_the_folder(tmp_path: Path) -> None:
    from audit.cli.cmd_report import target

    assert target(tmp_path, "index.html") == tmp_path / "index.html"
    for bad in ("../index.html", "/etc/passwd", "..", "", "sub/../../x", "a/b"):
        with pytest.raises(ValueError):
            target(tmp_path, bad)


# -- regressions found by fuzzing ---------------------------------------------------------------


def test_a_malformed_marked_section_does_not_fail_the_file() -> None:
    for fmt in ("html", "markdown"):
        result = check_text("<p>Iron cures <![ tiredness [ x ]]> everyone.</p>\n<p>Second paragraph.</p>\n", fmt)
        assert not any(f.category == "input" for f in result.findings), fmt
    from audit.readers import parse

    doc = parse("x.html", "<p>a\n <![\n b</p> c <p>d</p>", "html")
    assert [(b.text, doc.source[slice(*b.source_span())]) for b in doc.blocks] == [("a c", "a\n <![\n b</p> c"), ("d", "d")]


def test_an_impossible_front_matter_date_is_a_front_matter_error() -> None:
    fm = split_front_matter("---\ntitle: a\ndate: 2024-00-01\n---\nBody\n")
    assert fm.data == {} and "month must be in 1..12" in (fm.error or "")
    result = check_text("---\ndate: 2024-13-01\n---\n\nIron cures tiredness in everyone.\n")
    assert not any(f.rule == "IN900" for f in result.findings)
    assert any(f.rule == "PV006" for f in result.findings)


@pytest.mark.skipif(not safety.can_interrupt(), reason="needs a POSIX interval timer in the main thread")
def test_the_time_budget_never_interrupts_an_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    (tmp_path / "slow_import_module.py").write_text("import time\ntime.sleep(0.4)\nLOADED = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    started = time.monotonic()
    with pytest.raises(safety.DocumentTimeout), safety.time_budget(0.1):
        module = importlib.import_module("slow_import_module")
        assert module.LOADED  # the import completed although the budget ran out during it
        while True:
            time.sleep(0.01)  # the timeout arrives here, shortly after the import
    assert time.monotonic() - started < 2
    assert sys.modules["slow_import_module"].LOADED
    sys.modules.pop("slow_import_module", None)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_discovered_relative_paths_are_each_files_resolved_path(tmp_path: Path) -> None:
    """Discovery resolves each folder once; every input's relpath must still be its own
    resolved path relative to the root (or its path as given when outside the root)."""
    from audit.engine import _rel

    root = tmp_path / "root"
    outside = tmp_path / "outside"
    for folder in (root / "a" / "b", root / "c", outside / "d"):
        folder.mkdir(parents=True)
    for f in (root / "top.md", root / "a" / "x.md", root / "a" / "b" / "y.txt", outside / "o.md", outside / "d" / "p.md"):
        f.write_text("# T\n\nText.\n", encoding="utf-8")
    (root / "c" / "link.md").symlink_to(outside / "o.md")  # a file link: resolves outside the root
    (root / "c" / "inner.md").symlink_to(root / "a" / "x.md")  # resolves elsewhere inside
    (root / "linked").symlink_to(root / "a", target_is_directory=True)
    cfg = from_dict({}, root=root)
    inputs = discover([str(root), str(outside)], cfg)
    resolved = root.resolve()
    expected = {"top.md", "a/x.md", "a/b/y.txt", (root / "c" / "link.md").as_posix(), (outside / "d" / "p.md").as_posix()}
    assert expected <= {i.relpath for i in inputs}
    for i in inputs:
        assert i.relpath == _rel(i.path, resolved), i


def test_links_in_a_folder_are_matched_by_their_own_name_and_dangling_ones_reported(tmp_path: Path) -> None:
    (tmp_path / "notes.data").write_text("Knee arthroscopy permanently cures knee pain.\n", encoding="utf-8")
    (tmp_path / "article.md").symlink_to(tmp_path / "notes.data")
    (tmp_path / "draft.md").symlink_to(tmp_path / "gone")  # dangling, to a name include does not match
    cfg = from_dict({}, root=tmp_path)
    assert sorted(Path(i.display).name for i in discover([str(tmp_path)], cfg)) == ["article.md", "draft.md"]
    # ... and excluded by it too.
    cfg = from_dict({"exclude": ["draft.md"]}, root=tmp_path)
    assert sorted(Path(i.display).name for i in discover([str(tmp_path)], cfg)) == ["article.md"]
    r = CliRunner().invoke(cli, ["check", str(tmp_path), "-f", "json", "--no-cache", "--fail-on", "never"])
    rules = {Path(f["path"]).name: [x["rule"] for x in f["findings"]] for f in json.loads(r.stdout)["files"]}
    assert rules["draft.md"] == ["IN001"] and "CL001" in rules["article.md"]


def test_inputs_are_streamed_in_discovery_order_after_every_path_is_checked(tmp_path: Path) -> None:
    from audit.engine import iter_inputs

    (tmp_path / "a" / "b").mkdir(parents=True)
    for i in range(300):  # more than a run takes as a list (audit.engine.peek)
        (tmp_path / "a" / ("b" if i % 3 else "") / f"f{i:03}.md").write_text(f"# T{i}\n\nText {i}.\n", encoding="utf-8")
    cfg = from_dict({}, root=tmp_path)
    paths = [str(tmp_path / "a"), str(tmp_path / "a" / "b" / "f001.md"), str(tmp_path / "a" / "*.md")]
    expected = discover(paths, cfg)
    assert len(expected) == 300  # each file once, although named up to three times
    stream = iter_inputs(paths, cfg)
    assert not isinstance(stream, list)
    assert list(stream) == expected
    with pytest.raises(UsageError, match="does not exist"):
        iter_inputs([str(tmp_path / "a"), str(tmp_path / "missing")], cfg)  # before any input is made
    r = CliRunner().invoke(cli, ["check", "-f", "json", "--no-cache", "--fail-on", "never", "--jobs", "1", *paths])
    assert r.exit_code == 0, r.output
    assert [f["path"] for f in json.loads(r.output)["files"]] == [i.display for i in expected]
