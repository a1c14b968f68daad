"""One vocabulary from many shards: merge the shards' counts, choose once, re-encode each shard.

A distributed run counts each rank's shard with the one-pass ``encoded.count_and_encode``
(``min_count`` 1, no ``max_vocab``: a word rare in one shard may be frequent overall), which
writes the shard's ids under the shard's own count-sorted vocabulary. Then:

1. ``merge_counts`` adds the shards' counts (exact integers, so the order of merging does not
   matter), and ``vocab.select`` applies ``min_count`` and ``max_vocab`` once, sorting by count
   with ties broken by the word: every rank gets the same vocabulary, and without pruning it
   is the single-process one (tested).
2. ``remap_file`` rewrites each shard's ids in place as ids of that vocabulary, dropping the
   words it left out; the shards' files laid end to end are then the single-process
   ``corpus.ids`` (tested).

Pruning (word2vec.c's ReduceVocab) bounds each rank's memory exactly as it bounds one process's:
a rank prunes its own table when it holds more than ``prune_at`` distinct words. A shard has
fewer distinct words than the corpus, so ranks prune later and less often than one process
would. A word no rank pruned has its exact count; a word pruned in a shard loses that shard's
occurrences before its last pruning there (one process loses the same kind of prefix, of the
whole corpus). When the pruned words are rarer than ``min_count`` anyway (the usual case:
pruning removes the long tail of hapaxes), the merged vocabulary is the single-process one
(tested). The merged table holds at most the union of the pruned shard tables.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable

import numpy as np

from w2v.text.encoded import DROPPED, remap_ids
from w2v.text.vocab import Vocab, select


def shard_table(vocab: Vocab | None) -> dict[str, int]:
    """A shard's counts as a plain dict (what a rank sends); an empty shard has none."""
    if vocab is None:
        return {}
    return dict(zip(vocab.words, vocab.counts.tolist()))


def merge_counts(tables: Iterable[dict[str, int]]) -> Counter:
    """The summed counts of several shard tables.

    >>> sorted(merge_counts([{"a": 2, "b": 1}, {"b": 3}]).items())
    [('a', 2), ('b', 4)]
    """
    merged: Counter = Counter()
    for table in tables:
        merged.update(table)
    return merged


def merged_vocab(tables, total_words: int, min_count: int, max_vocab: int | None) -> Vocab:
    """The run's vocabulary from the shards' tables and their summed raw token count."""
    return select(merge_counts(tables).items(), total_words, min_count, max_vocab)


def remap_table(local: Vocab | None, vocab: Vocab) -> np.ndarray:
    """local id -> id in ``vocab``, or ``DROPPED`` for a word ``vocab`` left out.

    >>> remap_table(Vocab(["b", "a", "c"], [3, 2, 1]), Vocab(["a", "b"], [5, 4])).tolist()
    [1, 0, -2]
    """
    words = [] if local is None else local.words
    get = vocab.index.get
    return np.array([get(w, DROPPED) for w in words], dtype=np.int32)


def remap_file(path, remap: np.ndarray) -> int:
    """Rewrite an encoded file's ids through ``remap`` in place (``encoded.remap_ids``) and
    fsync it; returns the ids written."""
    fd = os.open(path, os.O_RDWR)
    try:
        written = remap_ids(fd, remap)
        os.fsync(fd)
    finally:
        os.close(fd)
    return written
