"""Configuration: discovery, validation with file and key named, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.config import ConfigError, find_config, from_dict, load, load_file


def write(p: Path, text: str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults() -> None:
    cfg = from_dict({})
    s = cfg.settings_for("a.md")
    assert cfg.fail_on == "error"
    assert s.readability_metric == "smog_index" and s.readability_target == 8.0
    assert "nih.gov" in s.authoritative_domains


def test_discovered_upward_from_checked_path(tmp_path: Path) -> None:
    write(tmp_path / "audit.toml", 'fail_on = "warning"\n')
    doc = write(tmp_path / "a" / "b" / "x.md", "# hi\n")
    assert find_config(doc) == tmp_path / "audit.toml"
    assert load(None, [str(doc)]).fail_on == "warning"


def test_pyproject_tool_table_is_found_only_when_present(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname='x'\n")
    assert find_config(tmp_path) is None
    write(tmp_path / "pyproject.toml", "[project]\nname='x'\n[tool.audit]\nignore = ['RD']\n")
    cfg = load(None, [str(tmp_path)])
    assert cfg.settings_for("a.md").ignore == ("RD",)


@pytest.mark.parametrize(
    "text,key",
    [
        ('fail_on = "sometimes"\n', "fail_on"),
        ("colour = true\n", "colour"),
        ("select = 'RD'\n", "select"),
        ("select = ['NOPE123']\n", "select"),
        ("[readability]\ntarget = 'eight'\n", "readability.target"),
        ("[readability]\nmetric = 'lix'\n", "readability.metric"),
        ("[readability]\ngrade = 8\n", "readability.grade"),
        ("[rules.XX001]\nseverity = 'error'\n", "rules.XX001"),
        ("[rules.IN001]\nseverity = 'fatal'\n", "rules.IN001.severity"),
        ("[rules.IN001]\nenabled = 'yes'\n", "rules.IN001.enabled"),
        ("[rules.IN001]\nmax_words = 3\n", "rules.IN001.max_words"),
        ("[[overrides]]\nignore = ['RD']\n", "overrides[0].files"),
        ("[[overrides]]\nfiles = ['a/**']\nfail_on = 'info'\n", "overrides[0].fail_on"),
        ("[[overrides]]\nfiles = ['a/**']\nbogus = 1\n", "overrides[0].bogus"),
        ("fail_on = \n", "(syntax)"),
        ("jobs = -1\n", "jobs"),
        ("[rules.RD002]\nmax_words = -3\n", "rules.RD002.max_words"),
        ("[rules.RD002]\nmax_words = 0\n", "rules.RD002.max_words"),
        ("[rules.SE001]\nmin_density = 1.5\n", "rules.SE001.min_density"),
        ("[rules.SE001]\nmin_density = nan\n", "rules.SE001.min_density"),
        ("[rules.PV003]\nmin_claims = -1\n", "rules.PV003.min_claims"),
        ("[readability]\ntarget = -100\n", "readability.target"),
        ("jobs = 'many'\n", "jobs"),
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    p = write(tmp_path / "audit.toml", text)
    with pytest.raises(ConfigError) as e:
        load_file(p)
    assert e.value.key == key
    assert str(p) in str(e.value)


def test_overrides_apply_by_path_pattern(tmp_path: Path) -> None:
    p = write(
        tmp_path / "audit.toml",
        "ignore = ['input']\n[readability]\ntarget = 8\n"
        "[[overrides]]\nfiles = ['legacy/**']\nignore = ['ALL']\n[overrides.readability]\ntarget = 12\n",
    )
    cfg = load_file(p)
    assert cfg.settings_for("new/a.md").readability_target == 8.0
    assert cfg.settings_for("legacy/old/a.md").readability_target == 12.0
    assert cfg.settings_for("legacy/old/a.md").ignore == ("ALL",)


def test_rule_severity_and_enabled(tmp_path: Path) -> None:
    from audit.rules.base import get_rule

    p = write(tmp_path / "audit.toml", "[rules.undecodable-file]\nseverity = 'warning'\n[rules.IN001]\nenabled = false\n")
    s = load_file(p).settings_for("x.md")
    assert s.rule_severity(get_rule("IN002")) == "warning"
    assert not s.rule_enabled(get_rule("IN001"))
    assert s.rule_enabled(get_rule("IN003"))


def test_digest_changes_with_settings() -> None:
    assert from_dict({}).digest() == from_dict({}).digest()
    assert from_dict({}).digest() != from_dict({"fail_on": "warning"}).digest()


def test_files_with_different_settings_in_one_run_each_get_their_own(tmp_path: Path) -> None:
    """Rules, options and severities are worked out once per settings object and reused: files
    that alternate between two settings in one run must each see their own."""
    from audit.engine import discover, run

    write(
        tmp_path / "audit.toml",
        "[[overrides]]\nfiles = ['strict/**']\n[overrides.rules.RD002]\nmax_words = 10\nseverity = 'error'\n"
        "[[overrides]]\nfiles = ['quiet/**']\nignore = ['RD002']\n",
    )
    sentence = (
        "Iron tablets are one of the ways that people with low ferritin can raise their iron levels "
        "when their doctor has checked them with a simple blood test.\n"
    )
    for i in range(2):
        for folder in ("plain", "strict", "quiet"):
            write(tmp_path / folder / f"a{i}.md", sentence)
    cfg = load(None, [str(tmp_path)])
    inputs = sorted(discover([str(tmp_path)], cfg), key=lambda inp: (inp.relpath[-4], inp.relpath))
    seen = {}
    for result in run(inputs, cfg):
        rd002 = [(f.severity, f.message) for f in result.findings if f.rule == "RD002"]
        seen[Path(result.path).parent.name, Path(result.path).name] = rd002
    for i in range(2):
        assert seen["plain", f"a{i}.md"] == [("warning", "Sentence has 28 words (limit 25)")]
        assert seen["strict", f"a{i}.md"] == [("error", "Sentence has 28 words (limit 10)")]
        assert seen["quiet", f"a{i}.md"] == []


def test_patterns_python_may_read_differently_one_day_do_not_warn(tmp_path: Path) -> None:
    """pathspec's regular expression for "a[[b]" makes Python's re warn (FutureWarning) about
    a possible nested set: a library's warning naming one of its files, no message for a user."""
    import uuid
    import warnings

    from audit.safety import path_spec

    tag = uuid.uuid4().hex  # a pattern re has not compiled (and cached) before
    p = write(tmp_path / "audit.toml", f'exclude = ["{tag}[[b]c", "x{tag}[a&&b]"]\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cfg = load_file(p)
        spec = path_spec([f"y{tag}[[b]"])
    assert [str(w.message) for w in caught] == []
    assert cfg.exclude == (f"{tag}[[b]c", f"x{tag}[a&&b]")
    assert spec.match_file(f"y{tag}[") and not spec.match_file(f"y{tag}c")


@pytest.mark.parametrize(("text", "jobs"), [("jobs = 'auto'\n", "auto"), ("jobs = 0\n", 0), ("jobs = 3\n", 3)])
def test_jobs_may_be_auto_or_zero_as_documented(tmp_path: Path, text: str, jobs: object) -> None:
    from audit.parallel import available_cpus, resolve_jobs

    cfg = load_file(write(tmp_path / "audit.toml", text))
    assert cfg.jobs == jobs
    assert resolve_jobs(cfg.jobs) == (available_cpus() if jobs in ("auto", 0) else jobs)


@pytest.mark.parametrize(("text", "key"), [("tool = 3\n", "tool"), ("[tool]\naudit = 'x'\n", "(table)")])
def test_a_malformed_pyproject_is_a_config_error(tmp_path: Path, text: str, key: str) -> None:
    p = write(tmp_path / "pyproject.toml", text)
    with pytest.raises(ConfigError) as e:
        load_file(p)
    assert e.value.key == key and str(p) in str(e.value)


def test_paths_with_different_configurations_are_a_usage_error(tmp_path: Path) -> None:
    """One run has one configuration: paths under different ones would all get the first
    path's, and the exit code would depend on the order of the arguments."""
    from audit.config import load

    write(tmp_path / "proj" / "audit.toml", 'fail_on = "never"\n')
    for folder in ("proj/sub", "proj/other", "plain"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        write(tmp_path / folder / "a.md", "Iron cures fatigue.\n")
    same = load(None, [str(tmp_path / "proj" / "sub" / "a.md"), str(tmp_path / "proj" / "other")])
    assert same.fail_on == "never"
    for paths in ([tmp_path / "proj" / "sub" / "a.md", tmp_path / "plain" / "a.md"],
                  [tmp_path / "plain" / "a.md", tmp_path / "proj" / "sub" / "a.md"]):
        with pytest.raises(ConfigError) as e:
            load(None, [str(p) for p in paths])
        assert "different configurations" in str(e.value) and "--config" in str(e.value)
    # --config chooses one for all.
    assert load(str(tmp_path / "proj" / "audit.toml"), [str(tmp_path / "plain" / "a.md")]).fail_on == "never"
