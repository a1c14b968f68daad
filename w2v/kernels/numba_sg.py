"""Skip-gram with negative sampling or hierarchical softmax, compiled: subsampling, dynamic
windows, the targets and SGD in one numba loop composed from ``numba_ops`` and ``numba_blocks``.

Semantics (``numpy_ref.SkipGramNS`` and ``SkipGramHS`` are the same loops in numpy, and the
tests hold the two equal): for center c with radius b uniform in [1, window] and contexts
o_1..o_m (the kept words within b positions in the same sentence), each context's input row
predicts the center (``w2v.objectives.windows``; word2vec.c's direction), and the step is -lr
times the true gradient of the window's loss, every term computed before any row changes:

- NS: K negatives are drawn once and shared by the m contexts (HogBatch, Ji et al. 2016); the
  (m x (K + 1)) block's output rows stay in cache for all m inputs: that reuse, not fewer
  flops, is what makes it fast. Rows that occur twice (a repeated negative, a negative equal
  to the center, a word twice in the window) receive each of their terms; word2vec.c instead
  skips a negative equal to the center.
- HS: every pair walks the center's path (eqs 111-113), so the block is (m x L_c) over the
  path's inner-node rows, shared by the window's m pairs the same way. word2vec.c also skips a
  node whose score is beyond ±6; here every node gets its true gradient.

σ and log σ come from an interpolated table (within 3e-6 of exact) instead of an ``exp`` per
score, and negatives from a Walker alias table (one memory access per draw) instead of a binary
search: together 1.3-1.6x the words/s of ``exp`` and the binary search on wiki-17m; prefetching
the next window's rows adds 5-15%.

Randomness: splitmix64 seeded with the segment's seed. Subsampling and window radii use one
stream, negatives a second one seeded by the first stream's first draw (drawn by HS too, which
uses no negatives, so that every variant walks the same windows), so each window's negatives
are drawn one window ahead and their rows prefetched while the current window trains.
"""

from __future__ import annotations

import numba
import numpy as np

from w2v.kernels import numba_blocks as blocks
from w2v.kernels import numba_ops as ops
from w2v.kernels.base import Settings, Tables, output_rows


def compile_ns(ops_digest: str):
    """The (sg, ns) ``train_segment``, compiled (or loaded from numba's cache) for the given
    digest of what it inlines (``numba_ops.SOURCE_DIGEST``): numba keys a cached function on its
    own file and on the values it closes over, so an edit to the inlined pieces recompiles it
    instead of loading a stale copy (which would silently run the old code)."""

    @numba.njit(nogil=True, fastmath=True, cache=True, error_model="numpy")
    def train_ns(W_in, W_out, ids, keep, noise, sig, window, negative, lr_start, lr_end, seed):
        """Train on ``ids`` (int32, -1 = sentence break); returns (loss sum, number of pairs).

        ``keep``, ``noise`` and ``sig`` are ``Tables.keep``, ``.noise`` and ``.sigmoid``."""
        ops_digest  # noqa: B018 (in the cache key, see compile_ns)
        d = W_in.shape[1]
        state, neg_state, kept, m_kept = ops.start_segment(ids, keep, seed)

        contexts = np.empty(2 * window, dtype=np.int32)
        targets = np.empty(negative + 1, dtype=np.int32)  # the center, then the K negatives
        signs = blocks.ns_signs(negative)
        ahead = np.empty(negative, dtype=np.int32)  # the next window's negatives
        ops.draw_ahead(noise, neg_state, ahead)
        coef = np.empty((2 * window, negative + 1), dtype=np.float32)
        grad_in = np.empty((2 * window, d), dtype=np.float32)
        loss = 0.0
        pairs = 0
        for t in range(m_kept):
            c = kept[t]
            if c < 0:
                continue
            b = 1 + int(ops.splitmix64(state) % np.uint64(window))
            m = ops.gather_window(kept, m_kept, t, b, contexts)
            if m == 0:
                continue
            ops.next_targets(c, targets, ahead, noise, neg_state, W_out)
            ops.prefetch_next_window(W_in, W_out, kept, m_kept, t, window)
            lr = np.float32(ops.lr_at(lr_start, lr_end, t, m_kept))
            loss = blocks.logistic_block(W_in, W_out, contexts, m, targets, signs, negative + 1,
                                         sig, coef, grad_in, loss)
            blocks.block_update_outputs(W_in, W_out, contexts, m, targets, negative + 1, coef, lr)
            blocks.block_update_inputs(W_in, contexts, m, grad_in, lr)
            pairs += m
        return loss, pairs

    return train_ns


def compile_hs(ops_digest: str):
    """The (sg, hs) ``train_segment``, compiled for the digest (see ``compile_ns``)."""

    @numba.njit(nogil=True, fastmath=True, cache=True, error_model="numpy")
    def train_hs(W_in, U_inner, ids, keep, points, codes, lengths, sig, window, lr_start, lr_end,
                 seed):
        """``train_ns`` with each pair walking the center's path in ``U_inner`` (the points,
        codes and lengths of ``Tables.huffman``) instead of the center and K negatives."""
        ops_digest  # noqa: B018 (in the cache key, see compile_ns)
        d = W_in.shape[1]
        state, _, kept, m_kept = ops.start_segment(ids, keep, seed)  # train_ns's windows

        contexts = np.empty(2 * window, dtype=np.int32)
        targets = np.empty(points.shape[1], dtype=np.int32)  # the center's path
        signs = np.empty(points.shape[1], dtype=np.float32)
        coef = np.empty((2 * window, points.shape[1]), dtype=np.float32)
        grad_in = np.empty((2 * window, d), dtype=np.float32)
        loss = 0.0
        pairs = 0
        for t in range(m_kept):
            c = kept[t]
            if c < 0:
                continue
            b = 1 + int(ops.splitmix64(state) % np.uint64(window))
            m = ops.gather_window(kept, m_kept, t, b, contexts)
            if m == 0:
                continue
            n_t = blocks.path_targets(c, points, codes, lengths, targets, signs)
            blocks.prefetch_next_path(W_in, U_inner, points, lengths, kept, m_kept, t, window)
            lr = np.float32(ops.lr_at(lr_start, lr_end, t, m_kept))
            loss = blocks.logistic_block(W_in, U_inner, contexts, m, targets, signs, n_t, sig,
                                         coef, grad_in, loss)
            blocks.block_update_outputs(W_in, U_inner, contexts, m, targets, n_t, coef, lr)
            blocks.block_update_inputs(W_in, contexts, m, grad_in, lr)
            pairs += m
        return loss, pairs

    return train_hs


train_ns = compile_ns(ops.SOURCE_DIGEST)
train_hs = compile_hs(ops.SOURCE_DIGEST)
train_segment = train_ns  # the (sg, ns) kernel under its former name


class SkipGramNS:
    """The compiled (sg, ns) kernel; see ``base.Kernel``. Releases the GIL (Hogwild threads)."""

    nogil = True

    def __init__(self, tables: Tables, settings: Settings):
        self.keep, self.noise, self.sig = tables.keep, tables.noise, tables.sigmoid
        self.window, self.negative = settings.window, settings.negative
        self.output_rows = tables.vocab_size

    def needs_compile(self) -> bool:
        return ops.needs_compile(train_ns)

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        return train_ns(W_in, W_out, ids, self.keep, self.noise, self.sig, self.window,
                        self.negative, lr_start, lr_end, seed)


class SkipGramHS:
    """The compiled (sg, hs) kernel; ``W_out`` is ``U_inner``, V - 1 rows. Releases the GIL."""

    nogil = True

    def __init__(self, tables: Tables, settings: Settings):
        tree = tables.huffman
        self.keep, self.sig = tables.keep, tables.sigmoid
        self.points, self.codes, self.lengths = tree.points, tree.codes, tree.lengths
        self.window = settings.window
        self.output_rows = output_rows("hs", tables.vocab_size)

    def needs_compile(self) -> bool:
        return ops.needs_compile(train_hs)

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        return train_hs(W_in, W_out, ids, self.keep, self.points, self.codes, self.lengths,
                        self.sig, self.window, lr_start, lr_end, seed)
