"""Reading the phrase lists and tables shipped in ``audit/data/``."""

from __future__ import annotations

from importlib import resources


def data_lines(family: str, name: str) -> list[str]:
    """Stripped lines of ``audit/data/<family>/<name>``, without blank lines and ``#`` comments."""
    text = resources.files("audit").joinpath("data", family, name).read_text(encoding="utf-8")
    return [line for line in map(str.strip, text.splitlines()) if line and line[0] != "#"]
