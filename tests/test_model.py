"""The span map: positions survive markup and entity decoding."""

from __future__ import annotations

from audit.model import Document, TextBuilder


def test_copy_segments_map_character_by_character() -> None:
    src = "**bold** text"
    tb = TextBuilder()
    tb.copy(2, "bold")
    tb.copy(8, " text")
    text, m = tb.build()
    assert text == "bold text"
    a, b = m.span(0, 4)
    assert src[a:b] == "bold"
    a, b = m.span(5, 9)
    assert src[a:b] == "text"
    a, b = m.span(2, 7)
    assert src[a:b] == "ld** te"


def test_replacement_segment_maps_as_a_whole() -> None:
    src = "salt &amp; pepper"
    tb = TextBuilder()
    tb.copy(0, "salt ")
    tb.replace(5, 10, "&")
    tb.copy(10, " pepper")
    text, m = tb.build()
    assert text == "salt & pepper"
    a, b = m.span(5, 6)
    assert src[a:b] == "&amp;"
    a, b = m.span(0, 6)
    assert src[a:b] == "salt &amp;"
    a, b = m.span(7, 13)
    assert src[a:b] == "pepper"


def test_same_length_replacement_keeps_per_character_mapping() -> None:
    tb = TextBuilder()
    tb.copy(0, "one")
    tb.replace(3, 4, " ")
    tb.copy(4, "two")
    text, m = tb.build()
    assert text == "one two"
    assert m.span(4, 7) == (4, 7)


def test_positions_are_one_based_and_count_characters() -> None:
    doc = Document(path="x", format="text", source="héllo\nwörld ✓ ok\r\nend")
    assert doc.position(0) == (1, 1)
    assert doc.position(6) == (2, 1)
    assert doc.position(doc.source.index("✓")) == (2, 7)
    assert doc.position(doc.source.index("end")) == (3, 1)


def test_text_offset_finds_copied_characters_and_nothing_else() -> None:
    from audit.model import SpanMap

    # "ab" copied from 0-2, "&amp;" (5 source characters) replaced by "&", "cd" copied from 7-9.
    m = SpanMap([(0, 2, 0, 2), (2, 1, 2, 5), (3, 2, 7, 2)])
    assert [m.text_offset(i) for i in range(10)] == [0, 1, None, None, None, None, None, 3, 4, None]
    # Segments out of source order (no reader makes them) are still searched whole.
    assert SpanMap([(0, 2, 7, 2), (2, 2, 0, 2)]).text_offset(1) == 3
