"""Word -> provisional id and count: the Python side of ``tokenize``'s hash table (allocation,
growth by doubling, pruning, and reading the words back).

The table is a tuple of arrays (one argument for numba):

- ``meta`` (int64): the number of entries, the next provisional id, the arena bytes used;
- ``slots`` (int32, a power of two, at most half full): -1 or an entry index; linear probing;
- ``ent`` (int64, a 64-byte row per entry, so a lookup touches one cache line): the hash, the
  word's first 16 bytes packed in two integers (most words are shorter, and are compared
  without reading the arena), its offset and length in ``arena``, its count and provisional id;
- ``arena`` (uint8): every word's bytes, in order of entry.

Entries are appended in order of first sight, so their arena offsets increase; pruning keeps
the survivors in that order, compacts the arena forward and rebuilds the slots. Ids are never
reused: a pruned word that comes back gets a new one, and its count starts from zero, exactly
as ``vocab.count_words`` forgets it.
"""

from __future__ import annotations

import numpy as np

from w2v.text.tokenize import ARENA_USED, COUNT, ENTRIES, ID, LEN, NEXT_ID, OFF, ROW, prune, rehash


def _grown(a: np.ndarray, size: int) -> np.ndarray:
    b = np.empty((size,) + a.shape[1:], dtype=a.dtype)
    b[: len(a)] = a
    return b


FIRST_ENTRIES = 1 << 14  # the table's first size (the tests make it tiny, to grow it often)


class WordTable:
    """The Python side of the table: allocation, growth (doubling), pruning, and the words."""

    def __init__(self, entries: int | None = None):
        entries = entries or FIRST_ENTRIES
        self.table = (np.zeros(3, np.int64), np.full(2 * entries, -1, np.int32),
                      np.zeros((entries, ROW), np.int64), np.zeros(8 * entries, np.uint8))

    def __len__(self) -> int:
        return int(self.table[0][ENTRIES])

    @property
    def next_id(self) -> int:
        return int(self.table[0][NEXT_ID])

    def make_room(self, length: int) -> None:
        """Grow whatever would stop one more word of ``length`` bytes from fitting."""
        meta, slots, ent, arena = self.table
        e, used = int(meta[ENTRIES]), int(meta[ARENA_USED])
        if e >= len(ent):
            ent = _grown(ent, 2 * len(ent))
        if used + length > len(arena):
            arena = _grown(arena, max(2 * len(arena), used + length))
        rebuild = 2 * (e + 1) > len(slots)
        if rebuild:
            slots = np.empty(2 * len(slots), np.int32)
        self.table = (meta, slots, ent, arena)
        if rebuild:
            rehash(self.table)

    def prune(self, floor: int) -> None:
        prune(self.table, floor)

    def items(self, min_count: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(words, counts, provisional ids) of the entries counted at least ``min_count``."""
        meta, _, ent, arena = self.table
        rows = ent[: int(meta[ENTRIES])]
        rows = rows[rows[:, COUNT] >= min_count]
        raw = arena[: int(meta[ARENA_USED])].tobytes()
        spans = zip(rows[:, OFF].tolist(), (rows[:, OFF] + rows[:, LEN]).tolist())
        words = [raw[s:t].decode("utf-8") for s, t in spans]
        return words, rows[:, COUNT].copy(), rows[:, ID].astype(np.int32)
