"""Markdown reader: blocks, exact positions through markup, front matter, links and comments."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.readers.markdown import read_markdown
from audit.readers.text import read_text
from tests.test_readers_text import assert_map_exact, block_with, span_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def md(src: str):
    doc = read_markdown("x.md", src)
    assert_map_exact(doc)
    return doc


def test_kinds_levels_and_sections() -> None:
    doc = md("Intro text.\n\n# Title\n\nPara one.\n\n## Sub\n\n- item\n\n> quoted\n\n| a | b |\n|---|---|\n| c | d |\n")
    assert [(b.kind, b.level, b.section) for b in doc.blocks] == [
        ("paragraph", 0, 0), ("heading", 1, 1), ("paragraph", 0, 1), ("heading", 2, 2),
        ("list_item", 1, 2), ("quote", 0, 2),
        ("table_cell", 0, 2), ("table_cell", 0, 2), ("table_cell", 0, 2), ("table_cell", 0, 2),
    ]


def test_entities_and_escapes_map_as_replacements() -> None:
    doc = md("Iron &amp; folate &#8212; both \\*matter\\* a lot.\n")
    b = doc.blocks[0]
    assert b.text == "Iron & folate — both *matter* a lot."
    assert span_text(doc, b, "&") == "&amp;"
    assert span_text(doc, b, "folate") == "folate"
    assert span_text(doc, b, "— both") == "&#8212; both"
    assert span_text(doc, b, "*matter*") == "\\*matter\\*"
    assert span_text(doc, b, "a lot") == "a lot"


def test_soft_break_maps_to_line_break() -> None:
    doc = md("First line ends here\nand the second goes on.\n")
    b = doc.blocks[0]
    assert b.text == "First line ends here and the second goes on."
    assert span_text(doc, b, "here and") == "here\nand"


def test_hard_break_and_trailing_spaces() -> None:
    doc = md("Line one  \nline two\\\nline three\n")
    b = doc.blocks[0]
    assert b.text == "Line one line two line three"
    assert span_text(doc, b, "one line") == "one  \nline"
    assert span_text(doc, b, "two line") == "two\\\nline"


def test_emphasis_strong_strike_are_transparent() -> None:
    doc = md("This is *very* **strongly** ~~never~~ _proven_ here.\n")
    b = doc.blocks[0]
    assert b.text == "This is very strongly never proven here."
    assert span_text(doc, b, "strongly") == "strongly"
    assert span_text(doc, b, "very strongly") == "very* **strongly"
    assert span_text(doc, b, "proven") == "proven"


def test_after_front_matter_positions_hold() -> None:
    src = "---\ntitle: Iron & You\nauthor: Dr A\ndate: 2024-05-01\ntags: [iron, sleep]\n---\n# Heading here\n\nBody *text* now.\n"
    doc = md(src)
    assert doc.metadata == {"title": "Iron & You", "author": "Dr A", "date": "2024-05-01", "tags": ["iron", "sleep"]}
    assert doc.blocks[0].text == "Heading here"
    assert span_text(doc, doc.blocks[0], "here") == "here"
    assert doc.position(doc.blocks[0].map.start(0)) == (7, 3)
    assert "title" not in " ".join(b.text for b in doc.blocks)


def test_toml_front_matter() -> None:
    doc = md('+++\ntitle = "Iron"\ndate = 2024-05-01\n+++\nBody.\n')
    assert doc.metadata == {"title": "Iron", "date": "2024-05-01"}
    assert [b.text for b in doc.blocks] == ["Body."]


def test_malformed_yaml_front_matter_is_recorded_not_raised() -> None:
    doc = md("---\ntitle: Iron\nauthor: [unclosed\n---\n# Still read\n")
    assert list(doc.metadata) == ["_front_matter_error"]
    msg = doc.metadata["_front_matter_error"]
    assert "YAML" in msg and "line " in msg
    assert [b.text for b in doc.blocks] == ["Still read"]


def test_front_matter_problems() -> None:
    unclosed = md("---\ntitle: Iron\n\nBody text.\n")
    assert "never closed" in unclosed.metadata["_front_matter_error"]
    not_mapping = md("---\n- a\n- b\n---\nBody.\n")
    assert "not a mapping" in not_mapping.metadata["_front_matter_error"]
    bad_toml = md('+++\ntitle = \n+++\nBody.\n')
    assert "TOML" in bad_toml.metadata["_front_matter_error"] and "line 2" in bad_toml.metadata["_front_matter_error"]
    # A thematic break at the top is not front matter.
    rule = md("---\n\nJust text.\n")
    assert rule.metadata == {} and [b.text for b in rule.blocks] == ["Just text."]


def test_links_text_stays_urls_go() -> None:
    src = (
        "See [the NICE guideline](https://www.nice.org.uk/ng1 \"NICE\") and <https://pubmed.gov/1>, "
        "or [a ref][r] or https://example.org/x. Also <a href=\"https://h.org\">raw link</a>.\n\n"
        "[r]: https://ref.org/page\n"
    )
    doc = md(src)
    b = doc.blocks[0]
    assert b.text == "See the NICE guideline and , or a ref or . Also raw link."
    assert span_text(doc, b, "NICE guideline") == "NICE guideline"
    got = [(lk.url, lk.text, src[lk.start : lk.end]) for lk in doc.links]
    assert got == [
        ("https://www.nice.org.uk/ng1", "the NICE guideline", '[the NICE guideline](https://www.nice.org.uk/ng1 "NICE")'),
        ("https://pubmed.gov/1", "https://pubmed.gov/1", "<https://pubmed.gov/1>"),
        ("https://ref.org/page", "a ref", "[a ref][r]"),
        ("https://example.org/x", "https://example.org/x", "https://example.org/x"),
        ("https://h.org", "raw link", '<a href="https://h.org">raw link</a>'),
    ]


def test_link_with_parentheses_and_emphasis_inside() -> None:
    src = "Read [*this* study](https://x.org/a_(b)) today (really).\n"
    doc = md(src)
    b = doc.blocks[0]
    assert b.text == "Read this study today (really)."
    assert span_text(doc, b, "today") == "today"
    assert src[doc.links[0].start : doc.links[0].end] == "[*this* study](https://x.org/a_(b))"


def test_code_images_and_html_are_not_prose() -> None:
    src = "Take `aspirin` daily ![a pill photo](pill.png) <span>kept</span> words.\n\n```\nnot prose\n```\n\n    indented code\n"
    doc = md(src)
    texts = [b.text for b in doc.blocks]
    assert texts == ["Take daily kept words."]
    b = doc.blocks[0]
    assert span_text(doc, b, "kept") == "kept"
    assert span_text(doc, b, "words") == "words"


def test_comments_inline_and_block() -> None:
    src = "<!-- audit: disable PR001 -->\n\nMiracle cure. <!-- audit: disable-line CL001 -->\n\n```\n<!-- in code -->\n```\n"
    doc = md(src)
    assert [(src[a:b], inner) for a, b, inner in doc.comments] == [
        ("<!-- audit: disable PR001 -->", " audit: disable PR001 "),
        ("<!-- audit: disable-line CL001 -->", " audit: disable-line CL001 "),
    ]
    assert [b.text for b in doc.blocks] == ["Miracle cure."]


def test_inline_script_and_code_elements_are_not_prose() -> None:
    doc = md("Before <script>var x = 1;</script> middle <code>rm -rf</code> after <kbd>Ctrl</kbd>.\n")
    assert doc.blocks[0].text == "Before middle after ."
    assert span_text(doc, doc.blocks[0], "after") == "after"


def test_html_block_prose_without_tags() -> None:
    src = "<div class=\"note\">\nIron <b>helps</b> &amp; more.\n<script>var x = 1;</script>\n</div>\n\nAfter.\n"
    doc = md(src)
    assert [(b.kind, b.text) for b in doc.blocks] == [("paragraph", "Iron helps & more."), ("paragraph", "After.")]
    assert span_text(doc, doc.blocks[0], "helps") == "helps"


def test_tables_nested_lists_and_quotes() -> None:
    src = (
        "| Dose | Effect &amp; note |\n|---|---|\n| 5 mg | *Lowers* risk |\n\n"
        "1. First item\n   - nested one\n     continued line\n2. Second\n\n"
        "> Quoted claim that\n> spans two lines.\n"
    )
    doc = md(src)
    cells = [b.text for b in doc.blocks if b.kind == "table_cell"]
    assert cells == ["Dose", "Effect & note", "5 mg", "Lowers risk"]
    cell = block_with(doc, "Lowers risk")
    assert span_text(doc, cell, "Lowers risk") == "Lowers* risk"
    assert span_text(doc, block_with(doc, "Effect"), "note") == "note"
    items = [(b.text, b.level) for b in doc.blocks if b.kind == "list_item"]
    assert items == [("First item", 1), ("nested one continued line", 2), ("Second", 1)]
    nested = block_with(doc, "nested one")
    assert span_text(doc, nested, "one continued") == "one\n     continued"
    quote = block_with(doc, "Quoted claim")
    assert quote.kind == "quote"
    assert span_text(doc, quote, "that spans") == "that\n> spans"


def test_html_block_in_a_list_item_or_quote_is_read_as_prose() -> None:
    src = (
        "- Plain item.\n- <p>Stockings <b>cure</b> veins.</p>\n\n"
        "> <div>Laser works for everyone.</div>\n\n"
        "> <div>\n> Line one of\n> the quote. <!-- audit: disable-line CL001 -->\n> </div>\n\n"
        "1. Item\n\n   <p>Indented HTML\n   continues.</p>\n"
    )
    doc = md(src)
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("list_item", "Plain item."),
        ("list_item", "Stockings cure veins."),
        ("quote", "Laser works for everyone."),
        ("quote", "Line one of the quote."),
        ("list_item", "Item"),
        ("list_item", "Indented HTML continues."),
    ]
    assert span_text(doc, block_with(doc, "Stockings"), "cure") == "cure"
    assert span_text(doc, block_with(doc, "Laser"), "everyone") == "everyone"
    # The quote's ">" markers are not prose, and positions run through them.
    assert span_text(doc, block_with(doc, "Line one"), "of the") == "of\n> the"
    assert [inner for _, _, inner in doc.comments] == [" audit: disable-line CL001 "]


def test_html_block_whose_lines_markdown_it_changed_keeps_only_its_comments() -> None:
    # A tab in the container's indentation is expanded by markdown-it: the lines no longer
    # end with the HTML it hands over, so nothing is guessed.
    src = "- item\n\n\t<p>Tabbed <!-- c --></p>\n"
    doc = md(src)
    assert "Tabbed" not in " ".join(b.text for b in doc.blocks)
    assert [inner for _, _, inner in doc.comments] == [" c "]


def test_escaped_pipe_in_a_table_cell_keeps_the_whole_cell() -> None:
    src = "| a | b |\n|---|---|\n| Laser \\| light cures veins. | ok |\n"
    doc = md(src)
    cell = block_with(doc, "Laser")
    assert cell.text == "Laser | light cures veins."
    assert span_text(doc, cell, "|") == "\\|"
    assert span_text(doc, cell, "cures veins") == "cures veins"


def test_unfindable_word_in_the_middle_loses_only_that_word() -> None:
    doc = md("Iron Nul\x00char helps most people.\n")
    assert doc.blocks[0].text == "Iron helps most people."
    assert span_text(doc, doc.blocks[0], "helps most") == "helps most"


def test_setext_heading_and_unfindable_token_is_skipped() -> None:
    doc = md("Big Title\n=========\n\nNul\x00char here.\n")
    assert (doc.blocks[0].kind, doc.blocks[0].level, doc.blocks[0].text) == ("heading", 1, "Big Title")
    # markdown-it replaces NUL with U+FFFD; that run cannot be found and is left out, never misplaced.
    assert doc.blocks[1].text == "here."
    assert span_text(doc, doc.blocks[1], "here.") == "here."


def test_seed_markdown_drafts_match_the_text_originals() -> None:
    for name, has_author in (("causes", True), ("feet", False)):
        doc = md((CORPUS / f"seed-rls-{name}.md").read_text(encoding="utf-8"))
        original = read_text("x.txt", (CORPUS / f"seed-rls-{name}.txt").read_text(encoding="utf-8"))
        assert [(b.kind, b.text) for b in doc.blocks] == [(b.kind, b.text) for b in original.blocks]
        assert ("author" in doc.metadata) is has_author
        assert {"title", "date", "tags"} <= set(doc.metadata)


_PIECES = [*"ab *_`[]()<>!&#;\\\n|-", "&amp;", "&#x2014;", "](http://u.v)", "<!-- c -->", "> ", "- ", "1. ", "\n\n",
           "<a href='x'>", "</a>", "<p>", "</p>", "> <div>", "</div>", "\\|", "```\n", "| a | b |\n|---|---|\n", "---\n", "https://w.x/y "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_any_markdown_keeps_exact_positions(src: str) -> None:
    doc = md(src)
    for lk in doc.links:
        assert 0 <= lk.start <= lk.end <= len(src)
    for a, b, _ in doc.comments:
        assert src[a:b].startswith("<!--")


def test_inline_html_over_two_lines_keeps_the_rest_of_the_paragraph_in_crlf_quotes_and_lists() -> None:
    """A tag that spans lines is given by the parser with "\\n" and without the container's
    prefix; where that is not the source's text (CRLF, "> ", a list indent), the paragraph
    after it used to be lost."""
    claim = "Our revolutionary supplement cures arthritis in every patient."
    for source in (
        f'# Guide\n\nRead this. <span\nclass="x">{claim}</span>\n',
        f'# Guide\r\n\r\nRead this. <span\r\nclass="x">{claim}</span>\r\n',
        f'# Guide\n\n> Read this. <span\n> class="x">{claim}</span>\n',
        f'# Guide\n\n- Read this. <span\n  class="x">{claim}</span>\n',
    ):
        doc = read_markdown("a.md", source)
        [body] = [b for b in doc.blocks if b.kind != "heading"]
        assert body.text.endswith(claim), (source, body.text)
        assert span_text(doc, body, claim) == claim


def test_a_suppression_comment_over_two_crlf_lines_applies() -> None:
    from tests.conftest import check_text

    text = ("# Guide\r\n\r\nThis supplement cures arthritis in every patient. <!-- audit: disable-line\r\n"
            "CL001 CL002 -- reviewed by the medical editor -->\r\n")
    found = [f for f in check_text(text, "markdown", select=("CL001", "CL002")).findings if f.rule in ("CL001", "CL002")]
    assert found and all(f.status == "suppressed" for f in found)
