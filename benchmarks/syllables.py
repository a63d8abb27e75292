"""Accuracy of the syllable fallback for words the CMU dictionary lacks.

Usage: python benchmarks/syllables.py [--sample N] [--seed S]

Draws a random sample of words from the CMU Pronouncing Dictionary (the
shipped table), hides the dictionary, and compares the fallback's count
(``audit.nlp.syllables.fallback``) with the dictionary's, printing the share
that is exact and within one syllable. For reference it scores Pyphen's
hyphenation points + 1, which is what textstat uses for unknown words, and the
share of words whose polysyllabic status (3+ syllables) is right, which is what
SMOG and Gunning fog use.
"""

from __future__ import annotations

import argparse
import random
import sys


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--sample", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    import pyphen

    from audit.nlp.syllables import fallback, table

    words = sorted(w for w in table() if w.isalpha())  # plain words only: no "'s", no dotted entries
    rng = random.Random(args.seed)
    sample = rng.sample(words, min(args.sample, len(words)))
    dic = pyphen.Pyphen(lang="en_US")
    scores = {"fallback": [0, 0, 0], "pyphen+1": [0, 0, 0]}
    for w in sample:
        truth = table()[w]
        for name, got in (("fallback", fallback(w)), ("pyphen+1", len(dic.positions(w)) + 1)):
            s = scores[name]
            s[0] += got == truth
            s[1] += abs(got - truth) <= 1
            s[2] += (got >= 3) == (truth >= 3)
    n = len(sample)
    print(f"{n} dictionary words held out (seed {args.seed})")
    for name, (exact, near, poly) in scores.items():
        print(f"{name:10s} exact {exact / n:.1%}  within one {near / n:.1%}  polysyllabic agreement {poly / n:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
