#!/usr/bin/env python3
"""Two Hogwild threads of one compiled kernel against one thread, kernel only: ``--words`` ids
cut at the sentence break nearest the middle; one thread trains both halves one after the
other, two threads train one half each at once, on shared matrices (as ``LocalTrainer`` does),
alternating which goes first in each repeat. Reports, median of the repeats:

- words/s by wall time, and two threads' over one thread's (the issue's target: >= 1.8);
- words per CPU second (the threads' CPU time summed): a ratio below 1 is what sharing the
  matrices costs each thread (cache lines of hot rows moving between cores), apart from
  waiting for a core, which the wall time also counts on a shared machine.

Usage:
  python scripts/kernel_thread_bench.py --corpus ../shared/data/wiki/wiki-17m.txt.gz \\
      --words 2000000 --repeats 5 --combos sg-ns sg-hs cbow-ns cbow-hs
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
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


def halves(ids: np.ndarray) -> list[np.ndarray]:
    """``ids`` cut after the sentence break nearest the middle."""
    breaks = np.flatnonzero(ids < 0)
    cut = int(breaks[np.argmin(np.abs(breaks - len(ids) // 2))]) + 1 if len(breaks) else 0
    return [ids[:cut], ids[cut:]]


def timed(kernel, weights, parts, threads: int) -> tuple[float, float]:
    """(wall seconds, summed thread CPU seconds) to train ``parts`` on 1 or 2 threads."""
    W_in, W_out = (w.copy() for w in weights)
    cpu = [0.0] * len(parts)

    def work(idx):
        for i in idx:
            start = time.thread_time()
            kernel.train_segment(W_in, W_out, parts[i], 0.025, 0.0001, 12345 + i)
            cpu[i] = time.thread_time() - start

    groups = [range(len(parts))] if threads == 1 else [[i] for i in range(len(parts))]
    wall = time.perf_counter()
    pool = [threading.Thread(target=work, args=(g,)) for g in groups]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - wall, sum(cpu)


def main() -> None:
    args = kernel_options(__doc__, words=2_000_000).parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        vocab, ids = encode(args.corpus, Path(tmp), args.min_count, args.words)
    words = int(np.count_nonzero(ids >= 0))
    tables = Tables(vocab.counts, vocab.total_words, args.sample)
    parts = halves(ids)
    print(f"{args.corpus.name}: {words:,} words in two halves of {len(parts[0]):,} and "
          f"{len(parts[1]):,} ids, dim {args.dim}, {args.repeats} alternating repeats")
    for combo in args.combos:
        arch, loss = combo.split("-")
        kernel = make_kernel(arch, loss, "numba", tables,
                             Settings(window=args.window, negative=0 if loss == "hs" else 5))
        weights = init_weights(len(vocab), args.dim, output_rows(loss, len(vocab)),
                               np.random.default_rng(1))
        kernel.train_segment(*(w.copy() for w in weights), ids[:100], 0.0, 0.0, 0)  # load
        res = {1: [], 2: []}
        for rep in range(args.repeats):
            for threads in ((1, 2) if rep % 2 == 0 else (2, 1)):
                res[threads].append(timed(kernel, weights, parts, threads))
        rate = {t: statistics.median(words / w for w, _ in res[t]) for t in res}
        per_cpu = {t: statistics.median(words / c for _, c in res[t]) for t in res}
        ratios = [words / a[0] / (words / b[0]) for a, b in zip(res[2], res[1])]
        print(f"{combo:8} wall words/s: 1 thread {rate[1]:>10,.0f}, 2 threads {rate[2]:>10,.0f},"
              f" ratio {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max "
              f"{max(ratios):.2f}); words per CPU s: 1 thread {per_cpu[1]:>10,.0f}, 2 threads "
              f"{per_cpu[2]:>10,.0f} ({per_cpu[2] / per_cpu[1]:.2f})")


if __name__ == "__main__":
    main()
