"""The encoded corpus: the training stream, written in one pass over the text.

Format: a flat file of raw little-endian int32, no header: vocabulary ids in corpus order,
out-of-vocabulary words dropped (as word2vec.c does before windowing), and -1 after each
non-empty sentence chunk. Its length in ids is ``file size / 4``: on disk it costs 4 bytes per
kept token plus 4 per sentence.

``count_and_encode`` reads the text once, in compiled code (``tokenize``, ``wordtable``; the
bytes are made clean by ``stream``, which may read and decompress in a second thread). Each
word gets a provisional id the first time it is seen; the ids go to the file while the counts
accumulate per word. Once the counts are known, the final count-sorted vocabulary is chosen and
the file is rewritten in place through one gather (provisional id -> final id, or dropped),
which takes about 0.1 s per 17M tokens. Reading the text once is what makes standard input and
pipes work, and halves the front end's time. Its tokens, lines, chunks, counts and pruning are
those of ``sentences.iter_sentences`` and ``vocab.count_words`` (the tests hold it to them).

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

from w2v.errors import CorpusError
from w2v.text import sentences
from w2v.text import tokenize as tk
from w2v.text.sentences import CorpusStats, iter_sentences, sources
from w2v.text.stream import clean_blocks
from w2v.text.tokenize import PAD
from w2v.text.vocab import Vocab, select
from w2v.text.wordtable import WordTable
from w2v.util.atomic import atomic_write
from w2v.util.diskfull import disk_full

SEPARATOR = -1  # sentence break in the encoded corpus
DROPPED = -2  # an out-of-vocabulary (or pruned) word, filtered out before the file is final
BLOCK_IDS = 1 << 20  # ids buffered between writes (4 MB)
AGAIN = "run the same command again (nothing was trained yet; the folder keeps no partial file)"


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
    threads: int = 2,
    fixed: Vocab | None = None,
) -> Generator[CorpusStats, None, Vocab]:
    """Read the corpus once, write ``out_path`` (the format above, atomically) and return the
    vocabulary; yields ``stats`` after each block of text, for progress. ``threads`` > 1 reads
    and decompresses in a thread of its own while this one tokenizes; the result is the same.
    ``fixed``: a vocabulary read from a file (``vocab_files``), used as it is (its words, order
    and counts; ``total_words`` the corpus's tokens) instead of the one counted; a corpus word
    outside it is dropped, as an unknown word in word2vec.c."""
    if max_words < 1:
        raise CorpusError(f"max_words must be at least 1, not {max_words}")
    stats = stats if stats is not None else CorpusStats()
    srcs = sources(paths)
    words = WordTable()
    with disk_full(out_path, AGAIN), atomic_write(out_path, "w+b") as f:
        scanner = _Scanner(words, f, max_words, prune_at)
        for block, ends_input in clean_blocks(srcs, lowercase, stats, threads):
            scanner.feed(block, ends_input, stats)
            yield stats
        if fixed is None:
            vocab, remap = _vocabulary(words, stats.tokens, min_count, max_vocab)
        else:
            vocab, remap = _fixed(words, fixed, stats.tokens)
        del words, scanner
        f.flush()
        remap_ids(f.fileno(), remap)
    return vocab


class _Scanner:
    """Feeds clean blocks to ``tokenize.scan`` and does what it stops for: flushing the ids to
    the file, growing the table, pruning it."""

    def __init__(self, words: WordTable, f, max_words: int, prune_at: int):
        self.words, self.f, self.floor = words, f, 1
        self.st = np.zeros(tk.STATE_SIZE, np.int64)
        self.st[tk.MAX_WORDS], self.st[tk.PRUNE_AT] = max_words, prune_at
        self.out = np.empty(max(BLOCK_IDS, 1) + 1, np.int32)  # room for an id and a -1
        self.buf = np.empty(0, np.uint8)
        self.prune_at = prune_at

    def feed(self, block: bytes, ends_input: bool, stats: CorpusStats) -> None:
        st, n, pos = self.st, len(block), 0
        if len(self.buf) < n + PAD:
            self.buf = np.empty(max(n + PAD, 2 * len(self.buf)), np.uint8)
        buf = self.buf
        buf[:n] = np.frombuffer(block, np.uint8)
        buf[n : n + PAD] = ord(" ")  # the token scan reads 8 bytes at a time
        st[tk.MAX_CHARS] = sentences.MAX_TOKEN_CHARS  # read at call time: tests patch it
        while True:
            pos, status = tk.scan(buf, n, pos, st, self.out, self.words.table)
            if status == tk.DONE:
                break
            if status == tk.PRUNE:
                self._prune()
            elif st[tk.N_OUT] + 2 > len(self.out):
                self._flush()
            else:
                self.words.make_room(int(st[tk.NEED]))
        if ends_input and st[tk.CHUNK] > 0:  # the last line had no newline
            self.out[st[tk.N_OUT]] = SEPARATOR  # scan left room for it after the last id
            st[tk.N_OUT] += 1
            st[tk.CHUNK] = 0
            if len(self.words) > self.prune_at:
                self._prune()
        self._flush()
        stats.tokens += int(st[tk.TOKENS])
        stats.dropped_long_tokens += int(st[tk.DROPPED])
        st[tk.TOKENS] = st[tk.DROPPED] = 0

    def _flush(self) -> None:
        self.out[: self.st[tk.N_OUT]].astype("<i4", copy=False).tofile(self.f)
        self.st[tk.N_OUT] = 0

    def _prune(self) -> None:
        """Forget the words seen at most ``floor`` times; the floor rises (as count_words)."""
        self.words.prune(self.floor)
        self.floor += 1


def _vocabulary(words: WordTable, total: int, min_count: int, max_vocab: int | None):
    """The final vocabulary and the gather from provisional ids to its ids (or DROPPED)."""
    kept, counts, ids = words.items(min_count)
    if not kept:  # no word is frequent enough: select says why, from all of them
        kept, counts, ids = words.items()
    vocab = select(zip(kept, counts.tolist()), total, min_count, max_vocab)
    provisional = dict(zip(kept, ids.tolist()))
    remap = np.full(words.next_id, DROPPED, dtype=np.int32)
    remap[[provisional[w] for w in vocab.words]] = np.arange(len(vocab), dtype=np.int32)
    return vocab, remap


def _fixed(words: WordTable, fixed: Vocab, total: int):
    """``fixed`` with the corpus's token count, and the gather from provisional ids to its ids."""
    seen, _, ids = words.items()
    remap = np.full(words.next_id, DROPPED, dtype=np.int32)
    for word, provisional in zip(seen, ids.tolist()):
        remap[provisional] = fixed.index.get(word, DROPPED)
    return Vocab(fixed.words, fixed.counts, total_words=total), remap


def remap_ids(src: int, remap: np.ndarray, dst: int | None = None) -> int:
    """Rewrite the encoded ids read from file descriptor ``src`` through ``remap`` (id ->
    new id, or ``DROPPED``) into ``dst``, dropping the dropped and the separators that would
    then repeat (``compact``); returns the ids written. Without ``dst`` it rewrites ``src``
    in place: the output never overtakes the input, so one file suffices. The one remap of
    an encoded file: the counting pass's provisional ids, a shard's (``merge.remap_file``),
    a text for continued training (``init.reencode``)."""
    dst = src if dst is None else dst
    size = os.fstat(src).st_size
    read_at = write_at = 0
    after_separator = True
    gather = np.concatenate(([SEPARATOR], remap)).astype(np.int32)  # indexed by id + 1
    while read_at < size:
        raw = os.pread(src, 4 * BLOCK_IDS, read_at)
        read_at += len(raw)
        ids = gather[np.frombuffer(raw, dtype="<i4") + 1]
        ids, after_separator = compact(ids, after_separator)
        os.pwrite(dst, ids.astype("<i4", copy=False).tobytes(), write_at)
        write_at += 4 * len(ids)
    os.ftruncate(dst, write_at)
    return write_at // 4


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
    with disk_full(out_path, "resume again"), atomic_write(out_path) as f:
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


def sentence_cut(ids: np.ndarray, at: int) -> int:
    """The first position at or after ``at`` that starts a sentence (just after a -1), or
    ``len(ids)`` if none does: a cut there leaves every window whole, since no window spans a
    sentence break. Cutting at ``at`` itself when ``ids[at - 1]`` is already a break.

    >>> ids = np.array([3, 4, -1, 5, 6, 7, -1, 8])
    >>> [sentence_cut(ids, a) for a in (0, 1, 3, 4, 7, 8)]
    [0, 3, 3, 7, 7, 8]
    """
    if at <= 0:
        return 0
    breaks = np.flatnonzero(ids[at - 1 :] == SEPARATOR)
    return at + int(breaks[0]) if len(breaks) else len(ids)


def count_ids(path, block: int = 1 << 22) -> tuple[int, int]:
    """(ids, words) in an encoded corpus: its length, and how many ids are words (not -1)."""
    n = Path(path).stat().st_size // 4
    words = sum(int(np.count_nonzero(read_ids(path, s, block) >= 0)) for s in range(0, n, block))
    return n, words
