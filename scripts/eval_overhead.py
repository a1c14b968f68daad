#!/usr/bin/env python3
"""What evaluation during training costs: ``w2v train`` with and without ``--eval-analogies``
and ``--eval-similarity``, same corpus and settings, runs alternating so that a noisy shared
machine's slow spells hit both.

Two figures per pair of runs:

- ``scored``: the seconds the epochs' evaluations took (the "scored in" of each epoch line)
  over the training seconds ("trained ... in Xs", which leaves evaluation out): the cost
  itself, and little disturbed by other load;
- ``wall``: the whole command's wall time with evaluation over without: what the user sees,
  noisy on a shared machine.

The issue's budget is 5% on a 5-epoch wiki-17m run. Usage (from the repo root):

  python scripts/eval_overhead.py --corpus ../shared/data/wiki/wiki-17m.txt.gz --repeats 3
"""

from __future__ import annotations

import argparse
import re
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
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    trained = float(re.search(r"trained [\d,]+ words in ([\d.]+)s", done.stderr).group(1))
    scored = [float(s) for s in re.findall(r"scored in ([\d.]+)s", done.stderr)]
    return {"wall": wall, "train": trained, "scored": sum(scored), "epochs": len(scored)}


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
            plain = train(args.corpus, work / "plain", args, False)
            timed = train(args.corpus, work / "eval", args, True)
            pairs.append((plain, timed))
            print(f"repeat {rep + 1}: without {plain['wall']:.1f}s wall ({plain['train']:.1f}s "
                  f"training); with {timed['wall']:.1f}s wall ({timed['train']:.1f}s training "
                  f"+ {timed['scored']:.2f}s scoring {timed['epochs']} epochs)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    scored = statistics.median(t["scored"] / t["train"] for _, t in pairs)
    wall = statistics.median(t["wall"] / p["wall"] - 1 for p, t in pairs)
    per_epoch = statistics.median(t["scored"] / t["epochs"] for _, t in pairs)
    print(f"scoring: {per_epoch:.2f}s per epoch, {100 * scored:.1f}% of the training time; "
          f"wall time with evaluation {100 * wall:+.1f}% (medians of {args.repeats})")


if __name__ == "__main__":
    main()
