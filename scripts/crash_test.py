#!/usr/bin/env python3
"""Kill a training run with SIGKILL at random moments, resume it each time, and check that no
checkpoint is ever lost or corrupt and that the result is bit-identical to an uninterrupted run.

Each round starts ``w2v train`` (with ``--resume`` once a checkpoint exists), waits a random
time, and sends SIGKILL: mid-chunk, mid-checkpoint-write or during start-up alike. After every
kill the latest checkpoint must load and pass its sha256 check, and training progress must never
go backwards. After ``--kills`` kills the run is resumed to the end and its vectors compared
byte for byte with those of one uninterrupted run (both with one thread).

The run is sized to the kills: one-epoch probes measure the training seconds per epoch (from
their state.json), and the run gets the fewest epochs whose training outlasts ``--kills`` rounds
of ``--max-wait`` seconds by a margin, so it cannot finish before the last kill however fast
the kernel gets.

Usage:
  python scripts/crash_test.py ../shared/data/wiki/wiki-1.5m.txt.gz --kills 20
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from w2v.errors import CheckpointError
from w2v.run import checkpoint

# The run's training must outlast kills x max-wait by this factor, so that it still does if the
# machine runs faster than during the probe (the probe shares the cores with whatever else runs).
MARGIN = 1.5


def train_cmd(corpus: Path, out: Path, args, resume: bool) -> list[str]:
    cmd = [sys.executable, "-m", "w2v", "train", str(corpus), "--out", str(out), "--quiet",
           "--threads", "1", "--epochs", str(args.epochs), "--dim", str(args.dim),
           "--checkpoint-every", args.checkpoint_every]
    return cmd + ["--resume"] if resume else cmd


def epochs_for(kills: int, max_wait: float, epoch_seconds: float, margin: float = MARGIN) -> int:
    """The fewest epochs whose training takes longer than ``margin * kills * max_wait`` seconds.

    Each round trains for less than ``max_wait`` seconds before its kill (start-up and the work
    lost since the last checkpoint only shorten that), so a run this long is unfinished at the
    last kill. E.g. 20 kills of at most 4 s with 1.5 s epochs: 1.5 * 80 s / 1.5 s = 80 epochs
    take exactly 120 s, not longer, so 81.

    >>> epochs_for(20, 4.0, 1.5)
    81
    """
    return max(1, math.floor(margin * kills * max_wait / epoch_seconds) + 1)


def seconds_per_epoch(corpus: Path, probe: Path, args) -> float:
    """Train one epoch into ``probe`` twice and return the shorter training time (start-up
    excluded, from state.json). numba compiles lazily, inside the first run's timed loop when its
    cache is cold; the second run loads the cache, so its time is the kernel's. The shorter one
    also errs towards more epochs."""
    one = argparse.Namespace(**{**vars(args), "epochs": 1})
    times = []
    for _ in range(2):
        subprocess.run(train_cmd(corpus, probe, one, False), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        state = json.loads((probe / "state.json").read_text(encoding="utf-8"))
        times.append(state["train_seconds"])
        shutil.rmtree(probe, ignore_errors=True)
    return min(times)


def parse_args(argv) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--epochs", type=int,
                    help="passes over the corpus; default: enough to outlast the kills")
    ap.add_argument("--dim", type=int, default=50)
    ap.add_argument("--checkpoint-every", default="100k")
    ap.add_argument("--min-wait", type=float, default=1.0, help="seconds before a kill, at least")
    ap.add_argument("--max-wait", type=float, default=4.0, help="seconds before a kill, at most")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path)
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    rnd = random.Random(args.seed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="w2v-crash-"))
    run, reference = work / "killed", work / "whole"
    shutil.rmtree(run, ignore_errors=True)
    shutil.rmtree(reference, ignore_errors=True)

    t0 = time.monotonic()
    if args.epochs is None:
        epoch_seconds = seconds_per_epoch(args.corpus, work / "probe", args)
        args.epochs = epochs_for(args.kills, args.max_wait, epoch_seconds)
        print(f"# one epoch trains in {epoch_seconds:.2f}s: {args.epochs} epochs "
              f"(~{args.epochs * epoch_seconds:.0f}s) outlast {args.kills} kills of at most "
              f"{args.max_wait}s", flush=True)
    print(f"# uninterrupted reference run into {reference}", flush=True)
    subprocess.run(train_cmd(args.corpus, reference, args, False), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    kills = resumes = corrupt = mid_write = finished_early = 0
    last_words = 0
    while kills < args.kills:
        resume = checkpoint.has_checkpoint(run)
        resumes += resume
        proc = subprocess.Popen(train_cmd(args.corpus, run, args, resume),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(args.min_wait, args.max_wait))
        if proc.poll() is not None:  # it finished (or failed) before the kill
            finished_early += 1
            if proc.returncode != 0:
                print(f"run failed with exit code {proc.returncode}", flush=True)
                return 1
            print(f"the run finished after {kills} of {args.kills} kills: too few epochs",
                  flush=True)
            break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
        leftovers = list((run / "checkpoints").glob(".tmp-*")) if run.exists() else []
        mid_write += bool(leftovers)
        status = "no checkpoint yet"
        if checkpoint.has_checkpoint(run):
            try:
                ckpt = checkpoint.latest(run, warn=lambda m: None)
                words = ckpt.state["words_done"]
                if words < last_words:
                    raise CheckpointError(f"progress went back from {last_words} to {words}")
                last_words = words
                status = f"{ckpt.path.name} loads, sha256 ok, {words:,} words"
            except CheckpointError as e:
                corrupt += 1
                status = f"CORRUPT: {e}"
        print(f"kill {kills:2d}{' (mid-write)' if leftovers else ''}: {status}", flush=True)

    if not (run / "vectors.npy").exists():
        resumes += checkpoint.has_checkpoint(run)
        subprocess.run(train_cmd(args.corpus, run, args, checkpoint.has_checkpoint(run)),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    identical = (run / "vectors.npy").read_bytes() == (reference / "vectors.npy").read_bytes()
    print(f"{kills} kills ({mid_write} during a checkpoint write), {resumes} resumes, "
          f"{corrupt} corrupt, final identical: {'yes' if identical else 'no'} "
          f"({args.epochs} epochs, {time.monotonic() - t0:.0f}s)")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if identical and not corrupt and kills == args.kills else 1


if __name__ == "__main__":
    sys.exit(main())
