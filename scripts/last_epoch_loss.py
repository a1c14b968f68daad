"""Why the last epoch's mean loss rises: the online loss against the loss of frozen weights.

The loss w2v reports for an epoch is online: each pair's loss is taken just before its update,
with weights that have just been trained on the text before it. This script trains a run,
keeps the weights at the end of every epoch, and then scores each epoch's weights on the whole
corpus with the lr at 0 (no update: the frozen loss, one fixed seed for the negatives). It
prints, per epoch, the lr range, the online mean loss and the frozen loss.

  python scripts/last_epoch_loss.py CORPUS                       # as w2v train's defaults
  python scripts/last_epoch_loss.py CORPUS --shuffle             # lines in random order
  python scripts/last_epoch_loss.py CORPUS --min-lr 0.025        # a constant lr

One thread, so a run is deterministic. Results: README, "The loss of the last epoch".
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from w2v.run import checkpoint
from w2v.settings import make_config
from w2v.text import encoded
from w2v.text.read import Source
from w2v.text.vocab import Vocab
from w2v.training import loop, session
from w2v.training.packed import TrainingVocab


def train_with_snapshots(corpus: Path, out: Path, cfg) -> list:
    """Train; return (W_in, W_out) copies taken at the end of each epoch."""
    snapshots, end_epoch = [], loop.Loop._end_epoch

    def keep(self):
        snapshots.append((self.W_in.copy(), self.W_out.copy()))
        return end_epoch(self)

    loop.Loop._end_epoch = keep
    try:
        session.run(cfg, [str(corpus)], out)
    finally:
        loop.Loop._end_epoch = end_epoch
    return snapshots


def frozen_loss(cfg, out: Path, W_in, W_out) -> float:
    """The mean loss of fixed weights over the whole encoded corpus (lr 0: nothing moves)."""
    vocab = TrainingVocab(Vocab.load(out / "vocab.txt"))
    total, pairs = 0.0, 0
    with session.make_kernel(cfg, vocab) as kernel:
        n_ids, _ = encoded.count_ids(out / "corpus.ids")
        for start in range(0, n_ids, kernel.chunk_words):
            ids = encoded.read_ids(out / "corpus.ids", start, kernel.chunk_words)
            s, p = kernel.train_chunk(W_in.copy(), W_out.copy(), ids, 0.0, 0.0, start + 1)
            total, pairs = total + s, pairs + p
    return total / pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--shuffle", action="store_true", help="shuffle the lines first")
    parser.add_argument("--min-lr", type=float, default=0.0001)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    cfg = make_config({"threads": 1, "keep_ids": True, "save": "npy", "epochs": args.epochs,
                       "min_lr": args.min_lr, "checkpoint_every": "100h"})
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        if args.shuffle:
            lines = b"".join(Source(corpus).blocks()).decode().splitlines(keepends=True)
            random.Random(0).shuffle(lines)
            corpus = Path(tmp) / "shuffled.txt"
            corpus.write_text("".join(lines))
        out = Path(tmp) / "run"
        snapshots = train_with_snapshots(corpus, out, cfg)
        state = checkpoint.latest(out, warn=print).state
        online = state["loss_history"]["epoch"]
        step = (cfg.lr - cfg.min_lr) / cfg.epochs
        print("epoch  lr from-to         online  frozen")
        for e, (W_in, W_out) in enumerate(snapshots):
            lr0, lr1 = cfg.lr - e * step, cfg.lr - (e + 1) * step
            frozen = frozen_loss(cfg, out, W_in, W_out)
            print(f"{e + 1:5d}  {lr0:.4f}-{lr1:.4f}  {online[e]:.4f}  {frozen:.4f}")


if __name__ == "__main__":
    main()
