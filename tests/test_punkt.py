"""The tool's Punkt pass makes the same decisions as NLTK's Punkt with the same parameters.

:mod:`audit.nlp.punkt` exists so that sentence splitting does not import NLTK;
NLTK's own ``PunktSentenceTokenizer`` (:mod:`audit.nlp.punkt_reference`) is the
reference. Both are run on the sample corpus, on text generated from the pieces
Punkt decides on (abbreviations, initials, numbers, ellipses, quotes, brackets,
line breaks) and on small parameter sets that switch each heuristic on and off.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.nlp import punkt, sentences
from audit.nlp.punkt import Punkt
from audit.nlp.punkt_reference import reference_tokenizer

ROOT = Path(__file__).resolve().parent.parent

PIECES = [
    # words, sentence starters in both cases, capitalised names
    "the", "The", "they", "They", "it", "It", "patients", "Smith", "aspirin", "EU", "mg", "x",
    # abbreviations of the shipped list, a number abbreviation, initials, single-letter runs
    "Dr.", "dr.", "e.g.", "i.e.", "et al.", "al.", "Fig.", "No.", "no.", "U.S.", "a.m.", "p.m.", "J.", "j.", "Q.",
    "Mr.-X.", "vs.",
    # numbers, ordinals, signed and decimal
    "3.", "12", "1.5", "-2.", ",5", "2nd.", "٣.",
    # sentence ends, ellipses, multi-character punctuation
    ".", "?", "!", "?!", "!!!", "..", "...", ". . .", ". . . .", "--", "---", ",", ";", ":",
    # quotes and brackets, straight and curly
    '"', "'", "“", "”", "‘", "’", "«", "»", "(", ")", "[", "]", "{", "}", "*", "@", "&", "#", "`",
    # glued forms
    'end."', "end.)", "end.”", "(Sent.)", "word.Next", "e.g.,", "U.S.'s",
    # characters the re and regex engines classify differently (a combining accent is a word
    # character for regex only), which make the text go to the regex engine
    "cafe\u0301.", "Cafe\u0301", "\u0301.",
]
#: U+001C is white space for re but not for regex.
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", "  ", "\t", "\u00a0", " \n ", "\r\n", "\x0b", "\x0c", "\x1c"]


def _pair(params: dict) -> tuple[Punkt, object]:
    return Punkt(**params), reference_tokenizer(**params)


OURS, REFERENCE = _pair(sentences.parameters())

#: Small parameter sets that turn single heuristics on: a collocation, an ortho context with
#: upper-case uses, sentence starters without ortho context.
VARIANTS = [
    {"abbrev_types": {"dr", "fig", "al"}, "collocations": {("no", "##number##"), ("j", "smith")}},
    {
        "abbrev_types": {"e.g", "vs"},
        "sent_starters": {"they", "it"},
        "ortho_context": {"the": punkt.ORTHO_BEG_LC | punkt.ORTHO_MID_UC, "smith": punkt.ORTHO_UNK_UC,
                          "patients": punkt.ORTHO_MID_LC, "it": punkt.ORTHO_BEG_UC | punkt.ORTHO_UNK_LC},
    },
    {"abbrev_types": set()},
]
PAIRS = [_pair(v) for v in VARIANTS]


def _assert_same(text: str) -> None:
    assert OURS.span_tokenize(text) == REFERENCE.span_tokenize(text), repr(text)
    for ours, ref in PAIRS:
        assert ours.span_tokenize(text) == ref.span_tokenize(text), repr(text)


texts = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=25).map(
    lambda parts: "".join(p + s for p, s in parts)
)


@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_generated_text_gets_the_references_spans(text: str) -> None:
    _assert_same(text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("aZ9 .?!\n\"')(]-,;:…٣")), max_size=40))
def test_arbitrary_punctuation_gets_the_references_spans(text: str) -> None:
    _assert_same(text)


def test_text_goes_to_the_regex_engine_only_when_the_engines_disagree_on_it() -> None:
    assert punkt._patterns_for("Dr. Smith came. He left.") is punkt._RE
    assert punkt._patterns_for("Café crème. Très bien.") is punkt._RE
    for text in ("Cafe\u0301. He left.", "He left.\x1cShe came."):
        assert punkt._patterns_for(text) is punkt._regex_patterns()
        _assert_same(text)


def _corpus_texts() -> list[str]:
    files = sorted((ROOT / "corpus").iterdir()) + sorted((ROOT / "tests" / "fixtures" / "seeds").rglob("*"))
    return [f.read_text(encoding="utf-8") for f in files if f.is_file() and f.suffix in (".md", ".txt", ".html")]


def test_the_sample_corpus_gets_the_references_spans() -> None:
    corpus = _corpus_texts()
    assert len(corpus) >= 5
    for text in corpus:
        # The raw file (markup and all) and the masked text the splitter actually gives Punkt.
        _assert_same(text)
        _assert_same(sentences._mask(text))
    # Whole paragraphs glued in random order, to reach boundaries the files do not have.
    rng = random.Random(7)
    paragraphs = [p for t in corpus for p in t.split("\n\n") if p.strip()]
    for _ in range(200):
        _assert_same(rng.choice(SEPARATORS).join(rng.sample(paragraphs, 3)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Smith saw her. She was fine.", ["Dr. Smith saw her.", "She was fine."]),
        ("It costs 5 mg. The dose is low.", ["It costs 5 mg.", "The dose is low."]),
        ("See No. 5 now. Then stop.", ["See No. 5 now.", "Then stop."]),
        ("Ask e.g. the nurse. They know.", ["Ask e.g. the nurse.", "They know."]),
        ("Wait... the rest. Done!", ["Wait... the rest.", "Done!"]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("(Sent one.) Sent two.", ["(Sent one.)", "Sent two."]),
        ("Very bad acting!!! I promise.", ["Very bad acting!!!", "I promise."]),
        ("The E.U. agreed. So did we.", ["The E.U. agreed.", "So did we."]),
    ],
)
def test_known_boundaries(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in OURS.span_tokenize(text)] == expected
    assert OURS.span_tokenize(text) == REFERENCE.span_tokenize(text)


def test_the_reference_engine_can_be_chosen_and_a_bad_choice_is_an_error() -> None:
    code = (
        "from audit.nlp import sentences; import sys\n"
        "t = sentences._tokenizer()\n"
        "print(type(t).__module__, 'nltk' in sys.modules, sentences.split('Dr. Smith left. He said so.'))\n"
    )
    env = dict(os.environ, AUDIT_SEGMENTER="nltk")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split()[:2] == ["audit.nlp.punkt_reference", "True"]
    assert out.rstrip().endswith("[(0, 15), (16, 27)]")
    env["AUDIT_SEGMENTER"] = "audit"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split()[:2] == ["audit.nlp.punkt", "False"]
    assert out.rstrip().endswith("[(0, 15), (16, 27)]")
    env["AUDIT_SEGMENTER"] = "spacy"
    bad = subprocess.run([sys.executable, "-c", code], check=False, env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "AUDIT_SEGMENTER" in bad.stderr
