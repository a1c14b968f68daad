"""Time ``Vectors.load`` of a synthetic fastText .bin: every word's vector is the mean of its
own row and its n-gram rows, so loading computes the n-grams of the whole vocabulary.

The model is written from fastText's layout (``w2v/vectors/fasttext_bin.py``'s docstring), with
random words of 3 to 12 characters over ASCII letters and a few accented ones, and random rows.
The w2v that is timed is whichever ``PYTHONPATH`` points at, so two trees can be compared by
alternating runs. Both the wall-clock time and the process's CPU time are printed: on a shared
machine the CPU time is the steadier of the two.

    python scripts/subword_load_bench.py /tmp/synthetic.bin --words 100000 --buckets 2000000
"""

from __future__ import annotations

import argparse
import random
import struct
import time
from pathlib import Path

import numpy as np

ALPHABET = "abcdefghijklmnopqrstuvwxyzéüñç"


def write_model(path: Path, nwords: int, buckets: int, dim: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    words = set()
    while len(words) < nwords:
        words.add("".join(rng.choice(ALPHABET) for _ in range(rng.randint(3, 12))))
    rows = nwords + buckets
    with open(path, "wb") as f:
        f.write(struct.pack("<ii", 793712314, 12))
        f.write(struct.pack("<12id", dim, 5, 5, 5, 5, 1, 2, 2, buckets, 3, 6, 100, 1e-4))
        f.write(struct.pack("<iiiqq", nwords, nwords, 0, 10 * nwords, -1))
        for w in sorted(words):
            f.write(w.encode() + b"\0" + struct.pack("<qb", 10, 0))
        f.write(struct.pack("<?qq", False, rows, dim))
        gen = np.random.default_rng(seed)
        for start in range(0, rows, 1 << 20):
            n = min(1 << 20, rows - start)
            f.write(gen.uniform(-1, 1, (n, dim)).astype("<f4").tobytes())
        f.write(struct.pack("<?qq", False, nwords, dim) + bytes(4 * nwords * dim))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--buckets", type=int, default=2_000_000)
    parser.add_argument("--dim", type=int, default=10)
    args = parser.parse_args()
    if not args.model.exists():
        write_model(args.model, args.words, args.buckets, args.dim)
    from w2v.vectors.vectors import Vectors

    start, cpu = time.perf_counter(), time.process_time()
    v = Vectors.load(args.model)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{len(v):,} words, {args.buckets:,} buckets, dim {v.dim}: loaded in {elapsed:.3f} s, "
          f"{cpu:.3f} s of CPU (checksum {float(np.abs(v.vectors).sum(dtype=np.float64)):.6f})")


if __name__ == "__main__":
    main()
