"""Document-level provenance checks (PV rules)."""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS, check_text

CLAIMS = "Iron supplements relieve restless legs. Exercise reduces symptoms. Vein ablation improves circulation.\n"


def rules_of(text: str, rule: str, fmt: str = "markdown", config: dict | None = None) -> list:
    return [f for f in check_text(text, fmt, config, select=(rule,)).findings if f.rule == rule]


def test_missing_author_from_metadata_or_byline() -> None:
    [f] = rules_of(CLAIMS, "PV001")
    assert f.line == 1 and "no author" in f.message
    assert rules_of("---\nauthor: Jane Smith, MD\n---\n" + CLAIMS, "PV001") == []
    assert rules_of("---\nmedically_reviewed_by: Dr. Lee\n---\n" + CLAIMS, "PV001") == []
    assert rules_of("Medically reviewed by Dr. Ann Lee, MD\n\n" + CLAIMS, "PV001") == []
    html = '<html><head><meta name="author" content="Dr. Jane Smith"></head><body><p>' + CLAIMS + "</p></body></html>"
    assert rules_of(html, "PV001", "html") == []


def test_no_provenance_checks_without_claims() -> None:
    text = "Restless legs syndrome is a condition of the nervous system.\n"
    assert rules_of(text, "PV001") == [] and rules_of(text, "PV002") == []


def test_missing_date() -> None:
    assert len(rules_of(CLAIMS, "PV002")) == 1
    assert rules_of("Last reviewed: March 2024\n\n" + CLAIMS, "PV002") == []
    assert rules_of("---\nlast_reviewed: 2024-03-01\n---\n" + CLAIMS, "PV002") == []
    html = '<html><head><meta property="article:modified_time" content="2024-03-01"></head><body><p>' + CLAIMS + "</p></body></html>"
    assert rules_of(html, "PV002", "html") == []


def test_missing_sources() -> None:
    [f] = rules_of(CLAIMS, "PV003")
    assert "3 medical claims" in f.message
    cited = CLAIMS + "\n## References\n\n1. Allen RP. Sleep Med. 2018;41:27-44.\n"
    assert rules_of(cited, "PV003") == []


def test_undisclosed_commercial_interest() -> None:
    text = "Our team offers laser therapy that relieves leg pain. Schedule a consultation today.\n"
    [f] = rules_of(text, "PV004")
    assert f.match == "Our team" and f.severity == "error"
    disclosed = text + "\nDisclosure: this page is published by Example Vein Clinic, which provides these treatments.\n"
    assert rules_of(disclosed, "PV004") == []
    assert rules_of("---\nsponsor: Example Vein Clinic\n---\n" + text, "PV004") == []
    org = "Example Vein Clinic relieves leg pain with laser therapy.\n"
    assert rules_of(org, "PV004") == []
    [f] = rules_of(org, "PV004", config={"organizations": ["Example Vein Clinic"]})
    assert f.match == "Example Vein Clinic"
    # A character whose lower case is longer ("İ") before the name does not shift the match.
    [f] = rules_of("Visitors from İstanbul trust " + org, "PV004", config={"organizations": ["example vein clinic"]})
    assert f.match == "Example Vein Clinic"


def test_front_matter_error_on_a_crlf_file_marks_the_line_without_its_carriage_return() -> None:
    [f] = rules_of("---\r\nauthor: [Dr. Smith\r\n---\r\nIron may help some people with restless legs.\r\n", "PV006")
    assert (f.match, f.line, f.column, f.end_column) == ("---", 1, 1, 4)


def test_missing_risk_information() -> None:
    [f] = rules_of(CLAIMS, "PV005")
    assert "no word about risks" in f.message
    balanced = CLAIMS + "Ablation can have side effects such as bruising; compression stockings are an alternative.\n"
    assert rules_of(balanced, "PV005") == []


def test_front_matter_error_reported() -> None:
    text = "---\nauthor: [Dr. Smith\n---\nIron may help.\n"
    [f] = rules_of(text, "PV006")
    assert f.line == 1 and "front matter could not be read" in f.message
    assert rules_of("---\nauthor: Dr. Smith\n---\nIron may help.\n", "PV006") == []


def test_seed_page_sells_without_disclosure() -> None:
    result = check_text((CORPUS / "seed-rls-feet.md").read_text(encoding="utf-8"), "markdown", select=("PV",), name="seed-rls-feet.md")
    rules = {f.rule for f in result.findings}
    assert {"PV001", "PV003", "PV004"} <= rules
    assert "PV002" not in rules  # the front matter has a date
    causes = check_text((CORPUS / "seed-rls-causes.txt").read_text(encoding="utf-8"), "text", select=("PV005",), name="seed-rls-causes.txt")
    assert [f.rule for f in causes.findings] == ["PV005"]


LD_PAGE = (
    '<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"MedicalWebPage",'
    '"author":{"@type":"Person","name":"Dr Jane Smith"},"datePublished":"2024-03-01","reviewedBy":{"@type":"Person",'
    '"name":"Dr Ali Khan"},"publisher":{"@type":"Organization","name":"Example Vein Clinic"}}]}</script></head>'
    "<body><main><p>Our team offers laser therapy that relieves leg pain. Schedule a consultation today.</p></main></body></html>"
)


def test_json_ld_serves_every_rule_whichever_are_selected() -> None:
    """Each provenance rule reads the page's JSON-LD; the first one used to consume it."""
    alone = {rule: [f.rule for f in check_text(LD_PAGE, "html", select=(rule,)).findings] for rule in ("PV001", "PV002")}
    together = check_text(LD_PAGE, "html", select=("PV",))
    assert alone == {"PV001": [], "PV002": []}
    assert not {"PV001", "PV002"} & {f.rule for f in together.findings}
    assert together.metadata["json_ld"][0]["@graph"][0]["author"]["name"] == "Dr Jane Smith"


def test_json_ld_publisher_is_not_a_disclosure_readers_see() -> None:
    assert [f.rule for f in check_text(LD_PAGE, "html", select=("PV004",)).findings] == ["PV004"]


def test_a_section_on_the_risks_of_a_procedure_counts_as_risk_information() -> None:
    claims = "Knee replacement surgery relieves pain in most people. The surgery improves walking in older adults.\n\n"
    assert [f.rule for f in check_text("# Knee\n\n" + claims, "markdown", select=("PV005",)).findings] == ["PV005"]
    risks = "## What are the risks?\n\nThere is a small risk of infection and blood clots. Serious complications are rare.\n"
    assert check_text("# Knee\n\n" + claims + risks, "markdown", select=("PV005",)).findings == []


@pytest.mark.parametrize("head,body", [
    ("", '<p>By Jane Smith · <time datetime="2024-03-01">1 March 2024</time></p>'),
    ("", "<p>Medically Reviewed by Dan Brennan, MD on June 06, 2023</p>"),
    ("", "<p>Medically reviewed by Dr. Ali Khan, MD \u2014 Mar 1, 2024</p>"),
    ("", "<p>Last updated: 1st March 2024</p>"),
    ("", "<p>Date of publication: March 2023</p>"),
    ('<meta name="dcterms.modified" content="2024-03-01">', ""),
    ('<meta property="og:updated_time" content="2024-03-01T10:00">', ""),
    ('<meta itemprop="datePublished" content="2024-03-01">', ""),
    ('<script type="application/ld+json">{"@type":"WebPage","mainEntity":{"@type":"Article","datePublished":"2024-03-01"}}</script>', ""),
])
def test_dates_in_the_usual_html_places_are_found(head: str, body: str) -> None:
    page = (f"<html><head>{head}</head><body><main>{body}<p>Iron supplements relieve tiredness in people with "
            "iron deficiency anaemia.</p></main></body></html>")
    assert [f.rule for f in check_text(page, "html", select=("PV002",)).findings] == []


def test_a_lower_case_byline_names_the_author() -> None:
    page = ('<html><body><main><p class="byline">by <a rel="author" href="/jane">Jane Smith</a></p>'
            "<p>Iron supplements relieve tiredness in people with iron deficiency anaemia.</p></main></body></html>")
    assert [f.rule for f in check_text(page, "html", select=("PV001",)).findings] == []


def test_a_benefit_that_lowers_a_risk_is_not_risk_information() -> None:
    text = ("# Aspirin\n\nAspirin prevents heart attacks in people with heart disease. Taking aspirin after hip "
            "surgery reduces the risk of blood clots.\n")
    assert [f.rule for f in check_text(text, "markdown", select=("PV005",)).findings] == ["PV005"]


@pytest.mark.parametrize("page", [
    '<html><body><main><p><time datetime="PT4M">4 min read</time></p>{}</main></body></html>',
    '<html><body><main><p>Open <time datetime="09:00">9am</time></p>{}</main></body></html>',
    '<html><body><main>{}<section class="comments"><p><time datetime="2019-05-01">May 2019</time> Great!</p></section></main></body></html>',
])
def test_a_time_that_is_not_the_pages_date_does_not_date_it(page: str) -> None:
    html = page.format("<p>Iron supplements relieve tiredness in people with iron deficiency anaemia.</p>")
    assert [f.rule for f in check_text(html, "html", select=("PV002",)).findings] == ["PV002"]


def test_a_date_in_the_prose_is_not_the_pages_date() -> None:
    text = ("# Guidelines\n\nThe NICE guideline was updated by an expert committee on 3 March 2021, and iron "
            "supplements relieve tiredness in people with anaemia.\n")
    assert [f.rule for f in check_text(text, "markdown", select=("PV002",)).findings] == ["PV002"]


def test_day_month_year_dates_and_team_bylines() -> None:
    page = ("<html><body><main><p>Written by the Northgate clinical team. Published 01.03.2024.</p><p>Iron supplements "
            "relieve tiredness in people with iron deficiency anaemia.</p></main></body></html>")
    assert check_text(page, "html", select=("PV001", "PV002")).findings == []
