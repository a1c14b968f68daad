"""Getting every rank of a distributed run ready: the distributed ``prepare.fresh`` (and
``init.fresh_from``), and ``resumed.resume`` with a rank's own shard. Generators yield events
and return ``(cfg, vocab, state, W_in, W_out, dist)``, or None when nothing is left to train;
``dist`` is the run's distributed record (ranks, the inputs' decompressed sizes; from a
checkpoint also the schedule and each rank's position and rng state).

Each step that can fail runs through ``Comm.agreed``/``settle``, so every rank raises the same
error at the same point (rank 0 prints it) instead of some ranks waiting for the others.

A fresh run: rank 0 (which holds the folder's lock) clears or refuses an old run; the ranks
measure the inputs' decompressed sizes, each counts and encodes its shard
(``RUN/corpus.rank-000.ids``, ...), rank 0 merges the counts one shard at a time (memory: the
merged table and one shard's) and chooses the vocabulary (``text/merge.py``), every rank
re-encodes its shard with it, and rank 0 initialises the weights (or, with ``init``, takes
them from the old run, ``init.py``) and broadcasts them. A resumed run takes the one path of
``resumed.py`` (rank 0 opens and repairs the run, the ranks get it by broadcast); a rank whose
encoded shard is missing encodes it again from the stored sizes.
"""

from __future__ import annotations

import numpy as np

from w2v.config import Config
from w2v.errors import CheckpointError, Interrupted, RunError, VocabError, W2VError
from w2v.run.rundir import RunDir
from w2v.text import encoded
from w2v.text.merge import merged_vocab, remap_file, remap_table, shard_table
from w2v.text.sentences import CorpusStats
from w2v.text.shard import check_shardable, shard_sources, stream_size
from w2v.text.vocab import Vocab
from w2v.training import continued, events, prepare, resumed
from w2v.training.mpi import Comm
from w2v.training.prepare import claim, fingerprint
from w2v.util.atomic import atomic_write


def fresh(comm: Comm, rundir: RunDir, settings, corpus, force: bool, trap, prune_at=None,
          init=None):
    """``prepare.fresh`` on every rank, each counting and encoding its shard."""
    counter = ShardCount(comm, rundir, corpus, trap, prune_at)
    setup = yield from prepare.fresh(rundir, settings, corpus, force, init, comm, counter)
    return (*setup, {"ranks": comm.size, "sizes": counter.sizes})


class ShardCount:
    """A rank reads its shard of the corpus (``text/shard.py``): the ranks measure the
    inputs, each counts and encodes its shard, rank 0 merges the counts and chooses the
    vocabulary (with an old run, the union: ``init.merge``), each rank remaps its shard."""

    def __init__(self, comm: Comm, rundir: RunDir, corpus, trap, prune_at):
        self.comm, self.rundir, self.corpus = comm, rundir, corpus
        self.trap, self.prune_at = trap, prune_at

    def check_inputs(self, cfg: Config) -> None:
        self.paths = check_shardable(self.corpus)
        self.fixed = prepare.fixed_vocab(cfg)  # every rank reads it

    def claim(self, force: bool, resumable: bool) -> None:
        _claim(self.comm, self.rundir, force, resumable)

    def count(self, cfg: Config, old: Vocab | None):
        """As ``LocalCount.count``; the text's own vocabulary is rank 0's alone."""
        comm, stats = self.comm, CorpusStats()
        self.sizes = _stream_sizes(comm, self.paths)
        fixed = None if old else self.fixed  # a read vocabulary: the shards' ids are final
        local = yield from _count_shard(comm, self.rundir, cfg, shard_sources(
            self.paths, self.sizes, comm.rank, comm.size), stats, self.trap, self.prune_at,
            fixed)
        summed = ("tokens", "lines", "replacements", "invalid_bytes", "dropped_long_tokens")
        totals = comm.control([getattr(stats, k) for k in summed]).astype(np.int64).tolist()
        self.stats = CorpusStats(**dict(zip(summed, totals)))
        if fixed is not None:
            return Vocab(fixed.words, fixed.counts, total_words=totals[0]), None, totals[0]
        vocab, text = _merge(comm, cfg, local, totals[0], old)
        comm.agreed(remap_file, self.rundir.rank_ids(comm.rank), remap_table(local, vocab))
        return vocab, text, totals[0]

    def record(self) -> list[dict]:
        return fingerprint(self.paths)


def _claim(comm: Comm, rundir: RunDir, force: bool, resumable: bool) -> None:
    """Rank 0 refuses to overwrite a run, or clears it with ``force`` (``prepare.claim``);
    the others check that they see the folder rank 0 created (a shared filesystem)."""
    if comm.rank == 0:
        claim(rundir, force, resumable)
    elif not rundir.path.is_dir():
        raise RunError(f"the run folder {rundir.path} is not visible on this rank: a "
                       "distributed run needs it on a filesystem every rank shares")


def _stream_sizes(comm: Comm, paths: list[str]) -> list[int]:
    """Every input's decompressed size; rank r measures inputs r, r + N, ... ."""
    mine = comm.agreed(lambda: {j: stream_size(p) for j, p in enumerate(paths)
                                if j % comm.size == comm.rank})
    sizes = {}
    for part in comm.allgather(mine):
        sizes.update(part)
    return [sizes[j] for j in range(len(paths))]


def _count_shard(comm: Comm, rundir: RunDir, cfg: Config, srcs, stats, trap, prune_at,
                 fixed=None):
    """Count and encode this rank's shard under its own vocabulary (min_count 1: a word rare
    here may be frequent overall), or under ``fixed`` (a vocabulary read from a file); None
    for an empty shard. A signal stops every rank here."""
    path = rundir.rank_ids(comm.rank)
    extra = {} if prune_at is None else {"prune_at": prune_at}
    counting = encoded.count_and_encode(
        srcs, path, lowercase=cfg.lowercase, max_words=cfg.max_sentence_length, min_count=1,
        max_vocab=None, stats=stats, threads=min(2, comm.threads(cfg.threads)), fixed=fixed,
        **extra)
    size, local, error, stopped = sum(s.size for s in srcs), None, None, False
    try:
        while not stopped:
            if trap.caught:
                stopped = True
                counting.close()  # the unfinished file is discarded
                break
            try:
                progress = next(counting)
            except StopIteration as done:
                local = done.value
                break
            yield events.Counting(progress.tokens, progress.bytes_read, size)
    except VocabError:  # an empty shard, or one whose every word was pruned: no ids
        with atomic_write(path):
            pass
    except (W2VError, OSError) as e:
        error = e
    comm.settle(error)
    if comm.control([stopped])[0] > 0:
        error = Interrupted("interrupted before the first checkpoint: nothing to resume",
                            out=str(rundir.path), resumable=False, signal=int(trap.first))
        error.collective = True
        raise error
    return local


def _merge(comm: Comm, cfg: Config, local: Vocab | None, total: int, old=None):
    """Rank 0 adds the shards' counts one shard at a time and chooses the vocabulary (with
    ``old``, the old run's vocabulary, the union with it, ``continued.merge``); every
    rank gets it. Returns it and, on rank 0 with ``old``, the text's own vocabulary."""
    table = comm.fold(shard_table(local), _add)
    text = None

    def choose():
        nonlocal text
        if comm.rank != 0:
            return None
        if old is None:
            return merged_vocab([table], total, cfg.min_count, cfg.max_vocab or None)
        text = merged_vocab([table], total, 1, None)  # every word: merge() decides
        return continued.merge(old, text, cfg.min_count, cfg.max_vocab)[0]

    vocab = comm.agreed(choose)
    words, counts, total = comm.bcast((vocab.words, vocab.counts, vocab.total_words)
                                      if comm.rank == 0 else None)
    return Vocab(words, counts, total_words=total), text


def _add(merged: dict, table: dict) -> None:
    for word, count in table.items():
        merged[word] = merged.get(word, 0) + count


def resume(comm: Comm, rundir: RunDir, settings, corpus):
    """``resumed.resume`` on every rank, each rank's shard encoded again if missing."""
    dist = {}

    def ensure_ids(cfg, vocab, state, corpus, stored):
        dist.update(stored["distributed"])
        comm.agreed(_ensure_ids, comm, rundir, cfg, vocab, state.corpus, dist)
        yield from ()

    setup = yield from resumed.resume(rundir, settings, corpus, comm, ensure_ids)
    return None if setup is None else (*setup, dist)


def _ensure_ids(comm: Comm, rundir: RunDir, cfg: Config, vocab: Vocab, corpus, dist) -> None:
    """This rank's encoded shard, as the checkpoint knew it: encoded again if missing."""
    path, expected = rundir.rank_ids(comm.rank), dist["rank_state"][comm.rank]["ids"]
    if not path.exists():
        srcs = shard_sources([c["path"] for c in corpus], dist["sizes"], comm.rank, comm.size)
        encoded.encode(srcs, vocab, path, cfg.lowercase, cfg.max_sentence_length)
    if path.stat().st_size // 4 != expected:
        raise CheckpointError(f"{path} holds {path.stat().st_size // 4:,} ids but the "
                              f"checkpoint expects {expected:,}: the run folder was changed")
