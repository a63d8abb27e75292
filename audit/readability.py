"""Readability (provisional)."""

from __future__ import annotations

from typing import Any

from audit.model import Document


def measure(doc: Document, settings: Any) -> dict[str, Any]:
    words = sum(len(s.tokens) for s in doc.sentences())
    return {"words": words}
