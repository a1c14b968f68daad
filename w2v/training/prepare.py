"""Getting a fresh run ready to train, in one process or on the ranks of a distributed run
(``comm``; ``mpi.LocalComm`` for one process): read the corpus once (``LocalCount``, or each
rank its shard: ``rank_prepare.ShardCount``), choose the vocabulary, and initialise the weights,
word2vec.c's or, with ``init``, an old run's (``init.py``). A generator of events returning
``(cfg, vocab, state, W_in, W_out)`` (``vocab`` a ``TrainingVocab``). A resumed run:
``resumed.py``.
"""

from __future__ import annotations

import time

import numpy as np

from w2v.config import Config
from w2v.errors import ConfigError, RunError
from w2v.kernels.base import output_rows
from w2v.kernels.registry import check_supported, inputs_of
from w2v.run.rundir import RunDir
from w2v.text import encoded, vocab_files
from w2v.text.sentences import CorpusStats, sources, total_size
from w2v.text.vocab import Vocab
from w2v.training import continued, evaluation, events, preflight, published, subwords
from w2v.training import corpus as corpus_record
from w2v.training.loop import TrainState
from w2v.training.mpi import LocalComm
from w2v.training.packed import TrainingVocab
from w2v.training.weights import init_subword_weights, init_weights
from w2v.util.diskfull import disk_full

fingerprint = corpus_record.by_path  # the record of a run whose inputs it does not read


def fresh(rundir: RunDir, settings, corpus: list[str], force: bool, init=None, comm=None,
          counter=None):
    """A fresh run, from word2vec.c's weights, from an old run's (``init`` a run folder:
    ``continued.py``) or from published vectors (``init`` a vectors file: ``published.py``),
    in one process or on every rank of ``comm`` (``counter``: how the corpus is read,
    ``LocalCount`` or ``rank_prepare.ShardCount``). Rank 0 reads the old run or the file,
    writes the vocabulary and chooses the weights; the ranks get them by broadcast."""
    comm = comm or LocalComm()
    counter = counter or LocalCount(rundir, corpus)
    with_file = published.from_file(init)  # a file: published vectors; a folder: a run
    pub = comm.agreed(lambda: with_file and comm.rank == 0 and published.read(init))
    old = comm.agreed(lambda: bool(init) and not with_file and comm.rank == 0 and
                      continued.old_run(rundir, init))
    stored = comm.bcast(old[1].state["config"] if old else None)
    cfg = comm.agreed(_configure, settings, stored, counter,
                      comm.bcast(pub.dim if pub else None))
    comm.agreed(counter.claim, force, not init)  # a refusal comes before the settings' echo
    yield events.Configured(cfg.to_dict(), resumed=False)
    if comm.size == 1:  # a rank's threads are its share of its node's (``Comm.threads``)
        yield from preflight.check_threads(cfg)
    for message in old[3] if old else ():
        yield events.Alert(message)
    t0 = time.perf_counter()
    vocab, text, tokens = yield from counter.count(cfg, old[2] if old else None)
    comm.agreed(lambda: comm.rank == 0 and _save_vocab(vocab, rundir, cfg, counter.stats))
    yield from corpus_notes(counter.stats)
    if cfg.read_vocab and not old:
        yield events.Note(f"vocabulary of {len(vocab):,} words read from {cfg.read_vocab}")
    yield events.Counted(len(vocab), cfg.min_count, tokens, time.perf_counter() - t0)
    out_rows, in_rows = output_rows(cfg.loss, len(vocab)), subwords.input_rows(cfg, len(vocab))
    if cfg.ngrams:
        yield events.Note(subwords.memory_note(cfg))
    if unused := subwords.unused_warning(cfg):
        yield events.Note(unused, kind="warning")
    if comm.size == 1:
        yield from preflight.check_disk(cfg, in_rows, out_rows, rundir.path)
    rng = np.random.default_rng(cfg.seed)
    record = None
    started = comm.agreed(lambda: pub and published.start_weights(  # it may share no word
        rundir, vocab, pub, cfg, out_rows, rng))
    if comm.rank != 0:
        W_in, W_out = (np.empty((n, cfg.dim), np.float32) for n in (in_rows, out_rows))
    elif old:
        W_in, W_out = continued.start_weights(vocab, old[2], old[1].W_in, old[1].W_out, rng)
        record, note = continued.provenance(old[0], old[1], old[2], text,
                                           len(vocab) - len(old[2]))
        yield events.Note(note)
    elif started:
        W_in, W_out, record, note = started
        yield events.Note(note)
    elif cfg.ngrams:
        W_in, W_out = init_subword_weights(in_rows, cfg.dim, out_rows, rng)
    else:
        W_in, W_out = init_weights(len(vocab), cfg.dim, out_rows, rng)
    comm.bcast_array(W_in)
    comm.bcast_array(W_out)
    state = TrainState(config=cfg.to_dict(), corpus=counter.record(),
                       rng=rng.bit_generator.state, init=comm.bcast(record))
    return cfg, TrainingVocab(vocab), state, W_in, W_out


def _configure(settings, stored: dict | None, counter, file_dim: int | None) -> Config:
    """The run's config: the settings given, on top of the old run's with ``init`` a run, with
    the file's ``dim`` with ``init`` a vectors file (``file_dim``); every input and
    evaluation file checked before anything is written."""
    if stored is not None:
        cfg = continued.configure(stored, settings)
    elif file_dim is not None:
        cfg = published.configure(settings, file_dim)
        if cfg.ngrams:  # the file has word vectors, not the n-gram rows of a bag
            raise ConfigError("{=init} with a vectors file does not train n-gram rows yet: "
                              "leave out {=subwords}, or start a fresh run")
    else:
        cfg = settings if isinstance(settings, Config) else Config(**settings)
    if stored is None:
        check_supported(cfg.arch, cfg.loss, cfg.backend, inputs_of(cfg))
    published.check_freeze(cfg, file_dim is not None)
    counter.check_inputs(cfg)
    evaluation.check_files(cfg)
    return cfg


def _save_vocab(vocab: Vocab, rundir: RunDir, cfg: Config, stats: CorpusStats) -> None:
    """The run's vocab.txt, and the vocabulary file of ``save_vocab`` if asked."""
    with disk_full(rundir.vocab, encoded.AGAIN):
        vocab.save(rundir.vocab)
        if cfg.save_vocab:
            vocab_files.save_vocab(cfg.save_vocab, vocab, stats.lines)


def fixed_vocab(cfg: Config) -> Vocab | None:
    """The vocabulary of ``read_vocab`` (``min_count`` and ``max_vocab`` applied, as
    word2vec.c's ReadVocab), read before anything is written; None to count one."""
    if not cfg.read_vocab:
        return None
    return vocab_files.restrict(vocab_files.read_vocab(cfg.read_vocab), cfg.min_count,
                                cfg.max_vocab or None)


class LocalCount:
    """One process reads the corpus once (standard input and pipes work), counting and
    encoding it (``corpus.ids``); with an old run, every word is counted and the vocabulary is
    the union (``init.merge``), the encoded text mapped to it."""

    def __init__(self, rundir: RunDir, corpus: list[str]):
        self.rundir, self.corpus, self.stats = rundir, corpus, CorpusStats()

    def check_inputs(self, cfg: Config) -> None:
        self.srcs = sources(self.corpus)  # every input is checked before anything is written
        self.fixed = fixed_vocab(cfg)

    def claim(self, force: bool, resumable: bool) -> None:
        claim(self.rundir, force, resumable)

    def count(self, cfg: Config, old: Vocab | None):
        """Returns (the run's vocabulary, the text's own with an old run, the tokens read)."""
        counting = encoded.count_and_encode(  # with an old run every word: merge() chooses
            self.srcs, self.rundir.ids, lowercase=cfg.lowercase,
            max_words=cfg.max_sentence_length, min_count=1 if old else cfg.min_count,
            max_vocab=None if old else cfg.max_vocab or None, stats=self.stats,
            threads=min(2, cfg.workers), fixed=None if old else self.fixed)
        text = yield from counting_progress(counting, total_size(self.srcs))
        if old is None:
            return text, None, text.total_words
        vocab, remap, _ = continued.merge(old, text, cfg.min_count, cfg.max_vocab)
        continued.reencode(self.rundir.ids, remap)
        return vocab, text, text.total_words

    def record(self) -> list[dict]:
        return corpus_record.record(self.srcs, self.rundir.path)


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
