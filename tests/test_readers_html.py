"""HTML reader: article extraction, boilerplate exclusion, metadata and exact positions."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.readers.html import read_html
from audit.readers.text import read_text
from tests.test_readers_text import assert_map_exact, block_with, span_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def page(src: str):
    doc = read_html("x.html", src)
    assert_map_exact(doc)
    return doc


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks]


def test_block_kinds_and_levels() -> None:
    doc = page(
        "<body><h1>Title</h1><p>Para <em>one</em>.</p><h3>Deep</h3><ul><li>A<ul><li>B</li></ul> tail</li></ul>"
        "<blockquote><p>Quoted</p></blockquote><table><tr><th>H</th><td>Cell</td></tr></table>"
        "<dl><dt>Term</dt><dd>Definition</dd></dl><figure><img src=x alt='no prose'><figcaption>Cap</figcaption></figure>"
        "<div>Direct div text</div></body>"
    )
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        ("heading", 1, "Title"), ("paragraph", 0, "Para one."), ("heading", 3, "Deep"),
        ("list_item", 1, "A"), ("list_item", 2, "B"), ("list_item", 1, "tail"),
        ("quote", 0, "Quoted"), ("table_cell", 0, "H"), ("table_cell", 0, "Cell"),
        ("paragraph", 0, "Term"), ("paragraph", 0, "Definition"), ("paragraph", 0, "Cap"),
        ("paragraph", 0, "Direct div text"),
    ]
    assert [b.section for b in doc.blocks][:4] == [1, 1, 2, 2]


def test_entities_charrefs_and_whitespace_map_exactly() -> None:
    src = "<p>Iron &amp; folate&#8212;both &#x2014; don&rsquo;t\n   wait &bogus; &lt;3 caf&eacute;&nbsp;now</p>"
    doc = page(src)
    b = doc.blocks[0]
    assert b.text == "Iron & folate—both — don’t wait &bogus; <3 café now"
    assert span_text(doc, b, "&") == "&amp;"
    assert span_text(doc, b, "folate—both") == "folate&#8212;both"
    assert span_text(doc, b, "— don") == "&#x2014; don"
    assert span_text(doc, b, "don’t wait") == "don&rsquo;t\n   wait"
    assert span_text(doc, b, "&bogus;") == "&bogus;"
    assert span_text(doc, b, "café") == "caf&eacute;"


def test_inline_elements_flow_and_br_is_a_space() -> None:
    src = "<p>Studies show<sup>1</sup> that <a href='https://x.org'>iron <b>helps</b></a><br>most<br/>people.</p>"
    doc = page(src)
    b = doc.blocks[0]
    assert b.text == "Studies show1 that iron helps most people."
    assert span_text(doc, b, "show1") == "show<sup>1"
    assert span_text(doc, b, "helps most") == "helps</b></a><br>most"
    assert [(lk.url, lk.text, src[lk.start : lk.end]) for lk in doc.links] == [
        ("https://x.org", "iron helps", "<a href='https://x.org'>iron <b>helps</b></a>")
    ]


def test_boilerplate_is_left_out() -> None:
    src = """<html><head><title>T</title><style>p { color: red }</style>
<script>var secret = "never prose";</script></head><body>
<header><p>Site banner text</p><nav><a href="/">Home menu</a></nav></header>
<div role="navigation">Breadcrumb trail</div>
<aside>Related posts sidebar</aside>
<p>Real article text.</p>
<p hidden>Hidden text</p><p aria-hidden="true">Aria hidden</p><p style="display: none">Invisible</p>
<form><label>Your email</label><button>Subscribe now</button></form>
<noscript>Enable JavaScript</noscript><template><p>Template</p></template>
<svg><text>Chart label</text><title>svg title</title></svg>
<pre>code sample</pre><p>Run <code>pip install</code> then go.</p>
<iframe>frame</iframe><select><option>Choice</option></select>
<footer><p>Copyright 2024 Clinic</p></footer>
<script>document.write("<p>late script</p>")</script>
</body></html>"""
    doc = page(src)
    # A hidden panel (a collapsed accordion) and a form's label are text of the page; the form's
    # controls are not.
    assert texts(doc) == ["Real article text.", "Hidden text", "Your email", "Run then go."]
    assert doc.metadata["title"] == "T"
    assert doc.links == []


def test_related_posts_share_buttons_comments_and_cookie_notices_are_left_out() -> None:
    doc = page('<body><main><h1>Heel pain</h1><p>Stretching may ease heel pain.</p>'
               '<div class="related-posts"><h3>Custom orthotics relieve heel pain in two weeks</h3></div>'
               '<div class="share-buttons">Share on Facebook</div><section id="comments"><p>Great clinic!</p></section>'
               '<div class="cookie-banner">We use cookies to give you the best experience.</div>'
               '<p class="doctor-comment">Most heel pain settles within a year.</p></main></body>')
    assert texts(doc) == ["Heel pain", "Stretching may ease heel pain.", "Most heel pain settles within a year."]


def test_a_page_wrapped_in_a_form_is_read() -> None:
    """ASP.NET WebForms pages put the whole body in one <form>: it used to read as empty."""
    doc = page('<body><form method="post" action="./knee.aspx" id="form1"><div id="content"><h1>Knee pain</h1>'
               "<p>Our injections cure knee arthritis.</p><input type=\"hidden\" name=\"__VIEWSTATE\" value=\"x\">"
               "<button>Book now</button></div></form></body>")
    assert texts(doc) == ["Knee pain", "Our injections cure knee arthritis."]


def test_main_is_preferred_then_articles_then_body() -> None:
    with_main = page("<body><p>Outside</p><main><p>In main</p></main><main><p>Second main</p></main></body>")
    assert texts(with_main) == ["In main"]
    with_articles = page("<body><p>Outside</p><article><p>One</p></article><div>Between</div><article>Two</article>")
    assert texts(with_articles) == ["One", "Two"]
    body_only = page("<body><p>Just body</p><div>And more</div></body>")
    assert texts(body_only) == ["Just body", "And more"]


def test_header_and_footer_inside_article_are_kept() -> None:
    doc = page("<header>Site</header><article><header><h1>Post title</h1></header><p>Body.</p>"
               "<footer><p>Reviewed by Dr A.</p></footer></article><footer>Site footer</footer>")
    assert texts(doc) == ["Post title", "Body.", "Reviewed by Dr A."]


def test_metadata() -> None:
    src = """<!doctype html><html lang="en-GB"><head>
<title>Iron &amp; sleep | Clinic</title>
<meta charset="utf-8"><meta name="Author" content="Dr Ada">
<meta name="description" content="About iron.">
<meta property="article:published_time" content="2024-01-02">
<meta property="article:modified_time" content="2024-03-04">
<meta name="dc.date" content="2024-01-02"><meta property="og:site_name" content="Clinic">
<meta name="citation_author" content="A"><meta name="citation_author" content="B">
<link rel="canonical" href="https://clinic.example/iron">
<script type="application/ld+json">{"@type": "Article", "author": {"name": "Dr Ada"}}</script>
<script type="application/ld+json">[{"@type": "BreadcrumbList"}]</script>
<script type="application/ld+json">{not json</script>
</head><body><p>Text.</p></body></html>"""
    meta = page(src).metadata
    assert meta["title"] == "Iron & sleep | Clinic"
    assert meta["lang"] == "en-GB"
    assert meta["author"] == "Dr Ada"
    assert meta["description"] == "About iron."
    assert meta["article:published_time"] == "2024-01-02"
    assert meta["article:modified_time"] == "2024-03-04"
    assert meta["dc.date"] == "2024-01-02"
    assert meta["og:site_name"] == "Clinic"
    assert meta["citation_author"] == ["A", "B"]
    assert meta["canonical"] == "https://clinic.example/iron"
    assert meta["json_ld"] == [{"@type": "Article", "author": {"name": "Dr Ada"}}, {"@type": "BreadcrumbList"}]
    assert "charset" not in meta


def test_comments_have_exact_spans() -> None:
    src = "<head><!-- audit: disable SEO001 --></head><body><p>Cure <!-- audit: disable-line PR001 -->all.</p></body>"
    doc = page(src)
    assert [(src[a:b], inner) for a, b, inner in doc.comments] == [
        ("<!-- audit: disable SEO001 -->", " audit: disable SEO001 "),
        ("<!-- audit: disable-line PR001 -->", " audit: disable-line PR001 "),
    ]
    assert texts(doc) == ["Cure all."]


def test_unclosed_misnested_and_stray_markup() -> None:
    src = "<body><p>One <b>bold <i>both</b> after</i><p>Two < three & four<li>loose item<div>Block</span> end"
    doc = page(src)
    assert texts(doc) == ["One bold both after", "Two < three & four", "loose item", "Block end"]
    assert span_text(doc, doc.blocks[1], "< three &") == "< three &"


def test_deep_nesting_is_fast_and_flat() -> None:
    n = 10_000
    for src in (
        "<div>" * n + "deep text" + "</div>" * n,
        "<span>" * n + "unclosed",
        "<div><span>" * n + "x" + "</p></b>" * n,
        "<p><b>" * n,
    ):
        t0 = time.perf_counter()
        doc = page(src)
        assert time.perf_counter() - t0 < 5
        assert len(doc.blocks) <= 2
    assert texts(page("<div>" * n + "deep text" + "</div>" * n)) == ["deep text"]


def test_seed_pages_match_the_text_originals() -> None:
    for name, has_author in (("causes", True), ("feet", False)):
        src = (CORPUS / f"seed-rls-{name}.html").read_text(encoding="utf-8")
        doc = page(src)
        original = read_text("x.txt", (CORPUS / f"seed-rls-{name}.txt").read_text(encoding="utf-8"))
        got = [(b.kind, b.text.replace("\u2019", "'")) for b in doc.blocks if "byline" not in src[b.map.start(0) - 40 : b.map.start(0)]]
        assert got == [(b.kind, b.text) for b in original.blocks]
        joined = " ".join(b.text for b in doc.blocks)
        for boiler in ("Book a Consultation", "All rights reserved", "dataLayer", "color:"):
            assert boiler not in joined
        assert doc.metadata["og:site_name"] == "Truffle Vein Specialists"
        assert ("author" in doc.metadata) is has_author
        assert doc.links == []  # the menu and footer links are not the article's
    causes = page((CORPUS / "seed-rls-causes.html").read_text(encoding="utf-8"))
    assert causes.metadata["json_ld"][0]["author"]["name"] == "Dr. Elena Marsh"
    heading = block_with(causes, "Why Choose Vascular Medicine Specialists?")
    assert (heading.kind, heading.level) == ("heading", 3)
    stasis = block_with(causes, "Venous stasis")
    assert span_text(causes, stasis, "stasis—where") == "stasis&mdash;where"


_PIECES = [*"ab <>&;/=\"'\n", "<p>", "</p>", "<div>", "</div>", "<li>", "<ul>", "</ul>", "<br>", "&amp;", "&#8212;",
           "&bogus;", "&amp", "<!-- c -->", "<script>x<y</script>", "<a href=u>", "</a>", "<main>", "</main>",
           "<article>", "<nav>", "</nav>", "<h2>", "</h2>", "<td>", "<table>", "<sup>1</sup>", "<!x>", "</>", "< p",
           "<title>t</title>", "<header>", "</header>", "<pre>", "<p hidden>"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_any_html_keeps_exact_positions(src: str) -> None:
    doc = page(src)
    for lk in doc.links:
        assert src[lk.start : lk.end].lower().startswith("<a")
    for a, b, _ in doc.comments:
        assert src[a:b].startswith("<!--") and src[a:b].endswith(">")


def test_class_names_that_only_contain_a_boilerplate_word_are_content() -> None:
    """WordPress puts its tags on the article ("tag-social-media"), cookie plugins their state on
    <body>; sections are named after their topics."""
    doc = page('<body class="single-post cookies-not-set"><article class="post hentry category-mental-health '
               'tag-social-media"><h1>Teenagers</h1><section id="social-anxiety"><p>Social anxiety is common.</p></section>'
               '<section id="related-conditions"><p>Depression often comes with it.</p></section>'
               '<div class="share-of-patients"><p>Most patients recover.</p></div></article></body>')
    assert texts(doc) == ["Teenagers", "Social anxiety is common.", "Depression often comes with it.", "Most patients recover."]
