"""Plain-text reader (provisional: one block per non-empty line)."""

from __future__ import annotations

from audit.model import Block, Document, TextBuilder


def read_text(path: str, text: str) -> Document:
    doc = Document(path=path, format="text", source=text)
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            tb = TextBuilder()
            tb.copy(pos + lead, stripped)
            t, m = tb.build()
            doc.blocks.append(Block(kind="paragraph", text=t, map=m))
        pos += len(line)
    return doc
