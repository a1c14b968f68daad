"""A training session: a corpus, a config and a run folder, from the first byte of text to the
final vectors, as a generator of ``events``.

- One session (``_session``) for one process and for every rank under ``mpiexec``: what a
  process does is ``LocalRun``, what a rank does differently ``rank_session.RankRun``.
- ``prepare`` gets a fresh run ready: it reads the corpus once (standard input and pipes
  work) and initialises the weights; ``resumed`` continues a run from its newest good
  checkpoint with its stored config. A finished run has nothing to do.
- The folder is locked for the whole session (``RunDir.lock``), so two processes never train
  into one folder.
- SIGINT and SIGTERM during training write a checkpoint and raise ``Interrupted``; during
  counting or the final export they stop at once (nothing half-written is left: the encoded
  corpus and the vector files are written atomically) and raise ``Interrupted`` too.
- The end (``export.finish``): the vectors in the formats of ``save``, recorded by size and
  sha256 in ``RUN/state.json``, and ``corpus.ids`` removed unless ``keep_ids``. A resumed run
  whose files are damaged is repaired from the newest intact checkpoint (``repair.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import numpy as np

from w2v.config import Config
from w2v.errors import RunError
from w2v.jit import skip_blas_probe
from w2v.run import checkpoint
from w2v.run.rundir import RunDir
from w2v.text import encoded
from w2v.training import events, mpi, prepare, published, rank_session, resumed
from w2v.training.driver import check_words, compiled, scorer, trained
from w2v.training.export import finish
from w2v.training.local import LocalTrainer
from w2v.training.loop import Loop, StopRequested, check_finite
from w2v.training.mpi import LocalComm
from w2v.training.packed import TrainingVocab
from w2v.training.partition import Local
from w2v.training.signals import SignalTrap, signal_of
from w2v.training.stopped import interrupted


def make_kernel(cfg: Config, vocab: TrainingVocab) -> LocalTrainer:
    """The SGD step: the registry's (arch, loss, backend) kernel on the config's threads;
    use it as a context manager so its thread pool shuts down."""
    from w2v.kernels.base import Settings, Tables
    from w2v.kernels.registry import inputs_of
    from w2v.kernels.registry import make_kernel as registry_kernel
    from w2v.training.subwords import bag_table

    bags = bag_table(cfg, vocab.words) if cfg.ngrams else None
    tables = Tables(vocab.counts, vocab.total_words, cfg.sample, bags=bags,
                    ns_exponent=cfg.ns_exponent, lock=vocab.lock)
    settings = Settings(window=cfg.window, negative=cfg.negative, cbow_mean=cfg.cbow_mean,
                        hs_skip=cfg.hs_skip, ns_skip=cfg.ns_skip)
    kernel = registry_kernel(cfg.arch, cfg.loss, cfg.backend, tables, settings, inputs_of(cfg))
    return LocalTrainer(kernel, threads=cfg.workers)


def train(settings, corpus, out, *, resume: bool = False, force: bool = False,
          init=None, plan: dict | None = None, prune_at: int | None = None) -> Iterator:
    """Train into the run folder ``out``, yielding events (``w2v.training.events``).

    ``settings`` is a Config, or the settings the user gave (``settings.explicit_settings``):
    a fresh run builds its Config from them, a resumed one checks them against the stored one.
    ``init``: a run folder whose weights a fresh run starts from (``w2v.training.continued``),
    or a vectors file whose vectors its input rows start from (``w2v.training.published``).
    Under ``mpiexec`` with several ranks the same session runs on every rank (``RankRun``;
    ``plan`` and ``prune_at``: ``rank_session.RankRun``'s).
    """
    rundir, corpus = RunDir(out), [str(p) for p in corpus]
    skip_blas_probe()  # before the first compiled call (the tokenizer's)
    comm = mpi.world()  # under mpiexec with several ranks: a distributed run
    if comm is not None:
        how = rank_session.RankRun(comm, rundir, plan, prune_at)
        return (yield from rank_session.train(comm, rundir, lambda trap: _session(
            how, rundir, settings, corpus, resume, force, init, trap)))
    with rundir.lock(), SignalTrap() as trap:
        try:
            yield from _session(LocalRun(rundir), rundir, settings, corpus, resume, force,
                                init, trap)
        except StopRequested:
            raise interrupted(rundir, trap.first) from None
        except KeyboardInterrupt as e:
            raise interrupted(rundir, signal_of(e)) from None


def run(settings, corpus, out, *, on_event=lambda event: None, **kw) -> list[str]:
    """``train``, handing each event to ``on_event``; returns the vector files written. A
    Ctrl-C that lands in ``on_event`` (the caller's code) is reported like one in training."""
    written = []
    with closing(train(settings, corpus, out, **kw)) as session:
        try:
            for event in session:
                if isinstance(event, events.Written):
                    written = list(event.paths)
                on_event(event)
        except KeyboardInterrupt as e:
            raise interrupted(out, signal_of(e)) from None
    return written


def _session(how, rundir: RunDir, settings, corpus, resume, force, init, trap):
    """The one session, in one process (``LocalRun``) or on a rank (``rank_session.RankRun``):
    prepare the run (fresh, from an old run, or resumed), train it to its final checkpoint
    (signals only noted meanwhile) and write its vectors."""
    comm = how.comm
    setup = yield from how.prepare(settings, corpus, resume, force, init, trap)
    if setup is None:
        return
    cfg, vocab, state, W_in, W_out = setup
    vocab.lock = published.lock(comm, rundir, cfg, state, len(W_in))  # None: all rows train
    comm.agreed(check_finite, W_in, W_out, state.words_done)
    evaluate = scorer(comm, cfg, vocab)  # a bad file fails before compiling
    with make_kernel(how.kernel_config(cfg), vocab) as trainer:
        yield from compiled(trainer, W_in, W_out)
        loop = yield from how.loop(cfg, state, W_in, W_out, trainer, trap, evaluate, vocab.lock)
        with trap.deferred():
            final = yield from trained(loop, rundir)
    yield from how.finish(cfg, vocab, W_in, final, loop)


class LocalRun:
    """What one process does within the one session: it prepares from the whole corpus,
    trains ``partition.Local`` on the config's threads, and writes the vectors itself."""

    comm = LocalComm()

    def __init__(self, rundir: RunDir):
        self.rundir = rundir

    def prepare(self, settings, corpus, resume, force, init, trap):
        if resume:
            return (yield from resumed.resume(self.rundir, settings, corpus))
        return (yield from prepare.fresh(self.rundir, settings, corpus, force, init))

    def kernel_config(self, cfg: Config) -> Config:
        return cfg

    def loop(self, cfg, state, W_in, W_out, trainer, trap, evaluate, lock):
        """The loop over the local partition; ``lock`` is the kernels' business here (the
        threads share one W_in), the replicas' under mpiexec."""
        rundir = self.rundir
        prepare.return_freed_memory()  # what counting, the Vocab and loading left, for the run
        n_ids, words_per_epoch = encoded.count_ids(rundir.ids)
        check_words(words_per_epoch)
        ids = {"bytes": 4 * n_ids, "words": words_per_epoch}
        if state.ids not in (None, ids):  # the size is checked on resume: the words differ
            raise RunError(f"{rundir.ids} changed since the run encoded it "
                           f"({words_per_epoch:,} words, not {state.ids['words']:,}): delete "
                           "it and resume, which encodes the corpus again")
        state.ids = ids
        rng = np.random.default_rng()
        rng.bit_generator.state = state.rng
        part = Local(rundir.ids, n_ids, words_per_epoch, trainer.chunk_words)
        yield from ()
        return Loop(cfg, state, W_in, W_out, trainer.train_chunk, trainer.chunk_words, part,
                    rng, lambda: str(checkpoint.save(rundir, state.to_json(), W_in, W_out)),
                    lambda: bool(trap.caught), evaluate)

    def finish(self, cfg, vocab, W_in, final, loop):
        yield from finish(self.rundir, cfg, vocab.words, W_in, final)
