"""Compiled tokenizer: valid UTF-8 bytes in, provisional word ids out, words counted as they go.

``scan`` does on bytes what ``str.split()`` of each ``\\n``-ended line, cut into chunks of
``max_words``, and numbering words in order of first sight, do on ``str``:

- whitespace is ``str.isspace()``: the ASCII bytes \\t \\n \\x0b \\x0c \\r \\x1c-\\x1f and space,
  and the UTF-8 of U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and
  U+3000 (``test_tokenize`` checks this against every code point); only ``\\n`` ends a line;
- -1 follows every non-empty chunk; a token of over ``max_chars`` code points is skipped;
- a word gets a provisional id when first seen (or seen again after pruning) and a count per
  occurrence, in the hash table that ``wordtable`` describes; on a hash match the bytes are
  compared too, so the mapping is exact.

``scan`` stops early, saying why, when an array is full or after a chunk that leaves more than
``prune_at`` words (word2vec.c's ReduceVocab moment); the caller grows, flushes or prunes and
calls again from the returned position, so where it stopped does not change the result.

All the front end's compiled code is in this file: numba's on-disk cache notices changes only
to the file of the function it compiled, not to those of the functions it inlined.
"""

from __future__ import annotations

from w2v import jit  # noqa: F401  (first: it chooses numba's cache folder)

# isort: split
import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

ENTRIES, NEXT_ID, ARENA_USED = range(3)
HASH, K0, K1, OFF, LEN, COUNT, ID = range(7)
ROW = 8  # int64 per entry row (one padding column)
_M1, _M2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
_FNV = np.uint64(1099511628211)
PAD = 16  # bytes readable past a block's end (``load8`` reads up to 15 past a token's start)


@intrinsic
def load8(typingctx, arr, idx):
    """The 8 bytes of a uint8 array from ``idx`` as a little-endian uint64 (one unaligned
    load; the array must have 8 bytes from ``idx``)."""
    def codegen(context, builder, sig, args):
        ary = context.make_array(sig.args[0])(context, builder, args[0])
        ptr = builder.gep(ary.data, [args[1]])
        return builder.load(builder.bitcast(ptr, ir.IntType(64).as_pointer()), align=1)
    return types.uint64(arr, idx), codegen


@intrinsic
def ctz(typingctx, x):
    """Trailing zero bits of a non-zero uint64."""
    def codegen(context, builder, sig, args):
        return builder.cttz(args[0], ir.Constant(ir.IntType(1), 0))
    return types.uint64(x), codegen


@numba.njit(cache=True, nogil=True, inline="always")
def _low_bytes(x, k):
    """The ``k`` (0..8) low bytes of ``x``, the others zeroed."""
    if k >= 8:
        return x
    return x & ((np.uint64(1) << np.uint64(8 * k)) - np.uint64(1))


@numba.njit(cache=True, nogil=True, inline="always")
def key(buf, start, end):
    """(hash, first 8 bytes, next 8 bytes) of ``buf[start:end]``, the bytes packed
    little-endian and zero-padded; bytes past the 16th are folded into the hash (FNV-1a).
    ``buf`` must have ``PAD`` readable bytes past ``start``."""
    length = end - start
    k0 = _low_bytes(load8(buf, start), length)
    k1 = _low_bytes(load8(buf, start + 8), length - 8) if length > 8 else np.uint64(0)
    h = (k0 * _M1) ^ (k1 * _M2) ^ np.uint64(end - start)
    for q in range(start + 16, end):
        h = (h ^ np.uint64(buf[q])) * _FNV
    h ^= h >> np.uint64(31)
    h *= _M2
    h ^= h >> np.uint64(29)
    return np.int64(h), np.int64(k0), np.int64(k1)


@numba.njit(cache=True, nogil=True)
def _probe_long(buf, start, end, h, k0, k1, slots, ent, arena):
    """The slot of the word ``buf[start:end]`` of over 16 bytes, or the empty slot that ends
    its probe: ``scan``'s probe, comparing the bytes past the 16th too."""
    mask = len(slots) - 1
    s = h & mask
    while True:
        e = slots[s]
        if e < 0:
            return s
        if (ent[e, HASH] == h) & (ent[e, K0] == k0) & (ent[e, K1] == k1) & (
                ent[e, LEN] == end - start):
            o = ent[e, OFF]
            q = 16
            while q < end - start and arena[o + q] == buf[start + q]:
                q += 1
            if q == end - start:
                return s
        s = (s + 1) & mask


@numba.njit(cache=True, nogil=True)
def _add(buf, start, end, h, k0, k1, s, meta, slots, ent, arena):
    """Add a word at the empty slot ``s``; returns its new provisional id."""
    e, o, length = meta[ENTRIES], meta[ARENA_USED], end - start
    for q in range(length):
        arena[o + q] = buf[start + q]
    slots[s] = e
    ent[e, HASH], ent[e, K0], ent[e, K1] = h, k0, k1
    ent[e, OFF], ent[e, LEN], ent[e, COUNT], ent[e, ID] = o, length, 1, meta[NEXT_ID]
    meta[ENTRIES], meta[NEXT_ID], meta[ARENA_USED] = e + 1, meta[NEXT_ID] + 1, o + length
    return ent[e, ID]


@numba.njit(cache=True, nogil=True, inline="always")
def has_room(meta, slots, ent, arena, length):
    """Whether one more word of ``length`` bytes fits without growing anything. (``&``, not
    ``and``: numba's short-circuit chain made this check cost as much as the lookup.)"""
    e = meta[ENTRIES]
    return (e < len(ent)) & (2 * (e + 1) <= len(slots)) & (meta[ARENA_USED] + length <= len(arena))


@numba.njit(cache=True, nogil=True)
def rehash(table):
    meta, slots, ent, _ = table
    slots[:] = -1
    mask = len(slots) - 1
    for e in range(meta[ENTRIES]):
        s = ent[e, HASH] & mask
        while slots[s] >= 0:
            s = (s + 1) & mask
        slots[s] = e


@numba.njit(cache=True, nogil=True)
def prune(table, floor):
    """Forget every word counted at most ``floor`` times (word2vec.c's ReduceVocab)."""
    meta, _, ent, arena = table
    kept = used = 0
    for e in range(meta[ENTRIES]):
        if ent[e, COUNT] <= floor:
            continue
        o, length = ent[e, OFF], ent[e, LEN]
        for q in range(length):  # forward: used <= o, so nothing unread is overwritten
            arena[used + q] = arena[o + q]
        ent[kept, :] = ent[e, :]
        ent[kept, OFF] = used
        kept += 1
        used += length
    meta[ENTRIES], meta[ARENA_USED] = kept, used
    rehash(table)


# The state vector ``st`` shared with the caller (int64): what survives between calls.
N_OUT, CHUNK, TOKENS, DROPPED, NEED, PRUNE_AT, MAX_WORDS, MAX_CHARS = range(8)
STATE_SIZE = 8
DONE, ROOM, PRUNE = 0, 1, 2  # why scan returned

SEPARATOR = -1
_ONES21, _HIGH = np.uint64(0x2121212121212121), np.uint64(0x8080808080808080)

# byte -> 0: inside a token, 1: ASCII whitespace, 2: newline, 3: may start a multi-byte space
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[[9, 11, 12, 13, 28, 29, 30, 31, 32]] = 1
_CLASS[10] = 2
_CLASS[[0xC2, 0xE1, 0xE2, 0xE3]] = 3
CLASS = _CLASS


@numba.njit(cache=True, nogil=True, inline="always")
def space_len(buf, i, n):
    """Bytes of the whitespace character at ``buf[i]``, or 0 if it starts no whitespace."""
    c = buf[i]
    k = CLASS[c]
    if k == 0:
        return 0
    if k < 3:
        return 1
    if c == 0xC2:
        return 2 if i + 1 < n and (buf[i + 1] == 0x85 or buf[i + 1] == 0xA0) else 0
    if i + 2 >= n:
        return 0
    b1, b2 = buf[i + 1], buf[i + 2]
    if c == 0xE1:
        return 3 if b1 == 0x9A and b2 == 0x80 else 0
    if c == 0xE3:
        return 3 if b1 == 0x80 and b2 == 0x80 else 0
    if b1 == 0x80 and (0x80 <= b2 <= 0x8A or b2 == 0xA8 or b2 == 0xA9 or b2 == 0xAF):
        return 3  # c == 0xE2: U+2000-U+200A, U+2028, U+2029, U+202F
    return 3 if b1 == 0x81 and b2 == 0x9F else 0


@numba.njit(cache=True, nogil=True)
def last_space_end(buf):
    """Where the last whitespace character of ``buf`` ends (0 if there is none): the text
    before it holds only whole tokens. Any byte pattern of a whitespace character is one, even
    after invalid bytes, since its first byte cannot continue an earlier sequence."""
    n = len(buf)
    for i in range(n - 1, -1, -1):
        w = space_len(buf, i, n)
        if w:
            return i + w
    return 0


@numba.njit(cache=True, nogil=True)
def first_space(buf):
    """Where the first whitespace character of ``buf`` starts, or -1."""
    n = len(buf)
    for i in range(n):
        if space_len(buf, i, n):
            return i
    return -1


@numba.njit(cache=True, nogil=True)
def n_chars(buf, start, end):
    """Code points in valid UTF-8: the bytes that do not continue a sequence."""
    k = 0
    for i in range(start, end):
        k += (buf[i] & 0xC0) != 0x80
    return k


@numba.njit(cache=True, nogil=True)
def scan(buf, n, pos, st, out, table):
    """Tokenize ``buf[pos:n]`` into ``out``, words into ``table``, the rest of the state in
    ``st``; returns (position reached, DONE | ROOM | PRUNE). ``buf`` has ``PAD`` bytes of
    spaces past ``n`` (so that 8 bytes can be read at a time). The loops are written out here,
    not in helpers: numba counts references to the arrays passed to an inlined helper that
    loops, per call, which cost more than the lookup itself."""
    meta, slots, ent, arena = table
    n_out, chunk = st[N_OUT], st[CHUNK]
    max_words, max_chars, prune_at = st[MAX_WORDS], st[MAX_CHARS], st[PRUNE_AT]
    i, status = pos, DONE
    while i < n:
        k = CLASS[buf[i]]
        if k != 0:
            w = 1 if k < 3 else space_len(buf, i, n)
            if w:
                i += w
                if k == 2 and chunk > 0:  # a line ends: close its last chunk
                    out[n_out] = SEPARATOR
                    n_out, chunk = n_out + 1, 0
                    if meta[ENTRIES] > prune_at:
                        status = PRUNE
                        break
                continue
        j = i + 1  # the token runs to the next whitespace, found 8 bytes at a time
        while True:
            x = load8(buf, j)
            odd = ((x - _ONES21) | x) & _HIGH  # the lowest flags the first byte < 0x21 or >= 0x80
            if odd == 0:
                j += 8
                continue
            j += np.int64(ctz(odd) >> np.uint64(3))
            k = CLASS[buf[j]]
            if j >= n or (k != 0 and (k < 3 or space_len(buf, j, n))):
                break
            j += 1
        if j - i > max_chars and n_chars(buf, i, j) > max_chars:
            st[DROPPED] += 1  # binary junk, not a word
            i = j
            continue
        if n_out + 2 > len(out) or not has_room(meta, slots, ent, arena, j - i):
            st[NEED] = j - i
            status = ROOM
            break
        h, k0, k1 = key(buf, i, j)  # the word's slot: a known word, or the empty slot
        if j - i <= 16:  # key and length are the whole word
            s = h & (len(slots) - 1)
            e = slots[s]
            while e >= 0 and not ((ent[e, HASH] == h) & (ent[e, K0] == k0) & (ent[e, K1] == k1)
                                  & (ent[e, LEN] == j - i)):
                s = (s + 1) & (len(slots) - 1)
                e = slots[s]
        else:
            s = _probe_long(buf, i, j, h, k0, k1, slots, ent, arena)
            e = slots[s]
        if e >= 0:
            ent[e, COUNT] += 1
            out[n_out] = ent[e, ID]
        else:
            out[n_out] = _add(buf, i, j, h, k0, k1, s, meta, slots, ent, arena)
        n_out, chunk = n_out + 1, chunk + 1
        st[TOKENS] += 1
        i = j
        if chunk == max_words:
            out[n_out] = SEPARATOR
            n_out, chunk = n_out + 1, 0
            if meta[ENTRIES] > prune_at:
                status = PRUNE
                break
    st[N_OUT], st[CHUNK] = n_out, chunk
    return i, status
