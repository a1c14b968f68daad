"""Resuming a run, in one process or on the ranks of a distributed run (``comm``: an
``mpi.Comm``, or ``mpi.LocalComm`` for a single process): one path for both, a generator of
events returning ``(cfg, vocab, state, W_in, W_out)``, or None when nothing is left to train.

Rank 0 owns the run folder: it opens the newest good checkpoint (``repair.newest_good``),
restores a damaged vocabulary, and finishes a finished run (``repair.finished``: nothing to
do if its outputs are whole, else rebuilt from the checkpoint); the ranks get what they need
by broadcast, and every step that can fail is agreed (``Comm.agreed``), so every rank raises
the same error. The stored config is the config; ``epochs`` above a finished run's extends it
(``extend.resumed_config``). The encoded corpus is the one thing a rank has of its own:
``ensure_ids`` makes sure it is there (one process: ``local_ids``; a rank: its shard).
"""

from __future__ import annotations

import numpy as np

from w2v.config import Config
from w2v.errors import CheckpointError, CorpusError
from w2v.run.rundir import RunDir
from w2v.text import encoded
from w2v.text.read import STDIN
from w2v.text.sentences import sources
from w2v.text.vocab import Vocab
from w2v.training import corpus as corpus_record
from w2v.training import evaluation, events, preflight, repair
from w2v.training.extend import resumed_config
from w2v.training.loop import TrainState
from w2v.training.mpi import LocalComm, check_ranks
from w2v.training.packed import TrainingVocab


def drained(gen) -> tuple[object, list]:
    """Run a generator of events to its end: (its return value, its events), for a step rank 0
    takes alone (inside ``Comm.agreed``) whose events it then shows."""
    seen = []
    while True:
        try:
            seen.append(next(gen))
        except StopIteration as done:
            return done.value, seen


def resume(rundir: RunDir, settings, corpus: list[str], comm=None, ensure_ids=None):
    """``ensure_ids(cfg, vocab, state, corpus, stored)``: a generator that makes sure this
    rank's encoded corpus is there (``local_ids`` by default); ``stored``: the checkpoint's
    state as it was read."""
    comm, ensure_ids = comm or LocalComm(), ensure_ids or local_ids(rundir)
    opened = comm.agreed(lambda: comm.rank == 0 and drained(repair.newest_good(rundir)))
    ckpt, seen = opened or (None, [])
    yield from seen
    stored = comm.bcast(ckpt.state if comm.rank == 0 else None)
    comm.agreed(check_ranks, stored, comm.size)  # a run resumes on its number of ranks
    given = settings.to_dict() if isinstance(settings, Config) else dict(settings)
    state = TrainState.from_json(stored)
    cfg, extension = comm.agreed(resumed_config, stored["config"], given, state)
    comm.agreed(evaluation.check_files, cfg)  # before a missing corpus is encoded again
    yield events.Configured(cfg.to_dict(), resumed=True)
    if comm.size == 1:  # a rank's threads are its share of its node's (``Comm.threads``)
        yield from preflight.check_threads(cfg)
    if extension:
        yield events.Note(extension)
    if corpus:  # optional: the run knows its own, and finds it again by content
        state.corpus, corpus = comm.agreed(corpus_record.find, state.corpus, corpus,
                                           rundir.path)
    vocab, seen = comm.bcast(comm.agreed(lambda: comm.rank == 0 and _vocabulary(rundir, ckpt)))
    yield from seen
    if state.epoch >= cfg.epochs:
        done = comm.agreed(lambda: comm.rank == 0 and drained(
            repair.finished(rundir, cfg, vocab.words, ckpt)))
        yield from (done or (None, []))[1]
        return None
    yield from ensure_ids(cfg, vocab, state, corpus, stored)
    yield events.Resuming(str(ckpt.path) if comm.rank == 0 else "", state.epoch + 1,
                          state.words_done)
    return (cfg, TrainingVocab(vocab), state) + _weights(comm, ckpt)


def _vocabulary(rundir: RunDir, ckpt) -> tuple[Vocab, list]:
    """Rank 0: the run's vocabulary (restored from the checkpoint if damaged) and the events
    of restoring it."""
    _, seen = drained(repair.vocabulary(rundir, ckpt))
    return Vocab.load(rundir.vocab), seen


def _weights(comm, ckpt) -> tuple:
    """The checkpoint's W_in and W_out on every rank (rank 0 read them)."""
    if comm.size == 1:
        return ckpt.W_in, ckpt.W_out
    shapes = comm.bcast((ckpt.W_in.shape, ckpt.W_out.shape) if comm.rank == 0 else None)
    W_in, W_out = (ckpt.W_in, ckpt.W_out) if comm.rank == 0 else \
        (np.empty(s, np.float32) for s in shapes)
    comm.bcast_array(W_in)
    comm.bcast_array(W_out)
    return W_in, W_out


def local_ids(rundir: RunDir):
    """One process's ``ensure_ids``: corpus.ids, encoded again if it is missing or not the
    size the run recorded."""
    def ensure(cfg: Config, vocab: Vocab, state, corpus, stored):
        recorded = (state.ids or {}).get("bytes")
        ids = rundir.ids
        if ids.exists() and recorded is not None and ids.stat().st_size != recorded:
            yield events.Alert(f"{ids} was changed since the run encoded it "
                               f"({ids.stat().st_size:,} bytes, not {recorded:,}): "
                               "encoding the corpus again")
            ids.unlink()
        if not ids.exists():
            _reencode(rundir, cfg, vocab, state.corpus, corpus)

    return ensure


def _reencode(rundir: RunDir, cfg: Config, vocab: Vocab, stored: list[dict], given) -> None:
    """Rebuild a missing corpus.ids from the corpus: the inputs given, or the stored files
    where they are now; what was read must be the recorded text."""
    if any(c["path"] == STDIN and "sha256" not in c for c in stored):
        raise CorpusError(f"{rundir.ids} is missing and the run was trained from a stream, "
                          "which cannot be checked when read again (a run keeps it with "
                          "{=keep_ids})")
    srcs = sources(given or corpus_record.find(stored, [], rundir.path)[1])
    encoded.encode(srcs, vocab, rundir.ids, cfg.lowercase, cfg.max_sentence_length)
    try:
        corpus_record.check_read(stored, srcs)
    except CheckpointError:
        rundir.ids.unlink(missing_ok=True)
        raise
