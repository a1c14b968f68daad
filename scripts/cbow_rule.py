#!/usr/bin/env python3
"""Which CBOW input step, at which lr, reaches gensim's quality? (docs/derivations.md §3)

Trains CBOW (mean, negative sampling unless ``--loss hs``) on one corpus once per (rule, lr):
``word2vec.c`` is w2v's rule (eq 120: dJ/dh added to every context position), ``gradient`` the
true gradient of the window's loss (eq 118: 1/m of that with the mean). The rule is a kernel
setting (``Settings.cbow_rule``), not a user option, so this script builds the session's kernel
itself. Every run is scored like scripts/bench.py (analogy with restrict_vocab 30,000,
WordSim-353 Spearman), with w2v's evaluator, which equals gensim's. Optionally one gensim run
with the same settings is the reference.

Usage:
  python scripts/cbow_rule.py --corpus ../shared/data/wiki/wiki-17m.txt.gz \\
      --runs word2vec.c:0.05 gradient:0.05 gradient:0.1 gradient:0.2 --gensim-lr 0.05
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's w2v

from w2v.config import Config  # noqa: E402
from w2v.kernels.base import Settings, Tables  # noqa: E402
from w2v.kernels.registry import make_kernel as registry_kernel  # noqa: E402
from w2v.training import session  # noqa: E402
from w2v.training.local import LocalTrainer  # noqa: E402
from w2v.vectors.evaluate import evaluate_analogies  # noqa: E402
from w2v.vectors.vectors import Vectors  # noqa: E402
from w2v.vectors.word_pairs import evaluate_word_pairs  # noqa: E402

DATA = HERE.parent.parent / "shared" / "data"
GENSIM_JOB = r"""
import sys
from gensim.models import Word2Vec
corpus, out, lr = sys.argv[1], sys.argv[2], float(sys.argv[3])
threads, epochs, hs = map(int, sys.argv[4:7])
model = Word2Vec(corpus_file=corpus, sg=0, cbow_mean=1, hs=hs, negative=0 if hs else 5,
                 vector_size=100, window=5, sample=1e-3, min_count=5, workers=threads,
                 epochs=epochs, alpha=lr, min_alpha=0.0001, seed=1)
model.wv.save_word2vec_format(out, binary=True)
"""


def score(path, data: Path) -> tuple[float, float]:
    v = Vectors.load(path)
    analogy = evaluate_analogies(v, data / "eval" / "questions-words.txt", restrict_vocab=30_000)
    pairs = evaluate_word_pairs(v, data / "eval" / "wordsim353.tsv")
    return 100 * analogy["total"]["accuracy"], pairs["spearman"]


def train_w2v(corpus, out, rule, lr, args) -> float:
    def make_kernel(cfg, vocab):
        tables = Tables(vocab.counts, vocab.total_words, cfg.sample)
        settings = Settings(window=cfg.window, negative=cfg.negative, cbow_rule=rule)
        return LocalTrainer(registry_kernel(cfg.arch, cfg.loss, cfg.backend, tables, settings),
                            threads=cfg.workers)

    session.make_kernel = make_kernel
    cfg = Config(arch="cbow", loss=args.loss, negative=0 if args.loss == "hs" else 5, lr=lr,
                 threads=args.threads, epochs=args.epochs, checkpoint_every="1000h")
    t0 = time.perf_counter()
    session.run(cfg, [corpus], out)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DATA / "wiki" / "wiki-17m.txt.gz")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--runs", nargs="+", default=["word2vec.c:0.05", "gradient:0.05",
                                                  "gradient:0.1", "gradient:0.2"],
                    help="RULE:LR pairs")
    ap.add_argument("--loss", choices=["ns", "hs"], default="ns")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--gensim-lr", type=float, help="also train gensim's CBOW at this lr")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for i, run in enumerate(args.runs):
            rule, lr = run.split(":")
            seconds = train_w2v(args.corpus, Path(tmp) / f"w2v-{i}", rule, float(lr), args)
            rows.append((f"w2v {rule}", lr, seconds, *score(Path(tmp) / f"w2v-{i}", args.data)))
            print(*rows[-1], flush=True)
        if args.gensim_lr:
            plain = Path(tmp) / "corpus.txt"
            subprocess.run(f"zcat -f {args.corpus} > {plain}", shell=True, check=True)
            out = Path(tmp) / "gensim.bin"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", GENSIM_JOB, str(plain), str(out),
                            str(args.gensim_lr), str(args.threads), str(args.epochs),
                            str(int(args.loss == "hs"))], check=True)
            rows.append(("gensim", args.gensim_lr, time.perf_counter() - t0,
                         *score(out, args.data)))
            print(*rows[-1], flush=True)
    print("\n| run | lr | seconds (whole run) | analogy % (restrict 30k) | WS353 rho |")
    print("|---|---|---|---|---|")
    for name, lr, seconds, analogy, rho in rows:
        print(f"| {name} | {lr} | {seconds:.0f} | {analogy:.1f} | {rho:.3f} |")


if __name__ == "__main__":
    main()
