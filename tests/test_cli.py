"""The command line: help text, exit codes, output files, standard input."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from audit.cli import cli

COMMANDS = sorted(cli.list_commands(click.Context(cli)))


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    cmd = cli.get_command(click.Context(cli), name)
    assert cmd is not None and cmd.help and len(cmd.help) > 20
    r = invoke(name, "--help")
    assert r.exit_code == 0 and "Usage:" in r.output


def test_core_commands_exist() -> None:
    assert {"check", "config", "explain", "init", "readability", "rules"} <= set(COMMANDS)


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    r = invoke("check", str(tmp_path / "nope.md"))
    assert r.exit_code == 2
    assert "does not exist" in r.output


def test_glob_matching_nothing_is_a_usage_error(tmp_path: Path) -> None:
    r = invoke("check", str(tmp_path / "*.md"))
    assert r.exit_code == 2


def test_unknown_format_and_selector_are_usage_errors(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("Hello.\n")
    assert invoke("check", str(f), "--format", "yaml").exit_code == 2
    assert invoke("check", str(f), "--select", "ZZ999").exit_code == 2


def test_config_error_exits_2_and_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "audit.toml").write_text("[readability]\ntarget = 'x'\n")
    f = tmp_path / "a.md"
    f.write_text("Hello.\n")
    r = invoke("check", str(f))
    assert r.exit_code == 2
    assert "audit.toml" in r.output and "readability.target" in r.output


def test_binary_file_is_a_finding_and_other_files_are_still_checked(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "good.md").write_text("# Title\n\nA plain sentence.\n")
    r = invoke("check", str(tmp_path), "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.output)
    paths = {Path(f["path"]).name: f for f in data["files"]}
    assert set(paths) == {"bad.md", "good.md"}
    assert [f["rule"] for f in paths["bad.md"]["findings"]] == ["IN002"]
    assert paths["good.md"]["readability"] is not None


def test_fail_on_never_and_output_file_do_not_change_exit_semantics(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"\x00\x01binary")
    out = tmp_path / "out" / "r.json"
    r1 = invoke("check", str(tmp_path / "bad.md"), "--format", "json", "--output", str(out))
    assert r1.exit_code == 1
    assert json.loads(out.read_text())["summary"]["failing"] == 1
    r2 = invoke("check", str(tmp_path / "bad.md"), "--fail-on", "never")
    assert r2.exit_code == 0


def test_json_has_documented_top_level_shape(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("# Title\n\nOne sentence here.\n")
    data = json.loads(invoke("check", str(f), "--format", "json").output)
    assert data["version"] == 1
    assert data["tool"]["name"] == "audit"
    assert set(data) >= {"version", "tool", "files", "summary"}
    rec = data["files"][0]
    assert set(rec) >= {"path", "format", "metadata", "readability", "findings"}
    assert rec["format"] == "markdown"


def test_standard_input_with_filename(tmp_path: Path) -> None:
    r = invoke("check", "-", "--stdin-filename", "draft.html", "--format", "json", input="<p>Hello there.</p>")
    data = json.loads(r.output)
    assert data["files"][0]["path"] == "draft.html"
    assert data["files"][0]["format"] == "html"


def test_text_output_groups_by_file_with_positions(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"\x00\x01binary")
    r = invoke("check", str(tmp_path / "bad.md"), "--no-color")
    assert f"{tmp_path / 'bad.md'}:1:1" in r.output
    assert "IN002" in r.output and "1 files checked" in r.output


def test_rules_and_explain() -> None:
    r = invoke("rules")
    assert r.exit_code == 0 and "IN002" in r.output
    data = json.loads(invoke("rules", "--format", "json").output)
    assert any(x["id"] == "IN002" for x in data["rules"])
    r = invoke("explain", "undecodable-file")
    assert r.exit_code == 0 and "Why it matters" in r.output
    assert invoke("explain", "XX999").exit_code == 2


def test_init_then_config_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("init").exit_code == 0
    assert invoke("init").exit_code == 2  # exists
    r = invoke("config", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["config_file"].endswith("audit.toml")
    assert data["readability"]["metric"] == "smog_index"


def test_rule_listing_shows_whole_first_sentences() -> None:
    from audit.cli.cmd_rules import first_sentence

    assert first_sentence("Flags X, e.g. the site name. More here.") == "Flags X, e.g. the site name"
    assert first_sentence("Flags 'Dr. Smith recommends our clinic' and more. Second.") == "Flags 'Dr. Smith recommends our clinic' and more"
    assert first_sentence("One sentence only.") == "One sentence only"
