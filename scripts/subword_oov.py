"""The out-of-vocabulary check of issue 22: words removed from the corpus, then found again.

500 words of count 20-200 (``pick_words``: a seeded sample of the sorted candidates) are
deleted from every line of the training text (``reduce_corpus``; the reduced copy goes to a
scratch folder outside the repository). Each tool trains on the reduced text and writes its
vector of every removed word (from its n-grams: the word is no longer in the vocabulary).
A removed word is a hit when one of the 10 vocabulary words nearest to that vector (cosine)
is an inflection of it (``is_inflection``); the tool's hit rate is over the removed words it
has a vector for. ``reachable`` counts the removed words with at least one inflection in the
vocabulary at all: no tool can hit the others.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from pathlib import Path

import numpy as np

SUFFIXES = sorted(("s", "es", "ies", "ed", "ied", "ing", "ings", "er", "ers", "est", "ly", "e"),
                  key=len, reverse=True)
DOUBLING = ("ing", "ings", "ed", "er", "ers", "est")  # running -> runn -> run


def stem(word: str) -> str:
    """``word`` without its longest English inflectional suffix (keeping 3 letters at least),
    ``ies``/``ied`` becoming ``y``, a doubled final consonant undone, and ``ss`` kept.

    >>> [stem(w) for w in ("walking", "walks", "running", "cities", "horses", "horse", "class")]
    ['walk', 'walk', 'run', 'city', 'hors', 'hors', 'class']
    """
    for suffix in SUFFIXES:
        base = word[: len(word) - len(suffix)]
        if not word.endswith(suffix) or len(base) < 3 or (suffix == "s" and word.endswith("ss")):
            continue
        if suffix in ("ies", "ied"):
            return base + "y"
        if suffix in DOUBLING and len(base) >= 4 and base[-1] == base[-2] and base[-1] not in \
                "aeiouls":
            return base[:-1]
        return base
    return word


def is_inflection(word: str, other: str) -> bool:
    """Same stem, defined simply: ``other`` differs from ``word`` and either has the same
    ``stem``, or one of the two is the other plus at most 3 letters (the shorter having 4 at
    least: america, american).

    >>> [is_inflection("walking", w) for w in ("walked", "walk", "walkers", "wall", "talking")]
    [True, True, True, False, False]
    >>> is_inflection("advanced", "advantage"), is_inflection("animated", "animate")
    (False, True)
    """
    if other == word:
        return False
    if stem(word) == stem(other):
        return True
    short, long = sorted((word, other), key=len)
    return long.startswith(short) and len(short) >= 4 and len(long) - len(short) <= 3


def pick_words(counts: Counter, n: int, low: int, high: int, seed: int) -> list[str]:
    """``n`` words of count in [low, high], alphabetic, a seeded sample of the sorted list."""
    candidates = sorted(w for w, c in counts.items() if low <= c <= high and w.isalpha())
    if len(candidates) < n:
        raise SystemExit(f"only {len(candidates)} words of count {low}-{high}; {n} wanted")
    return sorted(random.Random(seed).sample(candidates, n))


def count_words(corpus: Path) -> Counter:
    counts = Counter()
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            counts.update(line.split())
    return counts


def reduce_corpus(corpus: Path, removed: set, out: Path) -> int:
    """Copy ``corpus`` to ``out`` without the tokens in ``removed``; returns tokens dropped."""
    dropped = 0
    with open(corpus, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for line in src:
            words = line.split()
            kept = [w for w in words if w not in removed]
            dropped += len(words) - len(kept)
            dst.write(" ".join(kept) + "\n")
    return dropped


def reachable_count(removed: list[str], vocab_words: list[str]) -> int:
    """How many removed words have an inflection (``is_inflection``) in the vocabulary: the
    vocabulary's words with the same stem, or a prefix relation, are the only candidates."""
    by_stem: dict[str, list[str]] = {}
    for v in vocab_words:
        by_stem.setdefault(stem(v), []).append(v)
    ordered, vocab = sorted(vocab_words), set(vocab_words)
    count = 0
    for w in removed:
        lo = bisect.bisect_left(ordered, w)
        hi = bisect.bisect_left(ordered, w + "\uffff")
        longer = ordered[lo:hi]  # the words that start with w
        shorter = [w[:k] for k in range(4, len(w)) if w[:k] in vocab]
        candidates = by_stem.get(stem(w), []) + longer + shorter
        count += any(is_inflection(w, v) for v in candidates)
    return count


def hit_rate(vocab_words: list[str], vocab_matrix: np.ndarray, queries: dict,
             removed: list[str], topn: int = 10) -> dict:
    """Hits among the removed words that have a query vector (see the module docstring)."""
    unit = vocab_matrix / np.maximum(np.linalg.norm(vocab_matrix, axis=1, keepdims=True), 1e-12)
    vocab = set(vocab_words)
    leaked = [w for w in removed if w in vocab]  # a removed word must not be in the vocabulary
    reachable = reachable_count(removed, vocab_words)
    hits, asked, examples = 0, 0, []
    for word in removed:
        if word not in queries:
            continue
        asked += 1
        q = queries[word] / max(float(np.linalg.norm(queries[word])), 1e-12)
        top = np.argpartition(-(unit @ q), topn)[:topn]
        top = top[np.argsort(-(unit[top] @ q))]
        near = [vocab_words[i] for i in top]
        hit = any(is_inflection(word, v) for v in near)
        hits += hit
        if len(examples) < 5:
            examples.append((word, hit, near[:5]))
    return {"hits": hits, "asked": asked, "removed": len(removed), "reachable": reachable,
            "leaked": len(leaked), "examples": examples}


def main() -> None:
    """Print ``pick_words``' seeded pick of words of count 20-200 from a corpus, to look at it
    by hand (subword_bench.py also leaves the evaluation sets' words out of its pick)."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=22)
    args = ap.parse_args()
    print("\n".join(pick_words(count_words(args.corpus), args.n, 20, 200, args.seed)))


if __name__ == "__main__":
    main()
