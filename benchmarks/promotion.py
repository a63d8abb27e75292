"""Measure the promotion and SEO rules on external data.

Usage::

    .venv/bin/python benchmarks/promotion.py ../shared/datasets [--half dev|check|all] [--sample 40]

* ``subjective_bias_pairs.jsonl`` (Wiki Neutrality Corpus sample): each row is
  a biased sentence and its neutral rewrite. A promotion finding on the neutral
  side is a false positive; a finding on the biased side whose phrase the edit
  removed is a true positive. Precision = TP / (TP + FP). Recall is the share of
  biased sentences with a true positive; many edits remove opinion or framing
  rather than promotion, so recall is low by nature.
* ``health_news_stories.jsonl`` (FakeHealth HealthStory): real journalism, no
  labels. Reports findings per 1,000 words by rule, the most frequent flagged
  phrases, a sample of findings in context, and the throughput of the rules.

Rows are split into halves by position (even rows: ``dev``, odd rows:
``check``) so that the lexicons can be developed on one half and checked on the
other. The datasets are read from the folder given on the command line and are
never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from audit.config import Settings
from audit.engine import check_document
from audit.model import Finding
from audit.readers import parse
from audit.rules.base import all_rules

SETTINGS = Settings()


def _rules(categories: tuple[str, ...]) -> list[Any]:
    return [r for r in all_rules() if r.category in categories and not getattr(r, "engine_only", False)]


def _rows(path: Path, half: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if half == "dev":
        return rows[0::2]
    if half == "check":
        return rows[1::2]
    return rows


def findings(text: str, rules: list[Any], fmt: str = "text") -> tuple[list[Finding], Any]:
    """Run ``rules`` over ``text`` (no readability, no gating) and return findings and the document."""
    doc = parse("bench.txt", text, fmt)
    return check_document(doc, SETTINGS, rules), doc


def _norm(f: Finding) -> str:
    return " ".join(f.match.lower().replace("-", " ").split())


def bias_pairs(path: Path, half: str, show: int) -> dict[str, Any]:
    """Precision and recall on the biased/neutral sentence pairs."""
    rules = _rules(("promotion",))
    rows = _rows(path, half)
    tp = fp = flagged_biased = hit_biased = 0
    fps: list[tuple[str, str]] = []
    tps: Counter[str] = Counter()
    by_rule_fp: Counter[str] = Counter()
    for row in rows:
        fb, _ = findings(row["biased"], rules)
        fn, _ = findings(row["neutral"], rules)
        nb = Counter(_norm(f) for f in fb)
        nn = Counter(_norm(f) for f in fn)
        removed = nb - nn
        tp += sum(removed.values())
        fp += sum(nn.values())
        flagged_biased += bool(fb)
        hit_biased += bool(removed)
        tps.update(removed)
        for f in fn:
            by_rule_fp[f.rule] += 1
            fps.append((f.rule, f"{f.match!r} in: {row['neutral'][:160]}"))
    precision = tp / (tp + fp) if tp + fp else 0.0
    print(f"\n== subjective_bias_pairs ({half}: {len(rows)} pairs)")
    print(f"flags on biased side removed by the edit (TP): {tp}")
    print(f"flags on neutral side (FP): {fp}  by rule: {dict(by_rule_fp)}")
    print(f"precision: {precision:.3f}")
    print(f"recall (biased sentences with a TP): {hit_biased}/{len(rows)} = {hit_biased / len(rows):.3f}")
    print(f"biased sentences with any flag: {flagged_biased}/{len(rows)}")
    print("most frequent TP phrases:", ", ".join(f"{k} ({v})" for k, v in tps.most_common(15)))
    for rule, line in fps[:show]:
        print(f"  FP {rule}: {line}")
    return {"pairs": len(rows), "tp": tp, "fp": fp, "precision": precision, "recall": hit_biased / len(rows) if rows else 0.0}


def news(path: Path, half: str, show: int, seed: int = 1) -> dict[str, Any]:
    """Flags per 1,000 words on real health journalism, a sample of them, and throughput."""
    rules = _rules(("promotion", "seo"))
    rows = _rows(path, half)
    words = 0
    by_rule: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    samples: list[str] = []
    docs_with_seo = 0
    elapsed = 0.0
    for row in rows:
        text = row.get("text") or ""
        t0 = time.perf_counter()
        fs, doc = findings(text, rules)
        elapsed += time.perf_counter() - t0
        words += doc.cache.get("extra:promotion", {}).get("words", 0)
        docs_with_seo += any(f.category == "seo" for f in fs)
        for f in fs:
            by_rule[f.rule] += 1
            phrases[f"{f.rule} {_norm(f)}"] += 1
            line = text.splitlines()[f.line - 1] if f.line - 1 < len(text.splitlines()) else ""
            c = f.column - 1
            samples.append(f"{f.rule} [{f.severity}] {row['id']}:{f.line}: ...{line[max(0, c - 70): c]}[[{line[c: c + len(f.match)]}]]{line[c + len(f.match): c + len(f.match) + 50]}...")
    total = sum(by_rule.values())
    print(f"\n== health_news_stories ({half}: {len(rows)} stories, {words} words)")
    print(f"findings: {total} = {1000 * total / max(words, 1):.2f} per 1,000 words")
    print("per 1,000 words by rule:", {k: round(1000 * v / max(words, 1), 3) for k, v in sorted(by_rule.items())})
    print(f"stories with an SEO finding: {docs_with_seo}")
    print(f"throughput of the promotion and SEO rules (parse + rules): {words / max(elapsed, 1e-9):,.0f} words/s")
    print("most frequent flagged phrases:", ", ".join(f"{k} ({v})" for k, v in phrases.most_common(30)))
    rnd = random.Random(seed)
    for s in rnd.sample(samples, min(show, len(samples))):
        print("  " + s)
    return {"stories": len(rows), "words": words, "findings": total, "per_1000": 1000 * total / max(words, 1), "by_rule": dict(by_rule)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", type=Path, help="folder holding subjective_bias_pairs.jsonl and health_news_stories.jsonl")
    ap.add_argument("--half", choices=("dev", "check", "all"), default="all")
    ap.add_argument("--sample", type=int, default=40, help="how many flagged examples to print")
    args = ap.parse_args(argv)
    bias = args.datasets / "subjective_bias_pairs.jsonl"
    stories = args.datasets / "health_news_stories.jsonl"
    if not bias.is_file() or not stories.is_file():
        print(f"datasets not found in {args.datasets}", file=sys.stderr)
        return 2
    bias_pairs(bias, args.half, args.sample)
    news(stories, args.half, args.sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
