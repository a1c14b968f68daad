#!/usr/bin/env python3
"""The measurements behind README's "More epochs" and "Continued training" sections, on
wiki-1.5m (any corpus works). Scores: analogy accuracy on questions-words (restrict_vocab
30,000) and Spearman's rho on WordSim-353, by w2v's gensim-exact evaluator.

``epochs``: 5 epochs, then 5 more (``--resume --epochs 10``) with the new decay starting at
each ``--lrs`` value (the default, lr = 0.025, is gensim's train()-again; 0.0125 is the tail
of a 10-epoch plan; 0.0001 = min_lr is "carry on where it ended"), against 10 epochs
planned from the start.

``init``: the corpus cut in two halves by lines; a run on the first half, then continued on
the second (``--init``) at each ``--lrs`` value, against runs from scratch on the second half
and on the whole text. WS-353 is scored twice: on the pairs the first half's vocabulary
covers (the old words: does their quality collapse?) and on all pairs the run covers.

Usage (from the repo root; --threads 1 for reproducible figures, slower):
  python scripts/continued_training.py epochs --seeds 1 2 3
  python scripts/continued_training.py init --seeds 1 2 3
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's w2v, wherever it is run from

from w2v.config import Config  # noqa: E402
from w2v.training import session  # noqa: E402
from w2v.vectors.evaluate import evaluate_analogies  # noqa: E402
from w2v.vectors.vectors import Vectors  # noqa: E402
from w2v.vectors.word_pairs import evaluate_word_pairs  # noqa: E402

DATA = HERE.parent.parent / "shared" / "data"


def scores(run: Path, args, pairs: Path | None = None) -> dict:
    v = Vectors.load(run)
    out = {"analogy": evaluate_analogies(v, args.analogies, 30_000)["total"]["accuracy"],
           "ws353": evaluate_word_pairs(v, args.similarity)["spearman"]}
    if pairs is not None:
        out["ws353 old pairs"] = evaluate_word_pairs(v, pairs)["spearman"]
    return out


def train(cfg: Config, corpus, out: Path, **kw) -> Path:
    session.run(cfg, [str(c) for c in corpus], out, **kw)
    return out


def epochs(args, seed: int, work: Path) -> dict:
    cfg = Config(epochs=5, threads=args.threads, seed=seed, checkpoint_every="1000h")
    five = train(cfg, [args.corpus], work / "five")
    rows = {"5 epochs": scores(five, args),
            "10 epochs planned": scores(train(cfg.replace(epochs=10), [args.corpus],
                                              work / "ten"), args)}
    for lr in args.lrs:
        run = work / f"more-{lr}"
        shutil.copytree(five, run)
        train({"epochs": 10, "lr": lr}, [], run, resume=True)
        rows[f"5 + 5 from lr {lr:g}"] = scores(run, args)
    return rows


def halves(corpus: Path, work: Path) -> tuple[Path, Path]:
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    first, second = work / "first.txt", work / "second.txt"
    first.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    second.write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
    return first, second


def covered_pairs(run: Path, pairs: Path, out: Path) -> Path:
    """The lines of a word-pair file whose two words the run knows (folded, as scored)."""
    known = {w.upper() for w in Vectors.load(run).words}
    keep = [line for line in pairs.read_text(encoding="utf-8").splitlines(keepends=True)
            if len(line.split("\t")) > 2 and all(w.strip().upper() in known
                                                 for w in line.split("\t")[:2])]
    out.write_text("".join(keep), encoding="utf-8")
    return out


def init(args, seed: int, work: Path) -> dict:
    first, second = halves(args.corpus, work)
    cfg = Config(epochs=5, threads=args.threads, seed=seed, checkpoint_every="1000h")
    old = train(cfg, [first], work / "old")
    pairs = covered_pairs(old, args.similarity, work / "old-pairs.tsv")
    rows = {"first half": scores(old, args, pairs)}
    for lr in args.lrs:
        run = train({"lr": lr}, [second], work / f"init-{lr}", init=old)
        rows[f"first, then second (--init, lr {lr:g})"] = scores(run, args, pairs)
    rows["second half alone"] = scores(train(cfg, [second], work / "second"), args, pairs)
    rows["whole text"] = scores(train(cfg, [first, second], work / "whole"), args, pairs)
    v_old, v_new = Vectors.load(old), Vectors.load(work / f"init-{args.lrs[0]}")
    print(f"  seed {seed}: first half {len(v_old):,} words, after --init {len(v_new):,} "
          f"({len(v_new) - len(v_old):,} added); WS-353 pairs known to the first half: "
          f"{len(pairs.read_text().splitlines())}", flush=True)
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["epochs", "init"])
    ap.add_argument("--corpus", type=Path, default=DATA / "wiki" / "wiki-1.5m.txt.gz")
    ap.add_argument("--analogies", type=Path, default=DATA / "eval" / "questions-words.txt")
    ap.add_argument("--similarity", type=Path, default=DATA / "eval" / "wordsim353.tsv")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lrs", type=float, nargs="+")
    args = ap.parse_args(argv)
    args.lrs = args.lrs or ([0.025, 0.0125, 0.00625, 0.0001] if args.what == "epochs"
                            else [0.025, 0.01, 0.0025])
    results: dict[str, list[dict]] = {}
    for seed in args.seeds:
        work = Path(tempfile.mkdtemp(prefix="w2v-continued-"))
        try:
            rows = (epochs if args.what == "epochs" else init)(args, seed, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for name, row in rows.items():
            results.setdefault(name, []).append(row)
            print(f"  seed {seed}: {name}: " + ", ".join(f"{k} {v:.4f}" for k, v in row.items()),
                  flush=True)
    keys = list(next(iter(results.values()))[0])
    print(f"\n| run | {' | '.join(keys)} |\n|---|{'---|' * len(keys)}")
    for name, rows in results.items():
        cells = [f"{statistics.mean(r[k] for r in rows):.4f}" for k in keys]
        print(f"| {name} | {' | '.join(cells)} |")
    print(f"\nmeans over seeds {args.seeds}, threads {args.threads}, corpus {args.corpus}")


if __name__ == "__main__":
    main()
