"""Time-bounded mutation fuzzing of the readers, front matter, decoding and config.

Each target runs on random mutations of real inputs (the corpus and test
fixtures): byte flips, insertions of markup fragments, splices of two files,
truncations and random tag soup, until its share of the time budget is spent
(20 s in all by default; ``AUDIT_FUZZ_SECONDS`` raises it, ``AUDIT_FUZZ_SEED``
replays a run). Only the documented errors may escape (``InputError`` from
decoding, ``ConfigError`` from config); every block's span map must point
inside the source, in order, and verbatim runs must equal the source.
A failure prints the seed and the input that caused it.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.config import ConfigError, from_dict
from audit.model import Document
from audit.readers import InputError, decode, parse
from audit.readers.frontmatter import split_front_matter

ROOT = Path(__file__).resolve().parent.parent
TOTAL_SECONDS = float(os.environ.get("AUDIT_FUZZ_SECONDS", "20"))
SEED = int(os.environ.get("AUDIT_FUZZ_SEED", "0")) or random.SystemRandom().randrange(1, 2**31)
TARGETS = 5

FRAGMENTS = [
    b"<", b">", b"</", b"<p>", b"</p>", b"<div>", b"<script>", b"</script>", b"<!--", b"-->", b"<![CDATA[", b"&amp;",
    b"&#", b"&#x", b";", b"\"", b"'", b"=", b"[", b"]", b"(", b")", b"](", b"*", b"**", b"_", b"`", b"```", b"~~~",
    b"#", b"> ", b"- ", b"1. ", b"|", b"---", b"\n---\n", b"+++", b"\n", b"\r\n", b"\r", b"\t", b"    ", b"\\",
    b"\xc3\xa9", b"\xe2\x80\x94", b"\xf0\x9f\x91\x8d", b"\xcc\x81", b"\xef\xbb\xbf", b"\xff", b"\x00", b"\xe2\x80\xa8",
    b"http://", b"https://nih.gov/", b"www.", b"[^1]", b"[^1]: ", b"<a href=\"", b"<h1>", b"<li>", b"<table><tr><td>",
    b"title: ", b"author: [", b"&&", b"<<", b"]]>", b"!!python/object:os.system", b"&a ", b"*a",
]


def _seeds() -> list[bytes]:
    files = sorted((ROOT / "corpus").glob("*")) + sorted((ROOT / "tests" / "fixtures").glob("*.md"))
    out = [p.read_bytes()[:20000] for p in files if p.is_file() and p.suffix in (".md", ".html", ".txt")]
    return out or [b"# Title\n\nIron may help some people.\n"]


SEEDS = _seeds()


def mutate(rnd: random.Random, data: bytes) -> bytes:
    """One to eight random edits of ``data``."""
    buf = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        op = rnd.randrange(7)
        pos = rnd.randint(0, len(buf))
        if op == 0 and buf:
            i = rnd.randrange(len(buf))
            buf[i] ^= 1 << rnd.randrange(8)
        elif op == 1:
            buf[pos:pos] = rnd.choice(FRAGMENTS) * rnd.choice((1, 1, 2, 50))
        elif op == 2 and buf:
            end = min(len(buf), pos + rnd.randint(1, 200))
            del buf[pos:end]
        elif op == 3:
            other = rnd.choice(SEEDS)
            a = rnd.randint(0, len(other))
            buf[pos:pos] = other[a : a + rnd.randint(1, 2000)]
        elif op == 4:
            buf = buf[:pos]
        elif op == 5:
            buf[pos:pos] = b"".join(rnd.choice(FRAGMENTS) for _ in range(rnd.randint(1, 60)))
        elif buf:
            a = rnd.randrange(len(buf))
            buf[pos:pos] = buf[a : a + rnd.randint(1, 100)]
    return bytes(buf)


def tag_soup(rnd: random.Random) -> bytes:
    return b"".join(rnd.choice(FRAGMENTS + [b"iron ", b"may ", b"cure ", b"word "]) for _ in range(rnd.randint(0, 400)))


def assert_spans(doc: Document) -> None:
    """Every block's span map stays inside the source, in order; verbatim runs equal the source."""
    src = doc.source
    for block in doc.blocks:
        segs = block.map._segs
        assert sum(s[1] for s in segs) == len(block.text)
        prev = 0
        for ts, tl, ss, sl in segs:
            assert 0 <= ss and ss + sl <= len(src), (ts, tl, ss, sl, len(src))
            assert ss >= prev, "span map goes backwards"
            prev = ss + sl
            if tl == sl:
                for a, b in zip(block.text[ts : ts + tl], src[ss : ss + sl]):
                    assert a == b or (a == " " and b.isspace()), (block.text[ts : ts + tl], src[ss : ss + sl])
        if block.text:
            a, b = block.source_span()
            assert 0 <= a <= b <= len(src)
    for link in doc.links:
        assert 0 <= link.start <= link.end <= len(src)


def _read(fmt: str) -> Callable[[bytes], None]:
    def target(data: bytes) -> None:
        try:
            text = decode(data)
        except InputError:
            return
        try:
            doc = parse("fuzz", text, fmt)
        except RecursionError:  # reported as IN002 by the engine
            return
        assert doc.source == text
        assert_spans(doc)

    return target


def _front_matter(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace").replace("\x00", "")
    fm = split_front_matter(("---\n" if not text.startswith(("---", "+++")) else "") + text)
    assert isinstance(fm.data, dict) and 0 <= fm.end <= len(text) + 4


def _config(data: bytes) -> None:
    import tomllib

    try:
        table = tomllib.loads(data.decode("utf-8", errors="replace"))
    except tomllib.TOMLDecodeError:
        return
    try:
        from_dict(table, "fuzz.toml")
    except ConfigError:
        pass


CONFIG_SEEDS = [
    (b'include = ["*.md"]\nexclude = ["drafts/**"]\nfail_on = "warning"\n[readability]\nmetric = "smog_index"\ntarget = 8\n'
     b'[rules.RD001]\nseverity = "error"\n[[overrides]]\nfiles = ["news/*.md"]\nselect = ["RD", "promotion"]\n'),
    b'organizations = ["Acme"]\naccepted_terms = ["x"]\njobs = 2\ncache = false\n[rules.sentence-too-long]\nenabled = false\n',
]


def _run(name: str, target: Callable[[bytes], None], seeds: list[bytes], seconds: float) -> int:
    rnd = random.Random(f"{SEED}-{name}")
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline or n < 50:
        data = tag_soup(rnd) if rnd.random() < 0.1 else mutate(rnd, rnd.choice(seeds))
        try:
            target(data)
        except (AssertionError, Exception) as e:
            raise AssertionError(f"{name} failed (AUDIT_FUZZ_SEED={SEED}, input {data[:3000]!r}): {type(e).__name__}: {e}") from e
        n += 1
    return n


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_fuzz_readers(fmt: str) -> None:
    assert _run(fmt, _read(fmt), SEEDS, TOTAL_SECONDS / TARGETS) >= 50


def test_fuzz_front_matter() -> None:
    seeds = [s for s in SEEDS if s.startswith(b"---")] or SEEDS
    seeds = seeds + [b"---\ntitle: a\nauthor: [b, c]\ndate: 2024-01-01\n---\n", b"+++\ntitle = 'a'\n+++\n"]
    assert _run("front matter", _front_matter, seeds, TOTAL_SECONDS / TARGETS / 2) >= 50


def test_fuzz_config() -> None:
    assert _run("config", _config, CONFIG_SEEDS, TOTAL_SECONDS / TARGETS / 2) >= 50


def test_the_fuzzer_reports_a_failing_target() -> None:
    def fragile(data: bytes) -> None:
        if b"<" in data:
            raise ValueError("found a tag")

    with pytest.raises(AssertionError, match="AUDIT_FUZZ_SEED"):
        _run("fragile", fragile, [b"<p>x</p>"], 0.1)


def test_mutations_change_inputs() -> None:
    rnd = random.Random(1)
    outs: list[Any] = {mutate(rnd, b"# Title\n\nIron may help.\n") for _ in range(50)}
    assert len(outs) > 40
