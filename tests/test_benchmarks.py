"""The benchmark scripts still run and report what the docs quote from them.

The accuracy and speed numbers in the docs come from ``benchmarks/*.py`` run on the
labelled data sets, which are not part of the repository. These tests run each script on
a small data-set folder of the same shape, written here with sentences of their own, and
check what each prints or writes: the counts match the rows given, the scores are
fractions, the speed run finds the three outputs identical. They test the scripts, not the
detectors' accuracy.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"

STORIES = [
    {"id": f"story_{i:02d}", "title": title, "url": "", "text": text}
    for i, (title, text) in enumerate([
        ("New drug cuts migraine days",
         ("A new drug cuts migraine days by half, its maker says.\n\nDoctors not involved in the trial urged caution. "
          "The study was small and lasted twelve weeks.\n\nExperts say more research is needed before it is prescribed widely.")),
        ("Walking linked to better sleep",
         ("People who walk every day sleep better, according to a survey of 2,000 adults.\n\n"
          "The survey cannot show that walking causes better sleep. Researchers from the University of Leeds led it.")),
        ("Clinic offers miracle cure",
         ("This revolutionary, cutting-edge treatment is guaranteed to cure back pain forever!\n\n"
          "Book your consultation today and feel amazing. Our world-class team is the best in the city.")),
        ("Vitamin D and bone health",
         ("Vitamin D may help older adults keep their bones strong, a review of 30 trials suggests.\n\n"
          "The effect was modest, and high doses can cause side effects such as nausea.")),
    ])
]


def _jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("datasets")
    _jsonl(d / "health_news_stories.jsonl", STORIES)
    _jsonl(d / "sbd_golden_rules.jsonl", [
        {"id": 1, "rule": "two plain sentences", "text": "The drug works. It is safe.", "expected": ["The drug works.", "It is safe."]},
        {"id": 2, "rule": "a question", "text": "Does it help? Nobody knows yet.", "expected": ["Does it help?", "Nobody knows yet."]},
        # Expected wrongly on purpose: the script must report the failure.
        {"id": 3, "rule": "deliberately wrong", "text": "One sentence here.", "expected": ["One", "sentence here."]},
    ])
    _jsonl(d / "claim_strength_pubmed.jsonl", [
        {"sentence": "Daily aspirin reduces the risk of stroke in older adults.", "label": "direct_causal"},
        {"sentence": "Coffee intake was associated with lower mortality.", "label": "correlational"},
        {"sentence": "Exercise may improve mood in patients with depression.", "label": "conditional_causal"},
        {"sentence": "The participants were recruited from three hospitals.", "label": "none"},
        {"sentence": "Smoking causes lung cancer.", "label": "direct_causal"},
        {"sentence": "Sleep duration was linked to blood pressure.", "label": "correlational"},
    ])
    _jsonl(d / "hedging_bioscope_abstracts.jsonl", [
        {"sentence": "These results suggest that the protein might regulate growth.", "speculative": True, "cues": ["suggest", "might"]},
        {"sentence": "The cells were grown in standard medium.", "speculative": False, "cues": []},
        {"sentence": "It is possible that the gene is expressed in the liver.", "speculative": True, "cues": ["possible"]},
        {"sentence": "Binding was measured at four temperatures.", "speculative": False, "cues": []},
    ])
    _jsonl(d / "subjective_bias_pairs.jsonl", [
        {"biased": "the clinic offers a revolutionary treatment for pain .", "neutral": "the clinic offers a treatment for pain .",
         "removed": "revolutionary", "added": ""},
        {"biased": "she is a brilliant surgeon at the hospital .", "neutral": "she is a surgeon at the hospital .",
         "removed": "brilliant", "added": ""},
    ])
    return d


def bench(script: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH / script), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          check=False)


def test_sbd_counts_passes_and_prints_failures(datasets):
    res = bench("sbd.py", str(datasets))
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith("passed 2/3")
    assert "FAIL 3: deliberately wrong" in res.stdout and "FAIL 1" not in res.stdout


def test_claims_scores_every_row(datasets):
    res = bench("claims.py", str(datasets), "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for task, key, rows in (("strength", "macro_f1", 6), ("speculation", "f1", 4)):
        parts = out[task]
        assert parts["all"]["n"] == rows and parts["dev"]["n"] + parts["test"]["n"] == rows
        assert all(0.0 <= parts[p][key] <= 1.0 for p in ("dev", "test", "all"))
    assert set(out["strength"]["all"]["per_class_f1"]) == {"none", "correlational", "conditional_causal", "direct_causal"}


def test_promotion_reads_both_data_sets(datasets, tmp_path):
    res = bench("promotion.py", str(datasets), "--sample", "3")
    assert res.returncode == 0, res.stderr
    assert "== subjective_bias_pairs (all: 2 pairs)" in res.stdout
    assert re.search(r"^precision: [01]\.\d{3}$", res.stdout, re.MULTILINE)
    assert f"== health_news_stories (all: {len(STORIES)} stories," in res.stdout
    assert re.search(r"^per 1,000 words by rule: \{", res.stdout, re.MULTILINE)
    assert bench("promotion.py", str(tmp_path)).returncode == 2  # no data sets there


def test_synthetic_corpus_is_reproducible(datasets, tmp_path):
    for out in ("a", "b"):
        res = bench("synth_corpus.py", str(datasets), str(tmp_path / out), "-n", "5", "--seed", "3")
        assert res.returncode == 0, res.stderr
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 5
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


def test_speed_runs_all_commands_and_finds_outputs_identical(datasets, tmp_path):
    out = tmp_path / "speed.json"
    res = bench("speed.py", str(datasets), "--latency-runs", "1", "--json", str(out))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "audit outputs byte-identical (--jobs 1, --jobs 2, cached): yes" in res.stdout
    info = json.loads(out.read_text())
    assert info["articles"] == len(STORIES) and info["identical"] is True
    words = sum(len(f"{s['title']}\n\n{s['text']}\n".split()) for s in STORIES)
    assert info["words"] == words
    runs = {r["run"]: r for r in info["runs"]}
    assert {"audit --jobs 1", "audit --jobs 2", "audit cached second run"} <= set(runs)
    assert all(r["seconds"] > 0 and r["words_per_s"] > 0 for r in runs.values())
    assert {"--jobs 2 speed-up over --jobs 1", "cached second run speed-up over --jobs 1"} <= set(info["ratios"])
    assert info["latency"]["audit check ONE --no-cache"]["runs"] == 1


def test_memory_measures_each_size(datasets):
    res = bench("memory.py", str(datasets), "--sizes", "2,4", "--jobs", "1")
    assert res.returncode == 0, res.stderr
    rows = [line.split() for line in res.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert [r[0] for r in rows] == ["2", "4"]
    assert all(float(r[-1]) > 0 and float(r[-2]) > 0 for r in rows)  # peak memory measured


def test_syllables_scores_a_held_out_sample():
    res = bench("syllables.py", "--sample", "200", "--seed", "2")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("200 dictionary words held out (seed 2)")
    shares = re.findall(r"^(fallback|pyphen\+1)\s+exact ([\d.]+)%\s+within one ([\d.]+)%", res.stdout, re.MULTILINE)
    assert [name for name, *_ in shares] == ["fallback", "pyphen+1"]
    assert all(0 <= float(exact) <= float(within) <= 100 for _, exact, within in shares)
