"""One rank's training in a distributed run: its shard in periods through the local trainer,
the ranks' replicas combined on the word schedule of ``sync.py``.

Each period a rank trains its slice of the encoded shard in chunks through
``LocalTrainer.train_chunk`` (the single-process seam, on the rank's threads), then the ranks
meet in the same two collectives: ``Comm.control`` sums a small float64 vector (stop and
checkpoint flags, the loss sum and pair count, a non-finite flag), then ``Replicas.sync``
combines the period's hot rows in place. Everything the ranks decide (stop, checkpoint,
diverged) comes out of that one Allreduce, so they decide it together.

The lr follows the *global* word count: every rank knows, from one Allreduce at the start,
how many words all ranks together have trained at each period boundary (``glob``); within a
period a rank interpolates by its own share of the period (and multiplies by
``SyncPlan.lr_scale``: the number of ranks in the default mode). Chunk seeds come from the
rank's own ``np.random.Generator``, whose state each checkpoint records. With one thread per
rank a run is therefore a deterministic function of its inputs and the number of ranks, and so
is a run that was interrupted and resumed (checkpoints happen after a full sync, when the
replicas are equal, and never change what is trained).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from w2v.config import Config
from w2v.text.encoded import SEPARATOR, read_ids
from w2v.train import events
from w2v.train.extend import decay_start
from w2v.train.loop import CheckpointPolicy, StopRequested, TrainState, diverged, end_epoch, lr_at
from w2v.train.mpi import Comm
from w2v.train.sync import SyncPlan


class Replicas:
    """The rank's ``W_in`` and ``W_out`` and how they are combined with the other ranks'
    (``SyncPlan.mode``): "scaled" and "average" replace the rows by their mean over the ranks;
    "sum" and "touched" keep each matrix's last synced value (``last``, the same on every rank)
    and combine the ranks' changes since then, ``D_r = W_r - last``: "sum" sets
    ``W = last + sum_r D_r``, "touched" divides each row's sum by the number of ranks whose
    change to that row is not zero."""

    def __init__(self, comm: Comm, plan: SyncPlan, W_in: np.ndarray, W_out: np.ndarray):
        self.comm, self.plan, self.matrices = comm, plan, (W_in, W_out)
        keep = plan.mode in ("sum", "touched")
        self.last = tuple(W.copy() for W in self.matrices) if keep else None
        self.syncs = self.full_syncs = self.rows_synced = 0

    def sync(self, rows: int) -> None:
        """Combine the top ``rows`` rows of both matrices over the ranks, in place."""
        for i, W in enumerate(self.matrices):
            top = W[: min(rows, len(W))]
            if self.last is None:
                self.comm.allreduce_sum(top)
                top *= np.float32(1.0 / self.comm.size)
            else:
                last = self.last[i][: len(top)]
                top -= last  # the rank's change since the last sync of these rows
                if self.plan.mode == "touched":
                    ranks = np.any(top != 0, axis=1).astype(np.float32)
                    self.comm.allreduce_sum(ranks)
                self.comm.allreduce_sum(top)
                if self.plan.mode == "touched":
                    top /= np.maximum(ranks, 1)[:, None]
                top += last
                last[...] = top
            self.rows_synced += len(top)
        self.syncs += 1
        self.full_syncs += rows >= len(self.matrices[0])


@dataclass
class RankLoop:
    """A rank's epochs. ``bounds``: where each period starts in the rank's encoded shard;
    ``mine`` / ``glob``: words of this rank / of all ranks before each bound; ``save()``: the
    collective checkpoint (returns its path on rank 0); ``stop()``: a signal is pending here."""

    comm: Comm
    cfg: Config
    state: TrainState
    replicas: Replicas
    train_chunk: Callable
    chunk_ids: int
    ids_path: object
    bounds: np.ndarray
    mine: np.ndarray
    glob: np.ndarray
    round: int
    rng: np.random.Generator
    save: Callable[[], str]
    stop: Callable[[], bool]
    evaluate: Callable | None = None  # as Loop's; the session's gives every rank rank 0's
    pending: dict = field(default_factory=lambda: {"stop": False, "checkpoint": False})

    @property
    def rounds(self) -> int:
        return len(self.bounds) - 1

    @property
    def words_per_epoch(self) -> int:
        return int(self.glob[-1])

    def epochs(self):
        """Train to the end, yielding events (all ranks; the session shows rank 0's). A stop
        raises ``StopRequested`` after the checkpoint of the next full sync."""
        policy = CheckpointPolicy(self.cfg.checkpoint_every, time.monotonic(),
                                  self.state.words_done)
        self._t_start = time.perf_counter() - self.state.train_seconds
        while self.state.epoch < self.cfg.epochs:
            full, event = self._period(policy)
            yield event
            if self.round == self.rounds:
                yield self._end_epoch()
            if full and (self.pending["stop"] or self.pending["checkpoint"]):
                path = self.save()
                yield events.CheckpointSaved(path, self.state.words_done)
                if self.pending["stop"]:
                    raise StopRequested(path)
                self.pending["checkpoint"] = False
                policy.reset(time.monotonic(), self.state.words_done)

    def _period(self, policy: CheckpointPolicy):
        cfg, state, k = self.cfg, self.state, self.round
        loss_sum, pairs = self._train(k)
        due = self.comm.rank == 0 and policy.due(time.monotonic(), state.words_done)
        flags = self.comm.control([bool(self.stop()), due, loss_sum, pairs,
                                   not np.isfinite(loss_sum)])
        if flags[4] > 0:
            error = diverged(state.words_done)
            error.collective = True  # every rank saw the same flags
            raise error
        self.pending["stop"] |= bool(flags[0] > 0)
        self.pending["checkpoint"] |= bool(flags[1] > 0)
        self.round = k + 1
        vocab_rows = len(self.replicas.matrices[0])
        rows = self.replicas.plan.rows_at(self.round, self.rounds, vocab_rows)
        self.replicas.sync(rows)
        state.words_done = state.epoch * self.words_per_epoch + int(self.glob[self.round])
        state.position = int(self.bounds[self.round])
        state.add_loss(float(flags[2]), int(flags[3]))
        state.train_seconds = time.perf_counter() - self._t_start
        total = self.words_per_epoch * cfg.epochs
        loss, seen = state.epoch_loss
        start = decay_start(state, cfg)
        lr = self.replicas.plan.lr_scale(self.comm.size) * lr_at(cfg, state.words_done, total,
                                                                 start)
        return rows >= vocab_rows, events.Progress(
            state.words_done, total, state.epoch + 1, cfg.epochs, lr, loss / max(seen, 1),
            state.train_seconds, int(self.glob[self.round]), self.words_per_epoch, start[0])

    def _train(self, k: int) -> tuple[float, int]:
        """This rank's slice of period ``k``, chunk by chunk, lr on the global word count."""
        cfg, state = self.cfg, self.state
        total = self.words_per_epoch * cfg.epochs
        g0 = state.epoch * self.words_per_epoch + int(self.glob[k])
        span = int(self.glob[k + 1] - self.glob[k])
        share = max(int(self.mine[k + 1] - self.mine[k]), 1)
        W_in, W_out = self.replicas.matrices
        scale = self.replicas.plan.lr_scale(self.comm.size)
        start = decay_start(state, cfg)
        loss_sum, pairs, done = 0.0, 0, 0
        position, end = int(self.bounds[k]), int(self.bounds[k + 1])
        while position < end:
            piece = read_ids(self.ids_path, position, min(self.chunk_ids, end - position))
            if position + len(piece) < end:  # end on a sentence break, as loop.Loop does
                breaks = np.flatnonzero(piece == SEPARATOR)
                piece = piece[: breaks[-1] + 1] if len(breaks) else piece
            n = int(np.count_nonzero(piece >= 0))
            lr0 = scale * lr_at(cfg, g0 + span * done / share, total, start)
            lr1 = scale * lr_at(cfg, g0 + span * (done + n) / share, total, start)
            seed = int(self.rng.integers(2**63))
            chunk_loss, chunk_pairs = self.train_chunk(W_in, W_out, piece, lr0, lr1, seed)
            loss_sum += chunk_loss
            pairs += chunk_pairs
            done += n
            position += len(piece)
        return loss_sum, pairs

    def _end_epoch(self) -> events.EpochDone:
        """After the epoch's last period, a full sync: the replicas are equal to score."""
        event = end_epoch(self.cfg, self.state, self.evaluate, self.replicas.matrices[0])
        if self.evaluate is not None:
            self._t_start += event.eval_seconds
        self.round = 0
        return event

    def rank_state(self) -> dict:
        """What a checkpoint records of this rank: where it is and its chunk seeds' rng."""
        return {"position": int(self.bounds[self.round]), "rng": self.rng.bit_generator.state}
