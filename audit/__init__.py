"""audit: an offline toolkit that audits health content.

It reads plain text, Markdown and HTML articles and reports, sentence by
sentence, where the writing is too hard to read, where it makes medical claims
it does not support, and where it sells instead of informing.
"""

__version__ = "0.1.0"
#: Bumped whenever a rule is added, removed or changes what it flags.
RULESET_VERSION = "2026.12.3"


def tool_record() -> dict[str, str]:
    """The tool's name, version and rule-set version, as every JSON output records them."""
    return {"name": "audit", "version": __version__, "ruleset": RULESET_VERSION}
