"""The ``audit claims`` inventory command."""

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


def test_help_and_bad_path() -> None:
    assert "Inventory of the health claims" in CliRunner().invoke(cli, ["claims", "--help"]).output
    assert CliRunner().invoke(cli, ["claims", "no/such/file.md"]).exit_code == 2
