"""Readers: bytes on disk to :class:`audit.model.Document`.

:func:`decode` turns bytes into text (UTF-8 with or without BOM, UTF-16 and
UTF-32 with BOM) or raises :class:`InputError`; :func:`parse` picks the reader
for the format. Each reader builds prose blocks whose span maps point back to
the decoded source, so positions survive markup, entities and front matter.
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePath

from audit.model import Document

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class InputError(Exception):
    """A file that cannot be read as text; ``rule`` is the input rule to report."""

    def __init__(self, rule: str, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.fix = fix


def format_for(path: str, default: str = "text") -> str:
    """The format of a path by its extension (``text``, ``markdown`` or ``html``)."""
    return FORMATS.get(PurePath(path).suffix.lower(), default)


def decode(data: bytes) -> str:
    """Decode file bytes to text, or raise :class:`InputError` (IN002)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc)
            except UnicodeDecodeError as e:
                raise InputError("IN002", f"starts with a {enc.upper()} byte-order mark but is not valid {enc.upper()} (byte {e.start + len(bom)})", "Re-save the file as UTF-8.") from None
            return _normalise(text)
    if b"\x00" in data[:8192] or b"\x00" in data[-8192:]:
        sample = data[:4096]
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        if len(sample) >= 4 and max(even, odd) > len(sample) / 4 and min(even, odd) < len(sample) / 64:
            raise InputError("IN002", "looks like UTF-16 text without a byte-order mark", "Re-save the file as UTF-8 (or UTF-16 with a byte-order mark).")
        raise InputError("IN002", "is a binary file, not text", "Check only text, Markdown and HTML files; exclude this one in the config.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(
            "IN002",
            f"is not valid UTF-8 (byte 0x{data[e.start]:02X} on line {line})",
            "Re-save the file as UTF-8; it may be in Latin-1 or Windows-1252.",
        ) from None
    return _normalise(text)


_LONE_CR = re.compile(r"\r(?!\n)")


def _normalise(text: str) -> str:
    # Old Mac line endings: a lone CR becomes LF. Same length, so offsets stay true.
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)  # (a NUL placeholder would turn NUL bytes in the text into CRLF)
    return text


def parse(path: str, text: str, fmt: str) -> Document:
    """Build a document from decoded text with the reader for ``fmt``."""
    if fmt == "markdown":
        from audit.readers.markdown import read_markdown

        return read_markdown(path, text)
    if fmt == "html":
        from audit.readers.html import read_html

        return read_html(path, text)
    from audit.readers.text import read_text

    return read_text(path, text)
