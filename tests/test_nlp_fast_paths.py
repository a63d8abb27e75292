"""The fast paths of segmentation, syllables and readability give the reference results.

Each test compares a shortcut with the plain computation it replaces (Punkt's
own decisions against NLTK's Punkt are in test_punkt.py): in-place word matching against
slicing, the bisected syllable table against the whole dictionary, per-section
grades from shared sentence counts against a fresh computation.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import unicodedata

import pytest

from audit.nlp import engines, syllables, words
from audit.readability import measure, metrics_for
from audit.readers import parse

TEXTS = [
    "Dr. Smith saw the patient at 5 p.m. She was fine. The U.S. FDA agreed.",
    'He said "stop." Then he left! Did he? Yes... and no. (See Fig. 2.) It ends here.',
    "Take 2.5 mg. e.g. aspirin, i.e. not ibuprofen. J. R. R. Tolkien wrote it. No. 5 is next.",
    "Visit www.nih.gov. Email jane.doe@example.com. “It works,” she said. ‘Maybe.’ Done.",
    "Smith et al. found it. The study (n = 40) was small. Results vary... Ask first.",
]


@pytest.mark.parametrize("text", [*TEXTS, "café (e + U+0301) is one word", "well-known don’t 3.5 U.S e.g http://x.org/a."])
def test_word_tokens_in_place_equal_tokens_of_the_slice(text: str) -> None:
    rng = random.Random(len(text))
    for _ in range(50):
        a = rng.randrange(len(text) + 1)
        b = rng.randrange(a, len(text) + 1)
        expected = [(a + x, a + y) for x, y in words.tokenize(text[a:b])]
        assert words.tokenize(text, a, b) == expected


def test_a_combining_accent_stays_inside_its_word() -> None:
    text = "cafe\u0301 au lait"
    assert [text[a:b] for a, b in words.tokenize(text)] == ["cafe\u0301", "au", "lait"]


def test_syllable_lookup_agrees_with_the_whole_table() -> None:
    table = syllables.table()
    sample = random.Random(1).sample(sorted(table), 2000)
    assert all(syllables.lookup(w) == table[w] for w in sample)
    assert syllables.lookup("table") == 2
    assert syllables.lookup("zzqxvitamin") is None
    assert syllables.lookup("") is None


def test_the_search_in_the_tables_text_finds_every_word_and_nothing_else() -> None:
    # Before the table is split, words are found by binary search in its text: every one of
    # the 126,052 words, with its count, and no word that is not there.
    table = syllables.table()
    text = syllables._text()
    assert all(syllables._search(text, w) == n for w, n in table.items())
    rng = random.Random(5)
    words = sorted(table)
    near = [w + "q" for w in rng.sample(words, 2000)] + [w[:-1] for w in rng.sample(words, 2000)]
    for w in [*near, "a" * 30, "zzzzzz", "~", "\x00", "0"]:
        assert syllables._search(text, w) == table.get(w), w
    # The lines are in sorted order (a tab sorts before every character of a word), which
    # the search and the split table's bisection rely on.
    lines = text[1:].splitlines()
    assert lines == sorted(lines) and min(min(w) for w in table) > "\t"
    assert syllables.lookup("a\tb") is None and syllables.lookup("table\n") is None


def test_syllable_lookups_before_and_after_the_split_agree() -> None:
    # A fresh process searches the text first and splits the table after enough lookups.
    code = (
        "from audit.nlp import syllables as s\n"
        "ws = ['table', 'vitamin', 'zzqx', 'aspirin', 'heart'] * 5\n"
        "first = [s.lookup(w) for w in ws]\n"
        "split_before = s._LINES is not None\n"
        "s._SEARCHES = s._SEARCHES_BEFORE_SPLIT\n"
        "second = [s.lookup(w) for w in ws]\n"
        "print(first == second, split_before, s._LINES is not None, first[:5])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip().split(None, 3) == ["True", "False", "True", "[2, 3, None, 2, 1]"]


def test_section_grades_equal_a_fresh_computation() -> None:
    body = (
        "Your veins carry blood back to your heart every day. Small valves keep the blood moving the right way. "
        "When the valves get weak, blood can pool in the legs and feet. "
    )
    hard = (
        "Chronic venous insufficiency is a multifactorial pathophysiological condition. "
        "Epidemiological investigations demonstrate considerable variability in prevalence estimates. "
    )
    doc = parse("a.md", f"# One\n\n{body * 3}\n\n# Two\n\n{hard * 3}\n\n## Three\n\n{body}{hard}\n", "markdown")
    result = measure(doc, None)
    assert len(result["sections"]) == 3
    for idx, sec in enumerate(result["sections"], start=1):
        prose = [s for s in doc.sentences() if s.block.section == idx and s.block.kind == "paragraph"]
        fresh = metrics_for(prose)
        for key in ("words", "sentences", "syllables", "smog_index", "flesch_kincaid_grade", "dale_chall_readability_score"):
            if sec.get("scored") or key in ("words", "sentences", "syllables"):
                assert sec[key] == fresh[key], (idx, key)
    assert result["sections"][0]["syllables"] < result["sections"][1]["syllables"]


def test_syllables_and_readability_do_not_load_nltk() -> None:
    code = "import sys, audit.readability, audit.nlp.syllables; print('nltk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_ascii_text_gets_the_same_tokens_from_both_engines() -> None:
    rng = random.Random(4)
    alphabet = "ab Z09_-'.@:/wht()[]<>\"!?,;\t\n\x0b\x0c\r\x1c\x1f"
    for _ in range(3000):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randrange(25)))
        for text in (body, "http://" + body, "www." + body):
            a = rng.randrange(len(text) + 1)
            b = rng.randrange(a, len(text) + 1)
            assert words.tokenize(text, a, b) == [m.span() for m in words.regex_word_re().finditer(text, a, b)], (text, a, b)
    # U+001C..U+001F are whitespace for re but not for regex: such text keeps the regex engine.
    text = "http://a.org/x\x1cy z"
    assert [text[a:b] for a, b in words.tokenize(text)] == ["http://a.org/x\x1cy", "z"]


def test_the_categories_decided_without_regex_are_classified_alike_by_both_engines() -> None:
    # engines.agree() decides characters of these categories without asking regex: check every
    # such character of Unicode on both engines, for \w, \s and \d.
    import regex

    classes = [(re.compile(k), regex.compile(k)) for k in (r"\w", r"\s", r"\d")]
    checked = 0
    for cp in range(0x80, sys.maxunicode + 1):
        c = chr(cp)
        if unicodedata.category(c) in engines.SAME_BY_CATEGORY:
            checked += 1
            for ours, theirs in classes:
                assert (ours.match(c) is None) == (theirs.match(c) is None), (hex(cp), ours.pattern)
    assert checked > 100_000
    # Characters of the other categories can differ, and are tested one by one.
    for c in ("\u0301", "½", "\u200d", "\x1c"):
        assert not engines.agree("a" + c)


def test_typographic_text_is_decided_without_importing_regex() -> None:
    code = (
        "import sys; from audit.nlp import engines, punkt, words; "
        "t = 'Café “naïve” – said Peña… 5\u00a0mg — ok’s.'; "
        "print(engines.agree(t), punkt.Punkt(()).span_tokenize(t) != [], words.tokenize(t) != [], 'regex' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["True", "True", "True", "False"]


def test_unicode_text_gets_the_same_tokens_from_both_engines() -> None:
    # Non-ASCII text goes to the faster engine only when every character is classified alike
    # by both; a combining accent, ½ or U+001C keeps the regex engine.
    rng = random.Random(9)
    alphabet = "ab Zé9_-'’“”.@–—…½\u0301\u00a0\u2028\u2010\x1c\u0663ßİ"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        a = rng.randrange(len(text) + 1)
        b = rng.randrange(a, len(text) + 1)
        expected = [m.span() for m in words.regex_word_re().finditer(text, a, b)]
        assert words.tokenize(text, a, b) == expected, (text, a, b)
        assert words.tokenize(text, a, b) == expected  # again, through the remembered choice
    assert "\u0301" in engines._DISAGREE and "é" in engines._AGREE
