"""The HTML review report, checked as text (the browser test checks it running)."""

from __future__ import annotations

import base64
import hashlib
import html as htmlmod
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from audit.reporters.html import safe_json, segments
from tests.reporting_fixtures import CLAIM, LONG, PROMO, document, find, render, result

FIXTURES = Path(__file__).parent / "fixtures"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(page: str) -> Elements:
    p = Elements()
    p.feed(page)
    return p


def test_safe_json_cannot_close_the_script_element():
    text = safe_json({"m": "</script><!-- <script> & \u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"m": "</script><!-- <script> & \u2028\u2029"}


def test_segments_split_overlaps_and_lines():
    lines = segments("abcdefghij\nklmno\n", [(1, 5, 0), (3, 8, 1), (8, 13, 2)])
    assert lines == [
        [("a", ()), ("bc", (0,)), ("de", (0, 1)), ("fgh", (1,)), ("ij", (2,))],
        [("kl", (2,)), ("mno", ())],
    ]
    # Identical and nested spans; an empty span highlights nothing.
    assert segments("abcdef", [(0, 6, 0), (0, 6, 1), (2, 3, 2), (4, 4, 3)]) == [
        [("ab", (0, 1)), ("c", (0, 1, 2)), ("def", (0, 1))],
    ]
    # Carriage returns are not shown; offsets still line up.
    assert segments("ab\r\ncd", [(3, 5, 0)]) == [[("ab", ())], [("c", (0,)), ("d", ())]]


@pytest.fixture
def page():
    text = (FIXTURES / "hostile.md").read_text(encoding="utf-8")
    doc = document(text, path="drafts/hostile.md")
    fs = [find(doc, "MIRACLE", CLAIM, "error", nth=i, message="Claim <b>MIRACLE</b> & 'more'", fix="Say <i>less</i>.")
          for i in range(text.count("MIRACLE"))]
    fs.append(find(doc, "<script>window.__pwned = \"script\"; alert(1)</script>", PROMO, "warning"))
    fs.append(find(doc, "This MIRACLE cure works.", LONG, "info"))  # overlaps the second MIRACLE
    fs.append(find(doc, "final MIRACLE", PROMO, "warning", status="waived"))
    r = result(doc, fs, readability={"words": 90, "smog_index": 11.4, "text_standard": "11th and 12th grade"},
               claims={"total": 3, "by_support": {"none": 2, "vague": 1, "named": 0, "cited": 0}},
               promotion={"score": 42.5, "flags": []})
    other = document("Plain words.\n", path="drafts/plain.md")
    r2 = result(other, [], readability={"words": 2})
    return render("html", [r, r2], readability_metric="smog_index", readability_target=8.0), r


def test_page_is_self_contained(page):
    text, _ = page
    els = parse(text)
    for tag, attrs in els.tags:
        assert tag != "link" or attrs.get("href") == "data:,", attrs
        assert not (attrs.get("src") or "").startswith(("http", "//")), attrs
    assert "@import" not in text and "url(" not in text.split("</style>")[0]
    assert not re.search(r"https?://(?!www\.w3\.org)", text.split("<main")[0])


def test_hostile_text_is_inert(page):
    text, _ = page
    els = parse(text)
    tags = [t for t, _ in els.tags]
    assert tags.count("script") == 2
    assert "img" not in tags and "iframe" not in tags and "svg" in tags  # only the chart's svg
    assert sum(1 for t in tags if t == "svg") == 1
    for tag, attrs in els.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript"), (tag, attrs)
    # The source shows the markup as text.
    assert "&lt;script&gt;window.__pwned = &#34;script&#34;; alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=" in text
    # Messages and fixes are escaped in titles and notes too.
    assert "Claim &lt;b&gt;MIRACLE&lt;/b&gt; &amp; &#39;more&#39;" in text
    assert "<b>MIRACLE</b>" not in text and "<i>less</i>" not in text


def test_content_security_policy_allows_only_the_report_script(page):
    text, _ = page
    els = parse(text)
    csp = next(a["content"] for t, a in els.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    data, script = els.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    payload = json.loads(data)
    messages = {f["m"] for f in payload["findings"].values()}
    assert "Claim <b>MIRACLE</b> & 'more'" in messages


def test_highlights_follow_source_offsets(page):
    text, r = page
    els = parse(text)
    marks = [a for t, a in els.tags if t == "mark"]
    covered: dict[str, int] = {}
    for a in marks:
        for fid in a["data-f"].split():
            covered[fid] = covered.get(fid, 0) + 1
    # Every finding with a span is highlighted at least once.
    assert len(covered) == len(r.findings)
    # The overlapping finding splits the sentence: one mark carries both ids.
    assert any(len(a["data-f"].split()) == 2 and "multi" in a["class"] for a in marks)
    # Line anchors exist for every source line.
    n_lines = r.document.source.count("\n")
    assert f'id="a1-L{n_lines}"' in text and f'id="a1-L{n_lines + 1}"' not in text
    # The waived finding is listed, hidden until "Suppressed" is ticked, and drawn dotted.
    assert re.search(r'<li class="finding k-promotion sup" id="f\d+" data-f="\d+" hidden>', text)
    assert any("sup" in a["class"].split() for a in marks)


def test_overview_and_provenance(page):
    text, r = page
    from audit import RULESET_VERSION, __version__

    assert f"audit {__version__}" in text and RULESET_VERSION in text
    assert "c" * 64 in text  # config digest
    assert r.sha256 in text
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT", text)
    # One chart bar for the article with a grade; the other has none.
    assert text.count("<rect ") == 1 and "1 article has no score" in text
    assert 'data-sort="11.4"' in text and 'data-sort="42.5"' in text
    # Filters offer the severities, the categories present and each rule.
    for value in ('name="sev" value="error"', 'name="cat" value="claims"', 'name="cat" value="promotion"',
                  '<option value="ZZ101">', 'name="sup"'):
        assert value in text, value
    assert "@media print" in text


def test_verdict_says_whether_the_run_was_gated():
    from audit.engine import FileResult, input_finding

    r = FileResult(path="bad.md", format="markdown", findings=[input_finding("bad.md", "IN002", "bad.md is binary")])
    failing = htmlmod.unescape(render("html", [r], fail_on="error"))
    assert '<span class="verdict fail">1 finding at or above “error”</span>' in failing
    # With --fail-on never nothing fails, but "no findings at or above" would read as a clean bill.
    ungated = htmlmod.unescape(render("html", [r], fail_on="never"))
    assert '<span class="verdict off">Not gated: findings never fail this run (fail-on “never”)</span>' in ungated
    assert "No findings at or above" not in ungated
    clean = htmlmod.unescape(render("html", [FileResult(path="ok.md", format="markdown")], fail_on="error"))
    assert '<span class="verdict pass">No findings at or above “error”</span>' in clean


def test_unreadable_file_has_no_source_view():
    from audit.engine import FileResult, input_finding

    r = FileResult(path="bad.md", format="markdown", findings=[input_finding("bad.md", "IN002", "bad.md is binary")])
    text = render("html", [r])
    assert "could not be read" in text and "bad.md is binary" in text


def test_claims_inventory_from_the_claims_analysis():
    pytest.importorskip("audit.claims", reason="the claims analysis is not installed")
    from audit.claims import inventory  # noqa: F401  (skip cleanly if the function is missing)

    doc = document(
        "# Turmeric\n\nTurmeric cures arthritis in every patient.\n\n"
        "A 2019 trial found that turmeric may reduce knee pain [1].\n\n[1]: https://doi.org/10.1000/xyz\n"
    )
    text = render("html", [result(doc, [])])
    assert '<table class="claims-table">' in text
    rows = re.findall(r'<span class="support s-(\w+)">', text.split('class="claims-table"')[1])
    assert rows and "none" in rows
    assert "Turmeric cures arthritis in every patient." in htmlmod.unescape(text)


def _evidence_cells(text: str) -> list[str]:
    table = text.split('class="claims-table"')[1].split("</table>")[0]
    return [htmlmod.unescape(re.sub(r"<[^>]+>", "|", c)).strip("|") for c in re.findall(r'<td class="evidence">(.*?)</td>', table)]


def test_every_claim_shows_its_evidence_or_that_it_has_none():
    pytest.importorskip("audit.claims", reason="the claims analysis is not installed")
    doc = document(
        "# Statins\n\nStatins lower the risk of heart attacks [1].\n\n"
        "According to the NIH, statins lower LDL cholesterol.\n\n"
        "Research shows that statins prevent strokes.\n\n"
        "Statins reduce deaths from heart disease [3].\n\n"
        "Statins cure high cholesterol.\n\n## References\n\n"
        "1. Cholesterol Treatment Trialists. Efficacy and safety of statins. Lancet. 2019;393:407-415.\n"
    )
    cells = _evidence_cells(render("html", [result(doc, [])]))
    assert cells[0].startswith("[1] Cholesterol Treatment Trialists. Efficacy and safety of statins.")
    assert cells[1] == "According to the NIH"
    assert cells[2] == "Research shows (not a citation)"
    assert "[3]: no reference entry 3" in cells[3]
    assert cells[4] == "none"


def test_a_file_that_could_not_be_read_has_no_claims_inventory_rather_than_no_claims():
    from audit.engine import FileResult, input_finding

    unreadable = FileResult(path="broken.md", format="markdown",
                            findings=[input_finding("broken.md", "IN001", "broken.md cannot be read")])
    page = render("html", [unreadable])
    assert "No claims inventory for this article." in page and "No health claims found." not in page
    [row] = re.findall(r'<tr><td><a href="#a1">broken.md</a></td>.*?</tr>', page)
    assert row.count(' data-sort="">—</td>') == 6  # unknown, not zero: grade, the four support levels, promotion
    assert 'href="#a1-L' not in page  # no source view to jump to


def test_long_matches_are_cut_in_the_findings_list():
    # Up to 165 characters (160 and Jinja's truncate leeway, as the page always did) a match is
    # shown whole; a longer one is cut to 159 characters and an ellipsis.
    text = "# T\n\n" + "x" * 300 + "\n"
    doc = document(text)
    shown = {}
    for n in (165, 166):
        page = render("html", [result(doc, [find(doc, "x" * n, LONG, "warning")])])
        shown[n] = re.search(r'<p class="match">“(x*…?)”</p>', page).group(1)
    assert shown[165] == "x" * 165
    assert shown[166] == "x" * 159 + "…"


def test_many_articles_get_a_histogram_of_grades_instead_of_a_bar_each(monkeypatch):
    from audit.reporters import html

    grades = [6.2, 7.9, 8.0, 11.5, 11.9, 14.0, None]
    results = []
    for i, g in enumerate(grades):
        doc = document("Some words here.\n", path=f"drafts/{i}.md")
        results.append(result(doc, [], readability={"words": 3} | ({} if g is None else {"smog_index": g})))
    monkeypatch.setattr(html, "CHART_BARS_MAX", 5)
    page = render("html", results, readability_metric="smog_index", readability_target=8.0)
    svg = re.search(r"<svg.*?</svg>", page, re.DOTALL).group(0)
    # One column per whole grade from the lowest to the highest (the target inside), each saying
    # how many articles have a grade in it; no column per article, no link.
    titles = re.findall(r"<title>smog index (\d+) to under (\d+): (\d+) articles?</title>", svg)
    assert [(int(a), int(c)) for a, _, c in titles] == [(6, 1), (7, 1), (8, 1), (9, 0), (10, 0), (11, 2), (12, 0), (13, 0), (14, 1)]
    assert "<a " not in svg and "1 article has no score" in page
    assert "how many of the 6 articles have each smog index score" in page
    # Up to the limit, one bar per article, each linking to its article.
    monkeypatch.setattr(html, "CHART_BARS_MAX", 6)
    page = render("html", results, readability_metric="smog_index", readability_target=8.0)
    svg = re.search(r"<svg.*?</svg>", page, re.DOTALL).group(0)
    assert sorted(re.findall(r'<a href="#(a\d+)">', svg)) == [f"a{i}" for i in range(1, 7)]


def test_histogram_columns_stay_few_for_wide_scales():
    from audit.reporters import html

    values = [-40.0 + k * 0.75 for k in range(200)]  # Flesch reading ease, -40 to 109.25
    chart = html._histogram(values, "flesch_reading_ease", 60.0, 0)
    bars = list(chart["bars"])
    assert len(bars) <= html.HISTOGRAM_BINS and sum(b["count"] for b in bars) == 200
    # Easier than the target is good on this scale: the columns above 60 are not "over".
    assert all(not b["over"] for b in bars if b["x"] > chart["tx"]) and any(b["over"] for b in bars)


def test_the_source_views_escape_is_markupsafes():
    import random

    from markupsafe import escape

    from audit.reporters.html import _esc

    rnd = random.Random(7)
    alphabet = "&<>'\"; #x0123abc\n\t\u00a0é–😀\u2028\x00"
    samples = ["", "plain text", "&amp; already", "<script>alert('x')</script>", '"quoted" & <b>', "&#39;&#34;"]
    samples += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 40))) for _ in range(2000)]
    samples += [chr(c) for c in range(128)]
    for text in samples:
        assert _esc(text) == str(escape(text)), text
