"""The lr multiplier and warm-start sweep of docs/distributed.md (issue 25), one run at a time.

    python scripts/mpi_sweep.py --out /tmp/mpi-sweep      # then: --table to print the rows

Runs, in the order that matters most if the time runs out: one process (the reference);
``sync_lr`` n/2 with ``sync_momentum`` 0.5 (the sweep's winner on wiki-17m, not the default:
docs/distributed.md) at 8 ranks, at another seed and at 4 ranks; the same and n x lr on
wiki-1.5m; that with the warm start (full syncs); then without momentum, 8 ranks at each
multiplier in {2, sqrt, n/2, n, 1, 1.5n, 2n} and n at another seed, 4 ranks at {2, n, 1, 1.5n}
(sqrt and n/2 are both 2 there), n with the warm start, block momentum 1 - 1/N at 1 x lr, more
rows per sync (``sync_rows``), touched-row averaging. ``--small-seeds`` runs wiki-1.5m at seeds
2 and 3. wiki-17m, 5 epochs,
one thread per rank (oversubscribed on a small machine: the quality columns are a cluster's, the
speed columns are not). Every row is appended to ``OUT/results.jsonl`` as it finishes (outside
the repository), and a row already there is not run again, so an interrupted sweep continues
where it stopped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mpi_bench import ROOT, run, spec, table  # noqa: E402

MULTIPLIERS = ["2", "sqrt", "n/2", "n", "1"]


def done_rows(out: Path) -> dict[str, dict]:
    path = out / "results.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return {row["label"]: row for row in map(json.loads, lines)}


def runner(args):
    """``at(corpus, ranks, multiplier, ...)``: the row of that run, measured unless it is
    already in ``OUT/results.jsonl``."""
    def measure(s):
        rows = done_rows(args.out)
        return rows[s["label"]] if s["label"] in rows else run(s, args.data, args.out)

    def at(corpus, n, m, warmup=0.0, plan=None, seed=1, rows=None, every=None):
        label = f"{corpus} {n}x1" + (f" m={m}" if n > 1 else "") + \
            (f" warm {warmup}" if warmup else "") + \
            "".join(f" {k} {v}" for k, v in (plan or {}).items()) + \
            (f" seed {seed}" if seed != 1 else "") + (f" rows {rows}" if rows else "") + \
            (f" every {every}" if every else "")
        config = {"seed": seed}
        if n > 1:  # the settings; SyncPlan fields that are not (mode, warm start) go
            plan = {"momentum": 0.0, **(plan or {})}  # through mpi_bench's _rank path
            config.update(sync_lr=m, sync_momentum=plan.pop("momentum"))
            config.update({k: v for k, v in (("sync_rows", rows), ("sync_every", every)) if v})
            plan = {**plan, "warmup": warmup} if warmup else plan
            plan = {**plan, "lr": m} if plan else None
        return measure(spec(label, corpus, n, 1, config=config, plan=plan))

    return at


def small_seeds(at) -> None:
    """wiki-1.5m's noise: one process, n x lr and the default at seeds 2 and 3."""
    for seed in (2, 3):
        at("wiki-1.5m", 1, None, seed=seed)
        at("wiki-1.5m", 8, "n", seed=seed)
        at("wiki-1.5m", 8, "n/2", plan={"momentum": 0.5}, seed=seed)


def sweep(at, args) -> None:
    big = "wiki-17m"
    at(big, 1, None)
    at(big, 8, "n/2", plan={"momentum": 0.5})  # the winner: BMUF, n/2 x lr, momentum 0.5
    at(big, 8, "n/2", plan={"momentum": 0.5}, seed=2)
    at(big, 4, "n/2", plan={"momentum": 0.5})
    at("wiki-1.5m", 1, None)
    at("wiki-1.5m", 8, "n")
    at("wiki-1.5m", 8, "n/2", plan={"momentum": 0.5})
    at(big, 8, "n/2", 0.05, plan={"momentum": 0.5})
    for m in MULTIPLIERS + ["12", "16"]:
        at(big, 8, m)
    at(big, 8, "n", seed=2)  # how much a seed moves the figures
    at(big, 4, "n")
    for every in (800_000, 3_200_000):  # the longer periods a cluster needs
        at(big, 8, "n/2", plan={"momentum": 0.5}, every=every)
    at(big, 2, "n/2", plan={"momentum": 0.5})
    for m4 in ["2", "1", "6"]:
        at(big, 4, m4)
    at(big, 8, "n", args.warmups[0])
    at(big, 8, "1", plan={"momentum": 0.875})  # BMUF's block momentum, 1 - 1/N
    for rows in (32_768, 8_192):  # the mid-frequency rows synced every period, or 4th
        at(big, 8, "n", rows=rows)
    at(big, 8, "n", plan={"mode": "touched"})
    at(big, 8, "n/2", plan={"momentum": 0.5}, seed=3)  # the spread of the default ...
    at(big, 1, None, seed=2)  # ... and of one process


BANDS = (0, 1024, 4096, 16384, 30000)  # the answer word's frequency rank: the sync tiers


def profile(run: Path, questions: Path) -> list[tuple[str, int, int]]:
    """Analogy accuracy (as ``w2v evaluate``'s defaults) by the frequency rank of the
    expected answer, in bands that follow the tiers of the sync schedule (the top 1,024 rows
    every period, 4,096 every 4th, 16,384 every 16th)."""
    from w2v.config import RESTRICT_VOCAB
    from w2v.vectors.evalsets import folded_index, read_lines
    from w2v.vectors.evaluate import _answer
    from w2v.vectors.vectors import Vectors

    vectors = Vectors.load(run)
    n = vectors.cutoff(RESTRICT_VOCAB)
    folded, first = folded_index(vectors, n, True)
    pending = [(0, *(first[w] for w in words[:3]), words)
               for words in (line.upper().split() for line in read_lines(questions)
                             if not line.startswith(": "))
               if len(words) == 4 and all(w in first for w in words)]
    ranks = np.array([first[q[4][3]] for q in pending])
    ok = np.array(list(_answer(vectors, pending, n, folded)))
    return [(f"{lo:,}-{hi:,}", int(ok[(ranks >= lo) & (ranks < hi)].sum()),
             int(((ranks >= lo) & (ranks < hi)).sum())) for lo, hi in zip(BANDS, BANDS[1:])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-runs" / "sweep")
    parser.add_argument("--warmups", type=float, nargs="+", default=[0.05])
    parser.add_argument("--table", action="store_true", help="print the rows measured so far")
    parser.add_argument("--small-seeds", action="store_true",
                        help="only wiki-1.5m at seeds 2 and 3 (its noise)")
    parser.add_argument("--profile", type=Path, nargs="+", metavar="RUN",
                        help="analogy accuracy of these runs by the answer's frequency rank")
    args = parser.parse_args()
    if args.profile:
        print("| run | " + " | ".join(f"rank {lo:,}-{hi:,}" for lo, hi in zip(BANDS, BANDS[1:]))
              + " |\n" + "|---" * len(BANDS) + "|")
        for run_dir in args.profile:
            cells = profile(run_dir, args.data / "eval" / "questions-words.txt")
            print(f"| {run_dir.name} | " + " | ".join(
                f"{100 * c / max(s, 1):.1f}% of {s:,}" for _, c, s in cells) + " |")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    if args.small_seeds:
        small_seeds(runner(args))
    elif not args.table:
        sweep(runner(args), args)
    print(table(list(done_rows(args.out).values())))


if __name__ == "__main__":
    main()
