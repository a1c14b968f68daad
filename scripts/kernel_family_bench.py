#!/usr/bin/env python3
"""Kernel-only benchmark of the compiled (arch, loss) kernels: no I/O, no Python around them.

The corpus is counted and encoded once; then each repeat trains ``--words`` of it as ONE
segment on one thread with each kernel in turn (alternating, so the shared machine's slow
spells hit all of them), from the same initial weights and seed. Reports words/s (median of
the repeats) by wall time and by the thread's CPU time, which another process's load disturbs
less (it leaves out the time the thread waits for a core), and the mean cost per window.

Usage:
  python scripts/kernel_family_bench.py --corpus ../shared/data/wiki/wiki-17m.txt.gz \\
      --words 3000000 --repeats 5 --combos sg-ns sg-hs cbow-ns cbow-hs
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's w2v
sys.path.insert(0, str(HERE))  # the sibling script, also when imported from elsewhere

from kernel_bench import encode  # noqa: E402  (this folder: the same encoding)

from w2v.kernels.base import Settings, Tables, output_rows  # noqa: E402
from w2v.kernels.registry import make_kernel  # noqa: E402
from w2v.training.prepare import init_weights  # noqa: E402


def kernel_options(doc: str, words: int = 3_000_000) -> argparse.ArgumentParser:
    """The options every one-process kernel benchmark takes (this one, kernel_variant_bench,
    kernel_thread_bench)."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--corpus", type=Path,
                    default=HERE.parent.parent / "shared" / "data" / "wiki" / "wiki-17m.txt.gz")
    ap.add_argument("--words", type=int, default=words, help="ids per repeat")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--combos", nargs="+", default=["sg-ns", "sg-hs", "cbow-ns", "cbow-hs"])
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--sample", type=float, default=1e-3)
    ap.add_argument("--min-count", type=int, default=5)
    return ap


def main() -> None:
    args = kernel_options(__doc__).parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        vocab, ids = encode(args.corpus, Path(tmp), args.min_count, args.words)
    words = int(np.count_nonzero(ids >= 0))
    tables = Tables(vocab.counts, vocab.total_words, args.sample)
    kernels, weights = {}, {}
    for combo in args.combos:
        arch, loss = combo.split("-")
        settings = Settings(window=args.window, negative=0 if loss == "hs" else 5)
        kernels[combo] = make_kernel(arch, loss, "numba", tables, settings)
        weights[combo] = init_weights(len(vocab), args.dim, output_rows(loss, len(vocab)),
                                      np.random.default_rng(1))
    rates = {(c, clock): [] for c in kernels for clock in ("wall", "cpu")}
    windows = {}
    for rep in range(args.repeats + 1):  # the first round compiles / loads the cache
        for combo, kernel in kernels.items():
            W_in, W_out = (w.copy() for w in weights[combo])
            wall, cpu = time.perf_counter(), time.thread_time()
            _, n = kernel.train_segment(W_in, W_out, ids, 0.025, 0.0001, 12345)
            wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
            windows[combo] = n
            if rep:
                rates[combo, "wall"].append(words / wall)
                rates[combo, "cpu"].append(words / cpu)
    L = tables.huffman.lengths
    p = vocab.counts / vocab.counts.sum()
    print(f"{args.corpus.name}: {words:,} words, |V| = {len(vocab):,}, dim {args.dim}, "
          f"{args.repeats} alternating repeats, 1 thread; mean code length {np.sum(p * L):.2f} "
          f"by count, {L.mean():.2f} by word")
    for combo in kernels:
        cpu = statistics.median(rates[combo, "cpu"])
        print(f"{combo:8} median {statistics.median(rates[combo, 'wall']):>11,.0f} words/s by "
              f"wall, {cpu:>11,.0f} by CPU time; {1e9 * words / cpu / windows[combo]:.0f} ns "
              f"per {'window' if combo.startswith('cbow') else 'pair'} ({windows[combo]:,})")


if __name__ == "__main__":
    main()
