"""MPI for a distributed run: whether this process is one of several ranks, and the few
collectives the run needs, on numpy buffers (no pickling of the model).

- ``launched_size()`` reads the environment the launcher sets (``PMI_SIZE``: MPICH's hydra,
  Intel MPI, Slurm's PMI-1/PMI-2; ``OMPI_COMM_WORLD_SIZE``: Open MPI) *before* importing
  mpi4py, so a single process never imports it, and ``w2v[mpi]`` stays optional.
- ``Comm`` wraps ``MPI.COMM_WORLD``. Waiting is polite: a rank that is early at a collective
  polls a non-blocking one with short sleeps instead of spinning (MPICH busy-waits), so ranks
  that share cores with each other or with other jobs do not steal the CPU they wait for.
- Errors: ``settle`` makes an outcome collective: every rank raises the same error, and only
  rank 0 prints it. A rank that fails on its own (a bug, memory) would leave the others
  waiting forever; ``abort_at_exit`` makes its exit abort the whole job (``MPI_Abort``) once
  its message is printed. MPI is not fault-tolerant: a rank that dies ends the job.
"""

from __future__ import annotations

import atexit
import os
import time

import numpy as np

from w2v.config import available_cores
from w2v.errors import CheckpointError, RunError, W2VError

SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE")
MAX_ELEMENTS = 1 << 27  # per Allreduce/Bcast call: well inside MPI's int counts


def launched_size(environ=os.environ) -> int:
    """How many ranks the MPI launcher started, from its environment (1 if none did).

    >>> launched_size({"PMI_SIZE": "4"}), launched_size({})
    (4, 1)
    """
    for name in SIZE_VARIABLES:
        if environ.get(name, "").isdigit():
            return int(environ[name])
    return 1


def world() -> Comm | None:
    """The communicator of a run on several ranks, or None for a single process (then mpi4py
    is not imported)."""
    size = launched_size()
    if size <= 1:
        return None
    try:
        from mpi4py import MPI
    except ImportError:
        raise RunError(f"this process was started by an MPI launcher as one of {size} ranks, "
                       "but mpi4py is not installed: pip install 'w2v[mpi]'") from None
    if MPI.COMM_WORLD.Get_size() != size:
        raise RunError(f"the launcher started {size} ranks but MPI sees "
                       f"{MPI.COMM_WORLD.Get_size()}: mpi4py was built for another MPI than "
                       "the launcher's (use the mpiexec of the MPI mpi4py uses)")
    return Comm(MPI)


def ranks_of(state: dict) -> int:
    """How many ranks trained a checkpoint's run (1 for a single process)."""
    return int(state.get("distributed", {}).get("ranks", 1))


def check_ranks(state: dict, size: int) -> None:
    """A run resumes on as many ranks as it was trained on: the shards, the rank's rng
    streams and the sync schedule all depend on the number."""
    trained = ranks_of(state)
    if trained == size:
        return
    if trained == 1:
        raise CheckpointError(f"this run was trained by a single process; resume it without "
                              f"an MPI launcher, not on {size} ranks")
    now = "by a single process" if size == 1 else f"on {size}"
    raise CheckpointError(f"this run was trained on {trained} MPI ranks; resume it on "
                          f"{trained} ranks (mpiexec -n {trained}), not {now}", ranks=trained)


class LocalComm:
    """A single process as the one rank of a communicator, so that one code serves both:
    ``agreed(f)`` is ``f()``, a sum or a broadcast is the value itself."""

    rank, size = 0, 1

    def agreed(self, fn, *args):
        return fn(*args)

    def control(self, values) -> np.ndarray:
        return np.array(values, dtype=np.float64)

    def bcast(self, obj):
        return obj

    def bcast_array(self, array: np.ndarray) -> None:
        pass


class Comm:
    """``MPI.COMM_WORLD`` with what a run needs. ``allreduce_seconds`` and ``wait_seconds``
    add up the time spent summing weights and waiting for other ranks."""

    def __init__(self, MPI):
        self.MPI = MPI
        self.comm = MPI.COMM_WORLD
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.allreduce_seconds = self.wait_seconds = 0.0
        self.elements_reduced = 0
        self._abort = False
        atexit.register(self._at_exit)  # runs before mpi4py's MPI_Finalize

    def local_size(self) -> int:
        """Ranks on this node (sharing its cores)."""
        return self.comm.Split_type(self.MPI.COMM_TYPE_SHARED).Get_size()

    def threads(self, threads: int) -> int:
        """A rank's threads: ``threads`` as given (per rank), or for 0 its share of the
        node's cores."""
        return threads or max(1, available_cores() // self.local_size())

    def _wait(self, request) -> None:
        t0, pause = time.perf_counter(), 2e-5
        while not request.Test():
            time.sleep(pause)
            pause = min(2 * pause, 1e-3)
        self.wait_seconds += time.perf_counter() - t0

    def barrier(self) -> None:
        self._wait(self.comm.Ibarrier())

    def control(self, values) -> np.ndarray:
        """Sum a small float64 vector over the ranks (flags, losses, counts); where ranks
        meet, so the waiting is polite."""
        buf = np.array(values, dtype=np.float64)
        self._wait(self.comm.Iallreduce(self.MPI.IN_PLACE, buf, op=self.MPI.SUM))
        return buf

    def allreduce_sum(self, rows: np.ndarray) -> None:
        """Sum a C-contiguous array over the ranks, in place, in pieces of MAX_ELEMENTS."""
        flat = rows.reshape(-1)
        t0 = time.perf_counter()
        for start in range(0, len(flat), MAX_ELEMENTS):
            self.comm.Allreduce(self.MPI.IN_PLACE, flat[start : start + MAX_ELEMENTS],
                                op=self.MPI.SUM)
        self.allreduce_seconds += time.perf_counter() - t0
        self.elements_reduced += len(flat)

    def bcast_array(self, array: np.ndarray) -> None:
        """Rank 0's array to every rank, in place (same shape and dtype everywhere)."""
        self.barrier()
        flat = array.reshape(-1)
        for start in range(0, len(flat), MAX_ELEMENTS):
            self.comm.Bcast(flat[start : start + MAX_ELEMENTS], root=0)

    def bcast(self, obj):
        """A small picklable object from rank 0 (settings, a vocabulary, a state)."""
        self.barrier()
        return self.comm.bcast(obj, root=0)

    def gather(self, obj) -> list | None:
        self.barrier()
        return self.comm.gather(obj, root=0)

    def fold(self, obj, merge):
        """Rank 0 merges every rank's ``obj`` into its own (``merge(mine, theirs)``), one rank
        at a time, so it holds its merged object and one other at once; returns it on rank 0,
        None elsewhere."""
        self.barrier()
        if self.rank != 0:
            self.comm.send(obj, dest=0)
            return None
        for source in range(1, self.size):
            merge(obj, self.comm.recv(source=source))
        return obj

    def allgather(self, obj) -> list:
        self.barrier()
        return self.comm.allgather(obj)

    def settle(self, error: BaseException | None) -> None:
        """Agree on an outcome: if any rank failed (``error``), every rank raises the first
        rank's error, marked ``collective`` (rank 0 prints it, the others stay quiet)."""
        errors = self.allgather(error)
        first = next((r for r, e in enumerate(errors) if e is not None), None)
        if first is None:
            return
        raised = error if first == self.rank else errors[first]
        if first != 0 and self.rank == 0:  # only rank 0 prints: say whose error it is
            if isinstance(raised, W2VError):
                raised.template = f"rank {first}: {raised.template}"
            elif isinstance(raised, OSError):
                raised.strerror = f"rank {first}: {raised.strerror or raised}"
        raised.collective = True
        raise raised

    def agreed(self, fn, *args):
        """``fn(*args)`` on every rank, its W2VError or OSError made collective (``settle``)."""
        try:
            result, error = fn(*args), None
        except (W2VError, OSError) as e:
            result, error = None, e
        self.settle(error)
        return result

    def abort_at_exit(self) -> None:
        """End the whole job when this process exits (after the CLI printed its error)."""
        self._abort = True

    def _at_exit(self) -> None:
        if self._abort:
            self.comm.Abort(1)
