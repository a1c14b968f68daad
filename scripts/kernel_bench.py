#!/usr/bin/env python3
"""Kernel-only benchmark: the composed numba kernel (w2v.kernels) against the single-function
kernel it replaced (``w2v/kernel_numba.py`` of an older checkout, default ``../base``).

The corpus is counted and encoded once; then each repeat trains one epoch of it as ONE segment
on one thread (``train_segment``), from the same initial weights and seed, alternating old and
new so that the shared machine's slow spells hit both. It reports words/s (median, min, max of
the repeats) by wall time and by the thread's CPU time (which another process's load disturbs
less: it leaves out the time the thread waits for a core), and checks that both kernels produce
bit-identical weights and loss.

The old source is copied into a temporary folder before it is imported, so numba's cache files
are written there and the old checkout is left untouched.

Usage:
  python scripts/kernel_bench.py --corpus ../shared/data/wiki/wiki-1.5m.txt.gz --repeats 7
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's w2v, not an installed one
sys.path.insert(0, str(HERE))

from kernel_family_bench import encode_once  # noqa: E402

from w2v.kernels.base import Settings, Tables  # noqa: E402
from w2v.kernels.registry import make_kernel  # noqa: E402
from w2v.train.prepare import init_weights  # noqa: E402


def load_old(old_root: Path, tmp: Path):
    """The old ``kernel_numba`` module, imported from a copy as package ``w2v_old``."""
    pkg = tmp / "w2v_old"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    shutil.copy(old_root / "w2v" / "sampler.py", pkg / "sampler.py")
    source = (old_root / "w2v" / "kernel_numba.py").read_text()
    (pkg / "kernel_numba.py").write_text(source.replace("from w2v import", "from w2v_old import"))
    sys.path.insert(0, str(tmp))
    return importlib.import_module("w2v_old.kernel_numba")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path,
                    default=HERE.parent.parent / "shared" / "data" / "wiki" / "wiki-1.5m.txt.gz")
    ap.add_argument("--old", type=Path, default=HERE.parent.parent / "base",
                    help="checkout whose w2v/kernel_numba.py is the old kernel")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--negative", type=int, default=5)
    ap.add_argument("--sample", type=float, default=1e-3)
    ap.add_argument("--min-count", type=int, default=5)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        old = load_old(args.old, tmp)
        vocab, ids = encode_once(args.corpus, tmp, args.min_count, sys.maxsize)
        words = int(np.count_nonzero(ids >= 0))
        tables = Tables(vocab.counts, vocab.total_words, args.sample)
        new = make_kernel("sg", "ns", "numba", tables,
                          Settings(window=args.window, negative=args.negative))
        W0 = init_weights(len(vocab), args.dim, len(vocab), np.random.default_rng(1))
        old_tables = (old.sampler.keep_probs(vocab.counts, vocab.total_words, args.sample),
                      old.alias_table(vocab.counts), old.sigmoid_table())

        def run_old(W_in, W_out):
            return old.train_segment(W_in, W_out, ids, *old_tables, args.window, args.negative,
                                     0.025, 0.0001, 12345)

        def run_new(W_in, W_out):
            return new.train_segment(W_in, W_out, ids, 0.025, 0.0001, 12345)

        runs = {"old": run_old, "new": run_new}
        results = {}
        rates = {(name, clock): [] for name in runs for clock in ("wall", "cpu")}
        for rep in range(args.repeats + 1):  # the first round compiles / loads the cache
            for name, fn in runs.items():
                W_in, W_out = W0[0].copy(), W0[1].copy()
                wall, cpu = time.perf_counter(), time.thread_time()
                out = fn(W_in, W_out)
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
                if rep:
                    rates[name, "wall"].append(words / wall)
                    rates[name, "cpu"].append(words / cpu)
                results[name] = (out, W_in, W_out)

    (lo, Ai, Ao), (ln, Bi, Bo) = results["old"], results["new"]
    identical = lo == ln and np.array_equal(Ai, Bi) and np.array_equal(Ao, Bo)
    print(f"{args.corpus.name}: {words:,} words, |V| = {len(vocab):,}, dim {args.dim}, "
          f"{args.repeats} alternating repeats, 1 thread, one segment per repeat")
    for clock in ("wall", "cpu"):
        for name in runs:
            r = rates[name, clock]
            print(f"{name} by {clock:4} time: median {statistics.median(r):,.0f} words/s (min "
                  f"{min(r):,.0f}, max {max(r):,.0f}, spread {(max(r) - min(r)) / min(r):.1%})")
        ratio = [n / o for o, n in zip(rates["old", clock], rates["new", clock])]
        print(f"new/old by {clock} time, per repeat: median {statistics.median(ratio):.3f} "
              f"(min {min(ratio):.3f}, max {max(ratio):.3f})")
    print(f"bit-identical weights and loss: {identical}")


if __name__ == "__main__":
    main()
