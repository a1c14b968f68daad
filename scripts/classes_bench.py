"""Where `w2v classes` should switch from KMeans to MiniBatchKMeans: both solvers on the first N
unit-normalised rows of a run's vectors, alternating, median wall time of --repeats runs, and
the inertia (sum of squared distances to the assigned centroid) of each.

    python scripts/classes_bench.py runs/wiki-17m --sizes 5000,20000,50000 --ks 100,500
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def inertia(x: np.ndarray, labels: np.ndarray) -> float:
    return float(sum(((x[labels == c] - x[labels == c].mean(0)) ** 2).sum()
                     for c in np.unique(labels)))


def timed(x, k, minibatch_above):
    from w2v.vectors.classes import word_classes

    start = time.perf_counter()
    labels = word_classes(x, k, seed=0, minibatch_above=minibatch_above)
    return time.perf_counter() - start, inertia(x, labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("vectors", help="a run folder or vectors file")
    parser.add_argument("--sizes", default="5000,20000,50000")
    parser.add_argument("--ks", default="100,500")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from w2v.vectors.vectors import Vectors

    unit = Vectors.load(args.vectors).unit
    print("rows    k  kmeans s  minibatch s  inertia minibatch/kmeans")
    for n in [int(s) for s in args.sizes.split(",")]:
        x = unit[:n]
        for k in [int(s) for s in args.ks.split(",")]:
            runs = {"kmeans": [], "minibatch": []}
            for r in range(args.repeats):
                order = ["kmeans", "minibatch"] if r % 2 == 0 else ["minibatch", "kmeans"]
                for name in order:
                    runs[name].append(timed(x, k, len(x) if name == "kmeans" else 0))
            t = {name: statistics.median(s for s, _ in v) for name, v in runs.items()}
            ratio = runs["minibatch"][0][1] / runs["kmeans"][0][1]
            print(f"{len(x):>6} {k:>4} {t['kmeans']:>9.1f} {t['minibatch']:>12.1f}"
                  f"  {ratio:>8.3f}", flush=True)


if __name__ == "__main__":
    main()
