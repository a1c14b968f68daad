#!/usr/bin/env python3
"""Whole runs against peers: wall time from start to the last file written, same settings.

Each tool trains the same plain-text corpus in its own process, start to finish (reading,
vocabulary, training, writing the vectors), and the wall time of that process is its score;
peak RSS comes from ``/usr/bin/time``. The tools:

- w2v: ``python -m w2v train`` from the tree this script lives in, its default outputs
  (checkpoint, vectors.npy, vectors.bin); a warm-up run on the corpus's first lines first, so
  no timed run pays for numba compilation (its on-disk cache, as any second run of a user);
- gensim ``Word2Vec`` (``corpus_file``, its fastest multi-worker mode; scripts/bench.py's job);
- word2vec.c, built with the eof fix by scripts/peers.py (``--word2vec-c``, or built into
  peers.py's default folder outside the repository when not given);
- fastText's C++ core through the ``fasttext`` pip package (which has no command line):
  ``train_unsupervised`` with minn 0, maxn 0 (no subwords) and bucket 0, as its command line
  sets bucket when maxn is 0 (else 2M unused n-gram rows are allocated and initialised), then
  the word vectors written in word2vec's binary format. With ``--threads 1`` the package
  initialises only the first tenth of the input rows (the rest start at zero; docs/benchmarks.md),
  which lowers fastText's quality columns but not its time.

Settings for every tool: dim, window 5, K = 5 negatives, sample 1e-3, min count 5, epochs,
threads, the same lr (0.025 skip-gram, 0.05 CBOW, linear decay). Tools alternate within every
repeat, starting one tool later each repeat, so that a slow spell of the shared machine hits
all of them; the table gives medians of ``--repeats`` and the ratios (peer wall / w2v wall)
from this one run. Quality: scripts/bench.py's evaluator (gensim's analogy scorer with
restrict_vocab 30,000 and WordSim-353 Spearman) for every run's vectors, averaged over the
repeats, whose seeds are 1, 2, 3, ... (word2vec.c's and the fasttext package's are fixed). A
second table gives training words/s (training alone) for w2v and gensim, which time it apart.

Usage:
  python scripts/whole_run_bench.py --corpus ../shared/data/wiki/wiki-17m.txt.gz \\
      --epochs 5 --threads 2 --repeats 3 --combos sg-ns cbow-ns
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench  # noqa: E402
import peers  # noqa: E402

# the shared data folder beside the checkout: /work/shared/data for /work/main or /work/wt/x
DEFAULT_DATA = next((p / "shared" / "data" for p in HERE.parents
                     if (p / "shared" / "data" / "eval").is_dir()), bench.DEFAULT_DATA)
W2V = {"w2v": [], "w2v-hs-skip": ["--hs-skip"], "w2v-ns-skip": ["--ns-skip"],
       "w2v-pairwise": ["--pairwise"]}  # w2v with these settings
TOOLS = ("w2v", "gensim", "word2vec.c", "fasttext", *list(W2V)[1:])
TRAINING_RATE = (*W2V, "gensim")  # the tools that report training time apart
TARGETS = {"sg": 5.0, "cbow": 3.0}  # issue 24: w2v's whole run this many times faster

FASTTEXT_JOB = r"""
import json, sys, time
import fasttext
corpus, out = sys.argv[1], sys.argv[2]
dim, threads, epochs, cbow, hs = map(int, sys.argv[3:8])
lr = float(sys.argv[8])
model = fasttext.train_unsupervised(
    corpus, model="cbow" if cbow else "skipgram", loss="hs" if hs else "ns", dim=dim, ws=5,
    neg=5, t=1e-3, minCount=5, epoch=epochs, thread=threads, lr=lr, minn=0, maxn=0,
    bucket=0, wordNgrams=1, verbose=0)
words, matrix = model.get_words(), model.get_input_matrix()
with open(out, "wb") as f:
    f.write(f"{len(words)} {matrix.shape[1]}\n".encode())
    for word, row in zip(words, matrix):
        f.write(word.encode() + b" " + row.astype("<f4").tobytes() + b"\n")
"""


def run_fasttext(corpus, out, dim, threads, epochs, combo: bench.Combo):
    vec = out / "fasttext.bin"
    out.mkdir(parents=True, exist_ok=True)
    args = [dim, threads, epochs, int(combo.arch == "cbow"), int(combo.loss == "hs"), combo.lr]
    _, wall, rss = bench.timed([sys.executable, "-c", FASTTEXT_JOB, str(corpus), str(vec),
                                *map(str, args)])
    return {"train_seconds": wall, "wall": wall, "rss_mb": rss, "vectors": vec}


def run_tool(tool, args, corpus, out, combo, seed):
    """One whole run; word2vec.c and the fasttext package take no seed (theirs is fixed)."""
    common = (corpus, out, args.dim, args.threads, args.epochs, combo)
    if tool in W2V:
        return bench.run_w2v(*common, seed=seed, extra=W2V[tool])
    if tool == "gensim":
        return bench.run_gensim(*common, seed=seed)
    if tool == "word2vec.c":
        return bench.run_word2vec_c(args.word2vec_c, *common)
    return run_fasttext(*common)


def rotated(tools: list[str], rep: int) -> list[str]:
    """The tools in the order of repeat ``rep``: each repeat starts one tool later.

    >>> rotated(["a", "b", "c"], 1)
    ['b', 'c', 'a']
    """
    k = rep % len(tools)
    return tools[k:] + tools[:k]


def run_combo(combo, tools, args, corpus, work) -> dict:
    runs = {t: [] for t in tools}
    for rep in range(args.repeats):
        for tool in rotated(tools, rep):
            out = work / f"{tool}-{combo.name}-{rep}"
            r = run_tool(tool, args, corpus, out, combo, seed=rep + 1)
            r.update(bench.quality(r["vectors"], args.data))
            r["vectors"] = str(r["vectors"])
            runs[tool].append(r)
            shutil.rmtree(out, ignore_errors=True)
            print(f"  {combo.name} rep {rep} {tool}: {r['wall']:.1f}s wall, "
                  f"{r['train_seconds']:.1f}s training, {r['rss_mb']:.0f} MB, analogy "
                  f"{100 * r['analogy']:.2f}%, WS353 {r['ws353']:.3f}", flush=True)
    return {"combo": combo.name, "runs": runs}


def print_table(results, tools) -> None:
    """Whole-run walls (medians) and quality (means over the repeats' seeds), every tool."""
    peers_ = [t for t in tools if not t.startswith("w2v")]
    print("| combo | tool | wall s (median) | min-max | peak RSS MB | analogy, mean of seeds "
          "(seen) | WS353 rho, mean | peer wall / w2v wall | target |")
    print("|---|---|---|---|---|---|---|---|---|")
    for res in results:
        walls = {t: [r["wall"] for r in rs] for t, rs in res["runs"].items()}
        w2v = statistics.median(walls["w2v"]) if "w2v" in walls else float("nan")
        target = TARGETS.get(res["combo"].split("-")[0], float("nan"))
        for tool, rs in res["runs"].items():
            med = statistics.median(walls[tool])
            analogy = statistics.mean(r["analogy"] for r in rs)
            ws353 = statistics.mean(r["ws353"] for r in rs)
            ratio = f"{med / w2v:.2f}x" if tool in peers_ else "1"
            goal = (f">= {target:g}x: {'met' if med / w2v >= target else 'NOT met'}"
                    if tool in peers_ else "")
            print(f"| {res['combo']} | {tool} | {med:.1f} | {min(walls[tool]):.1f}-"
                  f"{max(walls[tool]):.1f} | {statistics.median(r['rss_mb'] for r in rs):.0f} | "
                  f"{100 * analogy:.2f}% ({rs[0]['analogy_seen']}) | {ws353:.3f} | "
                  f"{ratio} | {goal} |")


def print_training_rates(results, tokens, epochs) -> None:
    """Training words/s of the tools that time training apart from the rest, against gensim."""
    print("\n| combo | tool | training words/s (median) | per repeat | / gensim's median |")
    print("|---|---|---|---|---|")
    for res in results:
        rates = {t: [tokens * epochs / r["train_seconds"] for r in rs]
                 for t, rs in res["runs"].items() if t in TRAINING_RATE}
        gensim = statistics.median(rates["gensim"]) if "gensim" in rates else float("nan")
        for tool, rs in rates.items():
            med = statistics.median(rs)
            print(f"| {res['combo']} | {tool} | {med:,.0f} | "
                  f"{' / '.join(f'{x:,.0f}' for x in rs)} | {med / gensim:.2f}x |")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path,
                    default=DEFAULT_DATA / "wiki" / "wiki-17m.txt.gz")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with eval/")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--combos", nargs="+", default=["sg-ns", "cbow-ns"],
                    choices=["sg-ns", "cbow-ns", "sg-hs", "cbow-hs"])
    ap.add_argument("--lr", type=float, default=0.025, help="skip-gram's lr, for every tool")
    ap.add_argument("--cbow-lr", type=float, default=0.05, help="CBOW's lr, for every tool")
    ap.add_argument("--tools", nargs="+", default=list(TOOLS), choices=TOOLS)
    ap.add_argument("--word2vec-c", help="word2vec binary built by scripts/peers.py "
                    "(default: build it into peers.py's folder)")
    ap.add_argument("--json", type=Path, help="write all raw results here")
    return ap.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    for path in (args.corpus, args.data / "eval" / "questions-words.txt",
                 args.data / "eval" / "wordsim353.tsv"):
        if not path.is_file():
            sys.exit(f"whole_run_bench.py: {path} not found (see --corpus and --data)")
    if "word2vec.c" in args.tools and not args.word2vec_c:
        try:
            args.word2vec_c = str(peers.build()["word2vec"])
        except (peers.BuildError, OSError) as e:
            sys.exit(f"whole_run_bench.py: {e}")
    # `python -m w2v` in every child imports this tree's w2v, wherever the script is run from
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(HERE.parent), *filter(None, [os.environ.get("PYTHONPATH")])])
    combos = [bench.Combo(name, args.lr, args.cbow_lr) for name in args.combos]
    work = Path(tempfile.mkdtemp(prefix="w2v-whole-"))
    try:
        corpus = bench.plain_text(args.corpus.resolve(), work)
        tokens = bench.count_tokens(corpus)  # also brings the file into the page cache
        print(f"# corpus {args.corpus.name} ({tokens:,} tokens), dim {args.dim}, "
              f"{args.epochs} epochs, {args.threads} threads, repeats {args.repeats}, "
              f"tools {args.tools}, word2vec.c {args.word2vec_c}; load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        warm = bench.warm_corpus(corpus, work)
        for tool in set(args.tools) & set(W2V):
            for combo in combos:
                bench.run_w2v(warm, work / "warm", 10, 1, 1, combo, extra=W2V[tool])
        results = [run_combo(c, list(args.tools), args, corpus, work) for c in combos]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n# load average at the end {os.getloadavg()[0]:.1f} (the machine's other jobs)\n")
    print_table(results, args.tools)
    print_training_rates(results, tokens, args.epochs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
