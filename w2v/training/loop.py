"""The epoch loop: stream the encoded corpus in chunks through the kernel, follow the lr
schedule, keep the loss in float64, checkpoint on a policy, and yield progress events.

lr decays linearly from ``lr`` to ``min_lr`` over all epochs' words (word2vec.c and gensim).
Each chunk's kernel seed is drawn from one ``np.random.Generator(seed)`` whose state is part of
``TrainState``, so with one thread an interrupted and resumed run is bit-identical to an
uninterrupted one. A position in the encoded file is all a checkpoint needs to resume exactly.
A chunk ends on a sentence break (unless a single sentence is longer than a chunk), so no
window is cut in two.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import numpy as np

from w2v.config import Config
from w2v.config_values import parse_interval
from w2v.errors import DivergenceError
from w2v.training import events
from w2v.training.extend import decay_start
from w2v.training.partition import next_piece


@dataclass
class TrainState:
    """Where a run is: what a checkpoint's state.json holds besides the format fields."""

    config: dict
    corpus: list
    rng: dict  # the bit generator state of the chunk seeds
    epoch: int = 0  # epochs finished
    position: int = 0  # ids of the current epoch consumed
    words_done: int = 0
    epoch_loss: list = field(default_factory=lambda: [0.0, 0])  # [sum, pairs]
    checkpoint_loss: list = field(default_factory=lambda: [0.0, 0])
    loss_history: dict = field(default_factory=lambda: {"epoch": [], "checkpoint": []})
    train_seconds: float = 0.0
    eval_history: list = field(default_factory=list)  # evaluation.py: one entry per epoch
    lr_schedule: list = field(default_factory=list)  # extend.py: [] is one decay from lr
    init: dict | None = None  # init.py: the run whose vectors this one started from
    ids: dict | None = None  # session.py: corpus.ids' {"bytes", "words"}, checked on resume

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> TrainState:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})

    def add_loss(self, loss_sum: float, pairs: int) -> None:
        for tally in (self.epoch_loss, self.checkpoint_loss):
            tally[0] += float(loss_sum)
            tally[1] += int(pairs)

    def close_checkpoint_period(self) -> None:
        """Record the mean loss since the previous checkpoint, and start a new period."""
        total, pairs = self.checkpoint_loss
        if pairs:
            self.loss_history["checkpoint"].append([self.words_done, total / pairs])
        self.checkpoint_loss = [0.0, 0]

    def close_epoch(self) -> tuple[float, int]:
        """Record the epoch's mean loss and move to the start of the next epoch; returns the
        mean and the epoch's pair count."""
        total, pairs = self.epoch_loss
        mean = total / max(pairs, 1)
        self.loss_history["epoch"].append(mean)
        self.epoch += 1
        self.position = 0
        self.epoch_loss = [0.0, 0]
        return mean, pairs


def lr_at(cfg: Config, done: float, total: float, start=(0, None)) -> float:
    """Linear decay over all epochs' words, floored at min_lr: the one lr schedule (a kernel
    interpolates linearly between the values at the ends of what it is given). ``start``:
    (words, lr) where the current decay began, for a run given more epochs (extend.py)."""
    words, lr = start[0], cfg.lr if start[1] is None else start[1]
    return max(cfg.min_lr, lr - (lr - cfg.min_lr) * (done - words) / max(total - words, 1))


class CheckpointPolicy:
    """``due(now, words)``: whether ``checkpoint_every`` (a time or a word count) has passed
    since the last checkpoint."""

    def __init__(self, every, now: float, words: int):
        self.kind, self.interval = parse_interval(every)
        self.reset(now, words)

    def reset(self, now: float, words: int) -> None:
        self.since_time, self.since_words = now, words

    def due(self, now: float, words: int) -> bool:
        passed = now - self.since_time if self.kind == "seconds" else words - self.since_words
        return passed >= self.interval


@dataclass
class Loop:
    """One run's training, in one process or on one rank: weights, state and the means to
    train a chunk and to checkpoint, over a partition of the corpus (``partition.py``).
    ``train_chunk(W_in, W_out, ids, lr0, lr1, seed) -> (loss_sum, pairs)``; ``rng`` draws
    the chunk seeds; ``save() -> path`` writes a checkpoint of the current state (every rank
    calls it; rank 0 writes); ``stop()`` says an interruption is pending here; ``evaluate``,
    if given, scores the vectors at the end of each epoch (after its full sync)."""

    cfg: Config
    state: TrainState
    W_in: np.ndarray
    W_out: np.ndarray
    train_chunk: Callable
    chunk_ids: int
    part: object  # partition.Local or distributed.Ranks
    rng: np.random.Generator
    save: Callable[[], str]
    stop: Callable[[], bool]
    evaluate: Callable | None = None  # (W_in, epoch) -> an eval_history entry (evaluation.py)

    def epochs(self) -> Iterator[object]:
        """Train to the end, yielding events. A stop, or a checkpoint that is due, waits for
        the end of a period that leaves the replicas equal (a full sync; in one process any
        period); a stop then raises ``StopRequested`` after the checkpoint (``.path``)."""
        cfg, state, comm = self.cfg, self.state, self.part.comm
        policy = CheckpointPolicy(cfg.checkpoint_every, time.monotonic(), state.words_done)
        self._t_start = time.perf_counter() - state.train_seconds
        pending = {"stop": False, "checkpoint": False}
        while state.epoch < cfg.epochs:
            for period in self.part.periods(state):
                loss_sum, pairs = self._train(period)
                due = comm.rank == 0 and policy.due(time.monotonic(), state.words_done)
                flags = comm.control([bool(self.stop()), due, loss_sum, pairs,
                                      not np.isfinite(loss_sum)])
                if flags[4] > 0:
                    error = diverged(state.words_done, period.after - period.before)
                    error.collective = comm.size > 1  # every rank saw the same flags
                    raise error
                pending["stop"] |= bool(flags[0] > 0)
                pending["checkpoint"] |= bool(flags[1] > 0)
                whole = self.part.combine(period)
                yield self._progress(period, float(flags[2]), int(flags[3]))
                if period.last:
                    yield self._end_epoch()
                if not (whole and (pending["stop"] or pending["checkpoint"])):
                    continue
                if pending["stop"] or state.epoch < cfg.epochs:  # else the final one follows
                    path = self.checkpoint()
                    yield events.CheckpointSaved(path, state.words_done)
                    if pending["stop"]:
                        raise StopRequested(path)
                pending["checkpoint"] = False
                policy.reset(time.monotonic(), state.words_done)

    def _train(self, period) -> tuple[float, int]:
        """The period's ids, chunk by chunk, the lr on the global word count: within the
        period a rank interpolates by its own share of it (times ``lr_scale``)."""
        cfg, state, part = self.cfg, self.state, self.part
        total = part.words_per_epoch * cfg.epochs
        g0 = state.epoch * part.words_per_epoch + period.before
        span, share = period.after - period.before, max(period.own, 1)
        start = decay_start(state, cfg)
        loss_sum, pairs, done = 0.0, 0, 0
        position = period.start
        while position < period.end:
            piece = period.piece if period.piece is not None else \
                next_piece(part.ids_path, position, self.chunk_ids, period.end)
            n = int(np.count_nonzero(piece >= 0))
            lr0 = part.lr_scale * lr_at(cfg, g0 + span * done / share, total, start)
            lr1 = part.lr_scale * lr_at(cfg, g0 + span * (done + n) / share, total, start)
            seed = int(self.rng.integers(2**63))
            chunk_loss, chunk_pairs = self.train_chunk(self.W_in, self.W_out, piece, lr0, lr1,
                                                       seed)
            loss_sum += chunk_loss
            pairs += chunk_pairs
            done += n
            position += len(piece)
        return loss_sum, pairs

    def _progress(self, period, loss_sum: float, pairs: int) -> events.Progress:
        cfg, state, W = self.cfg, self.state, self.part.words_per_epoch
        state.words_done = state.epoch * W + period.after
        state.position = period.end
        state.add_loss(loss_sum, pairs)
        state.train_seconds = time.perf_counter() - self._t_start
        total = W * cfg.epochs
        start = decay_start(state, cfg)
        lr = self.part.lr_scale * lr_at(cfg, state.words_done, total, start)
        loss, seen = state.epoch_loss
        return events.Progress(state.words_done, total, state.epoch + 1, cfg.epochs, lr,
                               loss / max(seen, 1), state.train_seconds, period.after, W,
                               start[0])

    def _end_epoch(self) -> events.EpochDone:
        event = end_epoch(self.cfg, self.state, self.evaluate, self.W_in)
        if self.evaluate is not None:  # not training time: the clock skips it
            self._t_start += event.eval_seconds
        return event

    def checkpoint(self) -> str:
        """Save the current state (the chunk seeds' rng included) and weights; every rank
        checks the weights are finite, together."""
        self.state.close_checkpoint_period()
        self.state.rng = self.rng.bit_generator.state
        self.part.comm.agreed(check_finite, self.W_in, self.W_out, self.state.words_done)
        return self.save()


def end_epoch(cfg: Config, state: TrainState, evaluate, W_in) -> events.EpochDone:
    """Close the epoch and score the vectors (``evaluate``: an ``eval_history`` entry from
    ``(W_in, epoch)``, or None), for a local run and a rank's alike."""
    mean, pairs = state.close_epoch()
    scores, t0 = None, time.perf_counter()
    if evaluate is not None:
        scores = evaluate(W_in, state.epoch)
        state.eval_history.append(scores)
    return events.EpochDone(state.epoch, cfg.epochs, mean, pairs, scores,
                            time.perf_counter() - t0)


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived during training; ``path`` is the checkpoint just written."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def diverged(words_done: int, chunk_words: int | None = None) -> DivergenceError:
    """``words_done``: the words trained before the chunk (or period) in which it diverged,
    ``chunk_words`` its length when known.

    >>> str(diverged(0, 5000))
    'training diverged (NaN or inf in the first 5,000 words)'
    >>> str(diverged(10, 5))
    'training diverged (NaN or inf between 10 and 15 words)'
    """
    if chunk_words is not None:
        where = (f"in the first {chunk_words:,} words" if words_done == 0 else
                 f"between {words_done:,} and {words_done + chunk_words:,} words")
    else:
        where = f"after {words_done:,} words" if words_done else "at the start of training"
    return DivergenceError(f"training diverged (NaN or inf {where})", words_done=words_done)


FINITE_BLOCK = 1 << 20  # values checked at a time: np.isfinite makes a boolean copy (1 MB)


def check_finite(W_in, W_out, words_done: int) -> None:
    """Raise ``diverged`` if a matrix holds a NaN or inf, checking a block of rows at a time
    (a whole-matrix check allocates a boolean copy: 300 MB at V = 1M, d = 300)."""
    for W in (W_in, W_out):
        rows = max(1, FINITE_BLOCK // max(W.shape[1], 1))
        for start in range(0, len(W), rows):
            if not np.isfinite(W[start : start + rows]).all():
                raise diverged(words_done)
