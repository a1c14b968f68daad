"""Bigram counts in compiled code: a hash table keyed by a pair of provisional word ids.

The table is one int64 array of shape ``(slots, 2)``: a row is ``[key, value]``, the key
``a << 32 | b`` for the pair (a, b) of ids from ``tokenize.scan`` (non-negative int32, so a key
is never ``EMPTY``), the value its count. Slots are a power of two, at most half full, probed
linearly; the number of entries is kept by the caller (``count_pairs`` returns the new ones).

A pair is counted only inside a line: ``scan`` ends each line with a -1 (``SEPARATOR``), which
resets the previous id. Keying by ids, not by the joined string as word2phrase.c does, means a
bigram "new york" and a token "new_york" are counted apart, and so are ("new_york", "city") and
("new", "york_city").
"""

from __future__ import annotations

from w2v import jit  # noqa: F401  (first: it chooses numba's cache folder)

# isort: split
import numba
import numpy as np

EMPTY = -1
_MIX = np.uint64(0x9E3779B97F4A7C15)


@numba.njit(cache=True, nogil=True, inline="always")
def pair_key(a, b):
    return (np.int64(a) << np.int64(32)) | np.int64(b)


@numba.njit(cache=True, nogil=True, inline="always")
def _slot(k, mask):
    h = np.uint64(k) * _MIX
    return np.int64(h >> np.uint64(29)) & mask


@numba.njit(cache=True, nogil=True)
def count_pairs(ids, n, prev, rows):
    """Count the pairs of consecutive ids in ``ids[:n]`` (-1 ends a line), ``prev`` being the
    id before ``ids[0]`` (or -1); returns (last id or -1, entries added). The caller leaves
    room for ``n`` new entries."""
    mask = len(rows) - 1
    added = 0
    for t in range(n):
        b = ids[t]
        if b < 0:
            prev = -1
            continue
        if prev >= 0:
            k = pair_key(prev, b)
            s = _slot(k, mask)
            while rows[s, 0] != k and rows[s, 0] != EMPTY:
                s = (s + 1) & mask
            if rows[s, 0] == EMPTY:
                rows[s, 0], rows[s, 1] = k, 1
                added += 1
            else:
                rows[s, 1] += 1
        prev = b
    return prev, added


@numba.njit(cache=True, nogil=True)
def insert_all(keys, values, rows):
    """Put distinct ``keys`` with their ``values`` into the empty table ``rows``."""
    mask = len(rows) - 1
    for t in range(len(keys)):
        s = _slot(keys[t], mask)
        while rows[s, 0] != EMPTY:
            s = (s + 1) & mask
        rows[s, 0], rows[s, 1] = keys[t], values[t]


@numba.njit(cache=True, nogil=True, inline="always")
def find_pair(rows, k):
    """The value stored for key ``k``, or -1."""
    mask = len(rows) - 1
    s = _slot(k, mask)
    while rows[s, 0] != k:
        if rows[s, 0] == EMPTY:
            return -1
        s = (s + 1) & mask
    return rows[s, 1]


@numba.njit(cache=True, nogil=True)
def _entries(rows, at_least, n):
    """The ``n`` (or fewer) entries whose value is at least ``at_least``, in slot order."""
    keys, values = np.empty(n, np.int64), np.empty(n, np.int64)
    m = 0
    for s in range(len(rows)):
        if rows[s, 0] != EMPTY and rows[s, 1] >= at_least:
            keys[m], values[m] = rows[s, 0], rows[s, 1]
            m += 1
    return keys[:m], values[:m]


@numba.njit(cache=True, nogil=True)
def _reinsert(old, rows):
    mask = len(rows) - 1
    for t in range(len(old)):
        k = old[t, 0]
        if k != EMPTY:
            s = _slot(k, mask)
            while rows[s, 0] != EMPTY:
                s = (s + 1) & mask
            rows[s, 0], rows[s, 1] = k, old[t, 1]


def grown(rows: np.ndarray, entries: int, room: int) -> np.ndarray:
    """``rows`` (holding ``entries``) moved to a table with room for ``room`` more."""
    bigger = new_rows(entries + room)
    _reinsert(rows, bigger)
    return bigger


def new_rows(entries: int) -> np.ndarray:
    """An empty table with room for ``entries`` (at most half full)."""
    slots = 1 << max(4, int(2 * max(entries, 1) - 1).bit_length())
    return np.full((slots, 2), EMPTY, np.int64)


def table_of(keys: np.ndarray, values: np.ndarray, room: int = 0) -> np.ndarray:
    """A table holding ``keys`` -> ``values``, with room for ``room`` more entries."""
    rows = new_rows(len(keys) + room)
    insert_all(keys.astype(np.int64), values.astype(np.int64), rows)
    return rows


def entries_of(rows: np.ndarray, entries: int, at_least: int = 1) -> tuple[np.ndarray,
                                                                             np.ndarray]:
    """(keys, values) of the ``entries`` occupied rows whose value is at least ``at_least``,
    in slot order."""
    return _entries(rows, at_least, entries)


def split_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ids (a, b) of each pair key.

    >>> split_keys(np.array([(3 << 32) | 5]))
    (array([3]), array([5]))
    """
    return keys >> 32, keys & 0xFFFFFFFF
