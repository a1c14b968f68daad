"""A distributed training session: ``session.train`` under ``mpiexec -n N`` (N > 1), on every
rank, as a generator of the same events; rank 0's are shown, the other ranks stay quiet. The
session is the single process's (``session._session``); this module holds what a rank does
differently (``RankRun``) and the rank's envelope (``train``):

- Rank 0 alone takes the run folder's lock (``RunDir.lock``, an flock): it is what keeps a
  second job, or a single process, out of the folder, and the other ranks write only their own
  ``corpus.rank-NNN.ids`` after rank 0 holds it. (One lock per rank would refuse the job's own
  ranks on a shared node; flock over NFS needs a server that supports it, Lustre the ``flock``
  mount option.)
- Signals are only noted (``SignalTrap.deferred``) and take effect where the ranks meet: during
  counting at the vocabulary merge, during training at the next full sync, which writes a
  checkpoint first. ``mpiexec`` (hydra) forwards SIGINT and SIGTERM to every rank.
- Errors every rank raises together are marked ``collective``; only rank 0 prints them (the
  others' are marked ``quiet`` for the CLI). Any other error is one rank's alone: its process
  aborts the job when it exits (``Comm.abort_at_exit``), since the others would wait forever.
"""

from __future__ import annotations

from contextlib import ExitStack

import numpy as np

from w2v.run import checkpoint
from w2v.run.rundir import RunDir
from w2v.text.encoded import count_ids
from w2v.training import events, rank_prepare, sync
from w2v.training.distributed import Ranks, Replicas
from w2v.training.driver import check_words
from w2v.training.export import finish_ranks
from w2v.training.loop import Loop, StopRequested
from w2v.training.mpi import Comm
from w2v.training.signals import SignalTrap
from w2v.training.stopped import interrupted


def train(comm: Comm, rundir: RunDir, session):
    """``session.train``'s envelope on one rank of ``comm``: rank 0 holds the folder's lock,
    signals wait for where the ranks meet, rank 0 shows the events (the others drain them),
    and an error is marked collective or aborts the job. ``session(trap)``: the one
    session's generator (``session._session`` with a ``RankRun``)."""
    try:
        with SignalTrap() as trap, trap.deferred(), ExitStack() as held:
            comm.agreed(lambda: comm.rank == 0 and held.enter_context(rundir.lock()))
            if comm.rank == 0:
                yield from session(trap)
            else:
                for _ in session(trap):
                    pass
    except StopRequested:
        error = interrupted(rundir, trap.first, comm.size)
        error.collective = True  # every rank stops at the same full sync
        _mark(comm, error)
        raise error from None
    except BaseException as e:
        _mark(comm, e)
        raise


def _mark(comm: Comm, error: BaseException) -> None:
    if not getattr(error, "collective", False):
        comm.abort_at_exit()
    elif comm.rank != 0:
        error.quiet = True


class RankRun:
    """What a rank does differently within the one session (``session._session``): it
    prepares with its shard (``rank_prepare``), trains its partition (``distributed.Ranks``) on
    its share of the node's threads, and finishes with rank 0 writing the vectors. ``plan``
    overrides SyncPlan fields of a fresh run (the benchmarks), ``prune_at`` the counting's
    pruning threshold (the tests)."""

    def __init__(self, comm: Comm, rundir: RunDir, plan: dict | None = None,
                 prune_at: int | None = None):
        self.comm, self.rundir, self.plan, self.prune_at = comm, rundir, plan or {}, prune_at

    def prepare(self, settings, corpus, resume, force, init, trap):
        comm, rundir = self.comm, self.rundir
        if resume:
            setup = yield from rank_prepare.resume(comm, rundir, settings, corpus)
        else:
            setup = yield from rank_prepare.fresh(comm, rundir, settings, corpus, force, trap,
                                              self.prune_at, init)
        if setup is None:
            return None
        *setup, self.dist = setup
        cfg = setup[0]
        if "plan" not in self.dist:  # a fresh run (a resumed one keeps its own)
            self.dist["plan"] = comm.agreed(lambda: sync.SyncPlan(
                **{"every": cfg.sync_every, "rows": cfg.sync_rows, "lr": str(cfg.sync_lr),
                   "momentum": cfg.sync_momentum, **self.plan}).to_json())
        return tuple(setup)

    def kernel_config(self, cfg):
        self.threads = self.comm.threads(cfg.threads)
        return cfg.replace(threads=self.threads)

    def loop(self, cfg, state, W_in, W_out, trainer, trap, scorer, lock):
        loop = _loop(self.comm, self.rundir, cfg, state, W_in, W_out, self.dist, trainer, trap,
                     scorer, lock)
        yield events.Note(describe(self.comm, loop, self.threads))
        return loop

    def finish(self, cfg, vocab, W_in, final, loop):
        yield events.Note(sync_report(self.comm, loop))
        yield events.Written(finish_ranks(self.comm, self.rundir, cfg, vocab.words, W_in,
                                          final))


def _loop(comm, rundir, cfg, state, W_in, W_out, dist, trainer, trap, scorer, lock) -> Loop:
    """The one loop over the rank's partition (``distributed.Ranks``): its periods' bounds
    and the global word counts at each, and its rng (fresh from the seed and the rank, or the
    checkpoint's)."""
    path = rundir.rank_ids(comm.rank)
    n_ids, words = count_ids(path)
    shards = comm.allgather((n_ids, words))
    comm.agreed(check_words, sum(w for _, w in shards))
    plan = sync.SyncPlan.from_json(dist["plan"])
    rounds = sync.rounds_per_epoch(sum(w for _, w in shards), plan.every)
    bounds = sync.sentence_bounds(path, sync.round_bounds(n_ids, rounds))
    mine = sync.words_before(path, bounds)
    glob = comm.control(mine).astype(np.int64)
    if "rank_state" in dist:  # resumed
        rng = np.random.default_rng()
        rng.bit_generator.state = dist["rank_state"][comm.rank]["rng"]
        round_ = int(dist["round"])
    else:
        rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(comm.rank,)))
        round_ = 0
    dist.update(rounds=rounds, shards=[list(s) for s in shards])
    replicas = Replicas(comm, plan, W_in, W_out, tree=cfg.loss == "hs", lock=lock)
    part = Ranks(comm, replicas, path, bounds, mine, glob, round_,
                 warm_until=plan.warm_words(int(glob[-1]) * cfg.epochs))
    loop = Loop(cfg, state, W_in, W_out, trainer.train_chunk, trainer.chunk_words, part, rng,
                save=lambda: _save(comm, rundir, loop, dist),
                stop=lambda: bool(trap.caught), evaluate=scorer)
    return loop


def _save(comm: Comm, rundir: RunDir, loop: Loop, dist: dict) -> str:
    """The collective checkpoint (``Loop.checkpoint``, after a full sync): every rank's
    position, rng and shard size go to rank 0, which writes the (shared) weights."""
    state, part = loop.state, loop.part
    ranks = comm.gather({"position": state.position, "rng": loop.rng.bit_generator.state,
                         "ids": int(part.bounds[-1])})
    W_in, W_out = loop.W_in, loop.W_out

    def write() -> str:
        if comm.rank != 0:
            return ""
        record = {**dist, "round": part.round, "rank_state": ranks, "stats": stats(comm, loop)}
        return str(checkpoint.save(rundir, {**state.to_json(), "distributed": record},
                                   W_in, W_out))

    return comm.agreed(write)


def stats(comm: Comm, loop: Loop) -> dict:
    """What the syncs cost on this rank so far (rank 0's figures go into the checkpoint)."""
    r = loop.part.replicas
    return {"syncs": r.syncs, "full_syncs": r.full_syncs, "rows_synced": r.rows_synced,
            "bytes_reduced": 4 * comm.elements_reduced,
            "allreduce_seconds": round(comm.allreduce_seconds, 4),
            "wait_seconds": round(comm.wait_seconds, 4),
            "train_seconds": round(loop.state.train_seconds, 4)}


def describe(comm: Comm, loop: Loop, threads: int) -> str:
    part = loop.part
    plan, V = part.replicas.plan, len(part.replicas.matrices[0])
    how = {"average": "average them", "sum": "sum their changes",
           "touched": "average the changes of the ranks that made them"}[plan.mode]
    how += f" (each rank training at {plan.lr_scale(comm.size):g} x the lr)"
    if plan.momentum:
        how += f" with block momentum {plan.momentum:g}"
    if part.warm_until:
        how = (f"sync all rows after every period for the first {part.warm_until:,} words, "
               f"then {how}")
    return (f"distributed: {comm.size} ranks x {threads} thread(s), {part.words_per_epoch:,} "
            f"words per epoch in {part.rounds:,} periods of <= {plan.every:,} words; after "
            f"period k the ranks {how} for the top {plan.rows:,} x {plan.growth}^j of {V:,} "
            f"rows ({plan.growth}^j the largest power dividing k), for all rows every "
            f"{plan.full_every}th period and at epoch ends. MPI is not fault-tolerant: if a "
            "rank dies the job ends, the last checkpoint stays whole, and the run resumes on "
            "the same number of ranks")


def sync_report(comm: Comm, loop: Loop) -> str:
    s, seconds = stats(comm, loop), max(loop.state.train_seconds, 1e-9)
    return (f"sync: {s['syncs']:,} syncs ({s['full_syncs']:,} full), "
            f"{s['bytes_reduced'] / 1e6:,.1f} MB through Allreduce per rank, in "
            f"{s['allreduce_seconds']:.2f}s ({100 * s['allreduce_seconds'] / seconds:.1f}% "
            f"of training), waiting for other ranks {s['wait_seconds']:.2f}s")
