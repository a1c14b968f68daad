#!/usr/bin/env python3
"""The measurement behind docs/benchmarks.md's "Fine-tuning published vectors" table and
README's recommended lr for ``w2v train CORPUS --init VECTORS``.

1. "Published" vectors: a default run (skip-gram, ns, 5 epochs) on the second half (by lines)
   of PUBLISHED_CORPUS (wiki-17m), saved as word2vec binary; the half is written to the work
   folder, never into the repo.
2. On CORPUS (wiki-1.5m), each row of the table scores one set of vectors: the published ones
   as they are ("before"; and restricted to the words of CORPUS's vocabulary, so that the
   questions and candidates are those of the runs on it), fine-tuned from them (``init``) at
   each ``--lrs`` value, fine-tuned with ``freeze`` (the loaded rows fixed, at the first
   lr), and a run from scratch on CORPUS, all with the default settings otherwise.

Scores: analogy accuracy on questions-words (restrict_vocab 30,000, ``w2v evaluate``'s
default) with the questions seen, and Spearman's rho on WordSim-353 with the pairs covered,
by w2v's evaluator. Each seed gives one table; the figures are their median.

Usage (from the repo root):
  python scripts/finetune_table.py /work/shared/data/wiki/wiki-17m.txt.gz \\
      /work/shared/data/wiki/wiki-1.5m.txt.gz --threads 2 --seeds 1 2 3 \\
      --lrs 0.025 0.005 0.001
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's w2v, wherever it is run from

from w2v.config import Config  # noqa: E402
from w2v.training import session  # noqa: E402
from w2v.vectors.evalsets import resolve  # noqa: E402
from w2v.vectors.evaluate import evaluate_analogies  # noqa: E402
from w2v.vectors.vectors import Vectors  # noqa: E402
from w2v.vectors.word_pairs import evaluate_word_pairs  # noqa: E402

RESTRICT = 30_000


def scores(vectors_path: Path | Vectors, args) -> dict:
    v = vectors_path if isinstance(vectors_path, Vectors) else Vectors.load(vectors_path)
    a = evaluate_analogies(v, args.analogies, RESTRICT)
    p = evaluate_word_pairs(v, args.similarity, RESTRICT)
    return {"analogy": a["total"]["accuracy"], "seen": a["seen"], "ws353": p["spearman"],
            "pairs": p["pairs"], "words": len(v)}


def second_half(corpus: Path, work: Path) -> Path:
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    half = work / "published-half.txt"
    half.write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
    return half


def published(args, work: Path) -> Path:
    """The published vectors (made once, reused from ``work`` if there)."""
    out = work / "published"
    if not (out / "vectors.bin").is_file():
        half = second_half(args.published_corpus, work)
        session.run(Config(threads=args.threads, save="bin", checkpoint_every="1000h"),
                    [str(half)], out, force=True)
        half.unlink()
    return out / "vectors.bin"


def table(args, seed: int, vectors: Path, work: Path) -> dict:
    base = {"threads": args.threads, "seed": seed, "checkpoint_every": "1000h", "save": "bin"}
    corpus = [str(args.corpus)]
    runs = {"scratch": ({}, None)}
    runs.update({f"fine-tuned, lr {lr:g}": ({"lr": lr}, vectors) for lr in args.lrs})
    runs[f"fine-tuned, lr {args.lrs[0]:g}, freeze"] = ({"lr": args.lrs[0], "freeze": True},
                                                        vectors)
    rows = {"before (published, as they are)": scores(vectors, args)}
    for name, (settings, init) in runs.items():
        out = work / f"{name.replace(' ', '_').replace(',', '')}-{seed}"
        session.run({**base, **settings}, corpus, out, init=init, force=True)
        rows[name] = scores(out / "vectors.bin", args)
        if init is None:
            rows["before, on the corpus's words only"] = scores(
                only(Vectors.load(vectors), Vectors.load(out).words), args)
    return rows


def only(vectors: Vectors, words: list[str]) -> Vectors:
    """``vectors`` restricted to ``words`` (in their order): the published vectors on the
    questions and candidates a run on the corpus has, for a like-for-like "before"."""
    kept = [w for w in words if w in vectors]
    return Vectors(kept, vectors.vectors[[vectors.id(w) for w in kept]])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("published_corpus", type=Path, help="the text of the 'published' vectors")
    ap.add_argument("corpus", type=Path, help="the corpus fine-tuned on")
    ap.add_argument("--analogies", default="google")
    ap.add_argument("--similarity", default="wordsim353")
    ap.add_argument("--lrs", type=float, nargs="+", default=[0.025, 0.005])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", type=Path, help="keep the runs here (default: a temp folder)")
    args = ap.parse_args()
    args.analogies = resolve(args.analogies, "analogies")[1]
    args.similarity = resolve(args.similarity, "similarity")[1]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        vectors = published(args, work)
        tables = [table(args, seed, vectors, work) for seed in args.seeds]
    print(f"| vectors (median of seeds {' '.join(map(str, args.seeds))}) | words | analogy "
          "(restrict 30k) | questions seen | WS-353 rho | pairs |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in tables[0]:
        m = {k: statistics.median(t[name][k] for t in tables) for k in tables[0][name]}
        print(f"| {name} | {m['words']:,.0f} | {100 * m['analogy']:.2f}% | {m['seen']:,.0f} | "
              f"{m['ws353']:.3f} | {m['pairs']:.0f} |")


if __name__ == "__main__":
    main()
