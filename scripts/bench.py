#!/usr/bin/env python3
"""Benchmark w2v against gensim (and optionally word2vec.c) on one corpus, same settings.

Runs alternate between tools (w2v, gensim, word2vec.c, w2v, gensim, ...) so that the shared,
noisy machine's slow spells hit all of them; medians of ``--repeats`` runs are reported, with
ratios taken within this one run. Every tool runs in its own process under ``/usr/bin/time``
for its peak RSS. Quality is scored for every tool by the same evaluator (gensim's
``evaluate_word_analogies`` with restrict_vocab 30,000, and ``evaluate_word_pairs`` on
WordSim-353), so differences come from the vectors, not the scorer.

``--combos`` picks the architectures and losses (sg-ns, cbow-ns, sg-hs, cbow-hs); every tool
gets the same settings for each: word2vec.c's ``-cbow``/``-hs``/``-negative``, gensim's
``sg``/``hs``/``negative`` (0 with hierarchical softmax, which w2v trains alone), and the same
lr (``--lr`` for skip-gram, ``--cbow-lr`` for CBOW, word2vec.c's defaults 0.025 and 0.05).

Throughput = raw corpus tokens x epochs / training seconds. Training seconds: w2v's own
"trained ... in Xs" line, gensim's ``train()`` time, word2vec.c's wall time minus nothing (it
prints no split; its vocabulary pass is a few percent of the total).

Usage:
  python scripts/bench.py --corpus ../shared/data/wiki/wiki-17m.txt.gz --repeats 3 \\
      --threads 1 2 --dims 100 --word2vec-c /path/to/patched/word2vec
  python scripts/bench.py --corpus ../shared/data/wiki/wiki-17m.txt.gz --repeats 3 \\
      --combos sg-ns cbow-ns sg-hs cbow-hs
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"

GENSIM_JOB = r"""
import json, sys, time, logging
from gensim.models import Word2Vec
corpus, out = sys.argv[1], sys.argv[2]
dim, threads, epochs, sg, hs = map(int, sys.argv[3:8])
alpha = float(sys.argv[8])
seed = int(sys.argv[9]) if len(sys.argv) > 9 else 1
t0 = time.perf_counter()
model = Word2Vec(sg=sg, hs=hs, negative=0 if hs else 5, cbow_mean=1, vector_size=dim, window=5,
                 sample=1e-3, min_count=5, workers=threads, epochs=epochs, alpha=alpha,
                 min_alpha=0.0001, seed=seed)
model.build_vocab(corpus_file=corpus)
t1 = time.perf_counter()
model.train(corpus_file=corpus, total_examples=model.corpus_count,
            total_words=model.corpus_total_words, epochs=epochs)
t2 = time.perf_counter()
model.wv.save_word2vec_format(out, binary=True)
print(json.dumps({"train_seconds": t2 - t1, "vocab_seconds": t1 - t0}))
"""


def plain_text(corpus: Path, workdir: Path) -> Path:
    """gensim's corpus_file and word2vec.c need an uncompressed file."""
    if corpus.suffix != ".gz":
        return corpus
    out = workdir / corpus.name.removesuffix(".gz")
    with gzip.open(corpus, "rb") as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return out


def count_tokens(path: Path) -> int:
    n = 0
    with open(path, "rb") as f:
        for line in f:
            n += len(line.split())
    return n


def timed(cmd: list[str], env=None) -> tuple[str, float, float]:
    """Run cmd under /usr/bin/time; returns (stdout+stderr, wall seconds, peak RSS in MB)."""
    fd, tfile = tempfile.mkstemp()
    os.close(fd)
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", tfile, *cmd],
        capture_output=True, text=True, env=env,
    )
    wall = time.perf_counter() - t0
    rss_kb = int(Path(tfile).read_text().split()[-1])
    os.unlink(tfile)
    if proc.returncode:
        sys.exit(f"command failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return proc.stdout + proc.stderr, wall, rss_kb / 1024


class Combo:
    """One architecture + loss, e.g. "cbow-hs", and the lr every tool gets for it."""

    def __init__(self, name: str, lr: float, cbow_lr: float):
        self.name = name
        self.arch, self.loss = name.split("-")
        self.lr = cbow_lr if self.arch == "cbow" else lr
        self.negative = 0 if self.loss == "hs" else 5


def run_w2v(corpus, out, dim, threads, epochs, combo: Combo, seed=1, extra=()):
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "w2v", "train", str(corpus), "--out", str(out),
           "--dim", str(dim), "--threads", str(threads), "--epochs", str(epochs),
           "--checkpoint-every", "1000h", "--arch", combo.arch, "--loss", combo.loss,
           "--negative", str(combo.negative), "--lr", str(combo.lr), "--seed", str(seed),
           *extra]
    text, wall, rss = timed(cmd)
    m = re.search(r"trained [\d,]+ words in ([\d.]+)s", text)
    return {"train_seconds": float(m.group(1)), "wall": wall, "rss_mb": rss,
            "vectors": out / "vectors.bin"}


def run_gensim(corpus, out, dim, threads, epochs, combo: Combo, seed=1):
    vec = out / "gensim.bin"
    out.mkdir(parents=True, exist_ok=True)
    args = [dim, threads, epochs, int(combo.arch == "sg"), int(combo.loss == "hs"), combo.lr,
            seed]
    text, wall, rss = timed([sys.executable, "-c", GENSIM_JOB, str(corpus), str(vec),
                             *map(str, args)])
    info = json.loads(text.strip().splitlines()[-1])
    return {"train_seconds": info["train_seconds"], "wall": wall, "rss_mb": rss, "vectors": vec}


def run_word2vec_c(binary, corpus, out, dim, threads, epochs, combo: Combo):
    vec = out / "w2vc.bin"
    out.mkdir(parents=True, exist_ok=True)
    cmd = [binary, "-train", str(corpus), "-output", str(vec),
           "-cbow", str(int(combo.arch == "cbow")), "-size", str(dim), "-window", "5",
           "-negative", str(combo.negative), "-hs", str(int(combo.loss == "hs")),
           "-sample", "1e-3", "-min-count", "5", "-threads", str(threads), "-iter", str(epochs),
           "-binary", "1", "-alpha", str(combo.lr)]
    _, wall, rss = timed(cmd)
    return {"train_seconds": wall, "wall": wall, "rss_mb": rss, "vectors": vec}


def warm_corpus(corpus: Path, workdir: Path, lines: int = 20_000) -> Path:
    """The corpus's first lines: enough to load (or compile) every kernel before timing."""
    out = workdir / "warm.txt"
    with open(corpus, "rb") as src, open(out, "wb") as dst:
        for _, line in zip(range(lines), src):
            dst.write(line)
    return out


def quality(vectors: Path, data: Path) -> dict:
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(str(vectors), binary=True)
    acc, sections = kv.evaluate_word_analogies(
        str(data / "eval" / "questions-words.txt"), restrict_vocab=30000
    )
    total = next(s for s in sections if s["section"] == "Total accuracy")
    seen = len(total["correct"]) + len(total["incorrect"])
    pearson, spearman, oov = kv.evaluate_word_pairs(str(data / "eval" / "wordsim353.tsv"))
    return {"analogy": acc, "analogy_seen": seen, "ws353": spearman.statistic
            if hasattr(spearman, "statistic") else spearman[0], "ws353_oov": oov}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_DATA / "wiki" / "wiki-1.5m.txt.gz")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with eval/")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, nargs="+", default=[2])
    ap.add_argument("--dims", type=int, nargs="+", default=[100])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--combos", nargs="+", default=["sg-ns"],
                    choices=["sg-ns", "cbow-ns", "sg-hs", "cbow-hs"],
                    help="architecture-loss combinations to run")
    ap.add_argument("--lr", type=float, default=0.025, help="skip-gram's lr, for every tool")
    ap.add_argument("--cbow-lr", type=float, default=0.05, help="CBOW's lr, for every tool")
    ap.add_argument("--word2vec-c", help="path to a word2vec.c binary built outside the repo "
                    "(patched to reset eof between epochs)")
    ap.add_argument("--tools", nargs="+", default=["w2v", "gensim"],
                    help="subset of w2v gensim word2vec.c")
    ap.add_argument("--json", type=Path, help="write all raw results here")
    return ap.parse_args(argv)


def run_tool(tool, args, corpus, out, dim, threads, combo):
    if tool == "w2v":
        return run_w2v(corpus, out, dim, threads, args.epochs, combo)
    if tool == "gensim":
        return run_gensim(corpus, out, dim, threads, args.epochs, combo)
    return run_word2vec_c(args.word2vec_c, corpus, out, dim, threads, args.epochs, combo)


def print_table(results) -> None:
    print("| combo | dim | threads | tool | train words/s (median) | wall s | peak RSS MB | "
          "analogy (seen) | WS353 rho | words/s vs gensim | vs word2vec.c |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for res in results:
        med = {t: statistics.median(r["words_per_s"] for r in rs) for t, rs in res["runs"].items()}
        for tool, rs in res["runs"].items():
            q = rs[0]
            vs_g = med[tool] / med["gensim"] if "gensim" in med else float("nan")
            vs_c = med[tool] / med["word2vec.c"] if "word2vec.c" in med else float("nan")
            print(f"| {res['combo']} | {res['dim']} | {res['threads']} | {tool} | "
                  f"{med[tool]:,.0f} | {statistics.median(r['wall'] for r in rs):.1f} | "
                  f"{statistics.median(r['rss_mb'] for r in rs):.0f} | "
                  f"{100 * q['analogy']:.1f}% ({q['analogy_seen']}) | {q['ws353']:.3f} | "
                  f"{vs_g:.2f} | {vs_c:.2f} |")


def main(argv=None):
    args = parse_args(argv)
    tools = list(args.tools)
    if args.word2vec_c and "word2vec.c" not in tools:
        tools.append("word2vec.c")
    combos = [Combo(name, args.lr, args.cbow_lr) for name in args.combos]
    work = Path(tempfile.mkdtemp(prefix="w2v-bench-"))
    corpus = plain_text(args.corpus.resolve(), work)
    tokens = count_tokens(corpus)
    print(f"# corpus {args.corpus} ({tokens:,} tokens), {args.epochs} epochs, "
          f"repeats {args.repeats}, tools {tools}, combos {args.combos}", flush=True)
    warm = warm_corpus(corpus, work)
    for combo in combos:  # so that no timed w2v run pays for numba compilation
        run_w2v(warm, work / "warm", 10, 1, 1, combo)

    results = []
    for dim in args.dims:
        for threads in args.threads:
            for combo in combos:
                runs = {t: [] for t in tools}
                for rep in range(args.repeats):
                    for tool in tools:
                        out = work / f"{tool}-{combo.name}-{dim}-{threads}-{rep}"
                        r = run_tool(tool, args, corpus, out, dim, threads, combo)
                        r["words_per_s"] = tokens * args.epochs / r["train_seconds"]
                        if rep == 0:
                            r.update(quality(r["vectors"], args.data))
                        r["vectors"] = str(r["vectors"])
                        runs[tool].append(r)
                        print(f"  {combo.name} dim {dim} threads {threads} rep {rep} {tool}: "
                              f"{r['words_per_s']:,.0f} words/s, {r['wall']:.1f}s wall, "
                              f"{r['rss_mb']:.0f} MB", flush=True)
                results.append({"combo": combo.name, "dim": dim, "threads": threads,
                                "runs": runs})
    print()
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
