"""Getting a run ready to train: a fresh run reads the corpus once and initialises the weights;
a resumed one loads its newest good checkpoint and its stored config. Both are generators that
yield events and return ``(cfg, vocab, state, W_in, W_out)`` (``vocab`` a ``TrainingVocab``), or
None when nothing is left to train (a finished run whose vectors were already written, or
written now).

A resumed run's stored config *is* the config: a setting given on resume may only change what
does not change the result (``config.RESUMABLE_CHANGES``); another that disagrees is refused
by name. The corpus is optional on resume (the run knows its own) and checked when given.
"""

from __future__ import annotations

import time

import numpy as np

from w2v.config import Config
from w2v.errors import RunError
from w2v.kernels.base import output_rows
from w2v.kernels.registry import check_supported
from w2v.text import encoded
from w2v.text.sentences import CorpusStats, sources, total_size
from w2v.train import corpus as corpus_record
from w2v.train import evaluation, events, preflight
from w2v.train.loop import TrainState
from w2v.train.packed import TrainingVocab
from w2v.train.rundir import RunDir
from w2v.util.diskfull import disk_full


def init_weights(V: int, d: int, out_rows: int, rng: np.random.Generator):
    """W_in uniform in (-0.5, 0.5)/d and W_out (``out_rows`` rows) zero, as in word2vec.c.
    In place: a temporary per operation would double the peak memory of a large run."""
    W_in = rng.random((V, d), dtype=np.float32)
    W_in -= 0.5
    W_in /= d
    return W_in, np.zeros((out_rows, d), dtype=np.float32)


fingerprint = corpus_record.by_path  # the record of a run whose inputs it does not read


def fresh(rundir: RunDir, settings, corpus: list[str], force: bool):
    cfg = settings if isinstance(settings, Config) else Config(**settings)
    check_supported(cfg.arch, cfg.loss, cfg.backend)
    srcs = sources(corpus)  # every input is checked before anything is written
    evaluation.check_files(cfg)
    yield events.Configured(cfg.to_dict(), resumed=False)
    yield from preflight.check_threads(cfg)
    claim(rundir, force)
    stats, t0 = CorpusStats(), time.perf_counter()
    size = total_size(srcs)
    counting = encoded.count_and_encode(
        srcs, rundir.ids, lowercase=cfg.lowercase, max_words=cfg.max_sentence_length,
        min_count=cfg.min_count, max_vocab=cfg.max_vocab or None, stats=stats,
        threads=min(2, cfg.workers))
    vocab = yield from counting_progress(counting, size)
    yield from corpus_notes(stats)
    with disk_full(rundir.vocab, encoded.AGAIN):
        vocab.save(rundir.vocab)
    yield events.Counted(len(vocab), cfg.min_count, vocab.total_words, time.perf_counter() - t0)
    out_rows = output_rows(cfg.loss, len(vocab))
    yield from preflight.check_disk(cfg, len(vocab), out_rows, rundir.path)
    rng = np.random.default_rng(cfg.seed)
    W_in, W_out = init_weights(len(vocab), cfg.dim, out_rows, rng)
    state = TrainState(config=cfg.to_dict(), corpus=corpus_record.record(srcs, rundir.path),
                       rng=rng.bit_generator.state)
    return cfg, TrainingVocab(vocab), state, W_in, W_out


def return_freed_memory() -> None:
    """Give the heap memory freed so far back to the OS (glibc's ``malloc_trim``), once the
    run is prepared and its kernel loaded. glibc keeps freed blocks mapped for reuse, so the
    counting pass's grown-and-dropped word tables and its Vocab, and LLVM's buffers from
    loading the kernel, stayed resident beside the matrices for the whole run: about 100 MB
    at V = 622k (9 MB of them LLVM's). A no-op without malloc_trim (macOS, musl)."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def claim(rundir: RunDir, force: bool, resumable: bool = True) -> None:
    """A fresh run refuses a folder that holds a run (a checkpoint), or with ``force`` clears
    it; ``resumable``: whether to suggest continuing it instead (not for ``init``)."""
    if rundir.has_checkpoint() and not force:
        resume = "{=resume} to continue it, " if resumable else ""
        raise RunError(f"{rundir.path} already holds a run; use {resume}{{=force}} to replace "
                       "it, or choose another {=out}")
    if force:
        rundir.clear()


def counting_progress(counting, size):
    """Relay the counting pass's progress; return its vocabulary."""
    while True:
        try:
            stats = next(counting)
        except StopIteration as done:
            return done.value
        yield events.Counting(stats.tokens, stats.bytes_read, size)


def corpus_notes(stats: CorpusStats):
    """Notes on what the counting pass skipped or replaced, if anything."""
    if stats.replacements:
        yield events.Note(f"replaced {stats.replacements:,} invalid UTF-8 sequences "
                          f"({stats.invalid_bytes:,} bytes) in the corpus")
    if stats.dropped_long_tokens:
        yield events.Note(f"skipped {stats.dropped_long_tokens:,} 'words' of over a million "
                          "characters without whitespace (binary data?)")
