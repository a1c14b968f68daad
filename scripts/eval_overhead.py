#!/usr/bin/env python3
"""What evaluation during training costs: ``w2v train`` with and without ``--eval-analogies``
and ``--eval-similarity``, same corpus and settings, in pairs whose order alternates, so that
a noisy shared machine's slow spells hit both.

Two figures per pair of runs:

- ``scored``: the seconds the epochs' evaluations took (the "scored in" of each epoch line)
  over the training seconds ("trained ... in Xs", which leaves evaluation out): the cost
  itself, and little disturbed by other load;
- ``cpu``: the whole command's CPU time (user + system, all its threads) with evaluation
  over without: what evaluation costs end to end (including anything it did to the training
  after it), far less disturbed by other processes than wall time;
- ``wall``: the whole command's wall time with evaluation over without: what the user sees,
  noisy on a shared machine.

The issue's budget is 5% on a 5-epoch wiki-17m run. Usage (from the repo root):

  python scripts/eval_overhead.py --corpus ../shared/data/wiki/wiki-17m.txt.gz --repeats 3
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def train(corpus: Path, out: Path, args, evaluate: bool) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "w2v", "train", str(corpus), "--out", str(out),
           "--epochs", str(args.epochs), "--threads", str(args.threads),
           "--checkpoint-every", "1000h"]
    if evaluate:
        cmd += ["--eval-analogies", str(args.analogies), "--eval-similarity",
                str(args.similarity)]
    t0, cpu0 = time.perf_counter(), _children_cpu()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if done.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    trained = float(re.search(r"trained [\d,]+ words in ([\d.]+)s", done.stderr).group(1))
    scored = [float(s) for s in re.findall(r"scored in ([\d.]+)s", done.stderr)]
    return {"wall": wall, "cpu": cpu, "train": trained, "scored": sum(scored),
            "epochs": len(scored)}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DATA / "wiki" / "wiki-17m.txt.gz")
    ap.add_argument("--analogies", type=Path, default=DATA / "eval" / "questions-words.txt")
    ap.add_argument("--similarity", type=Path, default=DATA / "eval" / "wordsim353.tsv")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="w2v-eval-overhead-"))
    try:
        train(args.corpus, work / "warm", argparse.Namespace(**{**vars(args), "epochs": 1}),
              True)  # compiles (or loads) the kernel and the analogy scan once
        pairs = []
        for rep in range(args.repeats):
            if rep % 2:  # alternate which goes first
                timed = train(args.corpus, work / "eval", args, True)
                plain = train(args.corpus, work / "plain", args, False)
            else:
                plain = train(args.corpus, work / "plain", args, False)
                timed = train(args.corpus, work / "eval", args, True)
            pairs.append((plain, timed))
            print(f"repeat {rep + 1}: without {plain['wall']:.1f}s wall, {plain['cpu']:.1f}s CPU "
                  f"({plain['train']:.1f}s training); with {timed['wall']:.1f}s wall, "
                  f"{timed['cpu']:.1f}s CPU ({timed['train']:.1f}s training + "
                  f"{timed['scored']:.2f}s scoring {timed['epochs']} epochs)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    scored = statistics.median(t["scored"] / t["train"] for _, t in pairs)
    wall = statistics.median(t["wall"] / p["wall"] - 1 for p, t in pairs)
    cpu = statistics.median(t["cpu"] / p["cpu"] - 1 for p, t in pairs)
    per_epoch = statistics.median(t["scored"] / t["epochs"] for _, t in pairs)
    print(f"scoring: {per_epoch:.2f}s per epoch, {100 * scored:.1f}% of the training time; "
          f"with evaluation, CPU time {100 * cpu:+.1f}%, wall time {100 * wall:+.1f}% "
          f"(medians of {args.repeats})")


if __name__ == "__main__":
    main()
