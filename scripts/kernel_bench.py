#!/usr/bin/env python3
"""Kernel-only benchmark of two checkouts: this one's compiled kernels against another's
(``--old``, default ../main), each (arch, loss) built through its registry, by CPU time.

The corpus is counted and encoded once (with this checkout) into a temporary folder. Each
repeat then starts one process per checkout, alternating which goes first, with PYTHONPATH
set to that checkout; the process builds the kernels with the checkout's
``registry.make_kernel``, loads them (numba's cache; a warm-up call on one word, not timed)
and trains ``--words`` ids as ONE segment on one thread with each kernel, from the same
initial weights (word2vec.c's) and seed. It reports words/s by the thread's CPU time (which
another process's load disturbs less than wall time: it leaves out the time the thread waits
for a core), median of the repeats, the per-repeat ratio new/old, and whether both checkouts
produced bit-identical weights and loss.

Usage:
  python scripts/kernel_bench.py --corpus ../shared/data/wiki/wiki-17m.txt.gz --old ../main \\
      --words 3000000 --repeats 5
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
COMBOS = ["sg-ns", "sg-hs", "cbow-ns", "cbow-hs"]


def worker(folder: Path, combos: list[str], dim: int, window: int, sample: float) -> None:
    """One repeat in this process's checkout (PYTHONPATH): print {combo: result} as JSON."""
    from w2v.kernels.base import Settings, Tables, output_rows
    from w2v.kernels.registry import make_kernel

    counts, total = np.load(folder / "counts.npy"), int(np.load(folder / "total.npy"))
    ids = np.load(folder / "ids.npy")
    tables = Tables(counts, total, sample)
    words = int(np.count_nonzero(ids >= 0))
    out = {}
    for combo in combos:
        arch, loss = combo.split("-")
        kernel = make_kernel(arch, loss, "numba", tables,
                             Settings(window=window, negative=0 if loss == "hs" else 5))
        W_in = np.random.default_rng(1).random((len(counts), dim), dtype=np.float32)
        W_in = (W_in - 0.5) / dim
        W_out = np.zeros((output_rows(loss, len(counts)), dim), dtype=np.float32)
        kernel.train_segment(W_in.copy(), W_out.copy(), ids[:1], 0.0, 0.0, 0)  # load
        cpu, wall = time.thread_time(), time.perf_counter()
        loss_sum, n = kernel.train_segment(W_in, W_out, ids, 0.025, 0.0001, 12345)
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        digest = hashlib.sha256(W_in.tobytes() + W_out.tobytes()).hexdigest()
        out[combo] = {"cpu": words / cpu, "wall": words / wall, "loss": loss_sum, "n": n,
                      "sha256": digest}
    print(json.dumps(out))


def encode(corpus: Path, folder: Path, min_count: int, words: int):
    """Count and encode ``corpus`` with this checkout's w2v, keep its first ``words`` ids; save
    counts.npy, total.npy (raw tokens) and ids.npy into ``folder``, and return the Vocab and
    the ids."""
    sys.path.insert(0, str(HERE.parent))
    from w2v.text import encoded

    counting = encoded.count_and_encode([str(corpus)], folder / "corpus.ids", min_count=min_count)
    while True:
        try:
            next(counting)
        except StopIteration as done:
            vocab = done.value
            break
    n_ids, _ = encoded.count_ids(folder / "corpus.ids")
    ids = encoded.read_ids(folder / "corpus.ids", 0, min(n_ids, words))
    np.save(folder / "counts.npy", np.asarray(vocab.counts, dtype=np.int64))
    np.save(folder / "total.npy", np.int64(vocab.total_words))
    np.save(folder / "ids.npy", ids)
    return vocab, ids


def run(tree: Path, folder: Path, args) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(folder), "--dim",
           str(args.dim), "--window", str(args.window), "--sample", str(args.sample),
           "--combos", *args.combos]
    out = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(results: dict, words: int, args) -> None:
    print(f"{args.corpus.name}: {words:,} words, dim {args.dim}, {args.repeats} alternating "
          f"repeats, 1 thread, one segment; old = {args.old}, new = {HERE.parent}")
    for combo in args.combos:
        rate = {t: [r[combo]["cpu"] for r in results[t]] for t in ("old", "new")}
        ratio = [n / o for o, n in zip(rate["old"], rate["new"])]
        same = len({json.dumps({k: r[combo][k] for k in ("loss", "n", "sha256")})
                    for t in results for r in results[t]}) == 1
        print(f"{combo:8} by CPU time: old {statistics.median(rate['old']):>11,.0f}, new "
              f"{statistics.median(rate['new']):>11,.0f} words/s; new/old per repeat: median "
              f"{statistics.median(ratio):.3f} (min {min(ratio):.3f}, max {max(ratio):.3f}); "
              f"bit-identical: {same}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path,
                    default=HERE.parent.parent / "shared" / "data" / "wiki" / "wiki-17m.txt.gz")
    ap.add_argument("--old", type=Path, default=HERE.parent.parent / "main",
                    help="the other checkout (its w2v/kernels/registry.py builds the kernels)")
    ap.add_argument("--words", type=int, default=3_000_000, help="ids per repeat")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--combos", nargs="+", default=COMBOS)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--sample", type=float, default=1e-3)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker, args.combos, args.dim, args.window, args.sample)

    trees = {"old": args.old.resolve(), "new": HERE.parent}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _, ids = encode(args.corpus, folder, args.min_count, args.words)
        words = int(np.count_nonzero(ids >= 0))
        for tree in trees.values():
            run(tree, folder, args)  # compile or load each checkout's kernels once
        results = {"old": [], "new": []}
        for rep in range(args.repeats):
            for name in (["old", "new"] if rep % 2 == 0 else ["new", "old"]):
                results[name].append(run(trees[name], folder, args))
    report(results, words, args)


if __name__ == "__main__":
    main()
