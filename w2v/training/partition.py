"""How one loop (``loop.Loop``) trains a single process and the ranks of a distributed run:
an epoch of an encoded file is cut into *periods*, and after each period the processes that
train it meet (``meet``: a sum of flags and losses) and combine their replicas (``combine``).

- ``Local`` (one process): a period is one chunk of ``corpus.ids`` (about 0.5 s of work,
  ending on a sentence break), and its communicator is ``LocalComm``, the single process as
  the N = 1 case: its ``agreed(f)`` is ``f()``, its sums are the values, and there is nothing
  to combine, so every period ends with equal "replicas" and a checkpoint or a stop can
  follow any chunk.
- ``distributed.Ranks`` (one rank of N): a period is the rank's share of ``SyncPlan.every``
  words of all shards; ranks meet in ``Comm.control`` and combine rows in ``Replicas.sync``,
  and only after a full sync may a checkpoint be written.

A ``Period`` counts words *of all ranks* (``before``, ``after``: within the epoch), which is
what the lr schedule follows; ``own`` is this process's words in it, over which the rank
interpolates its share of the schedule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from w2v.text.encoded import SEPARATOR, read_ids
from w2v.training.mpi import LocalComm


@dataclass(frozen=True)
class Period:
    start: int  # id positions in the process's encoded file
    end: int
    before: int  # words of all ranks in the epoch before the period
    after: int  # ... and after it
    own: int  # this process's words in the period
    last: bool  # the epoch's last period
    piece: np.ndarray | None = None  # the ids, when already read (a local chunk)
    index: int = 0  # its number in the epoch (a rank's sync schedule counts periods)


def next_piece(path, position: int, limit: int, end: int) -> np.ndarray:
    """Up to ``limit`` ids from ``position``, cut after the last sentence break unless they
    reach ``end`` (or hold no break): no window is cut in two."""
    piece = read_ids(path, position, min(limit, end - position))
    if position + len(piece) < end:
        breaks = np.flatnonzero(piece == SEPARATOR)
        piece = piece[: breaks[-1] + 1] if len(breaks) else piece
    return piece


class Local:
    """One process over the whole encoded corpus: periods are chunks of ``chunk_ids`` ids."""

    lr_scale = 1

    def __init__(self, ids_path, n_ids: int, words_per_epoch: int, chunk_ids: int):
        self.ids_path, self.n_ids, self.chunk_ids = ids_path, n_ids, chunk_ids
        self.words_per_epoch = words_per_epoch
        self.comm = LocalComm()

    def periods(self, state) -> Iterator[Period]:
        """The rest of the current epoch, from ``state.position``."""
        position = state.position
        before = state.words_done - state.epoch * self.words_per_epoch
        while position < self.n_ids:
            piece = next_piece(self.ids_path, position, self.chunk_ids, self.n_ids)
            n = int(np.count_nonzero(piece >= 0))
            end = position + len(piece)
            yield Period(position, end, before, before + n, n, end >= self.n_ids, piece)
            position, before = end, before + n

    def combine(self, period: Period) -> bool:
        """Nothing to combine: the one replica is whole (a checkpoint may follow)."""
        return True
