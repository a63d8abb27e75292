"""Waivers: strict validation, matching by rule/path/text/fingerprint, expiry, CLI exit codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.gating import GatingError, describe_status
from audit.gating import waivers as wv
from audit.gating.fingerprint import fingerprint
from tests.test_gating_inline import run, test_rules  # noqa: F401  (fixture)

GOOD = '''
[[waiver]]
rule = "TS001"
path = "docs/*.md"
match = "Zorbix"
reason = "Product name required by the regulator."
approved_by = "Dr. Reviewer"
date = 2025-01-10
expires = 2025-12-31
'''

TODAY = dt.date(2025, 6, 1)


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "waivers.toml"
    p.write_text(text)
    return p


def result_for(tmp_path: Path, rel: str, text: str):
    r = run(text, select=("TS",))
    r.path = str(tmp_path / rel)
    return r


def test_valid_file_loads(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    w = wv.load(write(tmp_path, GOOD), TODAY)
    (one,) = w.waivers
    assert (one.rule, one.path, one.match, one.date, one.expires) == (
        "TS001", "docs/*.md", "Zorbix", dt.date(2025, 1, 10), dt.date(2025, 12, 31))


def test_rule_may_be_named(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    w = wv.load(write(tmp_path, GOOD.replace('"TS001"', '"zorbix-word"')), TODAY)
    assert w.waivers[0].rule == "TS001"


@pytest.mark.parametrize("change,key,message", [
    (('reason = "Product name required by the regulator."\n', ""), "waiver[1].reason", "required"),
    (('approved_by = "Dr. Reviewer"', 'approved_by = ""'), "waiver[1].approved_by", "non-empty"),
    (("date = 2025-01-10", 'date = "last week"'), "waiver[1].date", "date like"),
    (("expires = 2025-12-31", "expires = 2024-12-31"), "waiver[1].expires", "before"),
    (('rule = "TS001"', 'rule = "ZZ999"'), "waiver[1].rule", "not a rule"),
    (('rule = "TS001"', 'rule = "TS001"\nreviewer = "x"'), "waiver[1].reviewer", "unknown key"),
    (('match = "Zorbix"', 'fingerprint = "not-hex!"'), "waiver[1].fingerprint", "hexadecimal"),
    (('match = "Zorbix"', "match = 3"), "waiver[1].match", "string"),
])
def test_mistakes_name_the_file_and_key(tmp_path: Path, test_rules: None, change: tuple[str, str],  # noqa: F811
                                        key: str, message: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(GatingError) as e:
        wv.load(write(tmp_path, text), TODAY)
    assert str(tmp_path / "waivers.toml") in str(e.value)
    assert key in str(e.value) and message in str(e.value)


def test_file_level_mistakes(tmp_path: Path) -> None:
    with pytest.raises(GatingError, match="syntax"):
        wv.load(write(tmp_path, "[[waiver]\n"), TODAY)
    with pytest.raises(GatingError, match="waivers: unknown key"):
        wv.load(write(tmp_path, "waivers = []\n"), TODAY)
    with pytest.raises(GatingError, match="no such waiver file"):
        wv.load(tmp_path / "nope.toml", TODAY)


def test_date_may_be_a_string(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    w = wv.load(write(tmp_path, GOOD.replace("date = 2025-01-10", 'date = "2025-01-10"')), TODAY)
    assert w.waivers[0].date == dt.date(2025, 1, 10)


def test_waiver_marks_matching_findings_with_who_and_why(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    w = wv.load(write(tmp_path, GOOD), TODAY)
    r = result_for(tmp_path, "docs/a.md", "zorbix\n\nquux\n\nother zorbix text\n")
    w.apply(r, lambda: None)
    assert [(f.rule, f.line, f.status) for f in r.findings] == [
        ("TS001", 1, "waived"), ("TS002", 3, "open"), ("TS001", 5, "waived")]
    d = r.findings[0].status_detail
    assert d["reason"] == "Product name required by the regulator." and d["approved_by"] == "Dr. Reviewer"
    assert (d["date"], d["expires"]) == ("2025-01-10", "2025-12-31")
    assert describe_status(r.findings[0]).startswith("waived by Dr. Reviewer on 2025-01-10 until 2025-12-31")
    assert w.report()["waived"] == 2 and w.report()["expired"] == [] and w.report()["unused"] == []


def test_path_and_match_must_both_fit(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    w = wv.load(write(tmp_path, GOOD.replace('match = "Zorbix"', 'match = "something else"')), TODAY)
    r = result_for(tmp_path, "docs/a.md", "zorbix\n")
    w.apply(r, lambda: None)
    assert r.findings[0].status == "open"
    assert [u["waiver"] for u in w.report()["unused"]] == [1]
    w2 = wv.load(write(tmp_path, GOOD), TODAY)
    r2 = result_for(tmp_path, "blog/a.md", "zorbix\n")
    w2.apply(r2, lambda: None)
    assert r2.findings[0].status == "open"
    assert w2.report()["unused"] == []  # its path matched no checked file, so it is not reported unused


def test_expired_waiver_stops_applying_and_is_reported(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    p = write(tmp_path, GOOD)
    on_last_day = wv.load(p, dt.date(2025, 12, 31))
    r = result_for(tmp_path, "docs/a.md", "zorbix\n")
    on_last_day.apply(r, lambda: None)
    assert r.findings[0].status == "waived"
    after = wv.load(p, dt.date(2026, 1, 1))
    r = result_for(tmp_path, "docs/a.md", "zorbix\n")
    after.apply(r, lambda: None)
    assert r.findings[0].status == "open"
    rep = after.report()
    assert rep["waived"] == 0
    assert rep["expired"] == [{"waiver": 1, "rule": "TS001", "path": "docs/*.md", "match": "Zorbix",
                               "approved_by": "Dr. Reviewer", "date": "2025-01-10", "expires": "2025-12-31"}]


def test_waiver_by_fingerprint(tmp_path: Path, test_rules: None) -> None:  # noqa: F811
    text = "We sell zorbix.\n\nThey sell zorbix.\n"
    r = result_for(tmp_path, "docs/a.md", text)
    fp = fingerprint(r.findings[1], text)
    body = GOOD.replace('match = "Zorbix"', f'fingerprint = "{fp}"')
    w = wv.load(write(tmp_path, body), TODAY)
    w.apply(r, lambda: text)
    assert [f.status for f in r.findings] == ["open", "waived"]


def test_waiver_pinned_to_a_whole_document_finding_by_either_fingerprint(tmp_path: Path) -> None:
    from audit.gating.fingerprint import fingerprint_parts
    from tests.conftest import check_text

    text = "# Iron\n\nIron tablets cure tiredness in everyone.\n"
    earlier = None
    for pinned in ("current", "earlier"):
        r = check_text(text, "markdown", select=("PV001",))
        r.path = str(tmp_path / "docs" / "a.md")
        [f] = r.findings
        earlier = fingerprint_parts("PV001", f.match, text, f.offset, f.end_offset)
        fp = fingerprint(f, text) if pinned == "current" else earlier
        body = GOOD.replace('match = "Zorbix"', f'fingerprint = "{fp}"').replace('"TS001"', '"PV001"')
        w = wv.load(write(tmp_path, body), TODAY)
        w.apply(r, lambda: text)
        assert [x.status for x in r.findings] == ["waived"], pinned
    assert earlier != fingerprint(f, text)


def test_cli_waivers_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, test_rules: None) -> None:  # noqa: F811
    monkeypatch.chdir(tmp_path)
    Path("docs").mkdir()
    Path("docs/a.md").write_text("zorbix\n")
    runner = CliRunner()

    def check(*extra: str):
        return runner.invoke(cli, ["check", "docs", "--select", "TS", *extra], catch_exceptions=False)

    assert check().exit_code == 1
    Path("w.toml").write_text(GOOD.replace("expires = 2025-12-31", "expires = 2999-12-31"))
    r = check("--waivers", "w.toml", "-f", "json")
    assert r.exit_code == 0
    out = json.loads(r.stdout)
    f = out["files"][0]["findings"][0]
    assert f["status"] == "waived" and f["status_detail"]["approved_by"] == "Dr. Reviewer"
    assert out["summary"]["gating"]["waivers"]["waived"] == 1

    Path("w.toml").write_text(GOOD.replace("expires = 2025-12-31", "expires = 2001-01-01").replace(
        "date = 2025-01-10", "date = 2000-01-01"))
    r = check("--waivers", "w.toml")
    assert r.exit_code == 1
    assert "expired waiver #1" in r.stderr

    Path("w.toml").write_text(GOOD.replace('approved_by = "Dr. Reviewer"\n', ""))
    r = check("--waivers", "w.toml")
    assert r.exit_code == 2 and "w.toml" in r.output and "approved_by" in r.output


def test_cli_waivers_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, test_rules: None) -> None:  # noqa: F811
    (tmp_path / "audit.toml").write_text('waivers = "compliance/waivers.toml"\nselect = ["TS"]\n')
    (tmp_path / "compliance").mkdir()
    (tmp_path / "compliance" / "waivers.toml").write_text(
        GOOD.replace('path = "docs/*.md"', 'path = "../docs/*.md"').replace("2025-12-31", "2999-12-31"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("zorbix\n")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["check", "docs"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
