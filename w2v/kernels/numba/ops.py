"""Compiled pieces every composed kernel uses, each ``@njit(inline="always")`` so that a
composed kernel compiles to one loop, as if written by hand (``scripts/kernel_bench.py``
compares it with an older checkout's kernel; docs/benchmarks.md has the figures).

- random streams: ``splitmix64`` (Steele, Lea & Flood 2014) on a 1-element uint64 state,
  ``uniform`` doubles from its top 53 bits;
- ``prefetch_row``: ask the CPU for a row a window before it is used (no effect on results);
- table lookups: ``log_sigmoid`` (interpolated, ``base.sigmoid_table``) and ``alias_draw``
  (``base.alias_table``), ``lr_at`` (``base.lr_at`` compiled);
- the walk's pieces: ``start_segment`` (the two streams, ``subsample``), ``gather_window``.

The logistic block is in ``block``; the input and target sides in their own modules.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

from w2v.kernels import base

inline = numba.njit(inline="always")

lr_at = inline(base.lr_at)


@inline
def splitmix64(state):
    """One step of splitmix64 on a 1-element uint64 array; returns a 64-bit draw."""
    state[0] += np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@inline
def uniform(state):
    """A double in [0, 1) from the top 53 bits of one draw."""
    return float(splitmix64(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@intrinsic
def _prefetch(typingctx, matrix, row, col):
    """Ask the CPU to start loading ``matrix[row, col]`` into cache (LLVM's prefetch: read,
    high locality); no effect on results. Rows drawn at random miss the cache, and a window's
    rows are known one window before they are used."""

    def codegen(context, builder, signature, args):
        mty, rty, cty = signature.args
        arr = context.make_array(mty)(context, builder, args[0])
        idx = [context.cast(builder, v, t, types.intp) for v, t in zip(args[1:], (rty, cty))]
        ptr = cgutils.get_item_pointer(context, builder, mty, arr, idx, wraparound=False)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), "llvm.prefetch.p0"
        )
        flags = [ir.Constant(i32, f) for f in (0, 3, 1)]  # read, keep in all levels, data
        builder.call(fn, [builder.bitcast(ptr, i8p), *flags])
        return context.get_dummy_value()

    return types.void(matrix, row, col), codegen


@inline
def prefetch_row(matrix, row):
    for col in range(0, matrix.shape[1], 16):  # one 64-byte cache line of float32 at a time
        _prefetch(matrix, row, col)


@inline
def log_sigmoid(table, x):
    """(σ(x), log σ(x)) interpolated from ``base.sigmoid_table``; saturated to (1, 0) above 8
    and to (0, x) below -8, where the true values differ by less than σ(-8) = 3.4e-4. A NaN
    score gives a NaN log σ, so a diverging run shows in the loss (and never indexes the table)."""
    if x >= base.SIGMOID_RANGE:
        return np.float32(1.0), np.float32(0.0)
    if not x > -base.SIGMOID_RANGE:
        return np.float32(0.0), x
    z = (x + np.float32(base.SIGMOID_RANGE)) * np.float32(
        base.SIGMOID_STEPS / (2 * base.SIGMOID_RANGE)
    )
    i = int(z)
    f = z - np.float32(i)
    s0, l0 = table[i, 0], table[i, 1]
    return s0 + f * (table[i + 1, 0] - s0), l0 + f * (table[i + 1, 1] - l0)


@inline
def alias_draw(table, r):
    """Column from the high 32 bits of r (multiply-shift), accepted if the low 32 bits are below
    its threshold, else its alias."""
    i = ((r >> np.uint64(32)) * np.uint64(len(table))) >> np.uint64(32)
    entry = table[i]
    if (r & np.uint64(0xFFFFFFFF)) < (entry >> np.uint64(32)):
        return np.int32(i)
    return np.int32(entry & np.uint64(0xFFFFFFFF))


@inline
def subsample(ids, keep, state, kept):
    """Copy into ``kept`` the ids that survive subsampling (breaks always do); returns how many.
    One uniform per word whose keep probability is below 1, in order (word2vec.c's rule)."""
    m_kept = 0
    for t in range(len(ids)):
        w = ids[t]
        if w < 0 or keep[w] >= 1.0 or uniform(state) < keep[w]:
            kept[m_kept] = w
            m_kept += 1
    return m_kept


@inline
def gather_window(kept, m_kept, t, b, contexts):
    """The contexts of center ``kept[t]`` with radius b into ``contexts``, nearest left first,
    then left to right; never across a break or the segment's ends. Returns how many."""
    m = 0
    for s in range(t - 1, max(-1, t - b - 1), -1):
        if kept[s] < 0:
            break
        contexts[m] = kept[s]
        m += 1
    for s in range(t + 1, min(m_kept, t + b + 1)):
        if kept[s] < 0:
            break
        contexts[m] = kept[s]
        m += 1
    return m


@inline
def start_segment(ids, keep, seed):
    """A segment's two random streams and its subsampled ids: (state, neg_state, kept, m_kept).
    ``neg_state`` (the negatives' stream) is seeded by the first draw of ``state``, which every
    variant makes, so that all of them walk the same windows; HS kernels ignore it."""
    state = np.empty(1, dtype=np.uint64)
    state[0] = np.uint64(seed)
    neg_state = np.empty(1, dtype=np.uint64)
    neg_state[0] = splitmix64(state)
    kept = np.empty(len(ids), dtype=np.int32)  # subsample first: windows span what remains
    m_kept = subsample(ids, keep, state, kept)
    return state, neg_state, kept, m_kept
