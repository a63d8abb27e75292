"""Readability measurement (audit.readability) and the RD rules."""

from __future__ import annotations

import dataclasses

import pytest

from audit.config import Settings
from audit.engine import check_document
from audit.readability import (
    METRICS,
    _patch_textstat,
    formula_text,
    measure,
    metrics_for,
    prose_sentences,
    textstat_metrics,
)
from audit.readers import parse
from audit.rules.base import get_rule
from tests.conftest import check_text

SIMPLE = (
    "# Leg veins\n\n"
    "Your veins carry blood back to your heart. Small valves keep the blood from going the wrong way. "
    "When the valves get weak, blood can pool in your legs. Your legs may feel heavy or tired. "
    "They may swell at the end of the day. This is common. Walking helps the blood move. So does putting "
    "your feet up when you rest. Tight socks can help too. Ask your doctor which kind to buy. Call your "
    "doctor if a leg gets red, hot, or very sore. Call right away if you feel short of breath.\n"
)
HARD = (
    "# Venous disease\n\n"
    "Chronic venous insufficiency is a multifactorial pathophysiological condition characterized by persistent "
    "venous hypertension, valvular incompetence, and progressive inflammatory remodeling of the venous "
    "microcirculation. Epidemiological investigations consistently demonstrate considerable variability in "
    "prevalence estimates, attributable primarily to heterogeneous diagnostic methodologies. Contemporary "
    "therapeutic interventions, including endovenous thermal ablation and ultrasound-guided foam sclerotherapy, "
    "demonstrate comparable effectiveness regarding symptomatic amelioration, although comparative "
    "investigations evaluating long-term recurrence remain methodologically limited. Individualized management "
    "necessitates comprehensive evaluation incorporating duplex ultrasonography and consideration of comorbid "
    "cardiovascular abnormalities.\n"
)


#: The samples are about 90 words each; score them from 50 words.
S = Settings(readability_min_words=50)


def doc_of(text: str, fmt: str = "markdown"):
    return parse("t.md", text, fmt)


def test_simple_text_scores_easier_than_hard_text() -> None:
    easy = measure(doc_of(SIMPLE), S)
    hard = measure(doc_of(HARD), S)
    assert easy["scored"] and hard["scored"]
    for grade in ("flesch_kincaid_grade", "smog_index", "gunning_fog", "coleman_liau_index",
                  "automated_readability_index", "dale_chall_readability_score", "text_standard"):
        assert easy[grade] < hard[grade] - 3, grade
    assert easy["flesch_reading_ease"] > hard["flesch_reading_ease"] + 30
    assert easy["smog_index"] < 8 < hard["smog_index"]
    assert 0 <= easy["polysyllabic_share"] < hard["polysyllabic_share"] <= 1


def test_textstat_sees_our_sentence_and_word_counts() -> None:
    text = SIMPLE + "\nDr. Lee gave 2.5 mg, e.g. at 9 a.m. on Jan. 5. It didn’t hurt, she said.\n"
    doc = doc_of(text)
    prose = list(prose_sentences(doc))
    ft = formula_text(prose)
    ts = _patch_textstat()
    r = measure(doc, S)
    assert r["sentences"] == len(prose) == ts.sentence_count(ft)
    assert r["words"] == ts.lexicon_count(ft)


def test_native_formulas_equal_textstat() -> None:
    for text in (SIMPLE, HARD, SIMPLE + "\n" + HARD):
        prose = list(prose_sentences(doc_of(text)))
        ours, theirs = metrics_for(prose), textstat_metrics(prose)
        for name in METRICS:
            assert ours[name] == pytest.approx(theirs[name], abs=0.011), name


def test_headings_and_fragments_stay_out_of_the_formulas() -> None:
    text = SIMPLE + "\n## Symptoms\n\n- Heavy legs\n- Swelling\n- Leg cramps at night\n"
    r = measure(doc_of(text), S)
    base = measure(doc_of(SIMPLE), S)
    assert r["sentences"] == base["sentences"] and r["words"] == base["words"]
    assert r["smog_index"] == base["smog_index"]
    assert r["excluded"]["headings"] == 2
    assert r["excluded"]["fragments"] + r["excluded"]["short"] == 3
    assert r["words_total"] > r["words"]
    # A list item that is a full sentence does count.
    r2 = measure(doc_of(SIMPLE + "\n- Raise your feet when you sit down.\n"), S)
    assert r2["sentences"] == base["sentences"] + 1


def test_the_reference_list_stays_out_of_the_formulas_and_the_rules() -> None:
    refs = (
        "\n## References\n\n"
        "1. Camaschella C. Iron deficiency: new insights into diagnosis and management of iron-deficiency anaemia "
        "in adults and children in primary and secondary care settings. Hematology Am Soc Hematol Educ Program. "
        "2015;2015:8-13. doi:10.1182/asheducation-2015.1.8\n"
        "2. Pasricha SR, et al. Efficacy of intravenous ferric carboxymaltose administration compared with oral "
        "iron supplementation. Lancet. 2021;397:233-248. doi:10.1016/S0140-6736(20)32594-0\n"
    )
    r = measure(doc_of(SIMPLE + refs), S)
    base = measure(doc_of(SIMPLE), S)
    assert r["sentences"] == base["sentences"] and r["smog_index"] == base["smog_index"]
    # Every sentence of the two entries (all but the heading's) is left out as a reference.
    assert r["excluded"]["references"] == r["sentences_total"] - base["sentences_total"] - 1 > 2
    rules = ("RD002", "RD003", "RD005")
    with_refs = [(f.rule, f.line) for f in check_text(SIMPLE + refs, "markdown", select=rules).findings]
    assert with_refs == [(f.rule, f.line) for f in check_text(SIMPLE, "markdown", select=rules).findings]
    # The same long sentence in the body is reported.
    body = "Iron deficiency: new insights into diagnosis and management of iron-deficiency anaemia in adults and " \
           "children in primary and secondary care settings were published in a journal for clinicians last year.\n"
    assert [f.rule for f in check_text(body, "markdown", select=("RD002",)).findings] == ["RD002"]


def test_sections_are_measured_heading_to_heading() -> None:
    r = measure(doc_of(SIMPLE + "\n" + HARD), S)
    heads = [s["heading"] for s in r["sections"]]
    assert heads == ["Leg veins", "Venous disease"]
    first, second = r["sections"]
    assert first["line"] == 1 and second["line"] > 1
    assert first["smog_index"] < r["smog_index"] < second["smog_index"]
    assert first["words"] + second["words"] == r["words"]


def test_too_short_gets_a_notice_not_a_grade() -> None:
    r = measure(doc_of("Stretch your calf before bed. Drink water during the day.\n"), Settings())
    assert r["scored"] is False
    assert "fewer than the 100" in r["notice"]
    assert all(r[m] is None for m in METRICS)
    r = measure(doc_of("Stretch your calf before bed. Drink water during the day.\n"), Settings(readability_min_words=5))
    assert r["scored"] is True and r["smog_index"] is not None


def test_empty_document() -> None:
    r = measure(doc_of(""), S)
    assert r["words"] == 0 and r["scored"] is False and r["sections"] == []


# --- rules -------------------------------------------------------------------


def run_rule(rule_id: str, text: str, settings: Settings | None = None, **options):
    settings = settings or S
    if options:
        settings = dataclasses.replace(settings, rules={rule_id: options})
    doc = doc_of(text)
    doc.cache["readability"] = measure(doc, settings)
    rule = get_rule(rule_id)
    return [f for f in check_document(doc, settings, [rule], debug=True) if f.rule == rule_id]


def test_rd001_reports_once_on_the_first_heading() -> None:
    fs = run_rule("RD001", HARD)
    assert len(fs) == 1
    f = fs[0]
    assert (f.line, f.column, f.match) == (1, 3, "Venous disease")
    assert "(SMOG) is above the target of 8" in f.message
    assert run_rule("RD001", SIMPLE) == []


def test_rd001_flesch_reading_ease_target_is_a_minimum() -> None:
    s = dataclasses.replace(S, readability_metric="flesch_reading_ease", readability_target=60)
    assert run_rule("RD001", SIMPLE, s) == []
    fs = run_rule("RD001", HARD, s)
    assert len(fs) == 1 and "below the minimum of 60" in fs[0].message


def test_rd001_per_section() -> None:
    text = SIMPLE + "\n" + HARD
    fs = run_rule("RD001", text, per_section=True)
    assert [f.match for f in fs] == ["Leg veins", "Venous disease"]  # document finding, then the hard section
    assert "Section reading grade" in fs[1].message


def test_rd001_per_section_finds_the_right_one_of_two_headings_with_the_same_title() -> None:
    text = "# Veins\n\n" + SIMPLE.replace("# Leg veins", "## Treatment") + "\n" + HARD.replace("# Venous disease", "## Treatment")
    fs = [f for f in run_rule("RD001", text, per_section=True) if "Section" in f.message]
    hard_heading = text.splitlines().index("## Treatment", text.splitlines().index("## Treatment") + 1) + 1
    assert [(f.match, f.line) for f in fs] == [("Treatment", hard_heading)]


def test_rd001_per_section_on_a_minified_page_marks_the_hard_sections_heading() -> None:
    hard = HARD.split("\n\n", 1)[1].strip()
    easy = SIMPLE.split("\n\n", 1)[1].strip()
    page = f"<html><body><main><h1>Guide</h1><h2>Venous disease</h2><p>{hard}</p><h2>Leg veins</h2><p>{easy}</p></main></body></html>"
    config = {"readability": {"min_words": 20}, "rules": {"RD001": {"per_section": True}}}
    found = [f for f in check_text(page, "html", config, select=("RD001",)).findings if "Section" in f.message]
    assert [f.match for f in found] == ["Venous disease"]


def test_rd002_long_sentence() -> None:
    long = "Patients " + "who walk " * 14 + "feel better.\n"
    fs = run_rule("RD002", long)
    assert len(fs) == 1 and fs[0].message == "Sentence has 31 words (limit 25)"
    assert fs[0].match == long.strip()
    assert run_rule("RD002", long, max_words=40) == []
    assert run_rule("RD002", "# " + long) == []  # headings are not sentences to split


def test_rd003_long_paragraph() -> None:
    para = "One short sentence here. " * 6
    fs = run_rule("RD003", para + "\n")
    assert len(fs) == 1 and "6 sentences" in fs[0].message
    assert fs[0].match == "One short sentence here."
    assert run_rule("RD003", para + "\n", max_sentences=6) == []


def test_rd004_only_when_not_scored() -> None:
    assert len(run_rule("RD004", "Stretch your calf before bed. Drink water.\n")) == 1
    assert run_rule("RD004", SIMPLE) == []
    assert run_rule("RD004", "") == []


def test_rd005_plain_words() -> None:
    fs = run_rule("RD005", "Physicians utilize it prior to surgery in order to help.\n")
    assert [(f.match, f.data["plain"]) for f in fs] == [("Physicians", "doctors"), ("utilize", "use"), ("prior to", "before"), ("in order to", "to")]
    assert run_rule("RD005", "Doctors use it before surgery.\n") == []
    assert run_rule("RD005", "We utilize it.\n", ignore=["utilize"]) == []
