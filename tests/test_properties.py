"""Property-based tests: for any Markdown-ish, HTML-ish or plain text, the pipeline never crashes,
every finding's position is exact, and results are deterministic.

Positions are checked independently of the engine: the file text is split into
lines here (LF, CRLF and lone CR all end a line), and the text between
``(line, column)`` and ``(end_line, end_column)`` must equal the finding's
``match``. Example counts are modest; raise them with
``AUDIT_HYPOTHESIS_EXAMPLES`` (docs/robustness.md). With ``CI`` set the runs
are derandomized, so a CI failure reproduces.
"""

from __future__ import annotations

import os
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.config import from_dict
from audit.engine import FileResult, Input, check_input

settings.register_profile(
    "audit-ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "audit-dev", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXAMPLES = int(os.environ.get("AUDIT_HYPOTHESIS_EXAMPLES", "150"))
PROFILE = settings(settings.get_profile("audit-ci" if os.environ.get("CI") else "audit-dev"), max_examples=EXAMPLES)

CFG = from_dict({})
EXT = {"markdown": ".md", "html": ".html", "text": ".txt"}

# -- building blocks ------------------------------------------------------------------------------

WORDS = st.sampled_from([
    "iron", "cure", "miracle", "may", "help", "studies", "show", "100%", "guaranteed", "doctors", "hate", "this",
    "Dr.", "e.g.", "U.S.", "vitamin", "D", "reduces", "risk", "of", "cancer", "by", "50%", "buy", "now", "café",
    "naïve", "über", "résumé", "restless", "legs", "syndrome", "always", "never", "proven", "(1)", "[2]", "PMID:12345678",
    "https://example.com/a?b=c", "www.nhs.uk", "mg", "dose", "1.5", "3rd", "—", "–", "…", "\"quoted\"", "it's",
])
UNICODE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=0, max_size=12,
)
ODD = st.sampled_from([
    "e\u0301", "a\u0308\u0308", "👍", "👨‍👩‍👧", "🇬🇧", "\u200b", "\u00a0", "\u2028", "\u2029", "\ufeff", "\t", "\x0b", "\x0c",
    "\x1b", "\x7f", "\r", "\r\n", "\n", "  ", "\\", "`", "*", "_", "&", "<", ">", "#", "|", "[", "]", "(", ")", "!",
    "\u05d0\u05d1", "\u0627\u0644", "中文", "ﬁ", "İ", "ß", "\U0001d400",
])
INLINE_TOKEN = st.one_of(WORDS, WORDS, WORDS, ODD, UNICODE)
SENTENCE = st.lists(INLINE_TOKEN, min_size=1, max_size=14).map(" ".join)
NL = st.sampled_from(["\n", "\n", "\r\n", "\r"])


@st.composite
def inline_markdown(draw: Any) -> str:
    s = draw(SENTENCE)
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return f"*{s}*"
    if kind == 1:
        return f"**{s}** and _{draw(SENTENCE)}_"
    if kind == 2:
        return f"[{s}]({draw(st.sampled_from(['https://nih.gov/x', '/rel', 'javascript:alert(1)', '<a b>', '']))})"
    if kind == 3:
        return f"`{s}`"
    if kind == 4:
        return f"{s} &amp; &copy; &#169; &#x1F600; &bogus; &#0;"
    if kind == 5:
        return f"{s} <!-- {draw(SENTENCE)} --> <span>{draw(SENTENCE)}</span>"
    if kind == 6:
        return f"{s}[^1]"
    return s


@st.composite
def markdown_block(draw: Any) -> str:
    nl = draw(NL)
    kind = draw(st.integers(0, 11))
    text = draw(inline_markdown())
    if kind == 0:
        return "#" * draw(st.integers(1, 7)) + " " + text
    if kind == 1:
        return nl.join(f"{draw(st.sampled_from(['-', '*', '1.', '2)', '+']))} {draw(inline_markdown())}" for _ in range(draw(st.integers(1, 4))))
    if kind == 2:
        return "> " + text + nl + "> " + draw(inline_markdown())
    if kind == 3:
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        return f"{fence}python{nl}{draw(SENTENCE)}{nl}{draw(st.sampled_from([fence, '', '```']))}"
    if kind == 4:
        return f"| a | b |{nl}|---|---|{nl}| {text} | {draw(SENTENCE)} |"
    if kind == 5:
        return "    " + text
    if kind == 6:
        return f"<div>{nl}{text}{nl}</div>"
    if kind == 7:
        return f"[^1]: {text}"
    if kind == 8:
        return draw(st.sampled_from(["---", "***", "___", "==="]))
    if kind == 9:
        return text + "  " + nl + draw(inline_markdown())
    return text


@st.composite
def front_matter(draw: Any) -> str:
    nl = draw(NL)
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return ""
    if kind == 1:
        return f"---{nl}title: {draw(SENTENCE)}{nl}author: {draw(WORDS)}{nl}date: 2024-01-0{draw(st.integers(1, 9))}{nl}---{nl}"
    if kind == 2:
        return f"+++{nl}title = \"{draw(WORDS)}\"{nl}+++{nl}"
    if kind == 3:
        return f"---{nl}{draw(SENTENCE)}: [{nl}---{nl}"
    return f"---{nl}title: x{nl}"


@st.composite
def markdown_doc(draw: Any) -> str:
    blocks = draw(st.lists(markdown_block(), min_size=0, max_size=8))
    sep = draw(st.sampled_from(["\n\n", "\r\n\r\n", "\n", "\r\r", "\n\n\n"]))
    return draw(front_matter()) + sep.join(blocks) + draw(st.sampled_from(["", "\n", "\r\n", "\r"]))


@st.composite
def html_doc(draw: Any) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 10))):
        tag = draw(st.sampled_from(["p", "h1", "h2", "li", "div", "blockquote", "td", "span", "a", "b", "script", "style",
                                    "nav", "main", "article", "pre", "br", "img", "sup"]))
        attrs = draw(st.sampled_from(["", ' class="x"', ' href="https://nih.gov"', " hidden", ' role="navigation"', " a=b=c", ' x="<>"']))
        close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag}", "</p>"]))
        parts.append(f"<{tag}{attrs}>{draw(inline_markdown())}{close}{draw(NL)}")
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(["<!-- c -->", "<!--", "-->", "<![CDATA[x]]>", "<!DOCTYPE html>", "&nbsp;",
                                               "&#x110000;", "&#99999999;", "<", "</", "<p", "<?php ?>"])))
    head = draw(st.sampled_from(["", "<html><head><title>T</title><meta name=\"author\" content=\"A\"></head><body>"]))
    return head + "".join(parts)


def _check(text: str, fmt: str) -> FileResult:
    name = "doc" + EXT[fmt]
    return check_input(Input(display=name, path=None, relpath=name, format=fmt, data=text.encode("utf-8")), CFG)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def line_offsets(text: str) -> list[int]:
    """Start offset of every line, splitting on LF, CRLF and lone CR (computed without the engine)."""
    starts, pos = [], 0
    while True:
        starts.append(pos)
        m = _LINE.match(text, pos)
        assert m is not None
        if m.end() == pos or m.end() == len(text) and not m.group().endswith(("\n", "\r")):
            return starts
        pos = m.end()
        if pos == len(text):
            starts.append(pos)
            return starts


def assert_positions_exact(text: str, result: FileResult) -> None:
    # A leading U+FEFF is encoded as the UTF-8 byte-order mark, which is not content:
    # editors hide it and columns count from the character after it.
    text = text.removeprefix("\ufeff")
    starts = line_offsets(text)
    for f in result.findings:
        assert f.rule != "IN900", f.message
        if f.category == "input":
            continue
        assert 1 <= f.line <= len(starts) and 1 <= f.end_line <= len(starts), f
        a = starts[f.line - 1] + f.column - 1
        b = starts[f.end_line - 1] + f.end_column - 1
        assert 0 <= a <= b <= len(text), f
        line_end = starts[f.line] if f.line < len(starts) else len(text)
        assert a <= line_end, f"column past the end of line {f.line}: {f}"
        # The one documented rewrite: a lone CR (old Mac line end) is read as LF, offsets unchanged.
        expected = re.sub(r"\r(?!\n)", "\n", text[a : b + 1])[: b - a]
        assert expected == f.match, (f.rule, f.line, f.column, text[a:b], f.match)
        assert (f.offset, f.end_offset) == (a, b)


def _records(result: FileResult) -> list[dict[str, Any]]:
    return [f.as_record() for f in result.findings]


@PROFILE
@given(markdown_doc())
def test_markdown_never_crashes_and_positions_are_exact(text: str) -> None:
    result = _check(text, "markdown")
    assert_positions_exact(text, result)
    assert _records(_check(text, "markdown")) == _records(result)


@PROFILE
@given(html_doc())
def test_html_never_crashes_and_positions_are_exact(text: str) -> None:
    result = _check(text, "html")
    assert_positions_exact(text, result)
    assert _records(_check(text, "html")) == _records(result)


@PROFILE
@given(st.one_of(markdown_doc(), st.lists(st.one_of(SENTENCE, NL, ODD), max_size=30).map("".join)))
def test_plain_text_never_crashes_and_positions_are_exact(text: str) -> None:
    result = _check(text, "text")
    assert_positions_exact(text, result)


@PROFILE
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300),
       st.sampled_from(["markdown", "html", "text"]))
def test_arbitrary_unicode_never_crashes(text: str, fmt: str) -> None:
    assert_positions_exact(text, _check(text, fmt))


def test_line_offsets_split_every_kind_of_line_break() -> None:
    assert line_offsets("a\nb\r\nc\rd") == [0, 2, 5, 7]
    assert line_offsets("a\n") == [0, 2]
    assert line_offsets("") == [0]


def test_results_are_identical_across_runs_and_jobs(tmp_path: Any) -> None:
    import json
    import shutil
    from pathlib import Path

    from tests.test_hostile_corpus import run_cli

    root = Path(__file__).resolve().parent.parent
    docs = tmp_path / "docs"
    docs.mkdir()
    for p in sorted((root / "corpus").glob("*")):
        if p.is_file():
            shutil.copy(p, docs / p.name)
    (docs / "crlf.md").write_bytes(b"# Iron\r\n\r\nIron cures tiredness in everyone.\r\nAlways.\r\n")
    (docs / "old-mac.md").write_bytes(b"# Iron\r\rIron cures tiredness.\rMiracle!\r")
    (docs / "binary.md").write_bytes(b"\x00\x01\x02" * 100)
    (docs / "soup.html").write_text("<p>Miracle <b>cure<p>guaranteed</div>&amp;</i> 100% proven")

    def run(*extra: str) -> dict[str, Any]:
        proc = run_cli("check", "--format", "json", "--no-cache", *extra, "docs", cwd=tmp_path, timeout=300)
        assert proc.returncode == 1, proc.stderr
        data = json.loads(proc.stdout)
        return {"files": data["files"], "summary": data["summary"]}

    first = run("--jobs", "1")
    assert len(first["files"]) == len(list(docs.iterdir()))
    # Repeat runs in one process are compared by the properties above; here: worker processes.
    assert run("--jobs", "2") == first
