"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from audit.config import from_dict
from audit.engine import FileResult, Input, check_input

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EXT = {"markdown": ".md", "html": ".html", "text": ".txt"}


def check_text(text: str, fmt: str = "markdown", config: dict[str, Any] | None = None, select: tuple[str, ...] = (), name: str | None = None) -> FileResult:
    """Run the full pipeline (decode, read, rules) on ``text`` as a file of format ``fmt``."""
    cfg = from_dict(dict(config or {}))
    display = name or f"example{EXT[fmt]}"
    inp = Input(display=display, path=None, relpath=display, format=fmt, data=text.encode("utf-8"))
    return check_input(inp, cfg, select=select)


@pytest.fixture(scope="session", autouse=True)
def _private_cache_folder(tmp_path_factory: pytest.TempPathFactory):
    """Keep the tests' incremental cache out of the user's cache folder."""
    import os

    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture
def run_text():
    return check_text
