#!/usr/bin/env python3
"""Does the SST picture mean anything? Score the CS224n assignment's 24 words by their groups.

The 24 words fall into four groups: adjectives (13), people (6), weather (3) and drinks (2).
For each word, its nearest neighbour among the other 23 by cosine either lies in its own group
or not; the count of words whose neighbour does is the score (24 is perfect; random 10-d
vectors average 8.4). The mean cosine within groups and between groups shows whether the
vectors have collapsed onto one direction (both near 1) or spread out.

Each argument is a run folder (scored as it is) or a text corpus such as the output of
``scripts/sst_to_text.py`` (trained with ``--config`` once per seed into a temporary folder,
then scored):

  python scripts/sst_groups.py sst.txt                      # configs/sst.toml, seeds 1-5
  python scripts/sst_groups.py sst.txt --seeds 1-20 --config my.toml
  python scripts/sst_groups.py runs/sst

>>> words = ["a", "b", "c", "d"]
>>> s = score(words, np.eye(4)[[0, 0, 1, 1]] + 0.1, groups={"x": ["a", "b"], "y": ["c", "d"]})
>>> s.hits, s.total, s.misses
(4, 4, [])
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The assignment's 24 words (w2v plot's default words, in the same order), by group.
GROUPS = {
    "adjectives": ["great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet",
                   "enjoyable", "boring", "bad", "dumb", "annoying"],
    "people": ["female", "male", "queen", "king", "man", "woman"],
    "weather": ["rain", "snow", "hail"],
    "drinks": ["coffee", "tea"],
}
DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "sst.toml"


@dataclass
class GroupScore:
    hits: int  # words whose nearest neighbour (cosine, among the group words) is in their group
    total: int  # words scored (all of them must be in the vocabulary)
    within: float  # mean cosine over pairs of distinct words in the same group
    between: float  # mean cosine over pairs in different groups
    misses: list[str]  # "word->neighbour" for each word whose neighbour is in another group


def score(words, matrix, groups=GROUPS) -> GroupScore:
    """Score the vectors ``matrix[i]`` of ``words[i]``; a group word missing is a ValueError."""
    index = {w: i for i, w in enumerate(words)}
    names = [w for ws in groups.values() for w in ws]
    labels = np.array([g for g, ws in groups.items() for _ in ws])
    missing = [w for w in names if w not in index]
    if missing:
        raise ValueError(f"not in the vocabulary: {', '.join(missing)}")
    X = np.asarray(matrix, dtype=np.float64)[[index[w] for w in names]]
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    cos = X @ X.T
    np.fill_diagonal(cos, -np.inf)
    nearest = cos.argmax(axis=1)
    same = labels[:, None] == labels[None, :]
    off = ~np.eye(len(names), dtype=bool)
    return GroupScore(
        hits=int((labels[nearest] == labels).sum()),
        total=len(names),
        within=float(cos[same & off].mean()),
        between=float(cos[~same].mean()),
        misses=[f"{names[i]}->{names[j]}" for i, j in enumerate(nearest) if labels[i] != labels[j]],
    )


def score_run(run: Path) -> GroupScore:
    from w2v.vectors.vectors import Vectors

    v = Vectors.load(run)
    return score(v.words, v.vectors)


def train_run(corpus: Path, config: Path, seed: int, out: Path) -> Path:
    """``w2v train corpus --config config --seed seed --out out``, without its messages."""
    from w2v.settings import load_toml, make_config
    from w2v.training.session import run

    run(make_config(load_toml(config), {"seed": seed}), [corpus], out)
    return out


def parse_seeds(text: str) -> list[int]:
    """'1-5' or '1,3,7' (or a mix) -> a list of ints.

    >>> parse_seeds("1-3,7")
    [1, 2, 3, 7]
    """
    seeds = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if not (lo.strip().isdigit() and (hi or lo).strip().isdigit()):
            raise ValueError(f"seeds must look like 1-5 or 1,3,7, got {text!r}")
        seeds += list(range(int(lo), int(hi or lo) + 1))
    return seeds


def _first(items: list[str], n: int) -> str:
    more = f" (+{len(items) - n} more)" if len(items) > n else ""
    return " ".join(items[:n]) + more


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", type=Path, help="run folders or text corpora")
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config for corpora")
    ap.add_argument("--seeds", default="1-5", help="seeds for corpora, e.g. 1-5 or 1,4,9")
    args = ap.parse_args(argv)
    from w2v.errors import W2VError
    from w2v.util.tables import format_table

    rows = []
    try:
        seeds = parse_seeds(args.seeds)
        for path in args.paths:
            if path.is_dir():
                rows.append((path, "-", score_run(path), "-"))
                continue
            for seed in seeds:
                with tempfile.TemporaryDirectory() as tmp:
                    t0 = time.perf_counter()
                    run = train_run(path, args.config, seed, Path(tmp) / "run")
                    seconds = f"{time.perf_counter() - t0:.1f}"
                    rows.append((path, seed, score_run(run), seconds))
    except (OSError, ValueError, W2VError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    table = [(p, seed, f"{s.hits}/{s.total}", f"{s.within:.3f}", f"{s.between:.3f}", sec,
              _first(s.misses, 6)) for p, seed, s, sec in rows]
    print(format_table(table, ["path", "seed", "own group", "cos within", "cos between",
                               "train s", "misses"], right=(1, 2, 3, 4, 5)))
    if len(rows) > 1:
        hits = [s.hits for _, _, s, _ in rows]
        print(f"own group: mean {np.mean(hits):.1f}, min {min(hits)}, max {max(hits)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
