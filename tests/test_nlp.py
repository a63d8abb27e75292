"""Sentence segmentation, word tokens and syllable counts (audit.nlp)."""

from __future__ import annotations

import pytest

from audit.nlp import segment, split_sentences, tokenize_words
from audit.nlp.syllables import count, fallback, number, table
from audit.readers import parse


def sents(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Smith saw the patient. She was fine.", ["Dr. Smith saw the patient.", "She was fine."]),
        ("Smith et al. reported a benefit in 2019. Others did not.", ["Smith et al. reported a benefit in 2019.", "Others did not."]),
        ("Take 2.5 mg twice a day. Stop if you feel dizzy.", ["Take 2.5 mg twice a day.", "Stop if you feel dizzy."]),
        ("Some drugs (e.g. aspirin) thin the blood. Ask first.", ["Some drugs (e.g. aspirin) thin the blood.", "Ask first."]),
        ("See Fig. 2 for details. It shows the trend.", ["See Fig. 2 for details.", "It shows the trend."]),
        ("It is approved in the U.S. for adults. It is not approved in the E.U.", ["It is approved in the U.S. for adults.", "It is not approved in the E.U."]),
        ("I live in the U.S. How about you?", ["I live in the U.S.", "How about you?"]),
        ("The answer is no. Doctors agree.", ["The answer is no.", "Doctors agree."]),
        ("See No. 5 in the list.", ["See No. 5 in the list."]),
        ('"It works!" she said. Nobody agreed.', ['"It works!" she said.', "Nobody agreed."]),
        ("Visit https://www.nih.gov/health. It is free.", ["Visit https://www.nih.gov/health.", "It is free."]),
        ("1. Rest your legs 2. Raise your feet", ["1. Rest your legs", "2. Raise your feet"]),
        ("It went on and on . . . and then it stopped.", ["It went on and on . . . and then it stopped."]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sents(text) == expected


def test_a_single_number_marker_does_not_split() -> None:
    # One "2)" is not a list: only runs of consecutive markers are.
    assert sents("Choose option 2) if you are unsure.") == ["Choose option 2) if you are unsure."]


def test_spans_are_trimmed_and_index_the_text() -> None:
    text = "  First one here.   Second one here.  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["First one here.", "Second one here."]
    assert split_sentences("   ") == []


def test_heading_is_one_sentence_and_list_item_may_hold_several() -> None:
    doc = parse("a.md", "# Why it matters. A lot\n\n- Rest well. Drink water.\n\nPlain text here. And more.\n", "markdown")
    segment(doc)
    kinds = {b.kind: [s.text for s in b.sentences] for b in doc.blocks}
    assert kinds["heading"] == ["Why it matters. A lot"]
    assert kinds["list_item"] == ["Rest well.", "Drink water."]
    assert kinds["paragraph"] == ["Plain text here.", "And more."]


def test_token_offsets_are_exact() -> None:
    text = "Well-known drugs—like aspirin—don’t cost $3.50 “today”, e.g. at jane.doe@example.com."
    spans = tokenize_words(text)
    words = [text[a:b] for a, b in spans]
    assert words == ["Well-known", "drugs", "like", "aspirin", "don’t", "cost", "3.50", "today", "e.g", "at", "jane.doe@example.com"]
    # Offsets relative to a slice are shifted into the whole text.
    assert [text[a:b] for a, b in tokenize_words(text, 11, 16)] == ["drugs"]


def test_sentence_tokens_are_block_offsets() -> None:
    doc = parse("a.md", "Intro line here.\n\nSecond para, with words.\n", "markdown")
    segment(doc)
    block = doc.blocks[1]
    s = block.sentences[0]
    assert s.words() == ["Second", "para", "with", "words"]
    a, b = s.source_span()
    assert doc.source[a:b] == "Second para, with words."


def test_syllables_from_dictionary_and_fallback() -> None:
    assert len(table()) > 100_000
    assert count("table") == 2
    assert count("information") == 4
    assert count("RLS") == 3  # an acronym missing from the dictionary is spelled out
    assert count("EVLT") == 4
    assert count("AIDS") == 1  # in the dictionary as a word
    assert count("well-known") == 2
    assert count("1918") == 4  # "nine-teen eigh-teen"
    assert number("100") == 3
    assert fallback("gabapentin") == 4
    assert fallback("ropinirole") in (3, 4)
    assert fallback("") == 0
