#!/usr/bin/env python3
"""Do this machine's two cores slow each other down when both compute? Issue 24 asks for two
threads at 1.8x one; this separates what the cores allow from what the kernel's shared rows cost.

Two loads from scripts/machine_peak.py, each run alone in one process, then in two processes at
once (one per core), by work per CPU second of each process (``time.thread_time``), median of
``--repeats``:

- FMA: cache-resident float32 chains (no memory traffic): two separate physical cores give each
  process the rate it has alone (ratio ~1.0); two hardware threads of one core (SMT), or a host
  that runs both virtual CPUs on one core, share its FMA pipes (ratio ~0.5-0.65);
- read: a streaming sum over ``--mem-mb`` MB: the ratio shows how much the two cores share the
  memory bandwidth.

Usage:
  python scripts/core_pair.py --repeats 5
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine_peak import FLOPS_PER_ELEMENT, chains, stream_read  # noqa: E402


def fma_rate(_=None, floats: int = 2048, reps: int = 1_000_000) -> float:
    """GFLOP per CPU second of the FMA chains."""
    y = np.ones(floats, dtype=np.float32)
    t0 = time.thread_time()
    chains(y, np.float32(0.999), np.float32(0.001), reps)
    return FLOPS_PER_ELEMENT * floats * reps / (time.thread_time() - t0) / 1e9


def read_rate(mb: int) -> float:
    """GB read per CPU second of a streaming sum, three passes."""
    x = np.ones(mb * (1 << 20) // 4, dtype=np.float32)
    stream_read(x)  # pages in
    t0 = time.thread_time()
    for _ in range(3):
        stream_read(x)
    return 3 * x.nbytes / (time.thread_time() - t0) / 1e9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--mem-mb", type=int, default=512)
    args = ap.parse_args()
    fma_rate(reps=10)  # compile or load the cache before forking
    read_rate(1)
    pool = multiprocessing.get_context("fork").Pool(2)
    for name, fn, arg in (("FMA", fma_rate, None), ("read", read_rate, args.mem_mb)):
        alone, pair = [], []
        for _ in range(args.repeats):
            alone.append(fn(arg))
            pair.extend(pool.map(fn, [arg, arg]))
        a, p = statistics.median(alone), statistics.median(pair)
        unit = "GFLOP" if name == "FMA" else "GB"
        print(f"{name:5} per CPU s: alone {a:7.2f} {unit}, two at once {p:7.2f} {unit} each, "
              f"ratio {p / a:.2f} (two at once, min-max {min(pair) / a:.2f}-{max(pair) / a:.2f})")
    pool.close()


if __name__ == "__main__":
    main()
