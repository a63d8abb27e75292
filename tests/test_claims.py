"""The per-sentence claim analysis (audit.claims) and the claim rules (CL)."""

from __future__ import annotations

import pytest

from audit.claims import analyse, inventory
from audit.config import Settings
from audit.readers import parse
from tests.conftest import CORPUS, check_text


def one(text: str, fmt: str = "markdown"):
    """The analysis of the first sentence of ``text``."""
    doc = parse("t.md", text, fmt)
    return analyse(doc, Settings())[0]


# ------------------------------------------------------------------ strength


@pytest.mark.parametrize(
    "text,strength",
    [
        ("Iron deficiency is associated with restless legs syndrome.", "correlational"),
        ("Restless legs are linked to low ferritin.", "correlational"),
        ("Iron supplementation may reduce symptoms of restless legs.", "conditional_causal"),
        ("Poor circulation could lead to nerve damage.", "conditional_causal"),
        ("Iron supplementation reduces symptoms of restless legs.", "direct_causal"),
        ("Smoking causes lung cancer.", "direct_causal"),
        ("Regular exercise prevents heart disease.", "direct_causal"),
        ("Restless legs syndrome affects about 5% of adults.", None),  # prevalence: no relation
        ("About 5% of adults in Europe report restless legs at night.", None),
    ],
)
def test_strength_classes(text: str, strength: str | None) -> None:
    assert one(text).strength == strength


def test_strongest_relation_wins() -> None:
    sa = one("Low ferritin is linked to RLS and iron treatment improves symptoms.")
    assert sa.strength == "direct_causal"
    assert {c.strength for c in sa.relations} == {"correlational", "direct_causal"}


def test_group_difference_is_correlational_not_causal() -> None:
    assert one("Ferritin was reduced in patients with restless legs compared with controls.").strength == "correlational"
    assert one("Ferritin levels were significantly lower than in healthy controls.").strength == "correlational"


def test_adjective_uses_are_not_relations() -> None:
    assert one("The disorder leads to decreased daily functioning.").relations[0].text == "leads to"
    assert one("Pain in the lower limbs is a common symptom of peripheral artery disease.").strength is None


def test_recommendation_states_no_finding() -> None:
    assert one("Further studies are needed to show whether iron improves symptoms.").strength is None


# ------------------------------------------------------------------ hedges, negation, questions


def test_hedges_found() -> None:
    sa = one("These results suggest that magnesium might possibly relieve cramps.")
    assert [c.text for c in sa.hedges] == ["suggest", "might", "possibly"]
    assert sa.hedged


def test_hedge_scope_makes_causal_claim_conditional_only_in_its_clause() -> None:
    sa = one("Caffeine may worsen symptoms, and alcohol triggers attacks.")
    strengths = {c.text: c.strength for c in sa.relations}
    assert strengths["worsen"] == "conditional_causal"
    assert strengths["triggers"] == "direct_causal"


def test_negated_modal_is_not_a_hedge() -> None:
    assert not one("We could not detect any change in ferritin.").hedged
    assert one("Iron may not help everyone.").hedged


def test_false_friend_hedges() -> None:
    assert not one("Take the tablet as soon as possible after a meal.").hedged
    assert not one("The membrane potential of nerve cells changes with iron.").hedged
    assert not one("Symptoms appear in the evening.").hedged
    assert one("Symptoms appear to worsen in the evening.").hedged


def test_negated_absolute_is_not_flagged() -> None:
    assert one("There is no cure for restless legs syndrome.").absolutes == []
    assert one("Symptoms are not always relieved by movement.").absolutes == []
    assert [c.text for c in one("This therapy cures restless legs with no side effects.").absolutes] == ["cures", "no side effects"]


def test_question_is_not_a_claim() -> None:
    sa = one("Does iron supplementation cure restless legs?")
    assert sa.question and not sa.claim and sa.reason == "question"
    assert sa.absolutes == []


# ------------------------------------------------------------------ what is (not) a claim


@pytest.mark.parametrize(
    "text,reason",
    [
        ("# Iron improves restless legs\n\nText follows here.", "heading"),
        ("If your leg becomes red and swollen, seek emergency care.", "safety advice"),
        ("Take your iron tablet with orange juice.", "instruction"),
        ("Restless legs syndrome is a neurological disorder marked by an urge to move the legs.", "no claim cue"),
        ("These sensations are typically relieved by movement but tend to worsen at night.", "describes symptoms"),
        ("The weather improves in spring and prices increase.", "nothing about health"),
    ],
)
def test_not_claims(text: str, reason: str) -> None:
    sa = one(text)
    assert not sa.claim
    assert reason in sa.reason


@pytest.mark.parametrize(
    "text,kind",
    [
        ("Iron supplementation corrects deficiency and restores dopaminergic function.", "efficacy"),
        ("Poor vascular health is a potential cause of restless leg syndrome.", "causal"),
        ("Restless legs syndrome affects millions worldwide.", "statistic"),
        ("Endovenous laser therapy is a minimally invasive treatment.", "safety"),
        ("Laser ablation is the most effective treatment for varicose veins.", "comparative"),
        ("Compression stockings prevent blood clots on long flights.", "prevention"),
        ("Low ferritin is associated with restless legs.", "association"),
        ("Dopamine modulates motor control in the brain.", "mechanism"),
        ("A serum ferritin test can accurately detect iron deficiency.", "diagnosis"),
        ("Surgery is better than medication for varicose veins.", "comparative"),
    ],
)
def test_claim_kinds(text: str, kind: str) -> None:
    sa = one(text)
    assert sa.claim, sa.reason
    assert sa.kind == kind


def test_list_item_can_be_a_claim_and_its_label_is_ignored() -> None:
    sa = one("- Avoiding Triggers: caffeine can exacerbate symptoms.")
    assert sa.claim
    assert [c.text for c in sa.relations] == ["exacerbate"]


def test_quoted_testimonial_is_a_claim() -> None:
    sa = one('"This cream cured my leg pain in a week," says one patient.')
    assert sa.claim and [c.text for c in sa.absolutes] == ["cured"]


# ------------------------------------------------------------------ inventory API


def test_inventory_records_and_memo() -> None:
    doc = parse("t.md", "Iron improves symptoms [1].\n\nHow is RLS diagnosed?\n\n## References\n\n1. Allen RP. Sleep Med. 2018;41:27-44.\n", "markdown")
    settings = Settings()
    assert analyse(doc, settings) is analyse(doc, settings)
    rows = inventory(doc, settings)
    assert [r["text"] for r in rows] == ["Iron improves symptoms [1]."]
    r = rows[0]
    assert (r["line"], r["column"], r["claim"], r["kind"], r["strength"], r["support"]) == (1, 1, True, "efficacy", "direct_causal", "cited")
    assert set(r) >= {"line", "column", "end_line", "end_column", "text", "claim", "kind", "strength", "hedged", "hedges", "absolutes", "support", "citations"}
    everything = inventory(doc, settings, all_sentences=True)
    assert any(x["reason"] == "question" and not x["claim"] for x in everything)


def test_summary_is_in_the_file_record() -> None:
    result = check_text("Iron improves symptoms. Research shows magnesium relieves cramps.", select=("CL001",))
    summary = result.extras["claims"]
    assert summary["total"] == 2
    assert summary["by_support"] == {"none": 1, "vague": 1, "named": 0, "cited": 0}
    assert summary["by_kind"] == {"efficacy": 2}


# ------------------------------------------------------------------ rules


def rules_of(text: str, rule: str, fmt: str = "markdown", config: dict | None = None) -> list:
    return [f for f in check_text(text, fmt, config, select=(rule,)).findings if f.rule == rule]


def test_uncited_claim_severity_by_kind_and_hedge() -> None:
    [f] = rules_of("Iron supplementation restores dopaminergic function.", "CL001")
    assert f.severity == "error" and "efficacy claim" in f.message and "'restores'" in f.message
    assert f.match == "Iron supplementation restores dopaminergic function."
    [f] = rules_of("Iron supplementation may restore dopaminergic function.", "CL001")
    assert f.severity == "warning" and "hedged: 'may'" in f.message
    [f] = rules_of("Low ferritin is associated with restless legs.", "CL001")
    assert f.severity == "warning"


@pytest.mark.parametrize(("denial", "assertion"), [
    ("There is no cure for psoriasis.", "This cream cures psoriasis."),
    ("Vaccines do not cause autism.", "Vaccines cause autism."),
    ("Vaccines don't cause autism.", "Vaccines cause autism."),
    ("Vaccines don\u2019t cause autism.", "Vaccines cause autism."),
    ("This cream won't cure eczema.", "This cream will cure eczema."),
    ("There is no good evidence that vitamin C prevents colds.", "Vitamin C prevents colds."),
    ("It is not true that vaccines cause autism.", "Vaccines cause autism."),
    ("It has not been shown that zinc prevents colds.", "Zinc prevents colds."),
])
def test_a_claim_that_only_denies_a_relation_is_a_warning(denial: str, assertion: str) -> None:
    [f] = rules_of(denial, "CL001")
    assert f.severity == "warning" and "(negated)" in f.message and f.data["negated"] is True
    assert rules_of(denial, "CL002") == [] and rules_of(denial, "CL003") == []
    [f] = rules_of(assertion, "CL001")
    assert f.severity == "error" and "negated" not in f.message and "negated" not in f.data


@pytest.mark.parametrize("text", [
    "We can't ignore the evidence that sugar causes type 2 diabetes.",
    "No one disputes the evidence that smoking causes lung cancer.",
    "Doctors never doubt the data that show that smoking causes lung cancer.",
])
def test_a_negator_elsewhere_in_the_sentence_denies_nothing(text: str) -> None:
    [f] = rules_of(text, "CL001")
    assert f.severity == "error" and "negated" not in f.message


def test_a_contraction_after_a_comma_negates() -> None:
    [f] = rules_of("In fact, the MMR vaccine doesn't cause autism.", "CL001")
    assert "(negated)" in f.message and rules_of("In fact, the MMR vaccine doesn't cause autism.", "CL003") == []


def test_a_denial_with_a_guarantee_or_statistic_is_still_an_error() -> None:
    [f] = rules_of("Unlike other pills, ours do not cause weight gain in 100% of users.", "CL001")
    assert "negated" not in f.message
    # A negator outside the "that" clause's own subject does not deny it.
    [f] = rules_of("No doctor disputes that this supplement cures arthritis.", "CL001")
    assert f.severity == "error"


@pytest.mark.parametrize("text", [
    "Do not drive if this medicine makes you sleepy.",
    "Get medical help if the skin is weeping.",
    "You should get medical help if the rash spreads.",
    "Treat everyone in the house at the same time.",
    "Only treat people who have lice.",
    "Reduce your running while the pain is bad.",
    "Lower the dose if you feel dizzy.",
    "Cut down on alcohol.",
])
def test_safety_advice_and_self_care_instructions_are_not_claims(text: str) -> None:
    assert rules_of(text, "CL001") == [] and rules_of(text, "CL003") == []


@pytest.mark.parametrize("text", [
    "Rest reduces muscle soreness after exercise.",
    "Clean water prevents cholera.",
    "Change in diet cures type 2 diabetes.",
    "Sugar is known to drive inflammation and heart disease.",
    "Use sunscreen to prevent skin cancer in every case.",
    "Lower blood pressure reduces the risk of stroke.",
    "Increase in weight causes knee pain.",
])
def test_words_that_are_also_nouns_open_claims_too(text: str) -> None:
    assert rules_of(text, "CL001") != []


def test_advice_that_states_its_purpose_is_a_warning_not_an_error() -> None:
    [f] = rules_of("Drink plenty of fluids to prevent dehydration.", "CL001")
    assert f.severity == "warning" and "(advice)" in f.message and f.data["advice"] is True
    [f] = rules_of("Fluids prevent dehydration.", "CL001")
    assert f.severity == "error" and "advice" not in f.data


def test_general_words_from_disease_names_are_not_health_content() -> None:
    """"best" (Best disease) and "study" are in ICD-10-CM's words but say nothing about health."""
    assert rules_of("We use cookies to give you the best experience on our website.", "CL001") == []
    assert rules_of("This library is the best place to study for the exam.", "CL001") == []
    # A comparison about health still is a claim.
    assert rules_of("Ibuprofen is the best treatment for knee pain.", "CL001") != []


def test_uncited_claim_passes_when_cited() -> None:
    text = "Iron improves symptoms [1].\n\n## References\n\n1. Allen RP. Sleep Med. 2018;41:27-44. doi:10.1016/j.sleep.2017.11.1126\n"
    assert rules_of(text, "CL001") == []


def test_absolute_language() -> None:
    [f] = rules_of("Treatment can significantly improve or even eliminate symptoms in the feet.", "CL002")
    assert f.match == "eliminate" and f.column == 45
    assert rules_of("There is no cure, but treatment may ease symptoms.", "CL002") == []


def test_unhedged_causal_claim() -> None:
    [f] = rules_of("Poor blood circulation causes oxygen deprivation in the feet.", "CL003")
    assert f.match == "causes"
    assert rules_of("Poor blood circulation may cause oxygen deprivation in the feet.", "CL003") == []


def test_diagnosis_claim_names_its_cue() -> None:
    text = "Accurate diagnosis is critical because leg symptoms can overlap with peripheral neuropathy."
    sa = one(text)
    assert sa.claim and sa.kind == "diagnosis"
    assert sa.reason == "diagnosis claim: 'Accurate', 'diagnosis'"
    [f] = rules_of(text, "CL001")
    assert f.message == "diagnosis claim with no citation: 'Accurate', 'diagnosis'"


def test_every_uncited_claim_message_names_what_makes_it_a_claim() -> None:
    import re

    for path in sorted(CORPUS.iterdir()):
        fmt = {".md": "markdown", ".html": "html", ".txt": "text"}[path.suffix]
        for f in check_text(path.read_text(encoding="utf-8"), fmt, select=("CL001",)).findings:
            assert not re.search(r"no citation(?: \([^)]*\))?: (?:;|$)", f.message), (path.name, f.message)


def test_unsourced_statistic() -> None:
    [f] = rules_of("Restless legs syndrome impacts quality of life for millions worldwide.", "CL004")
    assert f.match == "millions worldwide"
    [f] = rules_of("About 1 in 10 adults have restless legs.", "CL004")
    assert f.match == "1 in 10"
    assert rules_of("About 1 in 10 adults have restless legs [1].\n\n[1]: https://www.ncbi.nlm.nih.gov/books/NBK430878/\n", "CL004") == []


@pytest.mark.parametrize(
    "text",
    [
        "Get 30% off your first vein treatment for leg pain.",
        "Save up to 20 percent on compression stockings for varicose veins.",
        "The vein treatment costs less with a 15% discount for new patients.",
    ],
)
def test_price_cut_is_no_statistic(text: str) -> None:
    assert one(text).statistics == []


@pytest.mark.parametrize(
    "text,match",
    [
        ("Doctors can save about 70% of patients with lung cancer when it is caught early.", "70%"),
        ("The blood test was 100 percent accurate at detecting the disease.", "100 percent"),
        ("Transplant patients had a 100% cure rate of hepatitis C.", "100%"),
    ],
)
def test_lives_saved_and_measured_rates_stay_statistics(text: str, match: str) -> None:
    assert [c.text for c in one(text).statistics] == [match]


def test_one_hundred_percent_natural_is_absolute_language_not_a_statistic() -> None:
    sa = one("Our 100% natural cream treats varicose veins.")
    assert sa.statistics == []
    assert [c.text for c in sa.absolutes] == ["100%"]
    assert rules_of("Our 100% natural cream treats varicose veins.", "CL004") == []


def test_unquantified_benefit() -> None:
    [f] = rules_of("Vein treatment can dramatically improve leg pain.", "CL005")
    assert f.match == "dramatically"
    assert rules_of("Vein treatment improved leg pain by 40% in one trial.", "CL005") == []
    assert rules_of("Genetics play a significant role in restless legs.", "CL005") == []


# ------------------------------------------------------------------ the seed articles


def _seed(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def causes():
    return check_text(_seed("seed-rls-causes.txt"), "text", name="seed-rls-causes.txt")


@pytest.fixture(scope="module")
def feet():
    return check_text(_seed("seed-rls-feet.md"), "markdown", name="seed-rls-feet.md")


def _flagged(result, rule: str) -> list[str]:
    return [f.match for f in result.findings if f.rule == rule]


def _claim_texts(result) -> str:
    return "\n".join(_flagged(result, "CL001"))


@pytest.mark.parametrize(
    "snippet",
    [
        "Iron Supplementation: Corrects deficiency and restores dopaminergic function",
        "poor vascular health is not only a risk factor but also a potential cause of restless leg syndrome",
        "Low iron levels disrupt dopamine pathways, precipitating RLS symptoms",
        "Inadequate blood circulation can cause tissue hypoxia",
        "can significantly reduce RLS symptoms",
        "Regular walking or swimming enhances circulation and relieves leg discomfort",
        "procedures like vein ablation, angioplasty, or bypass surgery can enhance circulation",
        "can substantially diminish symptoms",
        "Many effective treatments aim to restore dopamine balance",
        "significantly impacts quality of life for millions worldwide",
    ],
)
def test_seed_causes_claims_unsupported(causes, snippet: str) -> None:
    assert snippet in _claim_texts(causes)


def test_seed_causes_vague_attributions_and_statistic(causes) -> None:
    vague = _flagged(causes, "EV001")
    assert any("recent advances in medical research identify" in v for v in vague)
    assert any("increasing body of research links" in v for v in vague)
    assert "millions worldwide" in _flagged(causes, "CL004")
    # headings and the list of diagnostic tests are not claims
    assert not any(m.startswith("Doppler Ultrasound") for m in _flagged(causes, "CL001"))
    assert not any(m.startswith("Understanding Restless Leg Syndrome") for m in _flagged(causes, "CL001"))


@pytest.mark.parametrize(
    "snippet",
    [
        "Treating underlying vascular deficiencies can significantly improve or even eliminate symptoms",
        "Poor blood circulation causes oxygen deprivation and metabolic waste buildup",
        "Early intervention can prevent progression and reduce the risk of complications",
        "Minimally invasive treatment to eliminate venous reflux",
        "can dramatically improve patient quality of life",
        "Both can intensify RLS symptoms",
    ],
)
def test_seed_feet_claims_unsupported(feet, snippet: str) -> None:
    assert snippet in _claim_texts(feet)


def test_seed_feet_absolute_and_advice(feet) -> None:
    absolute = [f for f in feet.findings if f.rule == "CL002"]
    assert "eliminate" in [f.match for f in absolute]
    assert any("significantly improve or even eliminate" in m for m in _flagged(feet, "CL001"))
    claims = _claim_texts(feet)
    # genuine safety advice and referrals are not claims
    assert "warrant immediate medical attention" not in claims
    assert "consulting a vascular medicine specialist is crucial" not in claims
    # every claim in the article is unsupported: nothing is cited
    assert feet.extras["claims"]["by_support"]["cited"] == 0
    assert feet.extras["claims"]["total"] >= 20


@pytest.mark.parametrize("text", [
    "Iron tablets can cause side effects.",
    "Vein surgery can lead to complications such as bleeding.",
    "Statins may cause muscle pain in some people.",
])
def test_a_stated_harm_of_a_treatment_is_a_risk_claim_not_a_benefit(text: str) -> None:
    sa = one(text)
    assert sa.claim and sa.kind == "risk"
    [f] = rules_of(text, "CL001")
    assert f.severity == "warning"
    assert rules_of(text, "CL003") == []


@pytest.mark.parametrize("text", [
    "Vein treatment can dramatically improve leg pain.",
    "Poor circulation causes pain in the calves.",
])
def test_relieving_a_harm_or_a_disease_causing_one_is_not_a_risk_claim(text: str) -> None:
    assert one(text).kind != "risk"


@pytest.mark.parametrize("text", [
    "Lower your cholesterol by 30% in six weeks with our plant sterol drink.",
    "Cut your risk of bowel cancer in half by eating more fibre.",
    "Reduce your risk of dementia with daily brain training games.",
    "Increase your energy and cure fatigue with our iron formula.",
])
def test_a_command_that_promises_an_effect_is_a_claim(text: str) -> None:
    [f] = rules_of(text, "CL001")
    assert f.severity == "error"


@pytest.mark.parametrize("text", [
    "You will need an adult to drive you home after the sedation.",
    "Most people feel well enough to drive again after a week.",
])
def test_driving_a_car_is_not_a_relation(text: str) -> None:
    assert rules_of(text, "CL003") == [] and all("'drive'" not in f.message for f in rules_of(text, "CL001"))


@pytest.mark.parametrize("text", [
    "No study has shown that vitamin C cures colds.",
    "We do not have evidence that vitamin C cures colds.",
    "Nobody has proven that zinc cures colds.",
])
def test_a_denied_subject_or_a_negated_have_denies_the_claim(text: str) -> None:
    [f] = rules_of(text, "CL001")
    assert "(negated)" in f.message and f.severity == "warning"


@pytest.mark.parametrize("text", [
    "Good sleep doesn't just boost our feelings of well-being.",
    "Strength in the shoulder tends not to improve without surgery to reattach tendons.",
    "Being able to clear the blockage just as well without stents reduces complications of heart surgery.",
])
def test_not_just_double_negatives_and_a_without_of_something_else_affirm(text: str) -> None:
    assert all("negated" not in f.message for f in rules_of(text, "CL001")) and rules_of(text, "CL001")


def test_partial_denials_and_who_did_a_study_are_not_bold_claims() -> None:
    [f] = rules_of("So far, the therapy is not effective against all types of cancer.", "CL001")
    assert "(negated)" in f.message
    assert rules_of("Ibuprofen is not always safe for people with asthma.", "CL001") == []
    assert rules_of("Dr Smith, who was not involved in the study, said the results were encouraging for heart patients.", "CL001") == []
    assert rules_of("Put another way, 21 percent of stented patients had died after four years.", "CL004") != []
