"""Build article folders from the health news stories, for throughput and memory benchmarks.

Two modes::

    python benchmarks/synth_corpus.py DATASETS_DIR OUT_DIR --stories
        one file per story: title on the first line, a blank line, then the text (.txt)

    python benchmarks/synth_corpus.py DATASETS_DIR OUT_DIR -n 100000 [--seed 1]
        N synthetic articles, each a title and 4-12 paragraphs sampled (deterministically,
        from the seed) from all stories; every third file is Markdown with a heading, the
        rest plain text. Files go into sub-folders of 1,000.

The stories are read from ``DATASETS_DIR/health_news_stories.jsonl``; nothing is
copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

STORIES = "health_news_stories.jsonl"


def load_stories(datasets: Path) -> list[dict[str, str]]:
    """All stories (``id``, ``title``, ``text``) from the dataset folder."""
    path = datasets / STORIES
    if not path.is_file():
        raise SystemExit(f"{path} not found (pass the datasets folder)")
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def story_text(story: dict[str, str]) -> str:
    """A story as one plain-text article: title, blank line, text."""
    title = (story.get("title") or "").strip()
    body = (story.get("text") or "").strip()
    return f"{title}\n\n{body}\n" if title else f"{body}\n"


def write_stories(datasets: Path, out: Path, limit: int | None = None) -> list[Path]:
    """Write each story as ``<id>.txt`` in ``out``; returns the paths in order."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for story in load_stories(datasets)[:limit]:
        p = out / f"{story['id']}.txt"
        p.write_text(story_text(story), encoding="utf-8")
        paths.append(p)
    return paths


def _paragraphs(stories: list[dict[str, str]]) -> list[str]:
    paras = []
    for s in stories:
        for p in (s.get("text") or "").split("\n"):
            p = p.strip()
            if len(p) > 40:
                paras.append(p)
    return paras


def synth_articles(stories: list[dict[str, str]], n: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    """``n`` synthetic articles as ``(relative path, content)``, deterministic for a seed."""
    rng = random.Random(seed)
    paras = _paragraphs(stories)
    titles = [s["title"].strip() for s in stories if s.get("title")]
    for i in range(n):
        title = rng.choice(titles)
        body = "\n\n".join(rng.choice(paras) for _ in range(rng.randint(4, 12)))
        folder = f"{i // 1000:04d}"
        if i % 3 == 0:
            yield f"{folder}/article-{i:06d}.md", f"# {title}\n\n{body}\n"
        else:
            yield f"{folder}/article-{i:06d}.txt", f"{title}\n\n{body}\n"


def write_synth(datasets: Path, out: Path, n: int, seed: int = 1) -> int:
    """Write ``n`` synthetic articles under ``out``; returns the total bytes written."""
    stories = load_stories(datasets)
    total = 0
    made: set[str] = set()
    for rel, content in synth_articles(stories, n, seed):
        p = out / rel
        if p.parent.name not in made:
            p.parent.mkdir(parents=True, exist_ok=True)
            made.add(p.parent.name)
        data = content.encode("utf-8")
        p.write_bytes(data)
        total += len(data)
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", type=Path, help="the datasets folder (holds health_news_stories.jsonl)")
    ap.add_argument("out", type=Path, help="folder to write the articles into")
    ap.add_argument("--stories", action="store_true", help="write the real stories, one file each")
    ap.add_argument("-n", type=int, default=1000, help="number of synthetic articles (default 1000)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.stories:
        paths = write_stories(args.datasets, args.out)
        print(f"wrote {len(paths)} stories to {args.out}")
    else:
        total = write_synth(args.datasets, args.out, args.n, args.seed)
        print(f"wrote {args.n} articles ({total / 1e6:.1f} MB) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
