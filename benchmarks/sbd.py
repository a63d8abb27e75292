"""Score audit's sentence segmentation on the Pragmatic Segmenter golden rules.

Usage: python benchmarks/sbd.py DATASETS_DIR

Reads DATASETS_DIR/sbd_golden_rules.jsonl (``text`` -> ``expected`` list of
sentences), prints every failure and ``passed N/48``. A case passes when the
sentences (each trimmed of surrounding whitespace) equal the expected list.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    from audit.nlp import split_sentences

    path = Path(argv[0]) / "sbd_golden_rules.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    passed = 0
    for row in rows:
        text = row["text"]
        got = [text[a:b] for a, b in split_sentences(text)]
        if got == row["expected"]:
            passed += 1
        else:
            print(f"FAIL {row['id']}: {row.get('rule', '')}")
            print(f"  expected: {row['expected']}")
            print(f"  got:      {got}")
    print(f"passed {passed}/{len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
