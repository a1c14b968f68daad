"""When the ranks of a distributed run meet, and how they combine rows: a schedule in words.

Every rank trains its shard on its own replica of ``W_in`` and ``W_out``. An epoch is cut into
``R = ceil(W / every)`` *periods* (``W`` the words of all shards, ``every`` =
``SyncPlan.every``, the words all ranks together train between syncs), the same number on
every rank; a rank's period is ``1/R`` of its shard. After each period the ranks meet: one small
Allreduce of flags and losses, then one of the hot rows. Nothing here depends on time, so a run
is a deterministic function of its inputs, and every rank makes the same collective calls in
the same order however long its shard.

Which rows (pWord2Vec's scheme, Ji et al. 2016): ids are sorted by count, so the hot rows are
a prefix. After period ``k`` the top ``rows * growth**j`` rows are combined, ``j`` the number
of times ``growth`` divides ``k``: the top 1,024 every period, the top 2,048 every second
period, the top 4,096 every fourth, and so on. A tier that covers the vocabulary is a *full*
sync, which also happens every ``full_every`` periods and at each epoch's end: only after a full
sync are the replicas equal, so only then can a checkpoint be written (and a stop take effect).

How (``mode``), measured in docs/distributed.md:

- ``"average"`` (the default): model averaging, the rows replaced by their mean over the ranks.
- ``"sum"``: every rank's change since the rows were last synced, added to their last synced
  value; the frequent rows overshoot (N stale updates in the same direction) and the run
  diverges beyond two ranks.
- ``"touched"``: each row gets the mean change of the ranks that changed it (a rare word's
  update is kept whole, a frequent one's averaged); measured as close to ``"average"``, which
  shows that the loss of plain averaging is in the frequent rows.

At which lr (``lr``, the ``sync_lr`` setting: ``lr_multiplier``): each rank trains at ``m``
times the lr schedule. With ``m = N`` the mean of N replicas is, to first order, the sum of
the steps one process would take over all the shards' words; at 1 the frequent rows progress
about N times slower than in one process. Between the two, ``m`` trades the replicas'
divergence between syncs (large steps on stale rows) against slow progress; beyond N the
ranks diverge.

Block momentum (``momentum``, the ``sync_momentum`` setting; BMUF, Chen & Huo 2016): each
sync's averaged change of a row is added to the row's velocity (times ``momentum`` first), and
the row moves by the velocity, so that every change counts ``1 / (1 - momentum)`` times, spread
over the row's next syncs. At ``lr`` "n/2" and momentum 0.5 the ranks progress, to first order,
as one process, with half the steps of "n" on their own replicas (docs/distributed.md measures
it). At a full sync the rest of the velocity is added at once and it restarts from zero
(``Replicas._flush``), so that a checkpoint, which follows a full sync, holds the whole state.
The default schedule is "average" at "n" without momentum: "n/2" with momentum 0.5 measured
better at 8 ranks on wiki-17m but unstable on a corpus with few syncs per epoch, where every
sync is full and its flush doubles each averaged change (docs/distributed.md).

When (``warmup``: a plan field for the benchmarks, measured not to help): the first
``warmup`` fraction of the run's words end every period with a full sync, then the tiered
schedule. (A ramp of the multiplier from 1, measured worse, was removed.) The old plan
``"scaled"`` is ``"average"`` at ``lr`` "n" (``SyncPlan.from_json`` reads plans stored before
the split).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from w2v.config_values import lr_multiplier
from w2v.errors import ConfigError
from w2v.text.encoded import SEPARATOR, read_ids

MODES = ("average", "sum", "touched")


@dataclass(frozen=True)
class SyncPlan:
    """The schedule's parameters, stored with the run (a resumed run keeps its own)."""

    every: int = 200_000  # words all ranks train per period
    rows: int = 1024  # rows combined after every period
    growth: int = 2  # tier j (rows * growth**j rows) every growth**j periods
    full_every: int = 64  # periods between full syncs, at most
    mode: str = "average"
    lr: str = "n"  # the rank's lr multiplier: config_values.lr_multiplier's spelling
    warmup: float = 0.0  # the fraction of the run's words with a full sync every period
    momentum: float = 0.0  # block momentum on the averaged rows (BMUF), "average" only

    def __post_init__(self):
        if self.mode not in MODES:
            raise ConfigError(f"the sync mode must be one of {', '.join(MODES)}, not "
                              f"{self.mode!r}")
        if min(self.every, self.rows, self.full_every) < 1 or self.growth < 2 or \
                not 0 <= self.warmup <= 1 or not 0 <= self.momentum < 1:
            raise ConfigError(f"invalid sync plan {self}")
        lr_multiplier(self.lr, 1)
        if self.momentum and self.mode != "average":
            raise ConfigError(f"block momentum needs the average mode, not {self.mode!r}")

    def rows_at(self, k: int, rounds: int, vocab_rows: int) -> int:
        """Rows summed after period ``k`` (1-based) of ``rounds`` in an epoch.

        >>> plan = SyncPlan(rows=2, full_every=8)
        >>> [plan.rows_at(k, 10, 100) for k in range(1, 11)]
        [2, 4, 2, 8, 2, 4, 2, 100, 2, 100]
        >>> [SyncPlan(rows=2).rows_at(k, 10, 5) for k in (1, 2, 3)]
        [2, 4, 2]
        """
        if k >= rounds or k % self.full_every == 0:
            return vocab_rows
        j = 0
        while k % self.growth == 0:
            k //= self.growth
            j += 1
        return min(vocab_rows, self.rows * self.growth**j)

    def lr_scale(self, ranks: int) -> float:
        """What a rank multiplies the lr schedule by.

        >>> SyncPlan(lr="sqrt").lr_scale(4), SyncPlan().lr_scale(8)
        (2.0, 8.0)
        """
        return lr_multiplier(self.lr, ranks)

    def warm_words(self, total_words: int) -> int:
        """The global word count up to which every period ends with a full sync.

        >>> SyncPlan(warmup=0.05).warm_words(1000)
        50
        """
        return int(self.warmup * total_words)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> SyncPlan:
        """A stored plan; one stored before ``lr`` existed ran "scaled" at N x lr, or plain
        "average" at 1 x lr, and one stored before ``momentum`` existed ran without it.

        >>> SyncPlan.from_json({"mode": "scaled"}).lr, SyncPlan.from_json({"mode": "average"}).lr
        ('n', '1')
        """
        data = {"momentum": 0.0, **data}
        if "lr" not in data:
            scaled = data.get("mode", "scaled") == "scaled"
            data["lr"] = "n" if scaled else "1"
            data["mode"] = "average" if scaled else data["mode"]
        return cls(**data)


def rounds_per_epoch(epoch_words: int, every: int) -> int:
    """Periods per epoch: enough that all ranks together train at most ``every`` words per
    period.

    >>> rounds_per_epoch(250, 100), rounds_per_epoch(0, 100)
    (3, 1)
    """
    return max(1, math.ceil(epoch_words / every))


def round_bounds(n_ids: int, rounds: int) -> np.ndarray:
    """Where each period starts in a rank's encoded shard (``rounds + 1`` id positions).

    >>> round_bounds(10, 3).tolist()
    [0, 3, 6, 10]
    """
    return np.array([n_ids * k // rounds for k in range(rounds + 1)], dtype=np.int64)


def sentence_bounds(path, bounds, block: int = 1 << 16) -> np.ndarray:
    """``bounds`` with each interior bound moved to the next sentence start of the encoded
    file (``encoded.sentence_cut``, read in blocks), so that no window spans two periods."""
    out = np.array(bounds, dtype=np.int64)
    n = int(out[-1])
    for k in range(1, len(out) - 1):
        if out[k] <= 0:
            continue
        position, cut = int(out[k]) - 1, n  # the bound goes just past the first -1 from here
        while position < n:
            piece = read_ids(path, position, min(block, n - position))
            breaks = np.flatnonzero(piece == SEPARATOR)
            if len(breaks):
                cut = position + int(breaks[0]) + 1
                break
            position += len(piece)
        out[k] = cut
    return out


def words_before(path, positions, block: int = 1 << 22) -> np.ndarray:
    """For each position (ascending, at most the file's length), how many words (ids >= 0) of
    the encoded file precede it: one pass over the file."""
    positions = np.asarray(positions, dtype=np.int64)
    out = np.zeros(len(positions), dtype=np.int64)
    total = start = 0
    while True:
        ids = read_ids(path, start, block)
        if not len(ids):
            break
        cumulative = np.concatenate(([0], np.cumsum(ids >= 0)))
        inside = (positions >= start) & (positions < start + len(ids))
        out[inside] = total + cumulative[positions[inside] - start]
        total += int(cumulative[-1])
        start += len(ids)
    out[positions >= start] = total
    return out


def tier_rows_per_period(plan: SyncPlan, rounds: int, vocab_rows: int) -> float:
    """The mean rows summed per period over an epoch (for the cost model and the run's note).

    >>> tier_rows_per_period(SyncPlan(rows=1, full_every=4), 4, 8)
    3.0
    """
    return sum(plan.rows_at(k, rounds, vocab_rows) for k in range(1, rounds + 1)) / rounds
