"""Phrases that span connector words ("bank of america" -> ``bank_of_america``), as gensim's
``Phrases(connector_words=...)``, in compiled code.

A connector word ("of", "the", ...) never starts or ends a phrase; between two other words
it may sit inside one. Counting (gensim's ``_learn_vocab``): each word other than a connector
is paired with the last such word before it on the line, with the connectors between them; the
triple (a, connectors, b) is one key. Joining (gensim's ``analyze_sentence``): greedy, left to
right; a word ends the candidate begun by the last word before it, connectors between, and a
joined phrase starts no candidate.

The connectors are the first ``C`` provisional ids of the word table (``seed`` puts them
there, and gives them a count that pruning never reaches), so "is a connector" is ``id < C``.
A run of connectors is packed into an int64, ``BITS`` bits per connector (its index + 1), so a
run of more than ``MAX_RUN`` connectors ends the candidate (gensim would still count it).
Rows of the table: ``[pair key, packed connectors, count]``.
"""

from __future__ import annotations

from w2v import jit  # noqa: F401  (first: it chooses numba's cache folder)

# isort: split
import numba
import numpy as np

from w2v.text.pairtable import EMPTY, _slot, pair_key

BITS = 4  # up to 15 connectors (gensim's English set has 15)
MAX_RUN = 60 // BITS
ENGLISH = ("a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to",
           "with", "without")  # gensim's ENGLISH_CONNECTOR_WORDS, sorted
SETS = {"english": ENGLISH}


@numba.njit(cache=True, nogil=True, inline="always")
def _probe(rows, k, run):
    mask = len(rows) - 1
    s = _slot(k ^ (run * np.int64(0x5BD1E995)), mask)
    while rows[s, 0] != EMPTY and not (rows[s, 0] == k and rows[s, 1] == run):
        s = (s + 1) & mask
    return s


@numba.njit(cache=True, nogil=True)
def count_connected(ids, n, st, rows, c):
    """Count the (a, connectors, b) triples of ``ids[:n]``; ``st`` = [start, run, run length]
    carries over between calls; returns the entries added (the caller leaves room for n)."""
    start, run, length = st[0], st[1], st[2]
    added = 0
    for t in range(n):
        w = ids[t]
        if w < 0:
            start, run, length = -1, 0, 0
        elif w < c:
            if start >= 0:
                if length == MAX_RUN:
                    start, run, length = -1, 0, 0
                else:
                    run |= np.int64(w + 1) << np.int64(BITS * length)
                    length += 1
        else:
            if start >= 0:
                k = pair_key(start, w)
                s = _probe(rows, k, run)
                if rows[s, 0] == EMPTY:
                    rows[s, 0], rows[s, 1], rows[s, 2] = k, run, 1
                    added += 1
                else:
                    rows[s, 2] += 1
            start, run, length = w, 0, 0
    st[0], st[1], st[2] = start, run, length
    return added


@numba.njit(cache=True, nogil=True)
def reinsert(old, rows):
    for t in range(len(old)):
        if old[t, 0] != EMPTY:
            s = _probe(rows, old[t, 0], old[t, 1])
            rows[s, :] = old[t, :]


@numba.njit(cache=True, nogil=True, inline="always")
def find(rows, k, run):
    """The count stored for (pair key, connectors), or -1."""
    s = _probe(rows, k, run)
    return rows[s, 2] if rows[s, 0] != EMPTY else -1


def new_rows(entries: int) -> np.ndarray:
    slots = 1 << max(4, int(2 * max(entries, 1) - 1).bit_length())
    return np.full((slots, 3), EMPTY, np.int64)


def grown(rows: np.ndarray, entries: int, room: int) -> np.ndarray:
    bigger = new_rows(entries + room)
    reinsert(rows, bigger)
    return bigger


def entries_of(rows: np.ndarray, at_least: int = 1) -> np.ndarray:
    """The occupied rows counted at least ``at_least`` times."""
    return rows[(rows[:, 0] != EMPTY) & (rows[:, 2] >= at_least)].copy()


def unpack(run: int, connectors) -> list[str]:
    """The connector words of a packed run.

    >>> unpack((9 << 4) | 12, ENGLISH)
    ['the', 'of']
    """
    words = []
    while run:
        words.append(connectors[(run & ((1 << BITS) - 1)) - 1])
        run >>= BITS
    return words


def pack(words, index: dict[str, int]) -> int:
    """The packed run of connector words (``index``: word -> its index).

    >>> pack(["the", "of"], {w: i for i, w in enumerate(ENGLISH)})
    156
    """
    return sum((index[w] + 1) << (BITS * k) for k, w in enumerate(words))
