#!/usr/bin/env python3
"""Kill a training run with SIGKILL at random moments, resume it each time, and check that no
checkpoint is ever lost or corrupt and that the result is bit-identical to an uninterrupted run.

Each round starts ``w2v train`` (with ``--resume`` once a checkpoint exists), waits a random
time, and sends SIGKILL: mid-chunk, mid-checkpoint-write or during start-up alike. After every
kill the latest checkpoint must load and pass its sha256 check, and training progress must never
go backwards. After ``--kills`` kills the run is resumed to the end and its vectors compared
byte for byte with those of one uninterrupted run (both with one thread).

Usage:
  python scripts/crash_test.py ../shared/data/wiki/wiki-1.5m.txt.gz --kills 20
"""

from __future__ import annotations

import argparse
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
from w2v.train import checkpoint


def train_cmd(corpus: Path, out: Path, args, resume: bool) -> list[str]:
    cmd = [sys.executable, "-m", "w2v", "train", str(corpus), "--out", str(out), "--quiet",
           "--threads", "1", "--epochs", str(args.epochs), "--dim", str(args.dim),
           "--checkpoint-every", args.checkpoint_every]
    return cmd + ["--resume"] if resume else cmd


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--dim", type=int, default=50)
    ap.add_argument("--checkpoint-every", default="100k")
    ap.add_argument("--min-wait", type=float, default=1.0, help="seconds before a kill, at least")
    ap.add_argument("--max-wait", type=float, default=4.0, help="seconds before a kill, at most")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args(argv)

    rnd = random.Random(args.seed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="w2v-crash-"))
    run, reference = work / "killed", work / "whole"
    shutil.rmtree(run, ignore_errors=True)
    shutil.rmtree(reference, ignore_errors=True)

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
          f"{corrupt} corrupt, final identical: {'yes' if identical else 'no'}")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if identical and not corrupt and kills == args.kills else 1


if __name__ == "__main__":
    sys.exit(main())
