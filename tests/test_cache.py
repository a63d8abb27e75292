"""The incremental cache: exact round trips, invalidation, damaged entries, location, bound."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import audit
from audit import cache as cache_mod
from audit.cache import ResultCache, decode, default_cache_dir, encode
from audit.cli import cli
from audit.config import from_dict
from audit.engine import FileResult, Input, discover, run, tally_of
from audit.model import Finding
from audit.reporters.json import record_tail

ARTICLE = """# Joint pain

This supplement cures arthritis and is 100% safe, a new study proves.
Our cutting-edge formula is the best on the market. Buy now!

The trial followed 40 adults for six weeks and was not blinded.
"""


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(d))
    return d


def cli_json(*args: str) -> str:
    r = CliRunner().invoke(cli, ["check", "-f", "json", "--fail-on", "never", *args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.entry")) if folder.exists() else []


def corpus(tmp_path: Path, n: int = 4) -> Path:
    d = tmp_path / "articles"
    d.mkdir()
    for i in range(n):
        (d / f"a{i}.md").write_text(ARTICLE + f"\nNote {i}.\n", encoding="utf-8")
    return d


def test_encode_decode_round_trips_exactly() -> None:
    value = {
        "t": (1, "a", (2.5, None)),
        "nested": [{"k": True}, [1, 2]],
        "when": dt.date(2024, 5, 1),
        "at": dt.datetime(2024, 5, 1, 12, 30, 5),
        1: "int key",
        "__t": "a key that looks like a tag",
    }
    back = decode(json.loads(json.dumps(encode(value))))
    assert back == value
    assert type(back["t"]) is tuple and type(back["t"][2]) is tuple
    assert type(back["when"]) is dt.date and type(back["at"]) is dt.datetime
    with pytest.raises(cache_mod.Unserializable):
        encode({"s": {1, 2}})


def test_findings_round_trip_every_field(tmp_path: Path) -> None:
    cfg = from_dict({})
    c = ResultCache(cfg, tmp_path / "c")
    inp = Input(display="x.md", path=None, relpath="x.md", format="markdown", data=b"text")
    f = Finding(
        path="x.md", line=2, column=3, end_line=2, end_column=9, rule="PR001", category="promotion",
        severity="warning", message="m", match="cutting", name="n", fix="f", offset=10, end_offset=17,
        data={"span": (1, 2), "terms": ["a"]}, status="suppressed", status_detail={"reason": "ok"},
    )
    result = FileResult(path="x.md", format="markdown", metadata={"date": dt.date(2020, 1, 2)},
                        readability={"words": 3, "grade": 7.25}, findings=[f], extras={"promotion": {"score": 0.5}},
                        sha256=ResultCache.content_hash(inp) or "", words=3)
    assert c.put(inp, result)
    back = c.get(inp)
    assert back is not None
    assert back.findings[0] == f
    for name in ("fix", "offset", "end_offset", "data", "status", "status_detail", "name"):
        assert getattr(back.findings[0], name) == getattr(f, name), name
    assert back.findings[0].data["span"] == (1, 2)
    assert back.as_record() == result.as_record()
    assert back.words == 3 and back.metadata == {"date": dt.date(2020, 1, 2)}


def test_second_run_is_served_from_cache_with_identical_json(tmp_path: Path, xdg: Path) -> None:
    d = corpus(tmp_path)
    first = cli_json(str(d))
    stored = entries(xdg / "audit")
    assert len(stored) == 4
    inodes = [p.stat().st_ino for p in stored]
    second = cli_json(str(d))
    assert second == first
    # Nothing was rewritten (a write replaces the file): every result came from the cache.
    assert [p.stat().st_ino for p in entries(xdg / "audit")] == inodes
    assert second == cli_json("--no-cache", str(d))


def test_hits_and_misses_through_the_library(tmp_path: Path) -> None:
    d = corpus(tmp_path)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    c1 = ResultCache(cfg, tmp_path / "c")
    fresh = [r.as_record() for r in run(inputs, cfg, cache=c1)]
    assert (c1.hits, c1.misses, c1.puts) == (0, 4, 4)
    c2 = ResultCache(cfg, tmp_path / "c")
    cached = [r.as_record() for r in run(inputs, cfg, cache=c2)]
    assert (c2.hits, c2.misses) == (4, 0)
    assert cached == fresh


def test_changed_file_config_or_version_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = corpus(tmp_path, n=2)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    list(run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c")))

    (d / "a0.md").write_text(ARTICLE + "\nA new paragraph.\n", encoding="utf-8")
    c = ResultCache(cfg, tmp_path / "c")
    results = list(run(inputs, cfg, cache=c))
    assert (c.hits, c.misses) == (1, 1)
    assert "A new paragraph" in (d / "a0.md").read_text()
    assert results[0].sha256 == ResultCache.content_hash(inputs[0])

    other = from_dict({"readability": {"target": 12}})
    c = ResultCache(other, tmp_path / "c")
    list(run(discover([str(d)], other), other, cache=c))
    assert c.hits == 0

    c = ResultCache(cfg, tmp_path / "c", select=["promotion"])
    list(run(inputs, cfg, select=["promotion"], cache=c))
    assert c.hits == 0

    monkeypatch.setattr(audit, "RULESET_VERSION", audit.RULESET_VERSION + ".test")
    c = ResultCache(cfg, tmp_path / "c")
    list(run(inputs, cfg, cache=c))
    assert c.hits == 0
    monkeypatch.undo()
    monkeypatch.setattr(audit, "__version__", "99.0")
    c = ResultCache(cfg, tmp_path / "c")
    list(run(inputs, cfg, cache=c))
    assert c.hits == 0


def test_damaged_entry_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    d = corpus(tmp_path, n=2)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    good = [r.as_record() for r in run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c"))]
    stored = entries(tmp_path / "c")
    stored[0].write_bytes(b'{"schema": 1, "key": "truncated')
    stored[1].write_text(json.dumps({"schema": 1, "key": "someone else's key", "result": {}, "findings": []}))
    c = ResultCache(cfg, tmp_path / "c")
    again = [r.as_record() for r in run(inputs, cfg, cache=c)]
    assert again == good
    assert (c.hits, c.misses, c.puts) == (0, 2, 2)
    c = ResultCache(cfg, tmp_path / "c")
    assert [r.as_record() for r in run(inputs, cfg, cache=c)] == good
    assert c.hits == 2


def test_display_path_comes_from_the_current_input(tmp_path: Path) -> None:
    d = corpus(tmp_path, n=1)
    cfg = from_dict({})
    list(run(discover([str(d)], cfg), cfg, cache=ResultCache(cfg, tmp_path / "c")))
    moved = tmp_path / "moved" / "renamed.md"
    moved.parent.mkdir()
    os.replace(d / "a0.md", moved)
    c = ResultCache(cfg, tmp_path / "c")
    [res] = list(run(discover([str(moved)], cfg), cfg, cache=c))
    assert c.hits == 1
    assert res.path == str(moved)
    assert res.findings and all(f.path == str(moved) for f in res.findings)


def test_results_that_cannot_be_served_for_another_path_are_not_stored(tmp_path: Path) -> None:
    cfg = from_dict({})
    c = ResultCache(cfg, tmp_path / "c")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\xff" * 100)
    [res] = list(run(discover([str(binary)], cfg), cfg, cache=c))
    assert res.findings and res.findings[0].rule == "IN002"
    # The message names the file, so it is checked again next time instead.
    assert c.puts == 0 and not entries(tmp_path / "c")


def test_xdg_cache_home_is_honoured(tmp_path: Path, xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_cache_dir() == xdg / "audit"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if os.name != "nt":
        assert default_cache_dir() == tmp_path / "home" / ".cache" / "audit"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    if os.name != "nt":
        assert default_cache_dir() == tmp_path / "home" / ".cache" / "audit"


def test_cli_writes_to_xdg_and_no_cache_writes_nothing(tmp_path: Path, xdg: Path) -> None:
    d = corpus(tmp_path, n=2)
    cli_json("--no-cache", str(d))
    assert not xdg.exists()
    cli_json(str(d))
    assert len(entries(xdg / "audit")) == 2
    assert (xdg / "audit" / "CACHEDIR.TAG").is_file()


def test_cache_dir_option_and_config_switch(tmp_path: Path, xdg: Path) -> None:
    d = corpus(tmp_path, n=2)
    cli_json("--cache-dir", str(tmp_path / "mine"), str(d))
    assert len(entries(tmp_path / "mine")) == 2 and not xdg.exists()
    (d / "audit.toml").write_text("cache = false\n")
    cli_json(str(d))
    assert not xdg.exists()


def test_prune_removes_least_recently_used_entries(tmp_path: Path) -> None:
    cfg = from_dict({})
    c = ResultCache(cfg, tmp_path / "c")
    for i in range(20):
        data = f"article {i}\n".encode()
        inp = Input(display=f"f{i}.md", path=None, relpath=f"f{i}.md", format="markdown", data=data)
        assert c.put(inp, FileResult(path=inp.display, format="markdown", sha256=ResultCache.content_hash(inp) or ""))
    stored = entries(tmp_path / "c")
    for age, p in enumerate(stored):
        os.utime(p, (1_000_000 + age, 1_000_000 + age))
    size = sum(p.stat().st_size for p in stored)
    (tmp_path / "c" / "v0").mkdir()  # an old layout
    c.prune(max_bytes=size // 2)
    left = entries(tmp_path / "c")
    assert 0 < len(left) < 20
    assert sum(p.stat().st_size for p in left) <= size // 2
    assert set(left) == set(stored[-len(left):])  # the newest survive
    assert not (tmp_path / "c" / "v0").exists()
    assert c.prune(max_bytes=size) == 0
    # The removed entries were older than this run (their times were set back): nothing to say.
    assert c.evicted_own == 0 and c.overflow_note() is None


def test_a_cache_too_small_for_the_run_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = corpus(tmp_path, n=6)

    def check(folder: Path, max_mb: str):
        monkeypatch.setenv("AUDIT_CACHE_MAX_MB", max_mb)
        (folder / ".last-prune").unlink(missing_ok=True)  # pruning is due at the end of the run
        r = CliRunner().invoke(cli, ["check", str(d), "-f", "json", "--fail-on", "never", "--cache-dir", str(folder)],
                               catch_exceptions=False)
        assert r.exit_code == 0, r.output
        json.loads(r.stdout)  # the note is on standard error, not in the report
        return r.stderr

    assert "cache" not in check(tmp_path / "big", "512")
    used = sum(p.stat().st_size for p in entries(tmp_path / "big"))
    # A bound that holds about half of the run: pruning removes some of the entries it has
    # just stored, and the note says how large the bound should be.
    small = tmp_path / "small"
    note = check(small, f"{used / 2 / (1024 * 1024):.6f}")
    assert f"cache in {small} is too small for this run" in note
    assert 0 < len(entries(small)) < 6
    need = int(note.split("AUDIT_CACHE_MAX_MB to at least ")[1].split()[0])
    assert need * 1024 * 1024 * 0.8 >= used
    # With that bound the next run stores the missing entries again and keeps them all.
    assert "cache" not in check(small, str(need))
    assert len(entries(small)) == 6


def test_unicode_line_separators_survive_the_cache_and_the_json_output(tmp_path: Path, xdg: Path) -> None:
    # U+2028 / U+0085 are left unescaped by JSON; they must neither break the report nor the cache.
    f = tmp_path / "ls.md"
    f.write_text("# T\n\nThis cures\u2028cancer and is 100% safe, a study proves.\x85Next.\n", encoding="utf-8")
    fresh = cli_json(str(f))
    cached = cli_json(str(f))
    assert cached == fresh
    doc = json.loads(cached)
    texts = [x["match"] + x["message"] for x in doc["files"][0]["findings"]]
    assert any("\u2028" in t for t in texts)


def test_findings_read_back_are_the_objects_the_constructor_builds(tmp_path: Path) -> None:
    d = corpus(tmp_path, n=2)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    fresh = list(run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c")))
    c = ResultCache(cfg, tmp_path / "c")
    cached = list(run(inputs, cfg, cache=c))
    assert c.hits == 2
    for a, b in zip(fresh, cached):
        a.document = None
        assert b == a
        assert b.findings and all(type(f) is Finding for f in b.findings)
        assert [vars(f) for f in b.findings] == [vars(f) for f in a.findings]
        assert [list(vars(f)) for f in b.findings] == [list(vars(f)) for f in a.findings]
        assert [hash(f) for f in b.findings] == [hash(f) for f in a.findings]
    with pytest.raises(AttributeError):
        cached[0].findings[0].line = 99  # still frozen


def test_entry_header_and_findings_are_ascii_and_served_with_the_constructor_too(tmp_path: Path) -> None:
    cfg = from_dict({})
    inp = Input(display="x.md", path=None, relpath="x.md", format="markdown", data="caf\u00e9 \u2019\u2028".encode())
    f = Finding(path="x.md", line=1, column=1, end_line=1, end_column=5, rule="PR001", category="promotion",
                severity="warning", message="caf\u00e9 \u2019 \u2028", match="caf\u00e9", data={"t": ("\u00e9",)})
    result = FileResult(path="x.md", format="markdown", findings=[f], sha256=ResultCache.content_hash(inp) or "")
    c = ResultCache(cfg, tmp_path / "c")
    assert c.put(inp, result)
    [entry] = entries(tmp_path / "c")
    header, fields, rows, claims, tail = cache_mod.unpack(entry.read_bytes()).split(b"\n", 4)
    for part in (header, fields, rows):
        part.decode("ascii")
    assert claims == b"" and json.loads(header)["parts"][2] is None  # no claims inventory (not a report run)
    assert tail.decode("utf-8").startswith(',\n      "format": "markdown"')  # the JSON report's record after the path
    assert c.get(inp) == result
    slow = ResultCache(cfg, tmp_path / "c")
    slow._fast_findings = False  # the path taken when Finding is not a plain dataclass
    back = slow.get(inp)
    assert back == result and back.findings[0].data == {"t": ("\u00e9",)}


def _split_entry(blob: bytes) -> tuple[dict, dict, list, bytes, bytes]:
    header, fields, rows, claims, tail = cache_mod.unpack(blob).split(b"\n", 4)
    return json.loads(header), json.loads(fields), json.loads(rows), claims, tail


def _join_entry(header: dict, fields: dict, rows: list, claims: bytes, tail: bytes) -> bytes:
    """An entry with these parts, their lengths and a matching checksum."""
    fields_blob, rows_blob = json.dumps(fields).encode(), json.dumps(rows).encode()
    claims_len = len(claims) if claims or header["parts"][2] is not None else None
    header = {**header, "parts": [len(fields_blob), len(rows_blob), claims_len, len(tail)]}
    return cache_mod.pack(b"\n".join([json.dumps(header).encode(), fields_blob, rows_blob, claims, tail]))


@pytest.mark.parametrize("damage", [
    lambda b: b.replace(b'"line"', b'"lime"', 1) if b'"line"' in b else b[:-1],   # a changed byte
    lambda b: b[:-5],                                                           # truncated
    lambda b: b + b" ",                                                         # grown
    lambda b: b.replace(b"\n", b" ", 1),                                        # parts run together
    lambda b: b"\n".join(b.split(b"\n", 2)[:2]),                                # only the header
    lambda b: b"0" + b[1:] if b[:1] != b"0" else b"1" + b[1:],                   # another checksum
    lambda b: b"%08x\n" % zlib.crc32(b[9:-5]) + b[9:-5],                        # cut short, checksum to match
    lambda b: cache_mod.pack(cache_mod.unpack(b)[:-5]),                         # the parts cut short, packed
])
def test_damaged_parts_are_misses(tmp_path: Path, damage) -> None:
    d = corpus(tmp_path, n=1)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    good = [r.as_record() for r in run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c"))]
    [stored] = entries(tmp_path / "c")
    blob = stored.read_bytes()
    stored.write_bytes(damage(blob))
    assert stored.read_bytes() != blob
    c = ResultCache(cfg, tmp_path / "c")
    assert [r.as_record() for r in run(inputs, cfg, cache=c)] == good
    assert (c.hits, c.misses, c.puts) == (0, 1, 1)
    assert stored.read_bytes() == blob  # rewritten


@pytest.mark.parametrize("damage", [
    lambda fields, rows: rows[0].pop(),                       # a value missing
    lambda fields, rows: rows[0].append("extra"),             # a value too many
    lambda fields, rows: rows.__setitem__(0, {"line": 1}),    # not a row
    lambda fields, rows: fields["result"].pop("readability"),  # a field missing
    lambda fields, rows: fields.__setitem__("result", []),     # not a record
])
def test_malformed_parts_with_matching_checksums_are_checked_again(tmp_path: Path, damage) -> None:
    d = corpus(tmp_path, n=1)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    good = [r.as_record() for r in run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c"))]
    [stored] = entries(tmp_path / "c")
    header, fields, rows, claims, tail = _split_entry(stored.read_bytes())
    assert rows
    damage(fields, rows)
    stored.write_bytes(_join_entry(header, fields, rows, claims, tail))
    c = ResultCache(cfg, tmp_path / "c")
    [hit] = run(inputs, cfg, cache=c)
    assert c.hits == 1
    assert hit.as_record() == good[0]  # the findings of a new check


def test_a_hit_builds_its_findings_only_when_they_are_used(tmp_path: Path) -> None:
    d = corpus(tmp_path, n=1)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    [fresh] = run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c"))
    [hit] = run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c"))
    assert "findings" not in vars(hit) and "readability" not in vars(hit)
    assert hit.words == fresh.words
    assert hit.tally() == tally_of(fresh.findings)
    assert hit.tally()[0]  # the corpus has open findings
    tail = hit.record_tail()
    assert tail is not None and "findings" not in vars(hit)
    assert bytes(tail).decode("utf-8") == record_tail(fresh)
    assert hit.readability == fresh.readability and "findings" not in vars(hit)
    assert hit.findings == fresh.findings
    assert hit.record_tail() == tail  # still valid: the same findings
    hit.findings = hit.findings[1:]
    assert hit.record_tail() is None  # changed: encoded again
    assert hit.tally() == tally_of(fresh.findings[1:])


def test_a_hit_refreshes_only_entries_older_than_an_hour(tmp_path: Path) -> None:
    d = corpus(tmp_path, n=2)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    list(run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c")))
    old, recent = entries(tmp_path / "c")
    now = time.time()
    os.utime(old, (now - 7200, now - 7200))
    os.utime(recent, (now - 600, now - 600))
    c = ResultCache(cfg, tmp_path / "c")
    list(run(inputs, cfg, cache=c))
    assert c.hits == 2
    assert old.stat().st_mtime >= now - 60  # refreshed: least recently used order for pruning
    assert abs(recent.stat().st_mtime - (now - 600)) < 1  # recent enough: left alone


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_an_entry_that_is_not_a_regular_file_is_a_miss(tmp_path: Path) -> None:
    d = corpus(tmp_path, n=1)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    good = [r.as_record() for r in run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c"))]
    [stored] = entries(tmp_path / "c")
    stored.unlink()
    os.mkfifo(stored)  # would block a plain open() forever
    c = ResultCache(cfg, tmp_path / "c")
    assert [r.as_record() for r in run(inputs, cfg, cache=c)] == good
    assert (c.hits, c.misses) == (0, 1)


def test_json_report_mixing_stored_records_and_new_ones_is_byte_identical(tmp_path: Path, xdg: Path) -> None:
    d = corpus(tmp_path, n=4)
    (d / "a2.md").write_text("# Short\n\nUnique text about knees.\n", encoding="utf-8")
    base = tmp_path / "baseline.json"
    r = CliRunner().invoke(cli, ["baseline", str(d / "a1.md"), "-o", str(base)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    expected = cli_json("--no-cache", "--baseline", str(base), str(d))
    assert '"status": "baselined"' in expected
    cli_json(str(d / "a0.md"), str(d / "a1.md"))  # half the files in the cache
    out = tmp_path / "report.json"
    for _ in range(2):  # hits and new results, then hits only
        # a0, a3: stored records copied as bytes; a1: baselined, so encoded again; a2: new
        cli_json("--baseline", str(base), "-o", str(out), str(d))
        assert out.read_text(encoding="utf-8") == expected
        assert cli_json("--baseline", str(base), str(d)) == expected


def test_json_report_to_a_text_only_stream_decodes_stored_records(tmp_path: Path) -> None:
    import io

    from audit import reporters
    from audit.engine import execute

    d = corpus(tmp_path, n=3)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)

    def report(cache: ResultCache | None) -> str:
        out = io.StringIO()  # no binary stream underneath
        opts = reporters.ReportOptions()
        execute(inputs, cfg, [reporters.get("json")(out, opts)], run_options={"cache": cache})
        return out.getvalue()

    expected = report(None)
    report(ResultCache(cfg, tmp_path / "c"))
    c = ResultCache(cfg, tmp_path / "c")
    assert report(c) == expected
    assert c.hits == 3


# -- reports that read documents (HTML, claims inventory) ---------------------------------------------------------------


def test_report_runs_store_the_claims_inventory_and_serve_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = corpus(tmp_path)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    fresh = list(run(inputs, cfg, report_data=True))
    assert all(set(r.report) == {"source", "claims"} for r in fresh)
    assert any(r.report["claims"] for r in fresh)

    # An entry written by a run without reports has no inventory: a report run misses it,
    # checks the file and stores the inventory with the result.
    c = ResultCache(cfg, tmp_path / "c")
    list(run(inputs, cfg, cache=c))
    c = ResultCache(cfg, tmp_path / "c")
    filled = list(run(inputs, cfg, cache=c, report_data=True))
    assert (c.hits, c.misses, c.puts) == (0, len(inputs), len(inputs))
    assert [r.report for r in filled] == [r.report for r in fresh]

    # Now a report run is served from the cache, text and inventory included, without a check.
    import audit.engine

    def no_check(*args, **kwargs):
        raise AssertionError("checked again")

    monkeypatch.setattr(audit.engine, "check_input", no_check)
    c = ResultCache(cfg, tmp_path / "c")
    served = list(run(inputs, cfg, cache=c, report_data=True))
    assert (c.hits, c.misses) == (len(inputs), 0)
    assert [r.report for r in served] == [r.report for r in fresh]
    assert [r.as_record() for r in served] == [r.as_record() for r in fresh]
    # And the same entries serve runs without reports.
    c = ResultCache(cfg, tmp_path / "c")
    assert [r.as_record() for r in run(inputs, cfg, cache=c)] == [r.as_record() for r in fresh]
    assert all(r.report is None for r in run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c")))


def test_a_damaged_claims_inventory_is_a_miss(tmp_path: Path) -> None:
    d = corpus(tmp_path, n=1)
    cfg = from_dict({})
    inputs = discover([str(d)], cfg)
    list(run(inputs, cfg, cache=ResultCache(cfg, tmp_path / "c"), report_data=True))
    [stored] = entries(tmp_path / "c")
    header, fields, rows, claims, tail = _split_entry(stored.read_bytes())
    assert json.loads(claims)
    stored.write_bytes(_join_entry(header, fields, rows, b'{"not": "a list"}', tail))
    c = ResultCache(cfg, tmp_path / "c")
    [again] = run(inputs, cfg, cache=c, report_data=True)
    assert (c.hits, c.misses, c.puts) == (0, 1, 1)
    assert isinstance(again.report["claims"], list)


def test_audit_report_second_run_is_served_from_the_cache(tmp_path: Path, xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import CORPUS
    from tests.reporting_fixtures import comparable

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for out in ("first", "second"):
        res = runner.invoke(cli, ["report", str(CORPUS), "-o", out, "--fail-on", "never"], catch_exceptions=False)
        assert res.exit_code == 0, res.output
    assert entries(xdg / "audit")
    res = runner.invoke(cli, ["report", str(CORPUS), "-o", "third", "--fail-on", "never", "--no-cache", "--jobs", "2"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output

    for name in ("index.html", "findings.json", "findings.sarif", "claims.csv", "summary.md"):
        first, second, third = ((tmp_path / out / name).read_text(encoding="utf-8") for out in ("first", "second", "third"))
        assert comparable(second) == comparable(first) == comparable(third), name


def test_a_report_hit_whose_text_cannot_be_decoded_is_a_miss(tmp_path: Path) -> None:
    # Such files are never stored (their result names them), but an entry that claims
    # otherwise must not stop the run.
    cfg = from_dict({})
    inp = Input(display="x.md", path=None, relpath="x.md", format="markdown", data=b"\x00\x01\x02binary\xff" * 50)
    result = FileResult(path="x.md", format="markdown", sha256=ResultCache.content_hash(inp) or "")
    result.report = {"source": "", "claims": []}
    c = ResultCache(cfg, tmp_path / "c")
    assert c.put(inp, result)
    assert c.get(inp) is not None  # a run without reports is served
    assert c.get(inp, report=True) is None
    assert c.misses == 1


def _install(site: Path, files: dict[str, bytes]) -> Path:
    """A package installed from a wheel: its files and the dist-info RECORD beside them."""
    import base64
    import hashlib

    lines = []
    for name, data in files.items():
        p = site / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(data)}")
    lines += ["audit/__pycache__/cache.cpython-311.pyc,,", "../../../bin/audit,sha256=x,1",
              "audit_health-1.0.dist-info/RECORD,,"]
    info = site / "audit_health-1.0.dist-info"
    info.mkdir()
    (info / "RECORD").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return site / "audit"


def test_package_fingerprint_survives_reinstalling_the_same_release(tmp_path: Path) -> None:
    # A CI job installs the tool afresh on every run: new modification times, same files.
    # The fingerprint (part of every cache key) must not change, or a restored cache is never used.
    files = {"audit/__init__.py": b"x = 1\n", "audit/data/words.txt": b"cure\n", "audit/data/__pycache__/d.pyc": b"\0\1"}
    root = _install(tmp_path / "site", files)
    before = cache_mod.package_fingerprint(root)
    for p in root.rglob("*"):
        os.utime(p, (1_000_000, 1_000_000))
    (root / "data" / "__pycache__" / "d.pyc").write_bytes(b"recompiled, another size")  # bytecode is not data
    assert cache_mod.package_fingerprint(root) == before
    # Another release, or a file edited in place, changes it.
    other = _install(tmp_path / "other", {**files, "audit/data/words.txt": b"cures\n"})
    assert cache_mod.package_fingerprint(other) != before
    (root / "data" / "words.txt").write_bytes(b"heals\nmore\n")
    edited = cache_mod.package_fingerprint(root)
    assert edited != before


def test_package_fingerprint_of_a_source_checkout_follows_every_edit(tmp_path: Path) -> None:
    root = tmp_path / "checkout" / "audit"
    (root / "data").mkdir(parents=True)
    (root / "__init__.py").write_text("x = 1\n")
    (root / "data" / "words.txt").write_text("cure\n")
    before = cache_mod.package_fingerprint(root)
    assert cache_mod.package_fingerprint(root) == before
    os.utime(root / "data" / "words.txt", (1_000_000, 1_000_000))  # same size, edited
    assert cache_mod.package_fingerprint(root) != before


def test_audit_cache_dir_info_and_clear(tmp_path: Path, xdg: Path) -> None:
    def cache(*args: str):
        return CliRunner().invoke(cli, ["cache", *args], catch_exceptions=False)

    folder = xdg / "audit"
    assert cache("dir").output.strip() == str(folder)
    assert "not created yet" in cache("info").output
    d = corpus(tmp_path, n=3)
    cli_json(str(d))
    info = json.loads(cache("info", "-f", "json").output)
    stored = entries(folder)
    assert (info["folder"], info["entries"], info["layout"]) == (str(folder), 3, cache_mod.SCHEMA) and len(stored) == 3
    assert info["bytes"] == sum(p.stat().st_size for p in stored) and info["older_layout_files"] == 0
    assert "entries:  3 (layout v" in cache("info").output
    (folder / "v1" / "ab").mkdir(parents=True)  # an older layout's leftovers
    (folder / "v1" / "ab" / "x.entry").write_text("old")
    assert json.loads(cache("info", "-f", "json").output)["older_layout_files"] == 1
    r = cache("clear")
    assert r.exit_code == 0 and "removed 4 files" in r.output
    assert not entries(folder) and (folder / "CACHEDIR.TAG").exists()
    # The next run checks every file again and fills the cache anew.
    cli_json(str(d))
    assert len(entries(folder)) == 3
    # Another folder given by mistake is left alone.
    other = tmp_path / "documents"
    (other / "v2").mkdir(parents=True)
    (other / "v2" / "notes.txt").write_text("mine")
    r = CliRunner().invoke(cli, ["cache", "clear", "--cache-dir", str(other)])
    assert r.exit_code == 2 and "not an audit cache folder" in r.output
    assert (other / "v2" / "notes.txt").exists()
    assert "removed 0 files" in cache("clear", "--cache-dir", str(tmp_path / "none")).output
