"""Unigram and bigram counts in one pass over the text, in compiled code, in bounded memory.

The words come from the training front end's tokenizer (``tokenize.scan`` over ``stream``'s
clean blocks, so tokens, lowercasing and invalid UTF-8 are exactly ``w2v train``'s), with
chunking switched off: a -1 comes only at the end of a line (or of an input), and a bigram is
two consecutive tokens of one line. The bigrams go to ``pairtable``.

Memory: after each block of text (``stream.BLOCK_BYTES``), if the unigrams and bigrams held
exceed ``prune_at``, every one of them seen at most ``floor`` times is forgotten and the floor
rises by one: word2phrase.c's ReduceVocab (which does it when its 500M-slot hash is 70% full).
A pair is never counted more often than either of its words since the word got its id, so a
pruned word takes all its pairs with it. As in word2phrase.c, counts are exact unless pruning
happened; then rare counts are approximate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2v.text import connected as cn
from w2v.text import pairtable as pt
from w2v.text import sentences
from w2v.text import tokenize as tk
from w2v.text.sentences import CorpusStats, sources
from w2v.text.stream import clean_blocks
from w2v.text.tokenize import PAD
from w2v.text.wordtable import WordTable

NO_LIMIT = 1 << 62  # max_words: never cut a line into chunks
IDS = 1 << 20  # ids tokenized between two bigram counts


@dataclass
class Counts:
    """What a pass counted: ``words[i]`` was seen ``word_counts[i]`` times; the pair
    (``words[left[j]]``, ``words[right[j]]``) ``pair_counts[j]`` times; ``total`` tokens."""

    words: list[str]
    word_counts: np.ndarray
    left: np.ndarray
    right: np.ndarray
    pair_counts: np.ndarray
    total: int
    pruned: int = 0  # how many times the tables were pruned (0: every count is exact)
    runs: np.ndarray | None = None  # with connectors: each pair's packed connector run
    connectors: tuple[str, ...] = ()


def add_words(words: WordTable, distinct: list[str]) -> dict[str, int]:
    """Put ``distinct`` words (no whitespace) into ``words`` in order; returns their ids."""
    text = ("\n".join(distinct) + "\n").encode("utf-8")
    buf = np.frombuffer(text + b" " * PAD, np.uint8)
    st = np.zeros(tk.STATE_SIZE, np.int64)
    st[tk.MAX_WORDS], st[tk.PRUNE_AT], st[tk.MAX_CHARS] = NO_LIMIT, NO_LIMIT, NO_LIMIT
    ids = np.empty(2 * len(distinct) + 2, np.int32)
    pos, status = 0, tk.ROOM
    while status != tk.DONE:
        pos, status = tk.scan(buf, len(text), pos, st, ids, words.table)
        words.make_room(int(st[tk.NEED]))
    found, _, wid = words.items()
    return dict(zip(found, wid.tolist()))


SEEDED = 1 << 50  # a connector's count while counting: never pruned, so its id stays < C


class _Counter:
    """Feeds clean blocks to ``scan`` and the ids it writes to ``count_pairs`` (or, with
    connector words, ``connected.count_connected``)."""

    def __init__(self, prune_at: int, connectors: tuple[str, ...] = ()):
        self.words, self.prune_at, self.floor = WordTable(), prune_at, 1
        self.st = np.zeros(tk.STATE_SIZE, np.int64)
        self.st[tk.MAX_WORDS], self.st[tk.PRUNE_AT] = NO_LIMIT, NO_LIMIT
        self.out = np.empty(IDS + 1, np.int32)
        self.rows, self.entries, self.prev = pt.new_rows(1 << 16), 0, -1
        self.buf = np.empty(0, np.uint8)
        self.connectors = tuple(connectors)
        if connectors:
            add_words(self.words, list(connectors))
            self.words.table[2][: len(connectors), tk.COUNT] = SEEDED
            self.rows, self.run_state = cn.new_rows(1 << 16), np.array([-1, 0, 0], np.int64)

    def feed(self, block: bytes, ends_input: bool, stats: CorpusStats) -> None:
        st, n, pos = self.st, len(block), 0
        if len(self.buf) < n + PAD:
            self.buf = np.empty(max(n + PAD, 2 * len(self.buf)), np.uint8)
        self.buf[:n] = np.frombuffer(block, np.uint8)
        self.buf[n : n + PAD] = ord(" ")  # scan reads 8 bytes at a time
        st[tk.MAX_CHARS] = sentences.MAX_TOKEN_CHARS  # read at call time: tests patch it
        while True:
            pos, status = tk.scan(self.buf, n, pos, st, self.out, self.words.table)
            self._flush()
            if status == tk.DONE:
                break
            self.words.make_room(int(st[tk.NEED]))  # grows only what is short
        if ends_input:  # an input's end ends its last line
            self.prev, st[tk.CHUNK] = -1, 0
            if self.connectors:
                self.run_state[:] = (-1, 0, 0)
        stats.tokens += int(st[tk.TOKENS])
        stats.dropped_long_tokens += int(st[tk.DROPPED])
        st[tk.TOKENS] = st[tk.DROPPED] = 0
        if len(self.words) + self.entries > self.prune_at:
            self._prune()

    def _flush(self) -> None:
        n = int(self.st[tk.N_OUT])
        if 2 * (self.entries + n) > len(self.rows):
            grown = cn.grown if self.connectors else pt.grown
            self.rows = grown(self.rows, self.entries, room=max(self.entries, n))
        if self.connectors:
            added = cn.count_connected(self.out, n, self.run_state, self.rows,
                                       len(self.connectors))
        else:
            self.prev, added = pt.count_pairs(self.out, n, self.prev, self.rows)
        self.entries += added
        self.st[tk.N_OUT] = 0

    def _prune(self) -> None:
        self.words.prune(self.floor)
        if self.connectors:
            kept = cn.entries_of(self.rows, at_least=self.floor + 1)
            self.rows = cn.new_rows(len(kept) + IDS)
            cn.reinsert(kept, self.rows)
            self.entries = len(kept)
            self.floor += 1
            return
        keys, values = pt.entries_of(self.rows, self.entries, at_least=self.floor + 1)
        self.rows = pt.table_of(keys, values, room=IDS)
        self.entries = len(keys)
        self.floor += 1

    def counts(self, total: int, min_pair_count: int) -> Counts:
        words, counts, ids = self.words.items()
        counts[ids < len(self.connectors)] -= SEEDED
        index = np.full(self.words.next_id, -1, np.int64)
        index[ids] = np.arange(len(words))
        runs = None
        if self.connectors:
            rows = cn.entries_of(self.rows, at_least=min_pair_count)
            keys, runs, values = rows[:, 0], rows[:, 1], rows[:, 2]
        else:
            keys, values = pt.entries_of(self.rows, self.entries, at_least=min_pair_count)
        a, b = pt.split_keys(keys)
        left, right = index[a], index[b]
        known = (left >= 0) & (right >= 0)  # a pair may outlive a pruned word by one token
        return Counts(words, counts, left[known], right[known], values[known], total,
                      self.floor - 1, None if runs is None else runs[known], self.connectors)


def count(paths, *, lowercase: bool = False, prune_at: int = 20_000_000,
          stats: CorpusStats | None = None, threads: int = 2, spool=None,
          min_pair_count: int = 1, connectors: tuple[str, ...] = ()) -> Counts:
    """Count the words and the in-line bigrams of ``paths`` (files, ``-``) in one pass;
    the bigrams seen fewer than ``min_pair_count`` times are left out of the result.
    ``spool``, a binary file, receives the clean text as it is read, so that a stream can be
    read a second time (reading it again gives the same tokens: it is already clean)."""
    stats = stats if stats is not None else CorpusStats()
    counter, last = _Counter(prune_at, connectors), b"\n"
    for block, ends_input in clean_blocks(sources(paths), lowercase, stats, threads):
        counter.feed(block, ends_input, stats)
        if spool is not None:
            spool.write(block)
            last = block[-1:] or last
            if ends_input and last != b"\n":  # keep the inputs' lines apart
                spool.write(b"\n")
                last = b"\n"
    return counter.counts(stats.tokens, min_pair_count)
