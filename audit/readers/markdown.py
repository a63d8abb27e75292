"""markdown reader (provisional: read as plain text)."""

from __future__ import annotations

from audit.model import Document
from audit.readers.text import read_text


def read_markdown(path: str, text: str) -> Document:
    doc = read_text(path, text)
    doc.format = "markdown"
    return doc
