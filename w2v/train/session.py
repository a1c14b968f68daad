"""A training session: a corpus, a config and a run folder, from the first byte of text to the
final vectors, as a generator of ``events``.

- A fresh run reads the corpus once (``text.encoded.count_and_encode``: standard input and pipes
  work), saves the vocabulary, initialises the weights and trains.
- ``resume`` continues from the newest good checkpoint. The stored config *is* the config: a
  setting given on resume may only change what does not change the result (``threads``,
  ``checkpoint_every``); another that disagrees is refused by name. A finished run has nothing
  to do (unless its vectors were never written: then they are).
- The folder is locked for the whole session (``RunDir.lock``), so two processes never train
  into one folder.
- SIGINT and SIGTERM during training write a checkpoint and raise ``Interrupted``; during
  counting or the final export they stop at once (nothing half-written is left: the encoded
  corpus and the three vector files are written atomically) and raise ``Interrupted`` too.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np

from w2v.config import Config, resume_config
from w2v.errors import CheckpointError, CorpusError, DivergenceError, Interrupted, RunError
from w2v.kernels.registry import check_supported
from w2v.text import encoded
from w2v.text.read import STDIN, is_regular
from w2v.text.sentences import CorpusStats, sources, total_size
from w2v.text.vocab import Vocab
from w2v.train import checkpoint, events
from w2v.train.export import write_vectors
from w2v.train.local import LocalTrainer
from w2v.train.loop import Loop, StopRequested, TrainState, check_finite
from w2v.train.rundir import RunDir


def make_kernel(cfg: Config, vocab: Vocab) -> LocalTrainer:
    """The SGD step: the registry's (skip-gram, loss, backend) kernel on the config's threads;
    use it as a context manager so its thread pool shuts down."""
    from w2v.kernels.base import Settings, Tables
    from w2v.kernels.registry import make_kernel as registry_kernel

    tables = Tables(vocab.counts, vocab.total_words, cfg.sample)
    settings = Settings(window=cfg.window, negative=cfg.negative)
    kernel = registry_kernel("sg", cfg.loss, cfg.backend, tables, settings)
    return LocalTrainer(kernel, threads=cfg.workers)


def init_weights(V: int, d: int, out_rows: int, rng: np.random.Generator):
    """W_in uniform in (-0.5, 0.5)/d and W_out (``out_rows`` rows) zero, as in word2vec.c."""
    W_in = ((rng.random((V, d), dtype=np.float32) - 0.5) / d).astype(np.float32)
    return W_in, np.zeros((out_rows, d), dtype=np.float32)


def fingerprint(paths) -> list[dict]:
    """What resume checks: each input's absolute path and size (None for a stream)."""
    return [{"path": STDIN, "size": None} if str(p) == STDIN else
            {"path": str(Path(p).resolve()), "size": Path(p).stat().st_size
             if is_regular(p) else None} for p in paths]


def train(settings, corpus, out, *, resume: bool = False, force: bool = False) -> Iterator:
    """Train into the run folder ``out``, yielding events (``w2v.train.events``).

    ``settings`` is a Config, or the settings the user gave (``config.explicit_settings``):
    a fresh run builds its Config from them, a resumed one checks them against the stored one.
    """
    rundir = RunDir(out)
    corpus = [str(p) for p in corpus]
    with rundir.lock(), _SignalTrap() as trap:
        try:
            if resume:
                setup = yield from _resume(rundir, settings, corpus)
            else:
                setup = yield from _fresh(rundir, settings, corpus, force)
            if setup is not None:
                yield from _train(rundir, *setup, trap)
        except KeyboardInterrupt:
            raise interrupted(rundir) from None


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
        except KeyboardInterrupt:
            raise interrupted(out) from None
    return written


def interrupted(rundir) -> Interrupted:
    """The error for an interruption, saying what was kept."""
    rundir = rundir if isinstance(rundir, RunDir) else RunDir(rundir)
    if rundir.path.is_dir() and rundir.has_checkpoint():
        return Interrupted(f"interrupted: the latest checkpoint in {rundir.checkpoints} is whole",
                           out=str(rundir.path), resumable=True)
    return Interrupted("interrupted before the first checkpoint: nothing to resume",
                       out=str(rundir.path), resumable=False)


def _fresh(rundir: RunDir, settings, corpus: list[str], force: bool):
    cfg = settings if isinstance(settings, Config) else Config(**settings)
    check_supported("sg", cfg.loss, cfg.backend)
    srcs = sources(corpus)  # every input is checked before anything is written
    yield events.Configured(cfg.to_dict(), resumed=False)
    if rundir.has_checkpoint() and not force:
        raise RunError(f"{rundir.path} already holds a run; use {{=resume}} to continue it, "
                       "{=force} to replace it, or choose another {=out}")
    if force:
        rundir.clear()
    stats, t0 = CorpusStats(), time.perf_counter()
    size = total_size(srcs)
    counting = encoded.count_and_encode(
        corpus, rundir.ids, lowercase=cfg.lowercase, max_words=cfg.max_sentence_length,
        min_count=cfg.min_count, max_vocab=cfg.max_vocab or None, stats=stats)
    vocab = yield from _counting(counting, size)
    yield from _corpus_notes(stats)
    vocab.save(rundir.vocab)
    yield events.Counted(len(vocab), cfg.min_count, vocab.total_words, time.perf_counter() - t0)
    rng = np.random.default_rng(cfg.seed)
    W_in, W_out = init_weights(len(vocab), cfg.dim, len(vocab), rng)
    state = TrainState(config=cfg.to_dict(), corpus=fingerprint(corpus),
                       rng=rng.bit_generator.state)
    return cfg, vocab, state, W_in, W_out


def _counting(counting, size):
    """Relay the counting pass's progress; return its vocabulary."""
    while True:
        try:
            stats = next(counting)
        except StopIteration as done:
            return done.value
        yield events.Counting(stats.tokens, stats.bytes_read, size)


def _corpus_notes(stats: CorpusStats):
    if stats.replacements:
        yield events.Note(f"replaced {stats.replacements:,} invalid UTF-8 sequences "
                          f"({stats.invalid_bytes:,} bytes) in the corpus")
    if stats.dropped_long_tokens:
        yield events.Note(f"skipped {stats.dropped_long_tokens:,} 'words' of over a million "
                          "characters without whitespace (binary data?)")


def _resume(rundir: RunDir, settings, corpus: list[str]):
    skipped = []
    ckpt = checkpoint.latest(rundir, warn=skipped.append)
    for message in skipped:
        yield events.Note(message)
    given = settings.to_dict() if isinstance(settings, Config) else dict(settings)
    cfg = resume_config(ckpt.state["config"], given)
    yield events.Configured(cfg.to_dict(), resumed=True)
    state = TrainState.from_json(ckpt.state)
    _check_same_corpus(state.corpus, corpus)
    vocab = Vocab.load(rundir.vocab)
    if not rundir.ids.exists():
        _reencode(rundir, cfg, vocab, state.corpus)
    if state.epoch >= cfg.epochs:
        if rundir.has_vectors():
            yield events.NothingToDo(f"the run finished all {cfg.epochs} epochs; its vectors "
                                     f"are in {rundir.path}")
            return None
        yield events.Written(tuple(write_vectors(rundir, vocab, ckpt.W_in)))
        return None
    yield events.Resuming(str(ckpt.path), state.epoch + 1, state.words_done)
    return cfg, vocab, state, ckpt.W_in, ckpt.W_out


def _check_same_corpus(stored: list[dict], corpus: list[str]) -> None:
    """The corpus given on resume (optional: the run knows its own) must be the stored one;
    a stream cannot be checked, a file's size can."""
    if not corpus:
        return
    now = fingerprint(corpus)
    if [c["path"] for c in stored] != [c["path"] for c in now]:
        raise CheckpointError("cannot resume on a different corpus: the run was trained on "
                              + ", ".join(c["path"] for c in stored))
    if any(a["size"] is not None and a != b for a, b in zip(stored, now)):
        raise CheckpointError("cannot resume: the corpus file changed since the run started")


def _reencode(rundir: RunDir, cfg: Config, vocab: Vocab, stored: list[dict]) -> None:
    """Rebuild a missing corpus.ids from the stored corpus files (not possible for a stream)."""
    paths = [c["path"] for c in stored]
    if any(c["size"] is None for c in stored):
        raise CorpusError(f"{rundir.ids} is missing and the run was trained from a stream "
                          f"({', '.join(paths)}), which cannot be read again")
    encoded.encode(paths, vocab, rundir.ids, cfg.lowercase, cfg.max_sentence_length)


def _train(rundir: RunDir, cfg: Config, vocab: Vocab, state: TrainState, W_in, W_out, trap):
    check_finite(W_in, W_out, state.words_done)
    with make_kernel(cfg, vocab) as trainer:
        yield from _train_with(rundir, cfg, vocab, state, W_in, W_out, trap, trainer)


def _train_with(rundir, cfg, vocab, state, W_in, W_out, trap, kernel):
    if kernel.needs_compile():
        yield events.Compiling()
    kernel.train_chunk(W_in, W_out, np.zeros(1, np.int32), 0.0, 0.0, 0)  # compile or load
    n_ids, words_per_epoch = encoded.count_ids(rundir.ids)
    if words_per_epoch == 0:
        raise CorpusError("no in-vocabulary words to train on; lower {=min_count}")
    loop = Loop(cfg, state, W_in, W_out, kernel.train_chunk, kernel.chunk_words, rundir.ids,
                n_ids, words_per_epoch, lambda: str(checkpoint.save(rundir, state.to_json(),
                                                                    W_in, W_out)),
                lambda: bool(trap.caught))
    try:  # divergence is reported by check_finite and the loss, not by numpy's warnings
        with trap.deferred(), np.errstate(over="ignore", invalid="ignore"):
            yield from loop.epochs()
            yield events.CheckpointSaved(loop.checkpoint(), state.words_done)
    except StopRequested:
        raise interrupted(rundir) from None
    except DivergenceError as e:
        raise _diverged(rundir, e) from None
    yield events.Trained(state.words_done, state.train_seconds)
    yield events.Written(tuple(write_vectors(rundir, vocab, W_in)))


def _diverged(rundir: RunDir, error: DivergenceError) -> DivergenceError:
    """Say what is kept: the last good checkpoint, or nothing but the vocabulary and corpus."""
    if rundir.has_checkpoint():
        kept = f"the last good checkpoint in {rundir.checkpoints} is kept"
    else:
        kept = "no checkpoint had been written (only the vocabulary and encoded corpus are kept)"
    return DivergenceError(f"{error}; {kept}; start again with a lower {{=lr}} "
                           "({=force} replaces this run)", **error.details)


class _SignalTrap:
    """SIGINT/SIGTERM handlers for a session: during ``deferred()`` a signal only sets a flag the
    loop checks between chunks (so a checkpoint is written); otherwise it raises
    KeyboardInterrupt at once. Installed only in the main thread (Python's rule)."""

    def __init__(self):
        self.caught: list[int] = []
        self._defer = False
        self._previous = {}

    def _handler(self, signum, frame):
        self.caught.append(signum)
        if not self._defer:
            raise KeyboardInterrupt

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._handler)
                              for s in (signal.SIGINT, signal.SIGTERM)}
        return self

    def __exit__(self, *exc):
        for s, h in self._previous.items():
            signal.signal(s, h)
        return False

    @contextmanager
    def deferred(self):
        self._defer = True
        try:
            yield
        finally:
            self._defer = False
