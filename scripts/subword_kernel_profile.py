#!/usr/bin/env python3
"""Where a subword kernel's time goes: the same windows trained three ways, kernel only.

Issue 22 asks for a profile of the subword training it measures. The machine counts no
hardware events (``perf stat`` reports cycles and cache misses as not supported), so this is a
differential profile: on the same ids, seed and windows, one thread, thread CPU time,
alternating repeats, each architecture with negative sampling trains

- ``rows``: plain word2vec (each token's own row; the kernels of a run without subwords);
- ``bag-own``: the bag input sides with a bag of one row per token (the word's own row): the
  bag machinery (the CSR walk, the mean, the spread of the step) with nothing more to read;
- ``bag-full``: the bag input sides with fastText's bags (the own row and the n-gram rows,
  ``--minn``/``--maxn``/``--buckets``, 2M rows by default), as ``w2v train --subwords`` trains.

bag-own - rows is what the bag code costs; bag-full - bag-own is what reading and writing the
n-gram rows costs, also per extra row read: every context of every window reads its bag once
(and writes it once), and both architectures walk the same windows, so the contexts are
skip-gram's pairs, times the mean bag less its own row (weighted by the tokens trained).

Usage:
  python scripts/subword_kernel_profile.py --corpus ../shared/data/wiki/wiki-17m.txt.gz \\
      --words 1000000 --repeats 3
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's w2v
sys.path.insert(0, str(HERE))

from kernel_bench import encode  # noqa: E402
from kernel_family_bench import kernel_options  # noqa: E402

from w2v.config import Config  # noqa: E402
from w2v.kernels.base import Settings, Tables  # noqa: E402
from w2v.kernels.registry import make_kernel  # noqa: E402
from w2v.training.subwords import bag_table  # noqa: E402

WAYS = ("rows", "bag-own", "bag-full")


def setups(vocab, args) -> dict:
    """{way: (tables, inputs, rows of W_in)} for the three ways."""
    V = len(vocab)
    own = (np.arange(V + 1, dtype=np.int64), np.arange(V, dtype=np.int32))
    cfg = Config(subwords=True, minn=args.minn, maxn=args.maxn, buckets=args.buckets)
    full = bag_table(cfg, list(vocab.words))
    table = lambda bags: Tables(vocab.counts, vocab.total_words, args.sample, bags=bags)  # noqa: E731
    return {"rows": (table(None), "rows", V), "bag-own": (table(own), "bags", V),
            "bag-full": (table(full), "bags", V + args.buckets)}


def mean_bag(ids: np.ndarray, offsets: np.ndarray) -> float:
    """Rows per token trained, weighted by the tokens (before subsampling)."""
    kept = ids[ids >= 0]
    return float(np.mean(np.diff(offsets)[kept]))


def main() -> None:
    ap = kernel_options(__doc__, words=1_000_000)
    ap.add_argument("--minn", type=int, default=3)
    ap.add_argument("--maxn", type=int, default=6)
    ap.add_argument("--buckets", type=int, default=2_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vocab, ids = encode(args.corpus, Path(tmp), args.min_count, args.words)
    words = int(np.count_nonzero(ids >= 0))
    ways = setups(vocab, args)
    bag = mean_bag(ids, ways["bag-full"][0].bags[0])
    print(f"{args.corpus.name}: {words:,} words, |V| = {len(vocab):,}, dim {args.dim}, "
          f"n-grams {args.minn}-{args.maxn} in {args.buckets:,} buckets, {bag:.1f} rows per "
          f"token's bag (own row included), {args.repeats} alternating repeats, 1 thread, "
          "thread CPU time")
    rng = np.random.default_rng(1)
    contexts = None
    for arch in ("sg", "cbow"):
        if f"{arch}-ns" not in args.combos:
            continue
        settings = Settings(window=args.window, negative=5)
        kernels = {w: make_kernel(arch, "ns", "numba", t, settings, inputs)
                   for w, (t, inputs, _) in ways.items()}
        start = {w: (rng.uniform(-0.5, 0.5, (n, args.dim)).astype(np.float32) / args.dim,
                     np.zeros((len(vocab), args.dim), dtype=np.float32))
                 for w, (_, _, n) in ways.items()}
        cpu = {w: [] for w in ways}
        for rep in range(args.repeats + 1):  # round 0 compiles or loads the cache
            for way in (WAYS if rep % 2 else WAYS[::-1]):
                W_in, W_out = (a.copy() for a in start[way])
                t0 = time.thread_time()
                _, n = kernels[way].train_segment(W_in, W_out, ids, 0.025, 0.0001, 12345)
                if arch == "sg":
                    contexts = n  # skip-gram counts pairs: every window's contexts
                if rep:
                    cpu[way].append(time.thread_time() - t0)
        ns = {w: 1e9 * statistics.median(c) / words for w, c in cpu.items()}
        for way in WAYS:
            print(f"{arch}-ns {way:9} {words / statistics.median(cpu[way]):>11,.0f} words per "
                  f"CPU s, {ns[way]:7.0f} ns per word (min-max "
                  f"{1e9 * min(cpu[way]) / words:.0f}-{1e9 * max(cpu[way]) / words:.0f})")
        extra = ns["bag-full"] - ns["bag-own"]
        per_row = (f", {extra * words / (contexts * (bag - 1)):.1f} ns per n-gram row read and "
                   "written" if contexts else "")
        print(f"{arch}-ns the bag code: {ns['bag-own'] - ns['rows']:+.0f} ns per word; the "
              f"n-gram rows: {extra:+.0f} ns per word, {100 * extra / ns['bag-full']:.0f}% of "
              f"bag-full{per_row}")


if __name__ == "__main__":
    main()
