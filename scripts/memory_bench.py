#!/usr/bin/env python3
"""Whole-process wall time, training words/s and peak RSS of w2v against gensim 4.4, one table
per command: the two tools alternate (w2v, gensim, w2v, ...) so a shared machine's slow spells
hit both, and each figure is the median of ``--repeats`` runs.

- Peak RSS is the child's ``ru_maxrss`` from ``wait4`` (what ``/usr/bin/time -v`` reports as
  "Maximum resident set size"), exact rather than sampled.
- ``--timeline FILE`` also samples each run's VmRSS every 20 ms and stamps w2v's log lines, and
  prints the peak RSS of each phase (counting, training, checkpoint, export): where the memory
  goes. The "bound" is the issue's: 1.1 x the two (V, d) float32 matrices + 150 MB.
- Training seconds: w2v's "trained ... in Xs" line (compilation excluded); gensim's ``train()``.
  Words/s = raw corpus tokens x epochs / training seconds, for both.
- gensim reads ``corpus_file`` (uncompressed: a ``.gz`` corpus is decompressed once into the
  work folder, and both tools read that copy) and writes word2vec binary, like w2v's default.

Tables (``--table`` fills the settings; flags after it override them):
  zipf-1m    the synthetic corpus of scripts/zipf_corpus.py (V = 1M, 30M tokens), d = 300,
             1 epoch, min_count 1, 2 threads
  wiki17m-1  wiki-17m, 1 epoch, min_count 1 (222k words), d = 100, 2 threads
  wiki17m-5  wiki-17m, 5 epochs, defaults;  wiki1.5m-5  wiki-1.5m, 5 epochs, defaults

Usage:
  python scripts/zipf_corpus.py --vocab 1000000 --tokens 30000000 --seed 0 -o /tmp/zipf-1m.txt
  python scripts/memory_bench.py --table zipf-1m --corpus /tmp/zipf-1m.txt --repeats 3
  python scripts/memory_bench.py --table wiki17m-1 --repeats 3 --timeline /tmp/tl.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the sibling bench.py, also when imported from elsewhere

from bench import count_tokens, plain_text  # noqa: E402  (gensim's and word2vec.c's input)

WIKI = HERE.parent.parent / "shared" / "data" / "wiki"

TABLES = {
    "zipf-1m": dict(corpus=None, dim=300, epochs=1, min_count=1, threads=2),
    "wiki17m-1": dict(corpus=WIKI / "wiki-17m.txt.gz", dim=100, epochs=1, min_count=1,
                      threads=2),
    "wiki17m-5": dict(corpus=WIKI / "wiki-17m.txt.gz", dim=100, epochs=5, min_count=5,
                      threads=2),
    "wiki1.5m-5": dict(corpus=WIKI / "wiki-1.5m.txt.gz", dim=100, epochs=5, min_count=5,
                       threads=2),
}

GENSIM_JOB = r"""
import json, sys, time
from gensim.models import Word2Vec
corpus, out = sys.argv[1], sys.argv[2]
dim, threads, epochs, min_count = map(int, sys.argv[3:7])
t0 = time.perf_counter()
model = Word2Vec(sg=1, hs=0, negative=5, vector_size=dim, window=5, sample=1e-3,
                 min_count=min_count, workers=threads, epochs=epochs, alpha=0.025,
                 min_alpha=0.0001, seed=1)
model.build_vocab(corpus_file=corpus)
t1 = time.perf_counter()
model.train(corpus_file=corpus, total_examples=model.corpus_count,
            total_words=model.corpus_total_words, epochs=epochs)
t2 = time.perf_counter()
model.wv.save_word2vec_format(out, binary=True)
print(json.dumps({"train_seconds": t2 - t1, "vocab": len(model.wv)}))
"""




def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def measure(cmd: list[str], sample: bool) -> dict:
    """Run ``cmd``; its output lines with their times, wall seconds, peak RSS (MB) and, if
    ``sample``, a VmRSS timeline [(seconds, MB)]."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[tuple[float, str]] = []

    def read():
        for line in proc.stdout:
            lines.append((time.perf_counter() - t0, line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timeline, hwm = [], None
    while True:  # wait4, not Popen.poll: the rusage (peak RSS) comes with the reaping
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG if sample else 0)
        if pid:
            break
        rss, hwm = _status_kb(proc.pid, "VmRSS:"), _status_kb(proc.pid, "VmHWM:") or hwm
        if rss is not None:
            timeline.append((round(time.perf_counter() - t0, 3), round(rss / 1024, 1)))
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    if proc.returncode:
        tail = "\n".join(text for _, text in lines[-30:])
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")
    # Linux's ru_maxrss of a child also counts the parent's RSS at the fork (exec keeps the
    # old mm's high-water mark), which matters from a large parent (pytest); the child's own
    # VmHWM, sampled until 20 ms before it exits, does not. Unsampled, the parent is this
    # small script.
    peak_kb = hwm or usage.ru_maxrss
    return {"wall": wall, "rss_mb": peak_kb / 1024, "lines": lines,
            "timeline": timeline}


def run_w2v(corpus: Path, out: Path, s: dict, extra: list[str], sample: bool) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "w2v", "train", str(corpus), "--out", str(out),
           "--dim", str(s["dim"]), "--threads", str(s["threads"]), "--epochs", str(s["epochs"]),
           "--min-count", str(s["min_count"]), "--checkpoint-every", "1000h", *extra]
    r = measure(cmd, sample)
    text = "\n".join(t for _, t in r["lines"])
    m = re.search(r"trained [\d,]+ words in ([\d.]+)s", text)
    v = re.search(r"vocabulary: ([\d,]+) words", text)
    r.update(train_seconds=float(m.group(1)), vocab=int(v.group(1).replace(",", "")))
    inodes = {(st.st_dev, st.st_ino): st.st_size for st in (p.stat() for p in out.rglob("*")
                                                             if p.is_file())}
    r["disk_mb"] = sum(inodes.values()) / 1e6  # a hard link's file counted once
    shutil.rmtree(out, ignore_errors=True)
    return r


def run_gensim(corpus: Path, out: Path, s: dict, sample: bool) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    vec = out / "gensim.bin"
    r = measure([sys.executable, "-c", GENSIM_JOB, str(corpus), str(vec), str(s["dim"]),
                 str(s["threads"]), str(s["epochs"]), str(s["min_count"])], sample)
    r.update(json.loads(r["lines"][-1][1]))
    r["disk_mb"] = vec.stat().st_size / 1e6
    shutil.rmtree(out, ignore_errors=True)
    return r


SETTING_LINE = re.compile(r"^[a-z_]+ = ")  # the resolved config w2v prints first


def phases(r: dict) -> list[tuple[str, float, float]]:
    """(log line, seconds, peak VmRSS MB from that line to the next): memory by phase."""
    marks = [(0.0, "start")] + [(t, text[:60]) for t, text in r["lines"]
                                if not SETTING_LINE.match(text)] + [(r["wall"], "end")]
    out = []
    for (t0, text), (t1, _) in zip(marks, marks[1:]):
        inside = [mb for t, mb in r["timeline"] if t0 <= t < t1]
        out.append((text, t1 - t0, max(inside, default=float("nan"))))
    return out


def report(runs: dict, s: dict, tokens: int) -> None:
    med = {tool: {k: statistics.median(r[k] for r in rs)
                  for k in ("wall", "rss_mb", "train_seconds", "disk_mb")}
           for tool, rs in runs.items()}
    print("\n| tool | wall s | train s | train words/s | peak RSS MB | disk MB | "
          "wall vs gensim | words/s vs gensim |")
    print("|---|---|---|---|---|---|---|---|")
    for tool, m in med.items():
        rate = tokens * s["epochs"] / m["train_seconds"]
        g = med.get("gensim")
        vs_wall = g["wall"] / m["wall"] if g else float("nan")
        vs_rate = g["train_seconds"] / m["train_seconds"] if g else float("nan")
        print(f"| {tool} | {m['wall']:.1f} | {m['train_seconds']:.1f} | {rate:,.0f} | "
              f"{m['rss_mb']:.0f} | {m['disk_mb']:.0f} | {vs_wall:.2f}x | {vs_rate:.2f}x |")
    if "w2v" in runs:
        V = runs["w2v"][0]["vocab"]
        matrices = 2 * V * s["dim"] * 4 / 2**20
        print(f"\nV = {V:,}, d = {s['dim']}: the two matrices are {matrices:,.0f} MB; the bound "
              f"1.1 x matrices + 150 MB is {1.1 * matrices + 150:,.0f} MB")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--table", choices=sorted(TABLES), required=True)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dim", type=int)
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--min-count", type=int)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--tools", nargs="+", default=["w2v", "gensim"], choices=["w2v", "gensim"])
    ap.add_argument("--w2v-args", default="", help="extra w2v train flags, one string")
    ap.add_argument("--timeline", type=Path, help="sample VmRSS; write the runs here as JSON")
    ap.add_argument("--workdir", type=Path, help="[default: a temporary folder]")
    args = ap.parse_args(argv)
    s = dict(TABLES[args.table])
    for key in ("corpus", "dim", "epochs", "min_count", "threads"):
        if getattr(args, key) is not None:
            s[key] = getattr(args, key)
    if s["corpus"] is None:
        sys.exit(f"--table {args.table} needs --corpus (see scripts/zipf_corpus.py)")
    work = Path(tempfile.mkdtemp(prefix="w2v-mem-", dir=args.workdir))
    try:
        corpus = plain_text(Path(s["corpus"]).resolve(), work)
        tokens = count_tokens(corpus)
        print(f"# {args.table}: {s['corpus']} ({tokens:,} tokens), dim {s['dim']}, "
              f"{s['epochs']} epochs, min_count {s['min_count']}, {s['threads']} threads, "
              f"median of {args.repeats}", flush=True)
        if "w2v" in args.tools:  # numba's cache: no timed run compiles
            warm = work / "warm.txt"
            with open(corpus, "rb") as src, open(warm, "wb") as dst:
                dst.writelines(line for _, line in zip(range(20_000), src))
            run_w2v(warm, work / "warm", dict(s, dim=10, epochs=1), [], False)
        runs = {t: [] for t in args.tools}
        for rep in range(args.repeats):
            for tool in args.tools:
                out = work / f"{tool}-{rep}"
                sample = args.timeline is not None
                r = (run_w2v(corpus, out, s, args.w2v_args.split(), sample) if tool == "w2v"
                     else run_gensim(corpus, out, s, sample))
                runs[tool].append(r)
                print(f"  rep {rep} {tool}: {r['wall']:.1f}s wall, {r['train_seconds']:.1f}s "
                      f"training, {r['rss_mb']:.0f} MB peak", flush=True)
                if sample:
                    for text, secs, mb in phases(r):
                        print(f"      {secs:7.2f}s {mb:8.0f} MB  {text}")
        report(runs, s, tokens)
        if args.timeline:
            args.timeline.write_text(json.dumps(runs))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
