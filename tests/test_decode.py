"""Decoding file bytes: UTF-8 with/without BOM, UTF-16/32 with BOM, and what is refused (IN002)."""

from __future__ import annotations

import codecs

import pytest

from audit.readers import InputError, decode

TEXT = "Restless legs — café, naïve: 5 µg\nsecond line\n"


def test_utf8_without_bom() -> None:
    assert decode(TEXT.encode("utf-8")) == TEXT


def test_utf8_bom_is_removed() -> None:
    assert decode(codecs.BOM_UTF8 + TEXT.encode("utf-8")) == TEXT


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_unicode_with_bom(bom: bytes, encoding: str) -> None:
    assert decode(bom + TEXT.encode(encoding)) == TEXT


def test_invalid_utf8_names_byte_and_line() -> None:
    data = "first line\nsecond café\n".encode("latin-1")
    with pytest.raises(InputError) as err:
        decode(data)
    assert err.value.rule == "IN002"
    assert "not valid UTF-8" in err.value.message
    assert "0xE9" in err.value.message and "line 2" in err.value.message
    assert err.value.fix


def test_truncated_utf16_with_bom_is_refused() -> None:
    data = codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xd8"  # lone high surrogate
    with pytest.raises(InputError) as err:
        decode(data)
    assert err.value.rule == "IN002"
    assert "UTF-16" in err.value.message


def test_binary_file_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))
    with pytest.raises(InputError) as err:
        decode(png)
    assert err.value.rule == "IN002"
    assert "binary" in err.value.message


def test_utf16_without_bom_is_named() -> None:
    with pytest.raises(InputError) as err:
        decode("Plain words in a sentence.".encode("utf-16-le"))
    assert err.value.rule == "IN002"
    assert "UTF-16" in err.value.message


def test_line_endings_keep_offsets() -> None:
    # CRLF stays as is; an old-Mac lone CR becomes LF (same length, offsets unchanged).
    assert decode(b"a\r\nb\rc") == "a\r\nb\nc"


def test_empty_file_is_empty_text() -> None:
    assert decode(b"") == ""
