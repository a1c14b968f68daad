"""The encoded corpus: the training stream, written in one pass over the text.

Format: a flat file of raw little-endian int32, no header: vocabulary ids in corpus order,
out-of-vocabulary words dropped (as word2vec.c does before windowing), and -1 after each
non-empty sentence chunk. Its length in ids is ``file size / 4``: on disk it costs 4 bytes per
kept token plus 4 per sentence.

``count_and_encode`` reads the text once. Each word gets a provisional id the first time it is
seen; the ids go to the file while the counts accumulate per id. Once the counts are known, the
final count-sorted vocabulary is chosen and the file is rewritten in place through one gather
(provisional id -> final id, or dropped), which takes about 0.1 s per 17M tokens. Reading the
text once is what makes standard input and pipes work, and halves the front end's time.

Pruning (word2vec.c's ReduceVocab, for corpora with more than ``prune_at`` distinct words)
happens at the same moments and keeps the same counts as ``vocab.count_words``. A pruned word
that comes back counts from zero in both; the one difference from reading the text twice
(``encode`` with the final vocabulary) is that its occurrences *before* it was pruned are
dropped here, since its provisional id was given up with its count.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Generator
from itertools import repeat
from pathlib import Path

import numpy as np

from w2v.text.sentences import CorpusStats, iter_sentences
from w2v.text.vocab import Vocab, select
from w2v.util.atomic import atomic_write

SEPARATOR = -1  # sentence break in the encoded corpus
DROPPED = -2  # an out-of-vocabulary (or pruned) word, filtered out before the file is final
BLOCK_IDS = 1 << 20  # ids buffered between writes (4 MB)


class _FirstSight(dict):
    """word -> provisional id, numbered in order of first sight; a word looked up for the first
    time gets the next id (``__missing__``), so ``map(ids.__getitem__, tokens)`` runs in C."""

    def __init__(self):
        super().__init__()
        self.next_id = 0

    def __missing__(self, word: str) -> int:
        self[word] = i = self.next_id
        self.next_id += 1
        return i


def count_and_encode(
    paths,
    out_path,
    *,
    lowercase: bool = False,
    max_words: int = 1000,
    min_count: int = 5,
    max_vocab: int | None = None,
    prune_at: int = 20_000_000,
    stats: CorpusStats | None = None,
) -> Generator[CorpusStats, None, Vocab]:
    """Read the corpus once, write ``out_path`` (the format above, atomically) and return the
    vocabulary; yields ``stats`` after each block of ids, for progress."""
    stats = stats if stats is not None else CorpusStats()
    ids = _FirstSight()
    counts = np.zeros(0, dtype=np.int64)
    buf = array("i")
    floor = 1
    with atomic_write(out_path, "w+b") as f:
        for tokens in iter_sentences(paths, lowercase, max_words, stats):
            buf.extend(map(ids.__getitem__, tokens))
            buf.append(SEPARATOR)
            if len(ids) > prune_at:
                counts = _flush(buf, f, counts, ids.next_id)
                floor = _prune(ids, counts, floor)
            elif len(buf) >= BLOCK_IDS:
                counts = _flush(buf, f, counts, ids.next_id)
                yield stats
        counts = _flush(buf, f, counts, ids.next_id)
        vocab = select(((w, int(counts[i])) for w, i in ids.items()), stats.tokens,
                       min_count, max_vocab)
        remap = np.full(ids.next_id, DROPPED, dtype=np.int32)
        remap[[ids[w] for w in vocab.words]] = np.arange(len(vocab), dtype=np.int32)
        del ids
        f.flush()
        _remap_in_place(f.fileno(), remap)
    return vocab


def _flush(buf: array, f, counts: np.ndarray, n_ids: int) -> np.ndarray:
    """Write the buffered provisional ids, add them to ``counts`` and empty the buffer."""
    block = np.frombuffer(buf, dtype=np.int32)
    block.astype("<i4", copy=False).tofile(f)
    words = block[block >= 0]
    grown = np.zeros(n_ids, dtype=np.int64)
    grown[: len(counts)] = counts
    grown += np.bincount(words, minlength=n_ids)
    del block, words  # release the buffer export before resizing the array
    del buf[:]
    return grown


def _prune(ids: _FirstSight, counts: np.ndarray, floor: int) -> int:
    """Forget every word seen at most ``floor`` times; return the next floor (as count_words)."""
    for word in [w for w, i in ids.items() if counts[i] <= floor]:
        del ids[word]
    return floor + 1


def _remap_in_place(fd: int, remap: np.ndarray) -> None:
    """Rewrite the file's provisional ids as final ids, dropping the dropped and compacting
    separators; the output never overtakes the input, so one file suffices."""
    size = os.fstat(fd).st_size
    read_at = write_at = 0
    after_separator = True
    while read_at < size:
        raw = os.pread(fd, 4 * BLOCK_IDS, read_at)
        read_at += len(raw)
        ids = np.frombuffer(raw, dtype="<i4")
        ids = np.where(ids < 0, ids, remap[np.maximum(ids, 0)])
        ids, after_separator = compact(ids, after_separator)
        os.pwrite(fd, ids.astype("<i4", copy=False).tobytes(), write_at)
        write_at += 4 * len(ids)
    os.ftruncate(fd, write_at)


def compact(ids: np.ndarray, after_separator: bool) -> tuple[np.ndarray, bool]:
    """Drop ``DROPPED`` ids, then any separator that would follow another (or open the file,
    when ``after_separator``): what is left is exactly "known ids of each chunk, then -1" for
    every chunk with a known word. Returns the ids and whether they end on a separator.

    >>> compact(np.array([-1, 3, -2, -1, -2, -1, 4, -1]), True)
    (array([ 3, -1,  4, -1]), True)
    """
    ids = ids[ids != DROPPED]
    if len(ids):
        sep = ids == SEPARATOR
        ids = ids[~(sep & np.concatenate(([after_separator], sep[:-1])))]
    if len(ids):
        after_separator = bool(ids[-1] == SEPARATOR)
    return ids, after_separator


def encode(paths, vocab: Vocab, out_path, lowercase=False, max_words=1000, stats=None) -> int:
    """Encode the corpus with a fixed vocabulary (reading the text a second time, as
    word2vec.c does); returns the number of int32 written. Used to rebuild a missing
    ``corpus.ids`` on resume, and as the reference of ``count_and_encode``."""
    get = vocab.index.get
    buf = array("i")
    written, after = 0, True
    with atomic_write(out_path) as f:
        for tokens in iter_sentences(paths, lowercase, max_words, stats):
            buf.extend(map(get, tokens, repeat(DROPPED)))  # map + get run in C
            buf.append(SEPARATOR)
            if len(buf) >= BLOCK_IDS:
                written, after = _write_compact(buf, f, written, after)
        written, after = _write_compact(buf, f, written, after)
    return written


def _write_compact(buf: array, f, written: int, after: bool) -> tuple[int, bool]:
    ids, after = compact(np.frombuffer(buf, dtype=np.int32), after)
    ids.astype("<i4", copy=False).tofile(f)
    written += len(ids)
    del ids
    del buf[:]
    return written, after


def read_ids(path, start: int, count: int) -> np.ndarray:
    """``count`` ids from position ``start`` of an encoded corpus, read (not memory-mapped) so
    that the pages of a large corpus never pile up in the process's resident memory."""
    with open(path, "rb") as f:
        f.seek(4 * start)
        return np.fromfile(f, dtype="<i4", count=count).astype(np.int32, copy=False)


def count_ids(path, block: int = 1 << 22) -> tuple[int, int]:
    """(ids, words) in an encoded corpus: its length, and how many ids are words (not -1)."""
    n = Path(path).stat().st_size // 4
    words = sum(int(np.count_nonzero(read_ids(path, s, block) >= 0)) for s in range(0, n, block))
    return n, words
