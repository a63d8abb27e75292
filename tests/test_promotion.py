"""Promotion rules (PR001-PR008): per-rule fixtures, config, score and lexicon matching."""

from __future__ import annotations

import pytest

from audit.promotion.lexicon import Entry, Matcher, expand, parse_lexicon, phrase_words, tokenize
from tests.conftest import check_text


def hits(text: str, rule: str, config: dict | None = None, fmt: str = "markdown") -> list:
    result = check_text(text, fmt, config, select=(rule,))
    assert not [f for f in result.findings if f.rule == "IN900"], result.findings
    return [f for f in result.findings if f.rule == rule]


def matches(text: str, rule: str, config: dict | None = None) -> list[str]:
    return [f.match for f in hits(text, rule, config)]


# --- lexicon engine ---------------------------------------------------------------


def test_expand_alternatives_and_optional_words() -> None:
    assert expand("a {b,c} {d,}") == ["a b d", "a b ", "a c d", "a c "]
    assert phrase_words("State-of-the-Art") == ["state", "of", "the", "art"]


def test_matcher_hyphen_space_variants_and_word_boundaries() -> None:
    m = Matcher()
    for words, entry in parse_lexicon("state-of-the-art | describe it\n", "puffery"):
        m.add(words, entry)
    for text in ("a state of the art clinic", "a State-of-the-Art clinic", "a state - of - the - art clinic", "state\u2011of\u2011the\u2011art"):
        toks = tokenize(text)
        found = m.find(toks)
        assert len(found) == 1, text
        i, j, e = found[0]
        assert text[toks.starts[i] : toks.ends[j - 1]].lower().replace("\u2011", "-").replace(" ", "-").replace("---", "-").startswith("state")
        assert e.suggestion == "describe it"
    # Punctuation breaks a phrase; a word inside a longer word is not a match.
    assert m.find(tokenize("the state. Of the art")) == []
    assert m.find(tokenize("restate of the artisans")) == []


def test_matcher_longest_match_and_exceptions() -> None:
    m = Matcher()
    for words, entry in parse_lexicon("leading {provider,experts}\n!leading cause\nadvanced * techniques\n", "x"):
        m.add(words, entry)
    toks = tokenize("the leading cause of death; a leading provider; advanced surgical techniques")
    found = [(toks.text[toks.starts[i] : toks.ends[j - 1]], e.exception) for i, j, e in m.find(toks)]
    assert found == [("leading cause", True), ("leading provider", False), ("advanced surgical techniques", False)]


def test_matcher_is_linear_on_adversarial_input() -> None:
    import time

    m = Matcher()
    m.add(["a"] * 6 + ["b"], Entry("x", "a a a a a a b", ""))
    toks = tokenize("a " * 60000)
    t0 = time.perf_counter()
    assert m.find(toks) == []
    assert time.perf_counter() - t0 < 2.0


# --- PR001 puffery -------------------------------------------------------------------


@pytest.mark.parametrize("text,term", [
    ("We use cutting-edge vascular techniques.", "cutting-edge"),
    ("State of the art imaging is available.", "State of the art"),
    ("A world-class team of surgeons.", "world-class"),
    ("This revolutionary device changes everything.", "revolutionary"),
    ("Advanced Technologies: new lasers.", "Advanced Technologies"),
    ("Innovative Diagnostic Approaches", "Innovative"),
    ("Our trusted experts will help.", "trusted experts"),
    ("The clinic offers the best care in town.", "the best care"),
    ("She is a leading expert on veins.", "a leading expert"),
])
def test_puffery_flagged(text: str, term: str) -> None:
    assert matches(text, "PR001") == [term]


@pytest.mark.parametrize("text", [
    "Heart disease is the leading cause of death.",
    "Smoking is a leading cause of lung cancer.",
    "Treatment options for advanced cancer include chemotherapy.",
    "The best way to prevent flu is the yearly vaccine.",
    "Patients may have breakthrough pain between doses.",
    "The FDA granted breakthrough therapy designation in 2020.",
    "He studied the Revolutionary War and revolutionary politics.",
    "She works at the Yale Innovative Interactions Lab.",
    "Blood tests check iron and ferritin levels.",
])
def test_puffery_not_flagged(text: str) -> None:
    assert matches(text, "PR001") == []


def test_puffery_in_quotation_is_info_and_can_be_switched_off() -> None:
    text = 'Dr. Lee called it "a revolutionary approach" to anaemia care.'
    fs = hits(text, "PR001")
    assert [(f.match, f.severity) for f in fs] == [("revolutionary", "info")]
    assert "quotation" in fs[0].message
    assert hits(text, "PR001", {"rules": {"PR001": {"quotations": False}}}) == []


def test_puffery_finding_has_position_message_and_fix() -> None:
    text = "# Veins\n\nWe offer state-of-the-art care.\n"
    (f,) = hits(text, "PR001")
    assert (f.line, f.column, f.end_column) == (3, 10, 26)
    assert f.match == "state-of-the-art"
    assert "Puffery" in f.message and f.fix and "Describe" in f.fix


# --- PR002 calls to action ------------------------------------------------------------


@pytest.mark.parametrize("text,term", [
    ("To find out, schedule a consultation.", "schedule a consultation"),
    ("Contact us for details.", "Contact us"),
    ("Call today!", "Call today"),
    ("Book now and save.", "Book now"),
    ("Please visit our website.", "visit our website"),
    ("Contact our office directly.", "Contact our office"),
    ("Book your free consultation.", "Book your free consultation"),
    ("Why Choose Vascular Medicine Specialists?", "Why Choose"),
    ("Save 20% on your first session.", "Save 20% on your first session"),
    ("Get 50% off all treatments in January.", "Get 50% off"),
    ("Interest-free finance available.", "Interest-free finance"),
    ("Book online today.", "Book online today"),
])
def test_call_to_action_flagged(text: str, term: str) -> None:
    assert matches(text, "PR002") == [term]


def test_a_percentage_joins_a_phrase_but_other_punctuation_does_not() -> None:
    assert matches("Side effects fell by 20%. Off all drugs, patients slept better.", "PR002") == []
    assert matches("Statins cut the risk by 20% on average.", "PR002") == []


@pytest.mark.parametrize("text", [
    "If bleach splashes on you, get it off your skin quickly with running water.",
    "Use a cold pack to get swelling off your ankle.",
])
def test_an_offer_needs_a_number(text: str) -> None:
    assert matches(text, "PR002") == []


@pytest.mark.parametrize(("text", "rule", "term"), [
    ("Don't miss out.", "PR005", "Don't miss out"),
    ("We are the number one laser clinic in Manchester.", "PR001", "number one laser clinic"),
    ("Transform your smile in just one visit.", "PR001", "Transform your smile"),
])
def test_more_sales_copy_flagged(text: str, rule: str, term: str) -> None:
    assert matches(text, rule) == [term]


@pytest.mark.parametrize("text", [
    "Talk to your doctor before you stop taking a statin.",
    "Seek emergency care if you have chest pain.",
    "Ask your pharmacist about interactions.",
    "Consult a healthcare provider if symptoms persist.",
    "Call 911 or your local emergency number.",
    "Make an appointment with your GP if the cough lasts three weeks.",
    "Contact your doctor if the swelling spreads.",
    "Call your doctor right away if you faint.",
])
def test_health_advice_is_not_a_call_to_action(text: str) -> None:
    result = check_text(text, "markdown", None, select=("promotion",))
    assert [f.rule for f in result.findings] == []


# --- PR003 sales voice ----------------------------------------------------------------


def test_sales_voice_flagged_and_quoted_speech_skipped() -> None:
    assert matches("Our specialized vascular approach helps.", "PR003") == ["Our specialized"]
    assert matches("At trufflesveinspecialists.com, we leverage lasers.", "PR003") == ["At trufflesveinspecialists.com, we"]
    assert matches("At Acme Vein Clinic, we treat leg pain.", "PR003") == ["At Acme Vein Clinic, we"]
    assert matches('"Our team found iron mattered," said Dr. Lee.', "PR003") == []
    assert matches("At night, we sleep less when legs ache.", "PR003") == []


def test_sales_voice_inside_a_call_to_action_is_reported_once() -> None:
    text = "Visit our website or contact our office directly."
    assert matches(text, "PR003") == []
    assert matches(text, "PR002") == ["Visit our website", "contact our office"]


# --- PR004 organisations ----------------------------------------------------------------


def test_detected_brand_names_and_domains() -> None:
    text = ("Visiting specialized clinics such as Truffle Vein Specialists can help. "
            "Specialists at reputable centers like Acme Vein Center agree. See trufflesveinspecialists.com.")
    assert matches(text, "PR004") == ["Truffle Vein Specialists", "Acme Vein Center", "trufflesveinspecialists.com"]


def test_name_resembling_the_page_domain_is_self_promotion() -> None:
    text = "Truffle Vein Specialists treats veins. Book at trufflesveinspecialists.com."
    fs = hits(text, "PR004")
    assert [f.match for f in fs] == ["Truffle Vein Specialists", "trufflesveinspecialists.com"]
    assert "domain" in fs[0].message


@pytest.mark.parametrize("text", [
    "Researchers at the Mayo Clinic followed 200 patients.",
    "Guidance is at nhs.uk, cdc.gov and who.int.",
    "The study was reported by latimes.com/health/story-123 last year.",
    "Heart attack or stroke.In the study, risk fell.",
    "He told FoxNews.com that the results were early.",
    "For support, contact Macmillan Cancer Support at macmillan.org.uk or call them.",
    "Read more at bhf.org.uk, cancer.org.au or the university's site ox.ac.uk.",
])
def test_organisation_mentions_not_flagged(text: str) -> None:
    assert matches(text, "PR004") == []


def test_a_business_under_a_country_code_is_still_flagged() -> None:
    assert matches("Book your treatment at bestveinclinic.co.uk today.", "PR004") == ["bestveinclinic.co.uk"]


def test_configured_organisations_and_accepted_terms() -> None:
    text = "Acme Health offers vein care. Visit acmehealth.example.com for more."
    cfg = {"organizations": ["Acme Health", "acmehealth.example.com"]}
    assert matches(text, "PR004", cfg) == ["Acme Health", "acmehealth.example.com"]
    assert matches("ACME HEALTH is mentioned in capitals.", "PR004", cfg) == ["ACME HEALTH"]
    cfg2 = {**cfg, "accepted_terms": ["Acme Health", "acmehealth.example.com"]}
    assert matches(text, "PR004", cfg2) == []
    assert matches(text, "PR004", {**cfg, "rules": {"PR004": {"detect": False}}}) == ["Acme Health", "acmehealth.example.com"]


def test_accepted_terms_silence_lexicon_rules() -> None:
    text = "The Cutting-Edge Vein Clinic is on Main Street."
    assert matches(text, "PR001") == ["Cutting-Edge"]
    assert matches(text, "PR001", {"accepted_terms": ["Cutting-Edge Vein Clinic"]}) == []


def test_site_name_from_html_metadata_is_an_organisation() -> None:
    html = ('<html><head><meta property="og:site_name" content="Veinly"><title>Veins</title></head>'
            "<body><p>Veinly treats varicose veins with lasers.</p></body></html>")
    result = check_text(html, "html", None, select=("PR004",))
    if result.metadata.get("og:site_name") != "Veinly":
        pytest.skip("the HTML reader does not expose og:site_name")
    assert [f.match for f in result.findings if f.rule == "PR004"] == ["Veinly"]


# --- PR005 urgency ----------------------------------------------------------------------


def test_urgency_flagged() -> None:
    assert matches("Don't wait until the pain gets worse.", "PR005") == ["Don't wait"]
    assert matches("Act now, before it's too late.", "PR005") == ["Act now", "before it's too late"]
    assert matches("Prompt medical consultation is essential for relief.", "PR005") == ["consultation is essential"]
    assert matches("Consulting a vascular specialist is crucial.", "PR005") == ["Consulting a vascular specialist is crucial"]


@pytest.mark.parametrize("text", [
    "If you have stroke symptoms, don't wait: call 911.",
    "Consulting your doctor is essential before stopping a medicine.",
    "Iron is essential for red blood cells.",
    "Early diagnosis is essential for effective treatment.",
    "The drug appears to act fast and last long.",
    'He said: "Don\'t wait for labour to start."',
    "Don't wait until your symptoms get worse: see your GP.",
    "If you find a lump, don't delay: talk to your doctor.",
    "If the rash does not fade, don't wait. Get medical help straight away.",
])
def test_urgency_not_flagged(text: str) -> None:
    assert matches(text, "PR005") == []


def test_urgency_towards_the_publishers_own_care_is_flagged() -> None:
    assert matches("Don't wait: book with our doctors today.", "PR005") == ["Don't wait"]
    assert matches("Don't wait. Our clinic has openings this week.", "PR005") == ["Don't wait"]
    assert matches("Don't wait! Book with the doctors at Smile Clinic today.", "PR005") == ["Don't wait"]
    assert matches("Don't wait, offers end soon. A doctor at our clinic can see you today.", "PR005") == ["Don't wait"]
    # Sending the reader to a doctor of their choosing is not pressure.
    assert matches("If the lump grows, don't wait: see a doctor.", "PR005") == []


# --- PR006 sensational, PR007 promises, PR008 testimonials --------------------------------


def test_sensational_words() -> None:
    assert matches("A miracle cure that dramatically reduces pain.", "PR006") == ["miracle", "dramatically"]
    assert matches("Doctors call it a game changer.", "PR006") == ["game changer"]
    assert matches("Unexplained dramatic weight loss needs checking.", "PR006") == []


def test_speculative_promises() -> None:
    assert matches("These innovations promise improved outcomes for patients.", "PR007") == ["promise improved"]
    assert matches("The therapy holds great promise.", "PR007") == ["holds great promise"]
    assert matches("The new drug is not risk-free.", "PR007") == []
    assert matches("Early results in 40 patients suggest a benefit.", "PR007") == []


def test_testimonials() -> None:
    assert matches("I tried FlexiJoint and my knee pain was gone!", "PR008") == ["I tried FlexiJoint and my knee pain was gone"]
    assert matches("Rated ★★★★★ by customers.", "PR008") == ["★★★★★"]
    assert matches("Dr. Smith recommends our supplement.", "PR008") == ["recommends our"]
    assert matches("A doctor-recommended formula.", "PR008") == ["doctor-recommended"]
    assert matches("His doctor recommended surgery.", "PR008") == []
    assert matches("I tried to find the study.", "PR008") == []


# --- score ------------------------------------------------------------------------------


def test_score_in_json_record() -> None:
    text = "We offer state-of-the-art, cutting-edge care. Schedule a consultation today.\n"
    result = check_text(text, "markdown", None, select=("PR001",))
    rec = result.as_record()["promotion"]
    assert rec["words"] == 9  # "state-of-the-art" is one word
    # The score counts every promotion and SEO rule, not only the selected one.
    assert rec["by_rule"]["PR001"] == 2 and rec["by_rule"]["PR002"] == 1 and rec["by_rule"]["PR003"] == 1  # "We offer"
    assert rec["flags"] == sum(rec["by_rule"].values()) == 4
    assert rec["score"] == pytest.approx(4 * 1000 / 9, abs=0.01)
    assert [f.rule for f in result.findings] == ["PR001", "PR001"]


def test_score_zero_for_neutral_text_and_absent_without_promotion_rules() -> None:
    text = "Iron deficiency is common. A blood test measures ferritin.\n"
    rec = check_text(text, "markdown", None, select=("PR",)).as_record()["promotion"]
    assert rec["flags"] == 0 and rec["score"] == 0.0 and rec["words"] == 9
    assert "promotion" not in check_text(text, "markdown", None, select=("IN",)).as_record()


def test_score_respects_accepted_terms() -> None:
    text = "Our cutting-edge lasers.\n"
    a = check_text(text, "markdown", None, select=("PR001",)).as_record()["promotion"]
    b = check_text(text, "markdown", {"accepted_terms": ["cutting-edge"]}, select=("PR001",)).as_record()["promotion"]
    assert a["by_rule"]["PR001"] == 1 and b["by_rule"]["PR001"] == 0


@pytest.mark.parametrize("text", [
    "If your child has a stiff neck and a rash, don't wait: go to a doctor straight away.",
    "If the lump grows or bleeds, don't delay: get it checked by a doctor.",
    "We know it can be hard, but don't wait: see a doctor if you notice blood in your stool.",
])
def test_urgency_that_sends_the_reader_to_a_doctor_is_advice(text: str) -> None:
    assert matches(text, "PR005") == []


def test_a_doctor_at_the_publishers_clinic_is_not_a_referral() -> None:
    assert matches("Don't wait: see a doctor at our clinic this week.", "PR005") == ["Don't wait"]
