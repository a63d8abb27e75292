"""SEO rules (SE001-SE003) and the promotion findings on the two seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.config import from_dict
from audit.promotion.analysis import analyse
from audit.promotion.stuffing import frequent_phrases, stuffed_phrases
from audit.readers import parse
from tests.conftest import CORPUS, check_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "seeds"


def seed(name: str) -> str:
    """A seed article: from corpus/ when it is there, else the copy in tests/fixtures/seeds/."""
    p = CORPUS / name
    if not p.is_file():
        p = FIXTURES / name
    return p.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def causes():
    return check_text(seed("seed-rls-causes.txt"), "text", None, select=("promotion", "seo"), name="seed-rls-causes.txt")


@pytest.fixture(scope="module")
def feet():
    return check_text(seed("seed-rls-feet.txt"), "text", None, select=("promotion", "seo"), name="seed-rls-feet.txt")


def by_rule(result, rule: str) -> list:
    return [f for f in result.findings if f.rule == rule]


# --- keyword stuffing on the seed -------------------------------------------------------


def test_keyword_stuffing_count_and_density_on_seed(causes) -> None:
    (f,) = by_rule(causes, "SE001")
    assert f.data["phrase"] == "cause of restless leg syndrome"
    # Independent count: case-insensitive occurrences of the phrase in the raw text.
    text = seed("seed-rls-causes.txt").lower()
    assert f.data["count"] == text.count("cause of restless leg syndrome") == 10
    words = f.data["words"]
    assert f.data["density"] == pytest.approx(10 * 5 / words, abs=1e-4)
    assert 0.04 < f.data["density"] < 0.07
    # Reported at the first occurrence (the title), with count and density in the message.
    assert (f.line, f.match) == (1, "Cause of Restless Leg Syndrome")
    assert "10 times" in f.message and "%" in f.message
    # Overlapping shorter phrases are merged into the longest one, not reported again.
    assert f.data["merged"] == {"cause of restless leg": 10}


def test_orphan_keyword_line_on_seed(causes) -> None:
    (f,) = by_rule(causes, "SE002")
    assert f.line == 56 and f.match == "the cause of restless leg syndrome"
    assert "last line" in f.message


def test_heading_repetition_on_second_seed(feet) -> None:
    (f,) = by_rule(feet, "SE003")
    assert f.data["phrase"] == "restless leg syndrome symptoms in feet"
    assert f.data["headings"] == 6 and f.data["total_headings"] == 12


def test_stuffing_thresholds_are_options() -> None:
    text = seed("seed-rls-causes.txt")
    strict = {"rules": {"SE001": {"min_density": 0.08}}}
    assert by_rule(check_text(text, "text", strict, select=("SE001",)), "SE001") == []
    loose = {"rules": {"SE001": {"min_words": 3, "min_count": 3, "min_density": 0.01}}}
    phrases = [f.data["phrase"] for f in by_rule(check_text(text, "text", loose, select=("SE001",)), "SE001")]
    assert "cause of restless leg syndrome" in phrases


def test_frequent_phrases_are_counted_exactly() -> None:
    doc = parse("x.md", "Alpha beta gamma delta. Alpha beta gamma delta!\n\nAlpha-beta gamma delta, alpha beta.\n", "markdown")
    an = analyse(doc, from_dict({}).settings_for(""))
    got = frequent_phrases(an, 3, 6, 2)
    assert len(got[("alpha", "beta", "gamma", "delta")]) == 3
    assert ("delta", "alpha", "beta") not in got  # never across punctuation


def test_natural_repetition_is_not_stuffing() -> None:
    text = ("Type 2 diabetes is common. People with type 2 diabetes can lower blood sugar with exercise. "
            "Type 2 diabetes medicines include metformin. Screening for type 2 diabetes starts at 35. "
            "Diet matters in type 2 diabetes. Most type 2 diabetes care happens in general practice.\n")
    assert by_rule(check_text(text, "markdown", None, select=("seo",)), "SE001") == []
    doc = parse("x.md", text, "markdown")
    assert stuffed_phrases(analyse(doc, from_dict({}).settings_for(""))) == []


def test_accepted_term_is_not_a_stuffed_phrase() -> None:
    text = seed("seed-rls-causes.txt")
    cfg = {"accepted_terms": ["cause of restless leg syndrome"]}
    phrases = [f.data["phrase"] for f in by_rule(check_text(text, "text", cfg, select=("SE001",)), "SE001")]
    assert "cause of restless leg syndrome" not in phrases


def test_orphan_line_needs_repetition() -> None:
    ok = "Iron deficiency is common.\n\nLow iron can cause tiredness.\n\niron deficiency anaemia\n"
    assert by_rule(check_text(ok, "markdown", None, select=("SE002",)), "SE002") == []
    bad = ok.replace("common.", "common. Iron deficiency anaemia is treatable. Iron deficiency anaemia is frequent.")
    (f,) = by_rule(check_text(bad, "markdown", None, select=("SE002",)), "SE002")
    assert f.match == "iron deficiency anaemia"


# --- the seeds: every promotional phrase found, neutral text clean ------------------------


def test_seed_causes_promotion_findings(causes) -> None:
    got = {(f.rule, f.match) for f in causes.findings if f.category == "promotion"}
    expected = {
        ("PR001", "Innovative"),
        ("PR001", "Advanced Technologies"),
        ("PR001", "State-of-the-art"),
        ("PR002", "Why Choose"),
        ("PR004", "Truffle Vein Specialists"),
    }
    assert expected <= got
    brands = [f for f in by_rule(causes, "PR004")]
    assert [f.line for f in brands] == [48, 55]
    assert any(f.rule == "PR005" and f.line == 55 and f.match.endswith("is essential") for f in causes.findings)


def test_seed_feet_promotion_findings(feet) -> None:
    got = {(f.rule, f.match.lower()) for f in feet.findings}
    expected = {
        ("PR001", "cutting-edge"),
        ("PR001", "innovative"),
        ("PR002", "contact us"),
        ("PR002", "schedule a consultation"),
        ("PR002", "visit our website"),
        ("PR002", "contact our office"),
        ("PR002", "learn more about our"),
        ("PR003", "our specialized"),
        ("PR003", "at trufflesveinspecialists.com, we"),
        ("PR003", "our team"),
        ("PR004", "trufflesveinspecialists.com"),
        ("PR005", "consultation is essential"),
        ("PR006", "dramatically"),
        ("PR007", "promise improved"),
    }
    assert expected <= got, expected - got
    assert len(by_rule(feet, "PR004")) == 2


def test_seed_neutral_medical_descriptions_are_clean(causes, feet) -> None:
    # Lines of plain medical description: no promotion finding may fall on them.
    neutral_causes = {3, 5, 9, 11, 13, 14, 15, 18, 20, 22, 25, 27, 29, 30, 31, 32, 35, 37, 43, 44, 45, 46}
    neutral_feet = {3, 7, 13, 14, 15, 16, 17, 23, 24, 25, 26, 30, 38, 39, 40, 41, 42, 44, 50, 51, 52, 60, 61, 62, 63, 64, 70, 74}
    assert [f for f in causes.findings if f.category == "promotion" and f.line in neutral_causes] == []
    assert [f for f in feet.findings if f.category == "promotion" and f.line in neutral_feet] == []
    # Health advice in the second seed is not a call to action or urgency.
    assert [f for f in feet.findings if f.line == 70] == []


def test_seed_scores_rank_the_promotional_page_higher(causes, feet) -> None:
    a, b = causes.as_record()["promotion"], feet.as_record()["promotion"]
    assert b["score"] > a["score"] > 0
    assert b["by_rule"]["PR002"] == 5 and a["by_rule"]["SE001"] == 1


def test_seed_positions_are_exact(feet) -> None:
    src = seed("seed-rls-feet.txt").splitlines()
    for f in feet.findings:
        line = src[f.line - 1]
        assert line[f.column - 1 : f.column - 1 + len(f.match)] == f.match
