"""Writing the text with its phrases joined (``new york`` -> ``new_york``), in compiled code.

``join`` walks clean bytes token by token with the tokenizer's own whitespace rule and looks
each token up, without adding it, in a table of the words that some phrase contains (a
``WordTable`` filled by ``scan``); a pair of such words is joined if ``pairtable`` holds it.
Greedy, left to right, as word2phrase.c: a token joined to the one before it starts no pair of
its own, so one pass makes phrases of two tokens (more passes, longer phrases). No pair spans a
line break or the end of an input.

The output is the tokens, one space between them (``_`` inside a phrase), each line ended by
``\\n`` (the last one too), blank lines kept: every token of the input, in order.

``join`` and ``find_word`` inline ``tokenize``'s key, probe and whitespace rule, and numba's
on-disk cache notices changes only to this file: after changing those in ``tokenize.py``,
touch this file too, or its cached code keeps the old ones.
"""

from __future__ import annotations

from w2v import jit  # noqa: F401  (first: it chooses numba's cache folder)

# isort: split
import numba
import numpy as np

from w2v.text import tokenize as tk
from w2v.text.pairtable import find_pair, pair_key, table_of
from w2v.text.phrase_count import add_words
from w2v.text.tokenize import CLASS, HASH, ID, K0, K1, LEN, load8, space_len
from w2v.text.wordtable import WordTable

PREV, FRESH, JOINED = range(3)  # the state kept between blocks: st[PREV] = -1, st[FRESH] = 1
_ONES21, _HIGH = tk._ONES21, tk._HIGH


@numba.njit(cache=True, nogil=True)
def find_word(buf, i, j, table):
    """The id of ``buf[i:j]`` in ``table``, or -1 (the word is not added)."""
    _, slots, ent, arena = table
    h, k0, k1 = tk.key(buf, i, j)
    mask = len(slots) - 1
    if j - i <= 16:
        s = h & mask
        e = slots[s]
        while e >= 0 and not ((ent[e, HASH] == h) & (ent[e, K0] == k0) & (ent[e, K1] == k1)
                              & (ent[e, LEN] == j - i)):
            s = (s + 1) & mask
            e = slots[s]
    else:
        e = slots[tk._probe_long(buf, i, j, h, k0, k1, slots, ent, arena)]
    return ent[e, ID] if e >= 0 else -1


@numba.njit(cache=True, nogil=True)
def join(buf, n, st, table, pairs, out):
    """Write ``buf[:n]`` (clean text ending at whitespace, ``PAD`` spaces after it) to ``out``
    with the pairs of ``pairs`` joined; returns the bytes written (at most ``n + 1``)."""
    prev, fresh, joined = st[PREV], st[FRESH], st[JOINED]
    i = o = 0
    while i < n:
        k = CLASS[buf[i]]
        if k != 0:
            w = 1 if k < 3 else space_len(buf, i, n)
            if w:
                if k == 2:  # a line ends
                    out[o] = 10
                    o, prev, fresh = o + 1, -1, 1
                i += w
                continue
        j = i + 1  # the token runs to the next whitespace, found 8 bytes at a time (as scan)
        while True:
            x = load8(buf, j)
            odd = ((x - _ONES21) | x) & _HIGH
            if odd == 0:
                j += 8
                continue
            j += np.int64(tk.ctz(odd) >> np.uint64(3))
            k = CLASS[buf[j]]
            if j >= n or (k != 0 and (k < 3 or space_len(buf, j, n))):
                break
            j += 1
        wid = find_word(buf, i, j, table)
        if fresh:
            fresh, prev = 0, wid
        elif prev >= 0 and wid >= 0 and find_pair(pairs, pair_key(prev, wid)) >= 0:
            out[o] = 95  # "_"
            o, prev, joined = o + 1, -1, joined + 1  # a joined token starts no pair
        else:
            out[o] = 32
            o, prev = o + 1, wid
        out[o : o + j - i] = buf[i:j]
        o += j - i
        i = j
    st[PREV], st[FRESH], st[JOINED] = prev, fresh, joined
    return o


def tables(left: list[str], right: list[str]):
    """(word table, pair table) for ``join``: the words of the phrases, and their pairs."""
    distinct = sorted(set(left) | set(right))
    words = WordTable(1 << max(4, len(distinct).bit_length()))  # a power of two
    index = add_words(words, distinct)
    keys = np.array([(index[a] << 32) | index[b] for a, b in zip(left, right)], np.int64)
    return words, table_of(keys, np.arange(len(keys)))


class Joiner:
    """Joins one pass's phrases in clean blocks, keeping the state between blocks."""

    def __init__(self, left: list[str], right: list[str]):
        self.words, self.pairs = tables(left, right)
        self.st = np.array([-1, 1, 0], np.int64)
        self.buf = self.out = np.empty(0, np.uint8)

    @property
    def joined(self) -> int:
        return int(self.st[JOINED])

    def __call__(self, block: bytes, ends_input: bool) -> memoryview:
        n = len(block)
        if len(self.buf) < n + tk.PAD:
            self.buf = np.empty(max(n + tk.PAD, 2 * len(self.buf)), np.uint8)
            self.out = np.empty(len(self.buf) + 2, np.uint8)
        self.buf[:n] = np.frombuffer(block, np.uint8)
        self.buf[n : n + tk.PAD] = ord(" ")
        o = join(self.buf, n, self.st, self.words.table, self.pairs, self.out)
        if ends_input and not self.st[FRESH]:  # an input's end ends its last line
            self.out[o] = 10
            o += 1
            self.st[PREV], self.st[FRESH] = -1, 1
        return memoryview(self.out[:o])
