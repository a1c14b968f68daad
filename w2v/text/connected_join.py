"""Writing the text with phrases that span connector words joined (``bank_of_america``), as
gensim's ``analyze_sentence`` does; ``phrase_join`` without connectors.

A candidate starts at a word that begins some phrase, gathers the connectors after it, and ends
at the next other word: if (start, connectors, end) is a phrase, the spaces between them all
become ``_``, and the end starts no candidate; otherwise the end starts the next. The spaces are
written as the tokens come and turned into ``_`` when the end decides, so a candidate still open
at the end of a block is held back (a word and at most ``MAX_RUN`` connectors) and written with
the next block.
"""

from __future__ import annotations

from w2v import jit  # noqa: F401  (first: it chooses numba's cache folder)

# isort: split
import numba
import numpy as np

from w2v.text import connected as cn
from w2v.text import tokenize as tk
from w2v.text.phrase_count import add_words
from w2v.text.phrase_join import find_word
from w2v.text.tokenize import CLASS, space_len
from w2v.text.wordtable import WordTable

START, FRESH, JOINED, RUN, LENGTH, START_POS, NSEP = range(7)


@numba.njit(cache=True, nogil=True, inline="always")
def _token_end(buf, i, n):
    j = i + 1
    while j < n:
        k = CLASS[buf[j]]
        if k != 0 and (k < 3 or space_len(buf, j, n)):
            break
        j += 1
    return j


@numba.njit(cache=True, nogil=True)
def join_connected(buf, n, st, seps, table, rows, c, out, o):
    """Write ``buf[:n]`` after the ``o`` bytes held in ``out``; returns the bytes written."""
    start, fresh, joined, run = st[START], st[FRESH], st[JOINED], st[RUN]
    length, start_pos, nsep = st[LENGTH], st[START_POS], st[NSEP]
    i = 0
    while i < n:
        k = CLASS[buf[i]]
        if k != 0:
            w = 1 if k < 3 else space_len(buf, i, n)
            if w:
                if k == 2:  # a line ends, and any candidate with it
                    out[o] = 10
                    o, fresh, start, run, length, nsep = o + 1, 1, -1, 0, 0, 0
                i += w
                continue
        j = _token_end(buf, i, n)
        wid = find_word(buf, i, j, table)
        sep = o
        if fresh:
            fresh = 0
        else:
            out[o] = 32
            o += 1
        if 0 <= wid < c:  # a connector
            if start >= 0 and length == cn.MAX_RUN:
                start, run, length, nsep = -1, 0, 0, 0
            elif start >= 0:
                run |= np.int64(wid + 1) << np.int64(cn.BITS * length)
                seps[nsep] = sep
                length, nsep = length + 1, nsep + 1
        else:
            if start >= 0 and wid >= 0 and cn.find(rows, cn.pair_key(start, wid), run) >= 0:
                for q in range(nsep):
                    out[seps[q]] = 95
                out[sep] = 95
                start, joined = -1, joined + 1
            else:
                start, start_pos = wid, o
            run, length, nsep = 0, 0, 0
        out[o : o + j - i] = buf[i:j]
        o += j - i
        i = j
    st[START], st[FRESH], st[JOINED], st[RUN] = start, fresh, joined, run
    st[LENGTH], st[START_POS], st[NSEP] = length, start_pos, nsep
    return o


class ConnectedJoiner:
    """``phrase_join.Joiner`` for phrases with connectors: the same call, same output rules."""

    def __init__(self, left: list[str], right: list[str], between: list[str],
                 connectors: tuple[str, ...]):
        distinct = sorted(set(left) | set(right))
        self.words = WordTable(1 << max(4, (len(distinct) + len(connectors)).bit_length()))
        index = add_words(self.words, list(connectors) + distinct)  # connectors: ids < C
        self.c = len(connectors)
        runs = [cn.pack(m.split("_") if m else [], index) for m in between]
        self.rows = cn.new_rows(len(left))
        kept = np.array([[(index[a] << 32) | index[b], r, 1] for a, b, r in
                         zip(left, right, runs)], np.int64).reshape(-1, 3)
        cn.reinsert(kept, self.rows)
        self.st = np.array([-1, 1, 0, 0, 0, 0, 0], np.int64)
        self.seps = np.zeros(cn.MAX_RUN + 1, np.int64)
        self.carry = b""
        self.buf = self.out = np.empty(0, np.uint8)

    @property
    def joined(self) -> int:
        return int(self.st[JOINED])

    def __call__(self, block: bytes, ends_input: bool) -> bytes:
        n, held = len(block), len(self.carry)
        if len(self.buf) < n + tk.PAD or len(self.out) < n + held + 2:
            self.buf = np.empty(max(n + tk.PAD, 2 * len(self.buf)), np.uint8)
            self.out = np.empty(len(self.buf) + held + 2, np.uint8)
        self.buf[:n] = np.frombuffer(block, np.uint8)
        self.buf[n : n + tk.PAD] = ord(" ")
        self.out[:held] = np.frombuffer(self.carry, np.uint8)
        o = join_connected(self.buf, n, self.st, self.seps, self.words.table, self.rows,
                           self.c, self.out, held)
        st = self.st
        if ends_input and not st[FRESH]:  # an input's end ends its last line
            self.out[o] = 10
            o += 1
            st[START], st[FRESH], st[RUN], st[LENGTH], st[NSEP] = -1, 1, 0, 0, 0
        hold = int(st[START_POS]) if st[START] >= 0 else o
        self.carry = self.out[hold:o].tobytes()
        st[START_POS] -= hold
        self.seps[: st[NSEP]] -= hold
        return self.out[:hold].tobytes()
