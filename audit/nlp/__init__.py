"""Language processing (provisional: NLTK Punkt with no trained tables)."""

from __future__ import annotations

from audit.model import Document, Sentence


def segment(doc: Document) -> None:
    from nltk.tokenize import TreebankWordTokenizer
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    sent_tok = PunktSentenceTokenizer()
    word_tok = TreebankWordTokenizer()
    for block in doc.blocks:
        block.sentences = []
        for a, b in sent_tok.span_tokenize(block.text):
            s = Sentence(block, a, b)
            s.tokens = [(a + x, a + y) for x, y in word_tok.span_tokenize(block.text[a:b])]
            block.sentences.append(s)
