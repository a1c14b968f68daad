"""What a session does around the loop, in one process and on every rank alike: compile (or
load) the kernel, train the loop to its end and write the final checkpoint."""

from __future__ import annotations

import numpy as np

from w2v.errors import CorpusError, DivergenceError
from w2v.training import evaluation, events
from w2v.training.stopped import diverged
from w2v.training.subwords import word_vectors


def check_words(words_per_epoch: int) -> None:
    """An epoch with no word to train is refused (every word was below ``min_count``)."""
    if words_per_epoch == 0:
        raise CorpusError("no in-vocabulary words to train on; lower {=min_count}")


def scorer(comm, cfg, vocab):
    """Evaluation during training: rank 0 scores the vectors (after the epoch-end full sync)
    and every rank records its entry (``comm.bcast``); None when the run evaluates nothing.
    A bad file fails here, before compiling."""
    score = comm.agreed(lambda: comm.rank == 0 and evaluation.evaluator(cfg, vocab.words))
    if not (cfg.eval_analogies or cfg.eval_similarity):
        return None
    return lambda W_in, epoch: comm.bcast(  # a subword run's words: the means of their bags
        score(word_vectors(cfg, vocab.words, W_in), epoch) if comm.rank == 0 else None)


def compiled(trainer, W_in, W_out):
    """Compile the kernel, or load it from the cache, before training (saying so when it
    compiles): a call on one id trains nothing."""
    if trainer.needs_compile():
        yield events.Compiling()
    trainer.train_chunk(W_in, W_out, np.zeros(1, np.int32), 0.0, 0.0, 0)


def trained(loop, rundir):
    """Train ``loop`` (``loop.Loop``) to its end and write the final checkpoint; returns its
    path. A divergence says what the run folder kept; an interruption (``StopRequested``)
    is the caller's to report."""
    state = loop.state
    try:  # divergence is reported by check_finite and the loss, not by numpy's warnings
        with np.errstate(over="ignore", invalid="ignore"):
            yield from loop.epochs()
            final = loop.checkpoint()
            yield events.CheckpointSaved(final, state.words_done)
    except DivergenceError as e:
        raise diverged(rundir, e) from None
    yield events.Trained(state.words_done, state.train_seconds)
    return final
