"""Input side: each context's bag of rows, fastText's skip-gram input. Token o's input is the mean
of its rows ``rows[offsets[o]:offsets[o + 1]]`` of ``W_in`` (``Tables.bags``: a word's own row,
and its subwords' rows once subwords fill the table), and every row of the bag receives the
whole step -lr dJ/dh_o, as fastText's ``Model::update`` adds its gradient to each input row.
With one row per token (the plain table) this is ``rows`` exactly. The same functions as
``rows`` (see there).
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import Settings, Tables
from w2v.kernels.numba import block
from w2v.kernels.numba.ops import inline, prefetch_row

NAME = "Bag"


def params(tables: Tables, settings: Settings) -> tuple:
    """(offsets, rows, lock): the CSR table of each token's input rows, and each row's factor
    on its step (``Tables.lock``)."""
    return (*tables.bags, tables.lock)


@inline
def buffers(W_in, window, n_targets, params):
    """(h, the slots 0..2 window - 1 of h, coef, -dJ/dh): one input row per context."""
    d = W_in.shape[1]
    return (np.empty((2 * window, d), dtype=np.float32), np.arange(2 * window).astype(np.int32),
            np.empty((2 * window, n_targets), dtype=np.float32),
            np.empty((2 * window, d), dtype=np.float32))


@inline
def prefetch(W_in, kept, m_kept, t, window, params):
    """The bag rows of the next center's newest context."""
    offsets, rows, _ = params
    if t + window + 1 < m_kept and kept[t + window + 1] >= 0:
        o = kept[t + window + 1]
        for r in range(offsets[o], offsets[o + 1]):
            prefetch_row(W_in, rows[r])


@inline
def add_bag(W_in, offsets, rows, o, h):
    """h += the sum of token o's bag rows; returns the bag's size."""
    for r in range(offsets[o], offsets[o + 1]):
        v = W_in[rows[r]]
        for i in range(h.shape[0]):
            h[i] += v[i]
    return offsets[o + 1] - offsets[o]


@inline
def step_bag(W_in, offsets, rows, lock, o, g, lr):
    """Every row of token o's bag += lr lock[row] g: each gets the whole step (fastText's rule),
    times its lock factor (``Tables.lock``)."""
    for r in range(offsets[o], offsets[o + 1]):
        v = W_in[rows[r]]
        step = lr * lock[rows[r]]
        for i in range(g.shape[0]):
            v[i] += step * g[i]


@inline
def step(W_in, W_out, contexts, m, targets, signs, n_t, sig, lr, h, slots, coef, grad_h, params,
         loss):
    """Train the window; returns (loss plus the window's, its m (context, center) pairs)."""
    offsets, rows, lock = params
    for j in range(m):
        o = contexts[j]
        hj = h[j]
        hj[:] = 0.0
        alpha = np.float32(1.0) / np.float32(add_bag(W_in, offsets, rows, o, hj))
        for i in range(hj.shape[0]):
            hj[i] *= alpha
    loss = block.logistic_block(h, W_out, slots, m, targets, signs, n_t, sig, coef, grad_h, loss)
    block.block_update_outputs(h, W_out, slots, m, targets, n_t, coef, lr)
    for j in range(m):  # every row of the bag, once per position of the token
        step_bag(W_in, offsets, rows, lock, contexts[j], grad_h[j], lr)
    return loss, m
