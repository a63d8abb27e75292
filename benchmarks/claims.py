"""Benchmark of the claim analysis against externally labelled data.

Usage::

    .venv/bin/python benchmarks/claims.py ../shared/datasets [--json] [--errors N]

* ``claim_strength_pubmed.jsonl`` (Yu, Li & Wang 2019): 4-class macro-F1 of
  none / correlational / conditional_causal / direct_causal, taking the strongest
  relation the analysis finds in the text, and relation-vs-no-relation F1.
* ``hedging_bioscope_abstracts.jsonl`` (BioScope abstracts): F1 of "the sentence
  has a speculation cue" (the analysis reports at least one hedge).

Each dataset is split in two halves by a fixed random seed: ``dev`` (used while
building the lexicons) and ``test`` (only checked). Scores are printed for dev,
test and the full set. The data is read from the folder given on the command
line and never copied.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from audit.claims.analysis import analyse_sentence
from audit.claims.lexicon import lexicons
from audit.readers.text import read_text

LABELS = ("none", "correlational", "conditional_causal", "direct_causal")
SEED = 20191103


def split(rows: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """Indices of the dev and test halves (fixed seed)."""
    idx = list(range(len(rows)))
    random.Random(SEED).shuffle(idx)
    half = len(idx) // 2
    return sorted(idx[:half]), sorted(idx[half:])


def analyse_text(text: str) -> tuple[str, bool]:
    """Strongest relation (or "none") and whether any hedge occurs, over the text's sentences."""
    doc = read_text("<bench>", text.replace("\n", " "))
    lex = lexicons()
    best = -1
    hedged = False
    for s in doc.sentences():
        sa = analyse_sentence(s, 0, lex)
        if sa.strength:
            best = max(best, LABELS.index(sa.strength))
        hedged = hedged or sa.hedged
    return (LABELS[best] if best > 0 else "none"), hedged


def f1(tp: int, fp: int, fn: int) -> float:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def strength_scores(gold: list[str], pred: list[str]) -> dict[str, Any]:
    per = {}
    for lab in LABELS:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        per[lab] = round(f1(tp, fp, fn), 4)
    rel = [g != "none" for g in gold]
    prel = [p != "none" for p in pred]
    tp = sum(1 for g, p in zip(rel, prel, strict=True) if g and p)
    fp = sum(1 for g, p in zip(rel, prel, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(rel, prel, strict=True) if g and not p)
    acc = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / max(1, len(gold))
    return {"n": len(gold), "macro_f1": round(sum(per.values()) / len(LABELS), 4), "relation_f1": round(f1(tp, fp, fn), 4), "accuracy": round(acc, 4), "per_class_f1": per}


def hedge_scores(gold: list[bool], pred: list[bool]) -> dict[str, Any]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {"n": len(gold), "f1": round(f1(tp, fp, fn), 4), "precision": round(prec, 4), "recall": round(rec, 4)}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", type=Path, help="folder holding the benchmark JSONL files")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print N misclassified dev rows per task")
    args = ap.parse_args(argv)

    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    rows = read_jsonl(args.datasets / "claim_strength_pubmed.jsonl")
    preds = [analyse_text(r["sentence"])[0] for r in rows]
    gold = [r["label"] for r in rows]
    dev, test = split(rows)
    out["strength"] = {
        "dev": strength_scores([gold[i] for i in dev], [preds[i] for i in dev]),
        "test": strength_scores([gold[i] for i in test], [preds[i] for i in test]),
        "all": strength_scores(gold, preds),
    }
    if args.errors:
        for i in dev[: args.errors * 10]:
            if gold[i] != preds[i]:
                print(f"[strength] gold={gold[i]} pred={preds[i]}: {rows[i]['sentence'][:200]}", file=sys.stderr)

    rows = read_jsonl(args.datasets / "hedging_bioscope_abstracts.jsonl")
    hpred = [analyse_text(r["sentence"])[1] for r in rows]
    hgold = [bool(r["speculative"]) for r in rows]
    dev, test = split(rows)
    out["speculation"] = {
        "dev": hedge_scores([hgold[i] for i in dev], [hpred[i] for i in dev]),
        "test": hedge_scores([hgold[i] for i in test], [hpred[i] for i in test]),
        "all": hedge_scores(hgold, hpred),
    }
    if args.errors:
        shown = 0
        for i in dev:
            if hgold[i] != hpred[i] and shown < args.errors:
                shown += 1
                print(f"[hedge] gold={hgold[i]} cues={rows[i]['cues']}: {rows[i]['sentence'][:200]}", file=sys.stderr)
    out["seconds"] = round(time.perf_counter() - t0, 2)

    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for task, key in (("strength", "macro_f1"), ("speculation", "f1")):
            for part in ("dev", "test", "all"):
                sc = out[task][part]
                extra = f"  relation F1 {sc['relation_f1']:.3f}  per class {sc['per_class_f1']}" if task == "strength" else f"  P {sc['precision']:.3f} R {sc['recall']:.3f}"
                print(f"{task:12s} {part:5s} n={sc['n']:5d}  {key} {sc[key]:.3f}{extra}")
        print(f"time {out['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
