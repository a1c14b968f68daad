"""Continued training on new text: a fresh run whose weights start from an old run's.

``train NEW.txt --init OLD_RUN --out NEW_RUN`` reads the new text once, as a fresh run does,
and builds its vocabulary as the union of the old run's and the one a fresh run on the new
text would have (``min_count`` and ``max_vocab`` applied to the new text's counts):

- every old word keeps its rows of ``W_in`` and ``W_out`` (from the old run's newest good
  checkpoint) as its starting point; a word of the new text below ``min_count`` is still
  trained if the old run knows it;
- every new word gets fresh rows, word2vec.c's initialisation (``weights.init_weights``);
- the counts are merged: old count + count in the new text (and the total of raw tokens),
  so the noise distribution (unigram^0.75) and subsampling follow both texts together.
  Old words absent from the new text are still drawn as negatives, which moves their
  ``W_out`` rows, but never as an input: their vectors (``W_in``) stay exactly as they were.

The merged vocabulary is sorted by merged count like any other (the noise and subsampling
tables, and hierarchical softmax's tree, are built from the counts in that order), so old
rows are permuted into their new places: what stays is that each word keeps its vector.

The settings are the old run's, with those given on top (``dim`` must stay): so the text is
tokenized (``lowercase``) as the old one was. The run state's ``init`` records where the
weights came from. After that it is an ordinary run: it checkpoints, resumes and can be given
more epochs like any other.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from w2v.config import Config
from w2v.errors import ConfigError, RunError
from w2v.kernels.registry import check_supported
from w2v.run import checkpoint
from w2v.run.rundir import RunDir
from w2v.settings import stored_config
from w2v.text import encoded
from w2v.text.vocab import Vocab, select
from w2v.training.weights import init_weights
from w2v.util.atomic import atomic_write


def old_run(rundir: RunDir, init):
    """The run ``init`` names, checked: ``(RunDir, newest good checkpoint, Vocab, alerts)``,
    the alerts about damaged newer checkpoints that were skipped."""
    old = RunDir(init)
    if old.path.resolve() == rundir.path.resolve():
        raise RunError("{=init} and {=out} are the same folder: continued training writes a "
                       "new run; choose another {=out}")
    _check_folder(old)
    skipped = []
    ckpt = checkpoint.latest(old, warn=skipped.append)
    if ckpt.state.get("config", {}).get("loss") == "hs":
        raise RunError(f"{old.path} was trained with hierarchical softmax: runs trained with "
                       "hierarchical softmax cannot be continued ({=init}), as their output "
                       "rows are tree nodes, not words; start a fresh run")
    config = ckpt.state.get("config", {})
    if config.get("subwords") and config.get("maxn"):
        raise RunError(f"{old.path} was trained with {{=subwords}}: such runs cannot be "
                       "continued ({=init}) yet, as their input rows include the n-gram "
                       "buckets; start a fresh run")
    old_vocab = Vocab.load(old.vocab)
    _check_rows(old, ckpt, old_vocab)
    return old, ckpt, old_vocab, skipped


def configure(stored: dict, settings) -> Config:
    """The new run's config (``init_config``), checked for what continued training does. An
    old run's ``freeze`` is about the vectors file it started from, which this run does not
    load: it is off unless given (and then refused, ``published.check_freeze``)."""
    cfg = init_config({**stored, "freeze": False}, settings)
    check_supported(cfg.arch, cfg.loss, cfg.backend)
    if cfg.loss == "hs":  # its W_out rows are the new vocabulary's tree nodes, not words
        raise RunError("continued training ({=init}) carries W_out over word by word, which "
                       "hierarchical softmax's tree nodes are not; train with {=loss} ns, or "
                       "start a fresh run")
    if cfg.ngrams:
        raise ConfigError("continued training ({=init}) does not train n-gram rows yet: leave "
                          "out {=subwords}, or start a fresh run")
    return cfg


def provenance(old: RunDir, ckpt, old_vocab: Vocab, text_vocab: Vocab, added: int):
    """The run state's ``init`` record and the note that says what was carried over."""
    absent = sum(w not in text_vocab.index for w in old_vocab.words)
    record = {"run": str(old.path.resolve()), "checkpoint": str(ckpt.path.resolve()),
              "epochs": ckpt.state.get("epoch"), "old_words": len(old_vocab),
              "added_words": added, "absent_words": absent}
    note = (f"starting from {old.path} ({ckpt.path.name}, {record['epochs']} epochs): "
            f"{len(old_vocab):,} words keep their vectors ({absent:,} of them are not in the "
            f"new text and stay as they are), {added:,} new words")
    return record, note


def init_config(stored: dict, given) -> Config:
    """The old run's settings with the given ones on top; ``dim`` cannot change."""
    given = given.to_dict() if isinstance(given, Config) else dict(given)
    base = stored_config(stored, "the old run's")
    cfg = base.replace(**given)  # an lr at the old arch's default follows a new arch
    if cfg.dim != base.dim:
        raise ConfigError(f"{{=dim}} is {cfg.dim}, but the run given to {{=init}} has "
                          f"vectors of dim {base.dim}; leave {{=dim}} out")
    return cfg


def _check_folder(old: RunDir) -> None:
    """``init`` must be a run folder with a checkpoint (not a vectors file, say)."""
    what = ("does not exist" if not old.path.exists() else
            "is a file, not a run folder" if not old.path.is_dir() else
            "has no checkpoint to start from" if not old.has_checkpoint() else "")
    if what:
        raise RunError(f"{old.path} {what}: {{=init}} takes the folder of a w2v run (what "
                       "{=out} was given when it trained)")


def _check_rows(old: RunDir, ckpt, vocab: Vocab) -> None:
    """One row of W_in and of W_out per word: what the merge maps (hierarchical softmax's
    W_out rows are tree nodes, not words)."""
    if ckpt.W_in.shape[0] != len(vocab) or ckpt.W_out.shape[0] != len(vocab):
        raise RunError(f"{ckpt.path} has {ckpt.W_in.shape[0]} input and {ckpt.W_out.shape[0]} "
                       f"output rows for {len(vocab)} words in {old.vocab}: continued training "
                       "needs one row of each per word")


def merge(old: Vocab, text: Vocab, min_count: int,
          max_vocab: int) -> tuple[Vocab, np.ndarray, int]:
    """The union vocabulary with merged counts, sorted like any vocabulary; the map from
    ``text`` ids to its ids (``encoded.DROPPED`` for the text's words it leaves out); and how
    many words are new. ``text`` holds every word of the new text, sorted by count.

    >>> old = Vocab(["a", "b"], [5, 4], total_words=9)
    >>> union, remap, added = merge(old, Vocab(["c", "b", "d"], [6, 1, 1]), 2, 0)
    >>> union.words, union.counts.tolist(), union.total_words, remap.tolist(), added
    (['c', 'a', 'b'], [6, 5, 5], 17, [0, 2, -2], 1)
    """
    fresh = [w for w, c in zip(text.words, text.counts.tolist()) if c >= min_count]
    new = [w for w in fresh[: max_vocab or None] if w not in old.index]
    counts = dict(zip(old.words, old.counts.tolist()))
    for w, c in zip(text.words, text.counts.tolist()):
        if w in counts:
            counts[w] += c
    counts.update((w, int(text.counts[text.index[w]])) for w in new)
    union = select(counts.items(), old.total_words + text.total_words, 1, None)
    remap = np.array([union.index.get(w, encoded.DROPPED) for w in text.words], np.int32)
    return union, remap, len(new)


def start_weights(vocab: Vocab, old: Vocab, old_in, old_out, rng):
    """Fresh rows for every word (word2vec.c's), then each old word's rows copied into its
    place in the merged order."""
    W_in, W_out = init_weights(len(vocab), old_in.shape[1], len(vocab), rng)
    rows = np.array([vocab.index[w] for w in old.words], dtype=np.int64)
    W_in[rows] = old_in
    W_out[rows] = old_out
    return W_in, W_out


def reencode(path: Path, remap: np.ndarray) -> None:
    """Rewrite an encoded corpus through ``remap`` (``encoded.remap_ids``: dropping what it
    drops, and the separators that would then follow one another), atomically."""
    with open(path, "rb") as src, atomic_write(path, "wb") as f:
        encoded.remap_ids(src.fileno(), remap, f.fileno())
