"""Citations, references, links and attributions (audit.claims.evidence) and the EV rules."""

from __future__ import annotations

import pytest

from audit.claims import analyse
from audit.claims.evidence import classify_host, expand_numbers, find_references, locators
from audit.config import Settings
from audit.readers import parse
from tests.conftest import check_text

REFS = (
    "\n\n## References\n\n"
    "1. Allen RP, et al. Sleep Med. 2018;41:27-44. doi:10.1016/j.sleep.2017.11.1126\n"
    "2. Smith J. Neurology. 2019. PMID: 31234567\n"
    "3. Jones K. A book about legs. Legs Press; 2010.\n"
)


def first(text: str, fmt: str = "markdown", settings: Settings | None = None):
    doc = parse("t." + {"markdown": "md", "html": "html", "text": "txt"}[fmt], text, fmt)
    return analyse(doc, settings or Settings())[0]


def test_expand_numbers() -> None:
    assert expand_numbers("1-3, 5") == [1, 2, 3, 5]
    assert expand_numbers("1, 4") == [1, 4]
    assert expand_numbers("2\u20134") == [2, 3, 4]


def test_locators() -> None:
    assert locators("doi:10.1016/j.sleep.2017.11.1126") == ["doi:10.1016/j.sleep.2017.11.1126"]
    assert locators("PMID: 31234567") == ["pmid:31234567"]
    assert locators("see PMC1234567") == ["pmcid:PMC1234567"]
    assert locators("NCT01358877") == ["nct:NCT01358877"]
    assert locators("JAMA. 2019;321(4):345-356.") == ["journal"]
    assert locators("A book about legs. 2010.") == []


@pytest.mark.parametrize(
    "marker,keys",
    [("[1]", ["1"]), ("[1-3]", ["1", "2", "3"]), ("[1, 3]", ["1", "3"]), ("\u00b9", ["1"]), ("\u00b9\u207b\u00b3", ["1", "2", "3"])],
)
def test_numeric_and_superscript_markers_resolve(marker: str, keys: list[str]) -> None:
    sa = first("Iron improves symptoms" + marker + "." + REFS)
    [c] = sa.citations
    assert c.keys == keys and not c.missing
    assert [r.key for r in c.references] == keys
    assert sa.support == "cited"


def test_reference_without_locator_gives_named_support() -> None:
    sa = first("Iron improves symptoms [3]." + REFS)
    assert sa.support == "named"


def test_footnote_marker_resolves() -> None:
    sa = first("Iron improves symptoms.[^allen]\n\n[^allen]: Allen RP. Sleep Med. 2018. doi:10.1016/j.sleep.2017.11.1126\n")
    [c] = sa.citations
    assert c.type == "footnote" and [r.key for r in c.references] == ["^allen"]
    assert sa.support == "cited"


def test_author_year_marker() -> None:
    text = "Iron improves symptoms (Allen et al., 2018)." + REFS.replace("Allen RP, et al.", "Allen RP, Picchietti DL.")
    sa = first(text)
    [c] = sa.citations
    assert c.type == "author_year" and c.references and c.references[0].key == "1"
    # without a reference list the source is named but cannot be located
    assert first("Iron improves symptoms (Allen et al., 2018).").support == "named"


def test_html_sup_marker_resolves() -> None:
    html = (
        "<html><body><p>Iron improves symptoms.<sup>2</sup></p>"
        "<h2>References</h2><ol><li>Allen RP. Sleep Med. 2018. doi:10.1016/j.sleep.2017.11.1126</li>"
        "<li>Smith J. Neurology. 2019. PMID: 31234567</li></ol></body></html>"
    )
    sa = first(html, "html")
    assert any(c.type == "superscript" and c.keys == ["2"] and c.references for c in sa.citations)
    assert sa.support == "cited"


def test_inline_html_sup_marker_in_markdown_resolves() -> None:
    md = (
        "Iron improves symptoms in people with low ferritin<sup>2</sup>.\n\n## References\n\n"
        "1. Smith J. Neurology. 2019. PMID: 31234567\n2. Allen RP. Sleep Med. 2018. doi:10.1016/j.sleep.2017.11.1126\n"
    )
    sa = first(md)
    assert any(c.type == "superscript" and c.keys == ["2"] and c.references for c in sa.citations)
    assert sa.support == "cited"


@pytest.mark.parametrize(("text", "fmt"), [
    ("Iron improves symptoms `<sup>2</sup>`.\n\n## References\n\n1. A. 2018.\n2. B. 2019. PMID: 31234567\n", "markdown"),
    ("Iron improves symptoms<!-- <sup>2</sup> -->.\n\n## References\n\n1. A. 2018.\n2. B. 2019. PMID: 31234567\n", "markdown"),
    (("<html><body><p>Iron improves symptoms <code><sup>2</sup></code>.</p><h2>References</h2><ol><li>A. 2018.</li>"
      "<li>B. 2019. PMID: 31234567</li></ol></body></html>"), "html"),
    (("<html><body><p>Iron improves symptoms<!-- <sup>2</sup> -->.</p><h2>References</h2><ol><li>A. 2018.</li>"
      "<li>B. 2019. PMID: 31234567</li></ol></body></html>"), "html"),
])
def test_sup_marker_in_code_or_a_comment_cites_nothing(text: str, fmt: str) -> None:
    sa = first(text, fmt)
    assert sa.citations == [] and sa.support == "none"


def test_identifier_in_text_is_cited() -> None:
    assert first("Iron improves symptoms (doi:10.1016/j.sleep.2017.11.1126).").support == "cited"
    assert first("Iron improves symptoms (NCT01358877).").support == "cited"


def test_links_classified() -> None:
    s = Settings(organizations=("Truffle Vein Specialists", "trufflesveinspecialists.com"))
    assert classify_host("ninds.nih.gov", s, set()) == "authoritative"
    assert classify_host("example.edu", s, set()) == "noncommercial"
    assert classify_host("rls.org", s, set()) == "noncommercial"
    assert classify_host("www.bhf.org.uk", s, set()) == "noncommercial"
    assert classify_host("cancer.org.au", s, set()) == "noncommercial"
    assert classify_host("shop.co.uk", s, set()) == "commercial"
    assert classify_host("org.example.com", s, set()) == "commercial"
    assert classify_host("trufflesveinspecialists.com", s, set()) == "self"
    assert classify_host("shop.example.com", s, set()) == "commercial"
    assert classify_host("blog.mysite.com", s, {"mysite.com"}) == "self"


def test_link_support_levels() -> None:
    assert first("Iron improves symptoms ([NIH](https://www.ninds.nih.gov/rls)).").support == "cited"
    assert first("Iron improves symptoms ([shop](https://shop.example.com/iron)).").support == "named"
    own = Settings(organizations=("shop.example.com",))
    assert first("Iron improves symptoms ([shop](https://shop.example.com/iron)).", settings=own).support == "none"


def test_vague_and_named_attributions() -> None:
    sa = first("Studies have consistently shown that magnesium relieves cramps.")
    assert [c.text for c in sa.vague] == ["Studies have consistently shown"] and sa.support == "vague"
    sa = first("According to the NIH, iron relieves symptoms in some people.")
    assert sa.named and sa.support == "named"
    sa = first("A 2019 trial in JAMA found that iron relieves symptoms.")
    assert sa.support == "named" and sa.vague == []


def rules_of(text: str, rule: str, config: dict | None = None) -> list:
    return [f for f in check_text(text, "markdown", config, select=(rule,)).findings if f.rule == rule]


def test_dangling_citation() -> None:
    [f] = rules_of("Iron improves symptoms [4]." + REFS, "EV002")
    assert f.match == "[4]" and "missing 4" in f.message
    [f] = rules_of("Iron improves symptoms [1].", "EV002")
    assert "has none" in f.message
    assert rules_of("Iron improves symptoms [1]." + REFS, "EV002") == []


def test_uncited_reference() -> None:
    found = rules_of("Iron improves symptoms [1]." + REFS, "EV003")
    assert [f.match.split(".")[0] for f in found] == ["Smith J", "Jones K"]
    assert rules_of("Iron improves symptoms [1-3]." + REFS, "EV003") == []


def test_vague_attribution_rule() -> None:
    [f] = rules_of("An increasing body of research links RLS to vascular health.", "EV001")
    assert f.match == "increasing body of research links"
    assert rules_of("A 2019 Cochrane review found that magnesium does not prevent cramps [1]." + REFS, "EV001") == []


def test_self_promotional_source() -> None:
    cfg = {"organizations": ["veinclinic.example.com"]}
    [f] = rules_of("Laser therapy relieves leg pain ([details](https://veinclinic.example.com/laser)).", "EV004", cfg)
    assert "publisher's own site" in f.message
    assert rules_of("Laser therapy relieves leg pain ([NICE](https://www.nice.org.uk/guidance/cg168)).", "EV004", cfg) == []


def test_unlocatable_source() -> None:
    [f] = rules_of("According to the NIH, iron supplements relieve symptoms.", "EV005")
    assert f.match.startswith("According to the NIH")


@pytest.mark.parametrize("fmt,text", [
    ("markdown", "Anaemia affects 30% of women aged 15 to 49 [1].\n\n## References\n\n1. WHO. Anaemia fact sheet. 2023. https://www.who.int/news-room/fact-sheets/detail/anaemia\n"),
    ("html", "<p>Anaemia affects 30% of women aged 15 to 49 [1].</p><h2>References</h2><ol><li>WHO. Anaemia fact sheet. <a href=\"https://www.who.int/news-room/fact-sheets/detail/anaemia\">who.int</a></li></ol>"),
])
def test_reference_entry_url_is_a_locator_even_when_not_prose(fmt: str, text: str) -> None:
    sa = first(text, fmt)
    assert sa.support == "cited", [c.as_record() for c in sa.citations]
    (ref,) = sa.citations[0].references
    assert any(x.startswith("url:https://www.who.int/") for x in ref.locators)


def test_reference_entry_without_locator_is_only_named() -> None:
    sa = first("Anaemia affects 30% of women aged 15 to 49 [1].\n\n## References\n\n1. WHO. Anaemia fact sheet. 2023.\n\nSome closing words here.\n")
    assert sa.support == "named"


def test_unused_footnote_on_a_crlf_line_ends_at_its_text() -> None:
    text = "# Guide\r\n\r\nMagnesium may ease cramps.[^1]\r\n\r\n[^1]: Allen RP. Sleep Med. 2018;41:27-44.\r\n[^2]: Unused J. Neurology. 2019;92:1-2.\r\n"
    [f] = [f for f in check_text(text, "markdown", select=("EV003",)).findings if f.rule == "EV003"]
    assert (f.line, f.column, f.end_column, f.match) == (6, 1, 40, "[^2]: Unused J. Neurology. 2019;92:1-2.")


REF_LINES = (
    "[1] Smith J. Statins and LDL. Lancet. 2020;395:10-20. doi:10.1016/x.2020.1\n"
    "[2] Jones K. Statin and stroke. BMJ. 2021;372:n100. PMID: 33500000\n"
    "[3] Brown T. Statins in diabetes. Diabetes Care. 2019;42:1-9. https://doi.org/10.2337/dc19-0001\n"
)
REF_CLAIMS = "Statins lower LDL cholesterol [1]. Statins reduce strokes [2]. Statins prevent heart attacks [3].\n"


@pytest.mark.parametrize(("text", "fmt"), [
    (REF_CLAIMS + "\n## References\n\n" + REF_LINES, "markdown"),  # one paragraph of three lines
    ("Statins and your heart\n\n" + REF_CLAIMS + "\nReferences\n" + REF_LINES, "text"),  # entries end in a DOI, no full stop
    ("Statins and your heart\n\n" + REF_CLAIMS + "\nReferences\n\n" + REF_LINES.replace("\n", "\n\n"), "text"),
])
def test_a_reference_list_of_numbered_lines_has_one_entry_per_line(text: str, fmt: str) -> None:
    doc = parse("x", text, fmt)
    ev = find_references(doc, Settings())
    assert [r.key for r in ev.references] == ["1", "2", "3"]
    assert [r.text[:8] for r in ev.references] == ["[1] Smit", "[2] Jone", "[3] Brow"]
    assert ev.references[1].locators == ["pmid:33500000"]
    found = check_text(text, fmt, select=("CL001", "EV002", "EV003")).findings
    assert [f.rule for f in found if f.rule in ("CL001", "EV002", "EV003")] == []


def test_narrative_author_year_cites() -> None:
    refs = "\n\n## References\n\n1. Smith J, et al. Statins and heart attack. N Engl J Med. 2020;382:1-10.\n"
    sa = first("Smith et al. (2020) found that statins reduce the risk of heart attack." + refs)
    [c] = sa.citations
    assert c.type == "author_year" and c.text == "Smith et al. (2020)" and c.references and sa.support == "cited"
    # A capitalised word before a year is not an author unless an entry says so.
    assert first("In March (2020) the clinic said statins prevent strokes." + refs).citations == []


def test_doi_and_url_keep_balanced_parentheses() -> None:
    assert locators("doi:10.1016/S0140-6736(18)31942-1") == ["doi:10.1016/S0140-6736(18)31942-1"]
    assert locators("(doi:10.1000/xyz)") == ["doi:10.1000/xyz"]
    assert locators("(https://en.wikipedia.org/wiki/Statin_(drug))") == ["url:https://en.wikipedia.org/wiki/Statin_(drug)"]


def test_a_footnote_definition_shown_in_a_code_block_defines_nothing() -> None:
    text = ("# Guide\n\nMagnesium may ease cramps.[^1]\n\n```\n[^3]: Example J. A footnote shown in code. 2019.\n```\n\n"
            "[^1]: Allen RP. Sleep Med. 2018;41:27-44.\n")
    doc = parse("x.md", text, "markdown")
    assert [r.key for r in find_references(doc, Settings()).references] == ["^1"]
    assert [f for f in check_text(text, "markdown", select=("EV003",)).findings if f.rule == "EV003"] == []


def test_the_reference_section_ends_where_the_page_goes_on() -> None:
    text = (
        "Turmeric may ease knee pain [1].\n\n## References\n\n"
        "1. Daily JW. Turmeric extracts for arthritis. J Med Food. 2016;19:717-29.\n\n"
        "### Journal articles\n\n2. Wang Z. Curcumin and knee pain. BMJ Open. 2021;11:e041. doi:10.1136/bmjopen-2020-041\n\n"
        "### Try TurmaFlex today\n\nTurmaFlex cures arthritis in 7 days.\n\n"
    )
    doc = parse("x.md", text, "markdown")
    refs = find_references(doc, Settings())
    assert [r.key for r in refs.references] == ["1", "2"]  # the sub-heading with an entry stays in
    found = {f.rule: f for f in check_text(text, "markdown", select=("CL001", "EV003")).findings}
    assert found["CL001"].line == 13 and "EV003" in found and found["EV003"].message.startswith("reference 2")
    # Prose after a list of entries is the page again, not an entry.
    text2 = text.replace("### Try TurmaFlex today\n\n", "")
    rules = [(f.rule, f.line) for f in check_text(text2, "markdown", select=("CL001",)).findings]
    assert rules == [("CL001", 11)]


@pytest.mark.parametrize(("text", "fmt"), [
    ("Weight-loss injections reduce weight in adults with a BMI of at least 35 kg/m² [1].\n\n## References\n\n1. A. 2020.\n2. B. 2021.\n", "markdown"),
    (("<html><body><p>Weight-loss injections reduce weight in adults with a BMI of 35 kg/m<sup>2</sup> [1].</p>"
     "<h2>References</h2><ol><li>A. 2020.</li><li>B. 2021.</li></ol></body></html>"), "html"),
    (("<html><body><p>A platelet count below 150 &times; 10<sup>9</sup>/L raises the risk of bleeding [1].</p>"
     "<h2>References</h2><ol><li>A. 2020.</li><li>B. 2021.</li></ol></body></html>"), "html"),
])
def test_a_superscript_power_is_not_a_citation(text: str, fmt: str) -> None:
    sa = first(text, fmt)
    assert [c.type for c in sa.citations] == ["numeric"]
    assert [f.rule for f in check_text(text, fmt, select=("EV002",)).findings if f.rule == "EV002"] == []


def test_numbered_reference_lines_keep_their_bare_urls() -> None:
    text = ("Iron cures anaemia in adults [1]. Zinc cures colds in adults [2]. Folate prevents birth defects [3].\n\n"
            "## References\n\n[1] Smith J. Iron study. https://pubmed.ncbi.nlm.nih.gov/123456/\n"
            "[2] Jones K. Zinc and colds. <https://example.org/zinc>\n[3] Brown L. Folate. https://example.org/folate\n")
    refs = find_references(parse("x.md", text, "markdown"), Settings()).references
    assert [bool(r.locators) for r in refs] == [True, True, True]


def test_an_author_year_citation_that_links_to_its_doi_is_not_dangling() -> None:
    html = ('<html><body><main><p>Strengthening exercise reduces knee pain in osteoarthritis (<a href="https://doi.org/'
            '10.1002/14651858.CD004376.pub3">Fransen et al., 2015</a>).</p><h2>Further reading</h2><ul><li><a href="'
            'https://www.nhs.uk/conditions/osteoarthritis/">NHS</a></li></ul></main></body></html>')
    sa = first(html, "html")
    assert sa.support == "cited" and all(not c.missing for c in sa.citations)
    assert [f for f in check_text(html, "html", select=("EV002",)).findings if f.rule == "EV002"] == []


def test_a_marker_after_a_year_or_count_is_a_citation() -> None:
    html = ("<html><body><p>Measles vaccination prevented 57 million deaths between 2000 and 2022<sup>1</sup>.</p>"
            "<h2>References</h2><ol><li>WHO. Measles. 2023. https://www.who.int/measles</li></ol></body></html>")
    assert first(html, "html").support == "cited"
    md = ("Measles vaccination prevented 57 million deaths between 2000 and 2022\u00b9.\n\n## References\n\n"
          "1. WHO. Measles. 2023. https://www.who.int/measles\n")
    assert first(md).support == "cited"


def test_a_reference_entry_with_only_a_url_stays_in_the_list() -> None:
    text = ("Vitamin D helps the body absorb calcium (NHS, 2023).\n\n## Sources\n\n"
            "NHS. Vitamin D. 2023. https://www.nhs.uk/conditions/vitamin-d/\n\n"
            "Harvard Health. Vitamin D supplements prevent fractures in older adults. https://www.health.harvard.edu/vitamin-d\n")
    assert [r.key for r in find_references(parse("x.md", text, "markdown"), Settings()).references] == ["1", "2"]
    assert [f for f in check_text(text, "markdown", select=("CL001",)).findings if f.line == 9] == []


def test_a_sub_heading_of_bullets_or_a_biography_after_the_references_is_the_page_again() -> None:
    text = ("Turmeric may ease knee pain [1].\n\n## References\n\n1. Daily JW. J Med Food. 2016;19:717-29.\n\n"
            "### Why choose TurmaFlex?\n\n- TurmaFlex cures arthritis in 7 days.\n\n"
            "### About the author\n\nEmma has practised since 2005. She believes turmeric cures joint pain.\n")
    lines = sorted(f.line for f in check_text(text, "markdown", select=("CL001",)).findings)
    assert lines == [9, 13]


def test_an_author_year_citation_linking_to_any_page_is_still_checked_against_the_list() -> None:
    html = ('<html><body><main><p>Exercise reduces knee pain (<a href="https://www.example.com/">Fransen et al., 2015</a>).'
            '</p><h2>Further reading</h2><ul><li><a href="https://www.nhs.uk/">NHS</a></li></ul></main></body></html>')
    assert [f.rule for f in check_text(html, "html", select=("EV002",)).findings] == ["EV002"]


def test_an_organisation_cited_by_its_acronym_finds_its_entry() -> None:
    text = ("Iron deficiency is the most common cause of anaemia worldwide (WHO, 2023).\n\n## Sources\n\n"
            "1. World Health Organization. Anaemia fact sheet. 2023. https://www.who.int/anaemia\n"
            "2. National Institute for Health and Care Excellence. Anaemia. 2021. https://www.nice.org.uk/x\n")
    [c] = first(text).citations
    assert [r.key for r in c.references] == ["1"] and not c.missing
    assert [r.key for r in first(text.replace("(WHO, 2023)", "(NICE, 2021)")).citations[0].references] == ["2"]
    assert first(text.replace("(WHO, 2023)", "(WHO, 2021)")).citations[0].missing == ["WHO 2021"]
