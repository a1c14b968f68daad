"""The vocabulary as a training session holds it: the counts for the kernels, the words packed
in one UTF-8 byte string for the export. A ``Vocab``'s word list and index cost about 200 bytes
a word in Python (211 MB at V = 1M, beside the matrices for the whole run); packed, a word costs
its UTF-8 length plus 9 bytes (a newline and its end offset), and the export decodes a block of
words at a time (``PackedWords``), never the whole list. The words never hold whitespace
(``Vocab.save`` refuses them before training starts), so a newline can separate them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from w2v.text.vocab import Vocab

BLOCK = 1 << 16  # words decoded at a time when iterating


class PackedWords(Sequence):
    """A read-only list of words over one byte string; slices are lists.

    >>> w = PackedWords(["the", "café", "a"])
    >>> len(w), w[1], w[-1], w[:2], list(w)
    (3, 'café', 'a', ['the', 'café'], ['the', 'café', 'a'])
    """

    def __init__(self, words: list[str]):
        self._data = "".join(w + "\n" for w in words).encode()
        self._ends = np.flatnonzero(np.frombuffer(self._data, dtype=np.uint8) == 10)

    def __len__(self) -> int:
        return len(self._ends)

    def _span(self, start: int, stop: int) -> list[str]:
        if start >= stop:
            return []
        first = int(self._ends[start - 1]) + 1 if start else 0
        return self._data[first : int(self._ends[stop - 1])].decode().split("\n")

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            words = self._span(start, stop) if step == 1 else None
            return words if words is not None else [self[j] for j in range(start, stop, step)]
        if not -len(self) <= i < len(self):
            raise IndexError("word index out of range")
        i %= len(self)
        return self._span(i, i + 1)[0]

    def __iter__(self) -> Iterator[str]:
        for start in range(0, len(self), BLOCK):
            yield from self._span(start, min(start + BLOCK, len(self)))


class TrainingVocab:
    """The counts and raw token total of a Vocab (the kernels' tables) and its words, packed.

    >>> v = TrainingVocab(Vocab(["the", "cat"], [3, 1]))
    >>> len(v), list(v.words), v.total_words
    (2, ['the', 'cat'], 4)
    """

    def __init__(self, vocab: Vocab):
        self.counts, self.total_words = vocab.counts, vocab.total_words
        self.words = PackedWords(vocab.words)
        self.lock = None  # W_in's lock factors for the kernels (published.lock), None: all 1

    def __len__(self) -> int:
        return len(self.counts)
