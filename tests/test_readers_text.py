"""Plain-text reader: inferred structure and exact source positions.

``assert_map_exact`` is the invariant every reader's tests apply: every block
character maps to source text that is the same character, a collapsed
whitespace run or line break (text " "), or a decoded entity / escape.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.model import Block, Document
from audit.readers.text import find_urls, heading_like, read_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
_TAG = re.compile(r"<[A-Za-z/!][^>]*>")


def _replacement_ok(src: str, text: str) -> bool:
    if text == " ":
        # (A line break inside an HTML block nested in a Markdown quote also covers the "> " markers.)
        quote_break = "\n" in src and src.replace(">", " ").isspace()
        return src.isspace() or quote_break or src.rstrip() == "\\" or bool(_TAG.fullmatch(src)) or src.startswith("`") or html.unescape(src).isspace()
    if src.startswith("&"):
        return html.unescape(src) == text
    if src.startswith("\\"):
        return src[1:] == text
    return False


def assert_map_exact(doc: Document) -> None:
    """Every block's span map points at exactly the source its text came from."""
    source = doc.source
    for block in doc.blocks:
        text = block.text
        assert text, block
        assert text == text.strip(), f"untrimmed block {text!r}"
        assert "  " not in text and "\n" not in text, f"uncollapsed whitespace in {text!r}"
        segs = block.map._segs
        assert segs[0][0] == 0 and sum(s[1] for s in segs) == len(text)
        prev_end = 0
        for ts, tl, ss, sl in segs:
            assert 0 <= ss and ss + sl <= len(source)
            assert ss >= prev_end, "segments overlap or go backwards"
            prev_end = ss + sl
            chunk, src = text[ts : ts + tl], source[ss : ss + sl]
            if tl == sl:
                # A maximal verbatim run: equal to the source, except single collapsed breaks.
                for a, b in zip(chunk, src):
                    assert a == b or (a == " " and b.isspace()), (chunk, src)
            else:
                assert _replacement_ok(src, chunk), (chunk, src)
        # Every character maps into the source, in order.
        starts = [block.map.start(i) for i in range(len(text))]
        assert starts == sorted(starts)


def span_text(doc: Document, block: Block, needle: str, occurrence: int = 0) -> str:
    """The source text that ``needle`` (found in block text) maps back to."""
    i = -1
    for _ in range(occurrence + 1):
        i = block.text.index(needle, i + 1)
    a, b = block.map.span(i, i + len(needle))
    return doc.source[a:b]


def block_with(doc: Document, needle: str) -> Block:
    return next(b for b in doc.blocks if needle in b.text)


# ----------------------------------------------------------------------- seeds


def test_seed_causes_structure() -> None:
    src = (CORPUS / "seed-rls-causes.txt").read_text(encoding="utf-8")
    doc = read_text("seed-rls-causes.txt", src)
    assert_map_exact(doc)
    first = doc.blocks[0]
    assert (first.kind, first.level) == ("heading", 1)
    assert first.text == src.splitlines()[0]
    overview = block_with(doc, "Understanding Restless Leg Syndrome: An Overview")
    assert (overview.kind, overview.level) == ("heading", 2)
    pad = block_with(doc, "Peripheral Artery Disease (PAD)")
    assert pad.kind == "list_item"
    assert pad.text.startswith("Peripheral Artery Disease (PAD): Narrowing")
    start = pad.map.start(0)
    assert src[start - 2 : start] == "- "
    last = doc.blocks[-1]
    assert (last.kind, last.text) == ("paragraph", "the cause of restless leg syndrome")
    # Questions in Title Case are headings; a sentence ending with ':' is not.
    assert block_with(doc, "Why Choose Vascular Medicine Specialists?").kind == "heading"
    assert block_with(doc, "Strategies include:").kind == "paragraph"
    assert sum(b.kind == "list_item" for b in doc.blocks) == 18
    # Em dashes stay in place and positions survive non-ASCII text.
    venous = block_with(doc, "Venous stasis—where")
    assert span_text(doc, venous, "valves in veins—can") == "valves in veins—can"


def test_seed_feet_structure() -> None:
    src = (CORPUS / "seed-rls-feet.txt").read_text(encoding="utf-8")
    doc = read_text("seed-rls-feet.txt", src)
    assert_map_exact(doc)
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].level == 1
    item = block_with(doc, "Uncomfortable Burning or Tingling Sensations")
    assert item.kind == "list_item" and item.text.startswith("Uncomfortable")
    assert src[item.map.start(0) - 4 : item.map.start(0)] == "  • "
    numbered = block_with(doc, "Peripheral Nerve Sensitivity")
    assert numbered.kind == "list_item" and numbered.text.startswith("Peripheral Nerve")
    assert src[numbered.map.start(0) - 3 : numbered.map.start(0)] == "1. "
    assert block_with(doc, "What Is Restless Leg Syndrome and Why Does It Affect the Feet?").kind == "heading"
    assert block_with(doc, "Contact Us for Expert Vascular Care").kind == "heading"
    assert (doc.blocks[-1].kind, doc.blocks[-1].text) == ("paragraph", "Comments")
    # The bare domain is a name in the prose, not a URL to drop.
    assert "trufflesveinspecialists.com" in block_with(doc, "At trufflesveinspecialists.com").text


def test_sections_follow_headings() -> None:
    doc = read_text("x.txt", "Intro paragraph before any title, with a full stop.\n\nFirst Part\nBody one.\nSecond Part\nBody two.\n")
    assert [(b.kind, b.section) for b in doc.blocks] == [
        ("paragraph", 0), ("heading", 1), ("paragraph", 1), ("heading", 2), ("paragraph", 2),
    ]
    assert doc.blocks[1].level == 2  # not the first line of the file


# ----------------------------------------------------------------------- structure


def test_hard_wrapped_paragraphs_are_joined() -> None:
    src = (
        "Iron and Sleep\n\n"
        "Restless legs syndrome is a common condition that\n"
        "affects many adults. It is often linked to low\n"
        "iron stores in the brain and to some medicines\n"
        "taken at night.\n"
        "A new paragraph starts here after a short line.\n"
    )
    doc = read_text("x.txt", src)
    assert_map_exact(doc)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "paragraph", "paragraph"]
    para = doc.blocks[1]
    assert para.text.startswith("Restless legs syndrome is a common condition that affects many adults.")
    assert para.text.endswith("some medicines taken at night.")
    # Two words across a line break map to source text containing the newline.
    assert span_text(doc, para, "that affects") == "that\naffects"
    assert span_text(doc, para, "affects") == "affects"


def test_mid_sentence_break_joins_even_when_not_wrapped() -> None:
    long = "word " * 30
    doc = read_text("x.txt", f"{long}and then\nthe sentence goes on.\n")
    assert len(doc.blocks) == 1
    assert span_text(doc, doc.blocks[0], "then the") == "then\nthe"


def test_markdown_like_headings_in_text() -> None:
    src = "# Main Title #\n\nSome text here.\n\n### Details\nMore text.\n"
    doc = read_text("x.txt", src)
    assert_map_exact(doc)
    heads = [(b.text, b.level) for b in doc.blocks if b.kind == "heading"]
    assert heads == [("Main Title", 1), ("Details", 3)]
    assert span_text(doc, doc.blocks[0], "Main Title") == "Main Title"


def test_setext_underline_and_decoration() -> None:
    doc = read_text("x.txt", "Overview\n========\nText follows here.\n\n* * *\n\nEnd of it.\n")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "Overview"), ("paragraph", "Text follows here."), ("paragraph", "End of it."),
    ]
    assert doc.blocks[0].level == 1


def test_list_markers_are_stripped_and_nested() -> None:
    src = "Options\n- Walking daily helps\n  - Short walks\n• Stretching\n2) Rest\n(3) Sleep\n\u2013 Dash item\nAfter.\n"
    doc = read_text("x.txt", src)
    assert_map_exact(doc)
    items = [(b.text, b.level) for b in doc.blocks if b.kind == "list_item"]
    assert items == [("Walking daily helps", 1), ("Short walks", 2), ("Stretching", 1), ("Rest", 1), ("Sleep", 1),
                     ("Dash item", 1)]
    assert doc.blocks[0].kind == "heading"


def test_list_item_continuation_line() -> None:
    src = "Steps\n- Take the iron tablet with water or juice,\n  not with tea or milk.\n- Next step.\n"
    doc = read_text("x.txt", src)
    item = doc.blocks[1]
    assert item.text == "Take the iron tablet with water or juice, not with tea or milk."
    assert span_text(doc, item, "juice, not") == "juice,\n  not"


def test_heading_heuristics() -> None:
    assert heading_like("Vascular Conditions Associated with RLS")
    assert heading_like("Why Choose Vascular Medicine Specialists?")
    assert heading_like("What happens during the procedure?")
    assert not heading_like("Is this a longer question in sentence case that runs on and on?")
    assert not heading_like("Strategies include:")
    assert not heading_like("This ends with a full stop.")
    assert not heading_like("the cause of restless leg syndrome")
    assert not heading_like("one two three four five six seven eight nine ten eleven twelve thirteen")
    assert heading_like("One two three four five six seven eight nine ten eleven twelve thirteen", first=True)


def test_final_short_line_is_paragraph_and_heading_chain() -> None:
    doc = read_text("x.txt", "Big Topic\nSmaller Topic\nBody text.\nTrailing Words")
    assert [b.kind for b in doc.blocks] == ["heading", "heading", "paragraph", "paragraph"]
    assert [b.level for b in doc.blocks[:2]] == [1, 2]


def test_bare_urls_dropped_and_recorded() -> None:
    src = "See https://example.org/a_(b) for details, or www.nhs.uk/conditions.\n"
    doc = read_text("x.txt", src)
    assert_map_exact(doc)
    assert doc.blocks[0].text == "See for details, or ."
    assert [lk.url for lk in doc.links] == ["https://example.org/a_(b)", "www.nhs.uk/conditions"]
    for lk in doc.links:
        assert src[lk.start : lk.end] == lk.url


def test_find_urls_trims_punctuation() -> None:
    s = "(see https://x.org/page), then http://y.org."
    assert [s[a:b] for a, b in find_urls(s)] == ["https://x.org/page", "http://y.org"]


def test_crlf_and_tabs_keep_positions() -> None:
    src = "Title Line\r\n\r\nFirst\tparagraph with a tab.\r\nSecond Heading\r\nText.\r\n"
    doc = read_text("x.txt", src)
    assert_map_exact(doc)
    assert doc.blocks[0].text == "Title Line"
    para = block_with(doc, "paragraph with")
    assert para.text == "First paragraph with a tab."
    assert span_text(doc, para, "First paragraph") == "First\tparagraph"
    assert block_with(doc, "Second Heading").kind == "heading"


def test_empty_and_blank_input() -> None:
    assert read_text("x.txt", "").blocks == []
    assert read_text("x.txt", "\n  \n\t\n").blocks == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"ab .:?-•1#=\n\t\r*&;éA", "http://x.y/", "www.q.r ", "  - "]), max_size=120).map("".join))
def test_any_text_keeps_exact_positions(src: str) -> None:
    assert_map_exact(read_text("x.txt", src))
