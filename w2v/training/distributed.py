"""One rank's partition of a distributed run (``Ranks``, trained by the one ``loop.Loop``): its
shard in periods through the local trainer, the ranks' replicas combined on the word schedule
of ``sync.py``.

Each period a rank trains its slice of the encoded shard in chunks through
``LocalTrainer.train_chunk`` (the single-process seam, on the rank's threads), then the ranks
meet in the same two collectives: ``Comm.control`` sums a small float64 vector (stop and
checkpoint flags, the loss sum and pair count, a non-finite flag), then ``Replicas.sync``
combines the period's hot rows in place. Everything the ranks decide (stop, checkpoint,
diverged) comes out of that one Allreduce, so they decide it together.

The lr follows the *global* word count: every rank knows, from one Allreduce at the start,
how many words all ranks together have trained at each period boundary (``glob``); within a
period a rank interpolates by its own share of the period (and multiplies by
``SyncPlan.lr_scale``, the ``sync_lr`` setting). Chunk seeds come from the
rank's own ``np.random.Generator``, whose state each checkpoint records. With one thread per
rank a run is therefore a deterministic function of its inputs and the number of ranks, and so
is a run that was interrupted and resumed (checkpoints happen after a full sync, when the
replicas are equal, and never change what is trained).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from w2v.training.mpi import Comm
from w2v.training.partition import Period
from w2v.training.sync import SyncPlan


class Replicas:
    """The rank's ``W_in`` and ``W_out`` and how they are combined with the other ranks'
    (``SyncPlan.mode``): "average" replaces the rows by their mean over the ranks, then with
    ``SyncPlan.momentum`` moves them by their velocity (``last`` and ``velocity`` kept);
    "sum" and "touched" keep each matrix's last synced value (``last``, the same on every rank)
    and combine the ranks' changes since then, ``D_r = W_r - last``: "sum" sets
    ``W = last + sum_r D_r``, "touched" divides each row's sum by the number of ranks whose
    change to that row is not zero. ``lock``: W_in's lock factors (``Tables.lock``); its rows
    at 0 (frozen) are put back after every sync, since the mean of N equal float32 rows need
    not be the row (3 ranks: (x + x + x) / 3)."""

    def __init__(self, comm: Comm, plan: SyncPlan, W_in: np.ndarray, W_out: np.ndarray,
                 tree: bool = False, lock: np.ndarray | None = None):
        self.comm, self.plan, self.matrices = comm, plan, (W_in, W_out)
        frozen = np.flatnonzero(lock == 0) if lock is not None else np.empty(0, np.int64)
        self.pinned = (frozen, W_in[frozen].copy())
        keep = plan.mode in ("sum", "touched") or plan.momentum > 0
        self.last = tuple(W.copy() for W in self.matrices) if keep else None
        self.velocity = tuple(np.zeros_like(W) for W in self.matrices) \
            if plan.momentum > 0 else None
        self.syncs = self.full_syncs = self.rows_synced = 0
        self.tree = tree  # W_out holds hierarchical softmax's inner nodes

    def hot(self, i: int, rows: int) -> slice:
        """Matrix ``i``'s ``rows`` busiest rows: a prefix (ids are sorted by count), except
        for the inner nodes of hierarchical softmax's tree, whose busiest, nearest the root
        (on every word's path), are the last rows (word2vec.c numbers nodes as it merges
        them, the root last)."""
        n = min(rows, len(self.matrices[i]))
        return slice(len(self.matrices[i]) - n, None) if i == 1 and self.tree else slice(0, n)

    def sync(self, rows: int) -> None:
        """Combine the ``rows`` busiest rows of both matrices over the ranks, in place."""
        for i, W in enumerate(self.matrices):
            top = W[self.hot(i, rows)]
            if self.plan.mode == "average":
                self.comm.allreduce_sum(top)
                top *= np.float32(1.0 / self.comm.size)
                if self.velocity is not None:
                    self._momentum(i, rows, top)
            else:
                last = self.last[i][self.hot(i, rows)]
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
        full = rows >= len(self.matrices[0])
        self.full_syncs += full
        if full and self.velocity is not None:
            self._flush()
        rows_, values = self.pinned
        self.matrices[0][rows_] = values

    def _momentum(self, i: int, rows: int, top: np.ndarray) -> None:
        """Block momentum (BMUF, Chen & Huo 2016) on the averaged rows ``top``: the block's
        change ``top - last`` is added to the velocity (times ``momentum`` first), and the
        rows become ``last + velocity``. Each change counts 1 / (1 - momentum) times in the
        end, spread over the row's next syncs."""
        last, v = self.last[i][self.hot(i, rows)], self.velocity[i][self.hot(i, rows)]
        v *= np.float32(self.plan.momentum)
        v += top
        v -= last
        top[...] = last + v
        last[...] = top

    def _flush(self) -> None:
        """At a full sync, what the velocity would still add over the next syncs
        (``v * momentum / (1 - momentum)``, the geometric tail) is added at once, and the
        velocity restarts from zero: so the replicas after a full sync are the whole state,
        and a checkpoint there resumes to the same bits. A row synced only at full syncs thus
        gets its averaged change times 1 / (1 - momentum) at once."""
        tail = np.float32(self.plan.momentum / (1 - self.plan.momentum))
        for W, last, v in zip(self.matrices, self.last, self.velocity):
            v *= tail
            W += v
            last[...] = W
            v[...] = 0


@dataclass
class Ranks:
    """One rank's partition (``partition.py``): its shard in periods, ``bounds`` where each
    period starts in the encoded shard, ``mine`` / ``glob`` the words of this rank / of all
    ranks before each bound; ``round`` the periods of the current epoch done; ``warm_until``
    the global word count (over all epochs) up to which every period ends with a full sync
    (``SyncPlan.warmup``), ``epoch`` the current epoch (set by ``periods``)."""

    comm: Comm
    replicas: Replicas
    ids_path: object
    bounds: np.ndarray
    mine: np.ndarray
    glob: np.ndarray
    round: int
    warm_until: int = 0
    epoch: int = 0
    at: int = 0  # the global word count where the current period starts

    @property
    def rounds(self) -> int:
        return len(self.bounds) - 1

    @property
    def words_per_epoch(self) -> int:
        return int(self.glob[-1])

    @property
    def lr_scale(self) -> float:
        """The rank's lr multiplier (``SyncPlan.lr_scale``)."""
        return self.replicas.plan.lr_scale(self.comm.size)

    def periods(self, state) -> Iterator[Period]:
        """The rest of the current epoch, from period ``round``."""
        b, g, m = self.bounds, self.glob, self.mine
        self.epoch = state.epoch
        for k in range(self.round, self.rounds):
            self.at = self.epoch * self.words_per_epoch + int(g[k])
            yield Period(int(b[k]), int(b[k + 1]), int(g[k]), int(g[k + 1]),
                         int(m[k + 1] - m[k]), k + 1 == self.rounds, index=k)

    def combine(self, period: Period) -> bool:
        """Sync the rows the schedule says after the period; whether it was a full sync (the
        replicas are then equal). At the epoch's end the next epoch starts at period 0."""
        vocab_rows = len(self.replicas.matrices[0])
        rows = self.replicas.plan.rows_at(period.index + 1, self.rounds, vocab_rows)
        if self.epoch * self.words_per_epoch + period.before < self.warm_until:
            rows = vocab_rows  # the warm start: the period began before warm_until
        self.replicas.sync(rows)
        self.round = 0 if period.last else period.index + 1
        return rows >= vocab_rows
