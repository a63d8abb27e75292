"""The ``audit claims`` inventory command (and the streaming it shares with ``audit readability``)."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from audit.cli import cli

TEXT = "# Iron and restless legs\n\nIron supplementation may relieve symptoms [1]. Research shows exercise cures RLS.\n\nHow is it diagnosed?\n\n## References\n\n1. Allen RP. Sleep Med. 2018;41:27-44. doi:10.1016/j.sleep.2017.11.1126\n"


def run(*args: str, text: str = TEXT):
    return CliRunner().invoke(cli, ["claims", *args, "-"], input=text)


def test_json_inventory() -> None:
    res = run("--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["version"] == 1 and data["tool"]["name"] == "audit"
    [f] = data["files"]
    first, second = f["sentences"]
    assert (first["line"], first["column"], first["kind"], first["strength"], first["support"], first["hedges"]) == (3, 1, "efficacy", "conditional_causal", "cited", ["may"])
    assert first["citations"][0]["type"] == "numeric" and first["citations"][0]["references"][0]["locators"] == ["doi:10.1016/j.sleep.2017.11.1126"]
    assert second["support"] == "vague" and second["absolutes"] == ["cures"]
    assert data["summary"]["claims"] == 2 and data["summary"]["by_support"] == {"cited": 1, "vague": 1}


def test_all_sentences_explains_non_claims() -> None:
    data = json.loads(run("--format", "json", "--all-sentences").output)
    rows = data["files"][0]["sentences"]
    reasons = {r["text"]: r["reason"] for r in rows if not r["claim"]}
    assert reasons["How is it diagnosed?"] == "question"
    assert "heading" in reasons["Iron and restless legs"]
    assert any("reference list entry" == r for r in reasons.values())


def test_text_and_csv() -> None:
    out = run().output
    assert "CLAIM  Iron supplementation may relieve symptoms [1]." in out
    assert "support=cited" in out and "2 claims in 1 files" in out
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv").output)))
    assert [r["support"] for r in rows] == ["cited", "vague"]
    assert rows[1]["absolutes"] == "cures"


def test_csv_cells_never_start_a_formula() -> None:
    text = '=HYPERLINK("http://example.com") cures arthritis permanently.\n\n- +Iron cures anaemia in everyone.\n'
    res = CliRunner().invoke(cli, ["claims", "-f", "csv", "-", "--stdin-filename", "=1+2.md"], input=text)
    rows = list(csv.reader(io.StringIO(res.output)))[1:]
    assert rows and all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert rows[0][0] == "'=1+2.md" and rows[0][-1].startswith("'=HYPERLINK")


def test_help_and_bad_path() -> None:
    assert "Inventory of the health claims" in CliRunner().invoke(cli, ["claims", "--help"]).output
    assert CliRunner().invoke(cli, ["claims", "no/such/file.md"]).exit_code == 2


def _folder(tmp_path, n: int):
    for i in range(n):
        (tmp_path / f"a{i}.md").write_text(TEXT.replace("Iron and", f"Iron ({i}) and"), encoding="utf-8")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\xff\xfe")
    return tmp_path


def test_inspection_commands_write_each_file_before_reading_the_next(tmp_path, monkeypatch) -> None:
    # `audit claims` and `audit readability` stream: a file's part of the output is written
    # before the next file is read, and the JSON is still what json.dumps writes for the whole.
    import sys

    import audit.engine

    folder = _folder(tmp_path, 3)
    real = audit.engine.read_input
    seen: list[int] = []

    def read_input(inp):
        sys.stdout.flush()
        seen.append(len(sys.stdout.buffer.getvalue()))  # what was written before this file was read
        return real(inp)

    monkeypatch.setattr(audit.engine, "read_input", read_input)
    for args in (["claims", "-f", "json"], ["claims", "-f", "csv"], ["claims"], ["readability", "-f", "json"]):
        seen.clear()
        r = CliRunner().invoke(cli, [*args, str(folder)], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        assert len(seen) == 4 and seen == sorted(seen) and len(set(seen[1:])) == 3, (args, seen)
        if "json" in args:
            data = json.loads(r.output)
            assert r.output == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
            assert data["summary"]["files"] == 4 and data["summary"]["unreadable"] == 1
            assert [f["path"].rsplit("/", 1)[-1] for f in data["files"]] == ["a0.md", "a1.md", "a2.md", "binary.md"]


def test_json_of_no_files_and_of_one_is_what_json_dumps_writes(tmp_path) -> None:
    empty, one = tmp_path / "empty", tmp_path / "one"
    empty.mkdir()
    one.mkdir()
    _folder(one, 0)  # only the binary file
    for folder in (empty, one):
        for args in (["claims", "-f", "json"], ["readability", "-f", "json"]):
            r = CliRunner().invoke(cli, [*args, str(folder)], catch_exceptions=False)
            assert r.exit_code == 0, r.output
            assert r.output == json.dumps(json.loads(r.output), indent=2, ensure_ascii=False) + "\n"


def test_a_file_the_analysis_fails_on_is_reported_and_the_others_listed(tmp_path, monkeypatch) -> None:
    import audit.claims

    folder = _folder(tmp_path, 3)
    real = audit.claims.inventory

    def inventory(doc, *args, **kwargs):
        if doc.path.endswith("a1.md"):
            raise ValueError("boom")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(audit.claims, "inventory", inventory)
    r = CliRunner().invoke(cli, ["claims", "-f", "json", str(folder)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    files = {f["path"].rsplit("/", 1)[-1]: f for f in json.loads(r.output)["files"]}
    assert files["a1.md"]["error"] == "internal error: ValueError: boom" and files["a1.md"]["sentences"] == []
    assert files["a0.md"]["sentences"] and files["a2.md"]["sentences"]
    text = CliRunner().invoke(cli, ["claims", str(folder)], catch_exceptions=False).output
    assert "a1.md: not analysed: internal error: ValueError: boom" in text and "a2.md:3:1  CLAIM" in text
    # --debug shows the error itself.
    r = CliRunner().invoke(cli, ["claims", "--debug", str(folder)])
    assert isinstance(r.exception, ValueError)


def test_commands_that_run_no_rules_refuse_rule_selection() -> None:
    """``audit claims`` and ``audit readability`` run no rules: a --select or --ignore there
    would silently do nothing, so it is a usage error."""
    for command in ("claims", "readability"):
        for option in ("--select", "--ignore"):
            res = CliRunner().invoke(cli, [command, option, "CL001", "-"], input=TEXT)
            assert res.exit_code == 2 and "No such option" in res.output, (command, option)


def test_text_outputs_escape_control_characters() -> None:
    text = "Iron supplements cure anaemia \x1b[2Jin adults.\n"
    for command in ("claims", "readability"):
        res = CliRunner().invoke(cli, [command, "-", "--stdin-filename", "a\x1b]0;x\x07.md"], input=text)
        assert res.exit_code == 0 and "\x1b" not in res.output and "\x07" not in res.output, command
        assert "a\\x1b]0;x\\x07.md" in res.output
    assert "\\x1b[2Jin adults" in CliRunner().invoke(cli, ["claims", "-"], input=text).output
