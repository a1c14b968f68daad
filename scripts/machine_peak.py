#!/usr/bin/env python3
"""How far w2v's skip-gram kernel is from this machine's limits: one core's FMA rate and
memory bandwidth, measured, against the kernel's achieved GFLOP/s and bytes per pair.

    python scripts/machine_peak.py --corpus ../shared/data/wiki/wiki-1.5m.txt.gz

Every timing is the thread's CPU time (``time.thread_time``), best of ``--repeats``: on a
machine shared with other jobs the wall clock also counts the time the thread waits for a
core, which says nothing about the core. (Memory stalls are CPU time, so bandwidth is kept.)

1. FMA: a float32 array of ``--fma-floats`` (cache-resident) is swept ``reps`` times; each
   element gets 8 dependent ``v = v * a + b`` (compiled with fastmath ``contract`` only, so
   each is one FMA and none can be folded), and the sweep over elements is vectorised, so
   the independent elements fill the FMA pipes: 16 flops per element per sweep.
2. Memory: a streaming read (sum of an array of ``--mem-mb`` MB, much larger than the
   caches) and a read + write (``y = a x`` over two arrays of half that size), in GB/s of
   bytes the program reads and writes (the write's read-for-ownership is not counted).
3. The kernel: ``w2v.kernels.registry.make_kernel("sg", "ns", "numba", ...)`` trains
   ``--words`` ids of the corpus as one segment on one thread; pairs / CPU second, times
   the work per pair below, gives achieved GFLOP/s and GB/s.

Work per (context, center) pair, d = dim, K = negatives, float32. For each of the K + 1
targets u (the center and K negatives) and the context's input row v: the score v.u (d FMAs),
the input gradient g_v += c u (d FMAs) and the output row u += lr c v (d FMAs); then once
v += lr g_v (d FMAs). With 2 flops per FMA:

    flops/pair = 2 d (3 (K + 1) + 1) = 6 d (K + 1) + 2 d     (3,800 for d 100, K 5)

Bytes: the rows a pair touches, each read and written back (4 bytes a float): word2vec.c's
order moves v and K + 1 output rows per pair, 8 d (K + 2) bytes (5,600). w2v's kernel shares
the K + 1 output rows of a window among its m contexts (see ``w2v/kernels/numba_sg.py``), so
per pair it moves v and (K + 1) / m output rows: 8 d (1 + (K + 1) / m), with m the measured
mean of pairs per kept center. Both count traffic between the core and its rows; how much of
it reaches DRAM depends on the cache (frequent words stay in it), so it bounds DRAM traffic.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's w2v
sys.path.insert(0, str(HERE))
from whole_run_bench import DEFAULT_DATA  # noqa: E402

FLOPS_PER_ELEMENT = 16  # 8 FMAs of 2 flops in chains() below


@numba.njit(fastmath={"contract"}, cache=True)
def chains(y, a, b, reps):
    for _ in range(reps):
        for i in range(y.size):
            v = y[i]
            for _ in range(8):
                v = v * a + b
            y[i] = v


@numba.njit(fastmath=True, cache=True)
def stream_read(x):
    s = np.float32(0.0)
    for i in range(x.size):
        s += x[i]
    return s


@numba.njit(fastmath=True, cache=True)
def stream_scale(x, y, a):
    for i in range(x.size):
        y[i] = a * x[i]


def best_cpu_seconds(fn, *args, repeats: int) -> float:
    fn(*args)  # compile or load the cache, warm the caches
    times = []
    for _ in range(repeats):
        t = time.thread_time()
        fn(*args)
        times.append(time.thread_time() - t)
    return min(times)


def fma_gflops(floats: int, repeats: int) -> float:
    y = np.ones(floats, dtype=np.float32)
    reps = max(1, 400_000_000 // floats)
    a, b = np.float32(0.999), np.float32(0.001)  # the fixed point 1.0: no overflow, no denormals
    seconds = best_cpu_seconds(chains, y, a, b, reps, repeats=repeats)
    return FLOPS_PER_ELEMENT * floats * reps / seconds / 1e9


def memory_gbs(mb: int, repeats: int) -> tuple[float, float]:
    """(read GB/s, read + write GB/s) streaming over ``mb`` MB."""
    x = np.ones(mb * 2**20 // 4, dtype=np.float32)
    read = x.nbytes / best_cpu_seconds(stream_read, x, repeats=repeats) / 1e9
    half = x[: x.size // 2]
    y = np.empty_like(half)
    rw = 2 * half.nbytes / best_cpu_seconds(stream_scale, half, y, np.float32(2.0),
                                            repeats=repeats) / 1e9
    return read, rw


def flops_per_pair(d: int, K: int) -> int:
    """6 d (K + 1) + 2 d (module docstring).

    >>> flops_per_pair(100, 5)
    3800
    """
    return 6 * d * (K + 1) + 2 * d


def bytes_per_pair(d: int, K: int, m: float | None = None) -> float:
    """Row traffic per pair: 8 d (K + 2) in word2vec.c's order (m None), 8 d (1 + (K + 1)/m)
    with the K + 1 output rows shared by a window's m contexts.

    >>> bytes_per_pair(100, 5), bytes_per_pair(100, 5, m=6.0)
    (5600, 1600.0)
    """
    return 8 * d * (K + 2) if m is None else 8 * d * (1 + (K + 1) / m)


def kernel_rate(corpus: Path, words: int, dim: int, K: int, repeats: int):
    """(pairs per CPU second, mean pairs per kept center) of the sg-ns kernel on one thread,
    or None when the kernel cannot be reached through the public registry."""
    try:
        from kernel_bench import encode

        from w2v.kernels.base import Settings, Tables, output_rows
        from w2v.kernels.registry import make_kernel
        from w2v.training.prepare import init_weights
    except ImportError as e:
        print(f"kernel not timed ({e}); the model numbers below still hold")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        vocab, ids = encode(corpus, Path(tmp), 5, words)
    tables = Tables(vocab.counts, vocab.total_words, 1e-3)
    kernel = make_kernel("sg", "ns", "numba", tables, Settings(window=5, negative=K))
    W0 = init_weights(len(vocab), dim, output_rows("ns", len(vocab)), np.random.default_rng(1))
    pairs = kernel.train_segment(W0[0].copy(), W0[1].copy(), ids, 0.025, 1e-4, 1)[1]

    def run():
        kernel.train_segment(W0[0].copy(), W0[1].copy(), ids, 0.025, 1e-4, 1)

    seconds = best_cpu_seconds(run, repeats=repeats)
    kept = float(np.sum(tables.keep[ids[ids >= 0]]))  # expected kept centers
    return pairs / seconds, pairs / kept


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path,
                    default=DEFAULT_DATA / "wiki" / "wiki-1.5m.txt.gz")
    ap.add_argument("--words", type=int, default=1_000_000, help="ids the kernel trains")
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--negative", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--fma-floats", type=int, default=2048, help="8 KB: in L1")
    ap.add_argument("--mem-mb", type=int, default=512, help="much larger than the caches")
    args = ap.parse_args(argv)
    if not args.corpus.is_file():
        sys.exit(f"machine_peak.py: {args.corpus} not found (see --corpus)")

    gflops = fma_gflops(args.fma_floats, args.repeats)
    read, rw = memory_gbs(args.mem_mb, args.repeats)
    d, K = args.dim, args.negative
    print(f"FMA, float32, one core: {gflops:.1f} GFLOP/s")
    print(f"memory, one core, {args.mem_mb} MB: read {read:.1f} GB/s, read + write {rw:.1f} GB/s")
    print(f"model: {flops_per_pair(d, K)} flops/pair; row bytes/pair {bytes_per_pair(d, K)} "
          f"(word2vec.c's order), 8 d (1 + (K + 1) / m) shared per window")
    rate = kernel_rate(args.corpus, args.words, d, K, args.repeats)
    if rate is None:
        return
    pairs_s, m = rate
    achieved = pairs_s * flops_per_pair(d, K) / 1e9
    moved = pairs_s * bytes_per_pair(d, K, m) / 1e9
    print(f"sg-ns kernel, one thread, d {d}, K {K}: {pairs_s / 1e6:.2f} M pairs/s (mean m "
          f"{m:.2f}); {achieved:.1f} GFLOP/s = {achieved / gflops:.0%} of the FMA rate; "
          f"{bytes_per_pair(d, K, m):.0f} row bytes/pair = {moved:.1f} GB/s = "
          f"{moved / rw:.0%} of the read + write bandwidth; "
          f"{1e9 / pairs_s:.0f} ns/pair")


if __name__ == "__main__":
    main()
