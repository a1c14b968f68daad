"""Time the front end (count + encode of a corpus, ``text.encoded.count_and_encode``), old
against new: the median of several runs, each in a fresh process, so that every run pays what a
real ``w2v train`` pays (numba's first compiled call included), with the peak RSS and the sha256
of the ids file (old and new must write the same bytes).

    python scripts/frontend_bench.py /work/shared/data/wiki/wiki-17m.txt.gz --old /work/base

``--old`` is a source tree whose ``w2v`` is the version to compare with (another worktree or a
checkout); without it only this tree is timed. Other jobs on the machine make timings noisy:
the load average before and after is printed, and the process CPU time next to the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

CHILD = r"""
import hashlib, inspect, json, resource, sys, time
from w2v.text import encoded
path, out, kw = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if "threads" not in inspect.signature(encoded.count_and_encode).parameters:
    kw.pop("threads", None)  # the old, single-threaded version
base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
def run():
    t, c = time.perf_counter(), time.process_time()
    gen = encoded.count_and_encode(path, out, min_count=5, **kw)
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value, time.perf_counter() - t, time.process_time() - c
vocab, wall, cpu = run()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(out, "rb") as f:
    sha = hashlib.sha256(f.read()).hexdigest()
warm = run()[1]  # again in the same process: numba's one-time start-up already paid
print(json.dumps({"wall": wall, "cpu": cpu, "warm": warm, "rss_mb": rss / 1024,
                  "base_rss_mb": base_rss / 1024, "sha256": sha, "words": len(vocab)}))
"""


def one_run(tree: Path, corpus: str, out: Path, kw: dict) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run([sys.executable, "-c", CHILD, corpus, str(out), json.dumps(kw)],
                          env=env, capture_output=True, text=True, cwd=tree)
    if done.returncode:
        sys.exit(f"run failed in {tree}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary(name: str, runs: list[dict]) -> str:
    walls = [r["wall"] for r in runs]
    return (f"{name:<14} wall median {statistics.median(walls):6.2f} s "
            f"(min {min(walls):.2f}, max {max(walls):.2f}), "
            f"cpu {statistics.median(r['cpu'] for r in runs):5.2f} s, "
            f"warm {statistics.median(r['warm'] for r in runs):5.2f} s, "
            f"peak RSS {max(r['rss_mb'] for r in runs):5.0f} MB "
            f"(after imports {max(r['base_rss_mb'] for r in runs):.0f}), "
            f"{runs[0]['words']} words, sha256 {runs[0]['sha256'][:16]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--old", type=Path, help="source tree of the version to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", default="1,2", help="thread counts for the new version")
    args = parser.parse_args()
    setups = [(f"new, {t} thread{'s' * (t > 1)}", HERE, {"threads": t})
              for t in map(int, args.threads.split(","))]
    if args.old:
        setups.insert(0, ("old", args.old.resolve(), {}))
    print(f"{args.corpus}: {args.runs} runs each; load average {os.getloadavg()[0]:.2f}")
    shas = set()
    with tempfile.TemporaryDirectory() as tmp:
        for name, tree, kw in setups:
            runs = [one_run(tree, args.corpus, Path(tmp) / "ids", kw) for _ in range(args.runs)]
            shas |= {r["sha256"] for r in runs}
            print(summary(name, runs), flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}; ids files "
          + ("identical" if len(shas) == 1 else f"DIFFER: {sorted(shas)}"))
    if len(shas) != 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
