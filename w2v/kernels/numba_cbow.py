"""CBOW with negative sampling or hierarchical softmax, compiled from ``numba_ops`` and
``numba_blocks``: the same walk as skip-gram (subsampling, dynamic windows, the negatives'
stream one window ahead), but each window is ONE prediction, from the hidden row

    h = α Σ_j v_{o_j},   α = 1/m (mean, word2vec.c and gensim's cbow_mean=1) or 1 (sum)

of the center c (eqs 70-73, 115). The window as one input row is the skip-gram block with
m = 1: scores, coefficients and -dJ/dh from one snapshot (``logistic_block``), then the target
rows (the center and K negatives, or the center's path in ``U_inner``) move by -lr dJ/du, then
each context *position* receives ``cbow_input_scale`` times -lr dJ/dh (``cbow_scatter``):
word2vec.c's rule by default, eq 120 (``Settings.cbow_rule``; "gradient" is eq 118).

``numpy_cbow`` is the same loop in numpy; the tests hold the two equal and it equal to a naive
loop. Unlike word2vec.c, a negative equal to the center is not skipped, a negative drawn twice
gets both terms from the same snapshot, and no HS node is skipped for a score beyond ±6.
"""

from __future__ import annotations

import numba
import numpy as np

from w2v.kernels import numba_blocks as blocks
from w2v.kernels import numba_ops as ops
from w2v.kernels.base import Settings, Tables, output_rows


def compile_ns(ops_digest: str):
    """The (cbow, ns) ``train_segment``, compiled for the digest of what it inlines (see
    ``numba_sg.compile_ns``)."""

    @numba.njit(nogil=True, fastmath=True, cache=True, error_model="numpy")
    def train_ns(W_in, W_out, ids, keep, noise, sig, window, negative, mean, true_gradient,
                 lr_start, lr_end, seed):
        """Train on ``ids`` (int32, -1 = sentence break); returns (loss sum, windows)."""
        ops_digest  # noqa: B018 (in the cache key, see compile_ns)
        state, neg_state, kept, m_kept = ops.start_segment(ids, keep, seed)

        contexts = np.empty(2 * window, dtype=np.int32)
        targets = np.empty(negative + 1, dtype=np.int32)  # the center, then the K negatives
        signs = blocks.ns_signs(negative)
        ahead = np.empty(negative, dtype=np.int32)
        ops.draw_ahead(noise, neg_state, ahead)
        hidden = np.empty((1, W_in.shape[1]), dtype=np.float32)  # h, the window's input row
        row0 = np.zeros(1, dtype=np.int32)
        coef = np.empty((1, negative + 1), dtype=np.float32)
        step = np.empty((1, W_in.shape[1]), dtype=np.float32)  # -dJ/dh
        loss = 0.0
        n_windows = 0
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
            alpha = np.float32(1.0) / np.float32(m) if mean else np.float32(1.0)
            blocks.cbow_hidden(W_in, contexts, m, alpha, hidden[0])
            loss = blocks.logistic_block(hidden, W_out, row0, 1, targets, signs, negative + 1,
                                         sig, coef, step, loss)
            blocks.block_update_outputs(hidden, W_out, row0, 1, targets, negative + 1, coef, lr)
            scale = lr * blocks.cbow_input_scale(m, mean, true_gradient)
            blocks.cbow_scatter(W_in, contexts, m, step[0], scale)
            n_windows += 1
        return loss, n_windows

    return train_ns


def compile_hs(ops_digest: str):
    """The (cbow, hs) ``train_segment``, compiled for the digest (see ``compile_ns``)."""

    @numba.njit(nogil=True, fastmath=True, cache=True, error_model="numpy")
    def train_hs(W_in, U_inner, ids, keep, points, codes, lengths, sig, window, mean,
                 true_gradient, lr_start, lr_end, seed):
        """``train_ns`` with h predicting the center's path in ``U_inner`` (eq 115)."""
        ops_digest  # noqa: B018 (in the cache key, see compile_ns)
        state, _, kept, m_kept = ops.start_segment(ids, keep, seed)  # train_ns's windows

        contexts = np.empty(2 * window, dtype=np.int32)
        targets = np.empty(points.shape[1], dtype=np.int32)
        signs = np.empty(points.shape[1], dtype=np.float32)
        hidden = np.empty((1, W_in.shape[1]), dtype=np.float32)
        row0 = np.zeros(1, dtype=np.int32)
        coef = np.empty((1, points.shape[1]), dtype=np.float32)
        step = np.empty((1, W_in.shape[1]), dtype=np.float32)
        loss = 0.0
        n_windows = 0
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
            alpha = np.float32(1.0) / np.float32(m) if mean else np.float32(1.0)
            blocks.cbow_hidden(W_in, contexts, m, alpha, hidden[0])
            loss = blocks.logistic_block(hidden, U_inner, row0, 1, targets, signs, n_t, sig,
                                         coef, step, loss)
            blocks.block_update_outputs(hidden, U_inner, row0, 1, targets, n_t, coef, lr)
            scale = lr * blocks.cbow_input_scale(m, mean, true_gradient)
            blocks.cbow_scatter(W_in, contexts, m, step[0], scale)
            n_windows += 1
        return loss, n_windows

    return train_hs


train_ns = compile_ns(ops.SOURCE_DIGEST)
train_hs = compile_hs(ops.SOURCE_DIGEST)


class _CBOW:
    """What both CBOW kernels keep from the tables and settings; see ``base.Kernel``."""

    nogil = True

    def __init__(self, tables: Tables, settings: Settings):
        self.keep, self.sig = tables.keep, tables.sigmoid
        self.window, self.negative = settings.window, settings.negative
        self.mean = bool(settings.cbow_mean)
        self.true_gradient = settings.cbow_rule == "gradient"


class CbowNS(_CBOW):
    """The compiled (cbow, ns) kernel. Releases the GIL (Hogwild threads)."""

    def __init__(self, tables: Tables, settings: Settings):
        super().__init__(tables, settings)
        self.noise = tables.noise
        self.output_rows = output_rows("ns", tables.vocab_size)

    def needs_compile(self) -> bool:
        return ops.needs_compile(train_ns)

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        return train_ns(W_in, W_out, ids, self.keep, self.noise, self.sig, self.window,
                        self.negative, self.mean, self.true_gradient, lr_start, lr_end, seed)


class CbowHS(_CBOW):
    """The compiled (cbow, hs) kernel; ``W_out`` is ``U_inner``. Releases the GIL."""

    def __init__(self, tables: Tables, settings: Settings):
        super().__init__(tables, settings)
        tree = tables.huffman
        self.points, self.codes, self.lengths = tree.points, tree.codes, tree.lengths
        self.output_rows = output_rows("hs", tables.vocab_size)

    def needs_compile(self) -> bool:
        return ops.needs_compile(train_hs)

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        return train_hs(W_in, W_out, ids, self.keep, self.points, self.codes, self.lengths,
                        self.sig, self.window, self.mean, self.true_gradient, lr_start, lr_end,
                        seed)
