"""Input side: each context's own row of ``W_in`` (skip-gram, word2vec.c's direction). The window
is the (m x T) block of its m context rows against the target rows, and each context row moves
by -lr times its gradient (eqs 62, 111); a word twice in the window gets both its terms.

An input side is a module of ``@inline`` functions the walk (``compose``) calls: ``params``
(plain Python: what it reads from the tables and settings), ``buffers`` (always four arrays,
unpacked once by the walk: a tuple unpacked per window costs numba reference counts in the
loop), ``prefetch`` and ``step``; ``cbow`` and ``bag`` are the others.
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import Settings, Tables
from w2v.kernels.numba import block
from w2v.kernels.numba.ops import inline, prefetch_row

NAME = "SkipGram"


def params(tables: Tables, settings: Settings) -> tuple:
    """(lock,): each row's factor on its step (``Tables.lock``)."""
    return (tables.lock,)


@inline
def buffers(W_in, window, n_targets, params):
    """(hidden, slots, coef, grad), the buffers every input side has: no hidden rows (the
    inputs are rows of W_in), the block's coefficients and the context rows' gradients."""
    return (np.empty((0, W_in.shape[1]), dtype=np.float32), np.empty(0, dtype=np.int32),
            np.empty((2 * window, n_targets), dtype=np.float32),
            np.empty((2 * window, W_in.shape[1]), dtype=np.float32))


@inline
def prefetch(W_in, kept, m_kept, t, window, params):
    """The input row of the next center's newest context."""
    if t + window + 1 < m_kept and kept[t + window + 1] >= 0:
        prefetch_row(W_in, kept[t + window + 1])


@inline
def step(W_in, W_out, contexts, m, targets, signs, n_t, sig, lr, hidden, slots, coef, grad_in,
         params, loss):
    """Train the window; returns (loss plus the window's, its m (context, center) pairs)."""
    loss = block.logistic_block(W_in, W_out, contexts, m, targets, signs, n_t, sig, coef,
                                grad_in, loss)
    block.block_update_outputs(W_in, W_out, contexts, m, targets, n_t, coef, lr)
    block.block_update_inputs(W_in, contexts, m, grad_in, lr, params[0])
    return loss, m
