"""The error type of the gating package."""

from __future__ import annotations


class GatingError(Exception):
    """A bad baseline, waiver file or revision: the CLI reports it and exits with status 2."""
