"""Citations, references, links and attributions (audit.claims.evidence) and the EV rules."""

from __future__ import annotations

import pytest

from audit.claims import analyse
from audit.claims.evidence import classify_host, expand_numbers, locators
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
    from tests.conftest import check_text

    text = "# Guide\r\n\r\nMagnesium may ease cramps.[^1]\r\n\r\n[^1]: Allen RP. Sleep Med. 2018;41:27-44.\r\n[^2]: Unused J. Neurology. 2019;92:1-2.\r\n"
    [f] = [f for f in check_text(text, "markdown", select=("EV003",)).findings if f.rule == "EV003"]
    assert (f.line, f.column, f.end_column, f.match) == (6, 1, 40, "[^2]: Unused J. Neurology. 2019;92:1-2.")
