#!/usr/bin/env python3
"""Kernel-only benchmark of variants of one compiled walk, in one process: for hierarchical
softmax the walk with ``hs_skip`` (word2vec.c's skipped nodes) against without. (It also
measured a walk compiled for the row length, since removed: docs/benchmarks.md.)

The corpus is counted and encoded once; each repeat trains ``--words`` of it as ONE segment on
one thread with each variant in turn (alternating the order every repeat, so the shared
machine's slow spells hit all of them), from the same initial weights and seed. Reports words/s
by the thread's CPU time, median of the repeats, the per-repeat ratio to the first variant,
and how far each variant's weights are from the first's (max |difference|; 0 = bit-identical).

Usage:
  python scripts/kernel_variant_bench.py --corpus ../shared/data/wiki/wiki-17m.txt.gz \\
      --words 3000000 --repeats 5 --combos sg-ns sg-hs cbow-ns cbow-hs [--pretrain 3]
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
sys.path.insert(0, str(HERE))  # the sibling script, also when imported from elsewhere

from kernel_bench import encode  # noqa: E402  (this folder: the same encoding)
from kernel_family_bench import kernel_options  # noqa: E402  (the same options)

from w2v.kernels.base import Settings, Tables, output_rows  # noqa: E402
from w2v.kernels.registry import make_kernel  # noqa: E402
from w2v.training.prepare import init_weights  # noqa: E402


def variants(combo: str, tables: Tables, args) -> dict:
    """{name: train(W_in, W_out, ids, lr_start, lr_end, seed)} of one combination."""
    arch, loss = combo.split("-")
    out = {}
    for skip in ([False, True] if loss == "hs" and not args.no_skip else [False]):
        settings = Settings(window=args.window, negative=0 if loss == "hs" else 5,
                            hs_skip=skip)
        out["skip" if skip else "plain"] = make_kernel(arch, loss, "numba", tables,
                                                       settings).train_segment
    return out


def main() -> None:
    ap = kernel_options(__doc__)
    ap.add_argument("--no-skip", action="store_true", help="leave out the hs_skip variants")
    ap.add_argument("--pretrain", type=int, default=0,
                    help="passes over the ids (plain walk, untimed) to train the start weights:"
                         " saturated HS nodes are rare in fresh weights")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        vocab, ids = encode(args.corpus, Path(tmp), args.min_count, args.words)
    words = int(np.count_nonzero(ids >= 0))
    tables = Tables(vocab.counts, vocab.total_words, args.sample)
    print(f"{args.corpus.name}: {words:,} words, |V| = {len(vocab):,}, dim {args.dim}, "
          f"{args.repeats} alternating repeats, 1 thread, thread CPU time")
    for combo in args.combos:
        trains = variants(combo, tables, args)
        start = init_weights(len(vocab), args.dim, output_rows(combo[-2:], len(vocab)),
                             np.random.default_rng(1))
        for p in range(args.pretrain):
            trains[next(iter(trains))](*start, ids, 0.025, 0.0001, 777 + p)
        rates = {name: [] for name in trains}
        final = {}
        for rep in range(args.repeats + 1):  # the first round compiles / loads the cache
            order = list(trains) if rep % 2 else list(trains)[::-1]
            for name in order:
                W_in, W_out = (w.copy() for w in start)
                cpu = time.thread_time()
                trains[name](W_in, W_out, ids, 0.025, 0.0001, 12345)
                cpu = time.thread_time() - cpu
                if rep:
                    rates[name].append(words / cpu)
                final[name] = (W_in, W_out)
        first = next(iter(trains))
        for name, rate in rates.items():
            ratio = [r / f for r, f in zip(rate, rates[first])]
            diff = max(float(np.max(np.abs(a - b))) for a, b in zip(final[name], final[first]))
            print(f"{combo:8} {name:13} {statistics.median(rate):>11,.0f} words/s; / {first}: "
                  f"median {statistics.median(ratio):.3f} (min {min(ratio):.3f}, max "
                  f"{max(ratio):.3f}); max |W - W_{first}| {diff:.3g}")


if __name__ == "__main__":
    main()
