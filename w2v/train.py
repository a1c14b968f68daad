"""The training driver: vocabulary, encoding, epochs, lr schedule, progress, checkpoints.

The corpus is read twice: once to count the vocabulary, once to encode it into ``corpus.ids``
(int32 ids, -1 between sentences) inside the run folder. Every epoch then streams that file in
fixed chunks through the kernel, so memory stays O(V * d + chunk) whatever the corpus size, and a
position in the file is all a checkpoint needs to resume exactly.

lr decays linearly from ``lr`` to ``min_lr`` over all epochs' words (word2vec.c and gensim).
Each chunk's kernel seed is drawn from one ``np.random.Generator(seed)`` whose state is saved,
so with one thread an interrupted and resumed run is bit-identical to an uninterrupted one.
"""

from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2v import checkpoint, corpus
from w2v.atomic import atomic_write
from w2v.config import RESUMABLE_CHANGES, Config, parse_interval
from w2v.errors import CheckpointError, DivergenceError, W2VError
from w2v.vocab import Vocab, build_vocab


class Interrupted(W2VError):
    """SIGINT or SIGTERM arrived; a checkpoint was written first."""


@dataclass
class Run:
    """Where a run lives and what it trains on."""

    out: Path
    corpus_paths: list[Path]

    @property
    def vocab_path(self) -> Path:
        return self.out / "vocab.txt"

    @property
    def ids_path(self) -> Path:
        return self.out / "corpus.ids"


def make_kernel(cfg: Config, vocab: Vocab):
    """The SGD step: the (skip-gram, cfg.loss, cfg.kernel) kernel on cfg.threads threads (the
    compiled kernel by default, the numpy reference on request)."""
    from w2v.kernels.base import Settings, Tables
    from w2v.kernels.local import LocalTrainer
    from w2v.kernels.registry import make_kernel as registry_kernel

    tables = Tables(vocab.counts, vocab.total_words, cfg.sample)
    settings = Settings(window=cfg.window, negative=cfg.negative)
    kernel = registry_kernel("sg", cfg.loss, cfg.kernel, tables, settings)
    return LocalTrainer(kernel, threads=cfg.threads or os.cpu_count() or 1)


def init_weights(V: int, d: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """W_in uniform in (-0.5, 0.5)/d and W_out zero, as in word2vec.c."""
    W_in = ((rng.random((V, d), dtype=np.float32) - 0.5) / d).astype(np.float32)
    return W_in, np.zeros((V, d), dtype=np.float32)


def lr_at(cfg: Config, done: float, total: float) -> float:
    """Linear decay over all epochs' words, floored at min_lr."""
    return max(cfg.min_lr, cfg.lr - (cfg.lr - cfg.min_lr) * done / max(total, 1))


def corpus_fingerprint(paths: list[Path]) -> list[dict]:
    return [{"path": str(p.resolve()), "size": p.stat().st_size} for p in paths]


@contextmanager
def _catch_signals():
    """Turn SIGINT/SIGTERM into a flag the loop checks between chunks."""
    caught = []

    def handler(signum, frame):
        caught.append(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield caught
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _prepare(run: Run, cfg: Config, log) -> tuple[Vocab, dict, np.ndarray, np.ndarray]:
    """Fresh run: count, encode, initialise. Returns vocab, state, W_in, W_out."""
    if checkpoint.has_checkpoint(run.out):
        raise CheckpointError(
            f"{run.out} already holds a run; add --resume to continue it, or choose another --out"
        )
    run.out.mkdir(parents=True, exist_ok=True)
    stats = corpus.CorpusStats()
    t0 = time.perf_counter()
    vocab = build_vocab(
        corpus.iter_sentences(
            run.corpus_paths, cfg.lowercase, cfg.max_sentence_length, stats=stats
        ),
        min_count=cfg.min_count,
        max_vocab=cfg.max_vocab or None,
    )
    if stats.replacements:
        log(f"warning: replaced {stats.replacements:,} invalid UTF-8 sequences in the corpus")
    vocab.save(run.vocab_path)
    corpus.encode(
        run.corpus_paths, vocab, run.ids_path, cfg.lowercase, cfg.max_sentence_length
    )
    log(
        f"vocabulary: {len(vocab):,} words with count >= {cfg.min_count} "
        f"out of {vocab.total_words:,} tokens ({time.perf_counter() - t0:.1f}s to count and encode)"
    )
    rng = np.random.default_rng(cfg.seed)
    W_in, W_out = init_weights(len(vocab), cfg.dim, rng)
    state = {
        "config": cfg.to_dict(),
        "corpus": corpus_fingerprint(run.corpus_paths),
        "epoch": 0,
        "position": 0,
        "words_done": 0,
        "rng": rng.bit_generator.state,
        "epoch_loss": [0.0, 0],
        "checkpoint_loss": [0.0, 0],
        "loss_history": {"epoch": [], "checkpoint": []},
        "train_seconds": 0.0,
    }
    return vocab, state, W_in, W_out


def _resume(run: Run, cfg: Config, log) -> tuple[Vocab, dict, np.ndarray, np.ndarray]:
    ckpt = checkpoint.latest(run.out, warn=log)
    state = ckpt.state
    saved = state["config"]
    for key, value in cfg.to_dict().items():
        if key not in RESUMABLE_CHANGES and saved.get(key) != value:
            raise CheckpointError(
                f"cannot resume with {key} = {value!r}: the run was trained with "
                f"{key} = {saved.get(key)!r}, which would change the result"
            )
    if [c["path"] for c in state["corpus"]] != [str(p.resolve()) for p in run.corpus_paths]:
        raise CheckpointError(
            "cannot resume on a different corpus: the run was trained on "
            + ", ".join(c["path"] for c in state["corpus"])
        )
    if state["corpus"] != corpus_fingerprint(run.corpus_paths):
        raise CheckpointError("cannot resume: the corpus file changed since the run started")
    vocab = Vocab.load(run.vocab_path)
    if not run.ids_path.exists():
        corpus.encode(
            run.corpus_paths, vocab, run.ids_path, cfg.lowercase, cfg.max_sentence_length
        )
    log(f"resuming from {ckpt.path} (epoch {state['epoch'] + 1}, {state['words_done']:,} words)")
    return vocab, state, ckpt.W_in, ckpt.W_out


def train(
    cfg: Config,
    corpus_paths: list[Path],
    out: Path,
    resume: bool = False,
    progress: bool = True,
    log=print,
) -> Path:
    """Train skip-gram vectors into the run folder ``out``; returns ``out``."""
    run = Run(Path(out), [Path(p) for p in corpus_paths])
    prepare = _resume if resume else _prepare
    vocab, state, W_in, W_out = prepare(run, cfg, log)
    _check_finite(W_in, W_out, 0)

    kernel = make_kernel(cfg, vocab)
    n_ids, words_per_epoch = corpus.count_ids(run.ids_path)
    if words_per_epoch == 0:
        raise W2VError("no in-vocabulary words to train on; lower --min-count")
    total_words = words_per_epoch * cfg.epochs
    chunk = kernel.chunk_words
    rng = np.random.default_rng()
    rng.bit_generator.state = state["rng"]
    interval_kind, interval = parse_interval(cfg.checkpoint_every)

    def save_checkpoint() -> Path:
        ckpt_sum, ckpt_pairs = state["checkpoint_loss"]
        if ckpt_pairs:
            state["loss_history"]["checkpoint"].append(
                [state["words_done"], ckpt_sum / ckpt_pairs]
            )
        state["checkpoint_loss"] = [0.0, 0]
        state["rng"] = rng.bit_generator.state
        _check_finite(W_in, W_out, state["words_done"])
        return checkpoint.save(run.out, state, W_in, W_out)

    from tqdm import tqdm

    bar = tqdm(
        total=total_words,
        initial=state["words_done"],
        unit="w",
        unit_scale=True,
        disable=not progress,
        dynamic_ncols=True,
        smoothing=0.1,
    )
    last_save_time, last_save_words = time.monotonic(), state["words_done"]
    t_start = time.perf_counter() - state["train_seconds"]
    with bar, _catch_signals() as caught:
        while state["epoch"] < cfg.epochs:
            pos = state["position"]
            while pos < n_ids:
                piece = corpus.read_ids(run.ids_path, pos, chunk)
                n_words = int(np.count_nonzero(piece >= 0))
                lr0 = lr_at(cfg, state["words_done"], total_words)
                lr1 = lr_at(cfg, state["words_done"] + n_words, total_words)
                seed = int(rng.integers(2**63))
                loss_sum, pairs = kernel.train_chunk(W_in, W_out, piece, lr0, lr1, seed)
                if not np.isfinite(loss_sum):
                    raise _diverged(state["words_done"])
                pos += len(piece)
                state["position"] = pos
                state["words_done"] += n_words
                for key in ("epoch_loss", "checkpoint_loss"):
                    state[key] = [state[key][0] + float(loss_sum), state[key][1] + int(pairs)]
                state["train_seconds"] = time.perf_counter() - t_start
                ep_sum, ep_pairs = state["epoch_loss"]
                bar.set_postfix_str(
                    f"epoch {state['epoch'] + 1}/{cfg.epochs} lr {lr1:.5f} "
                    f"loss {ep_sum / max(ep_pairs, 1):.4f}",
                    refresh=False,
                )
                bar.update(n_words)
                if caught:
                    path = save_checkpoint()
                    raise Interrupted(
                        f"interrupted: checkpoint saved in {path}; continue with: "
                        f"w2v train {' '.join(map(str, run.corpus_paths))} --out {run.out} --resume"
                    )
                since = (
                    time.monotonic() - last_save_time
                    if interval_kind == "seconds"
                    else state["words_done"] - last_save_words
                )
                if since >= interval and pos < n_ids:
                    save_checkpoint()
                    last_save_time, last_save_words = time.monotonic(), state["words_done"]
            ep_sum, ep_pairs = state["epoch_loss"]
            mean = ep_sum / max(ep_pairs, 1)
            state["loss_history"]["epoch"].append(mean)
            bar.write(
                f"epoch {state['epoch'] + 1}/{cfg.epochs}: mean loss {mean:.6f} "
                f"over {ep_pairs:,} pairs"
            )
            state["epoch"] += 1
            state["position"] = 0
            state["epoch_loss"] = [0.0, 0]
        save_checkpoint()
    seconds = state["train_seconds"]
    log(
        f"trained {state['words_done']:,} words in {seconds:.1f}s "
        f"({state['words_done'] / max(seconds, 1e-9):,.0f} words/s)"
    )
    write_vectors(run.out, vocab, W_in)
    return run.out


def write_vectors(out: Path, vocab: Vocab, W_in: np.ndarray) -> None:
    """The final vectors: vectors.npy beside vocab.txt, plus word2vec text and binary files."""
    from w2v.vectors import Vectors

    with atomic_write(out / "vectors.npy") as f:
        np.save(f, W_in)
    vectors = Vectors(vocab.words, W_in)
    vectors.save_word2vec(out / "vectors.txt", binary=False)
    vectors.save_word2vec(out / "vectors.bin", binary=True)


def _diverged(words_done: int) -> DivergenceError:
    return DivergenceError(
        f"training diverged (NaN or inf after {words_done:,} words); the last good checkpoint "
        "is kept; lower --lr and start again"
    )


def _check_finite(W_in, W_out, words_done: int) -> None:
    if not (np.isfinite(W_in).all() and np.isfinite(W_out).all()):
        raise _diverged(words_done)
