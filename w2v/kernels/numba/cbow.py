"""Input side: CBOW's hidden row. The window is ONE prediction, from

    h = α Σ_j v_{o_j},   α = 1/m (mean, word2vec.c and gensim's cbow_mean=1) or 1 (sum)

(eqs 70-73, 115): the logistic block with one input row, then each context *position* receives
``input_scale`` times -lr dJ/dh: word2vec.c's rule by default, eq 120 (``Settings.cbow_rule``;
"gradient" is eq 118). The same functions as ``rows`` (see there).
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import Settings, Tables
from w2v.kernels.numba import block
from w2v.kernels.numba.ops import inline
from w2v.kernels.numba.rows import prefetch  # noqa: F401  (the inputs are the context rows)

NAME = "Cbow"


def params(tables: Tables, settings: Settings) -> tuple:
    """(mean, true gradient, lock): h is the mean (else the sum); eq 118's step (else eq
    120's); each row's factor on its step (``Tables.lock``)."""
    return bool(settings.cbow_mean), settings.cbow_rule == "gradient", tables.lock


@inline
def buffers(W_in, window, n_targets, params):
    """(h, the row index 0 of h, coef, -dJ/dh)."""
    d = W_in.shape[1]
    return (np.empty((1, d), dtype=np.float32), np.zeros(1, dtype=np.int32),
            np.empty((1, n_targets), dtype=np.float32), np.empty((1, d), dtype=np.float32))


@inline
def hidden(W_in, contexts, m, alpha, h):
    """h = α Σ_j v_{o_j} (eq 72)."""
    h[:] = 0.0
    for j in range(m):
        v = W_in[contexts[j]]
        for i in range(h.shape[0]):
            h[i] += v[i]
    for i in range(h.shape[0]):
        h[i] *= alpha


@inline
def input_scale(m, mean, true_gradient):
    """The factor on -dJ/dh that each context *position* receives. word2vec.c's rule (eq 120):
    1 with the mean, 1/m with the sum (gensim's cbow_mean=0). The true gradient (eq 118): 1/m
    with the mean, 1 with the sum. A word at m_w positions receives it m_w times (eq 85)."""
    if mean == true_gradient:
        return np.float32(1.0) / np.float32(m)
    return np.float32(1.0)


@inline
def scatter(W_in, contexts, m, step, scale, lock):
    """v_{o_j} += scale · lock[o_j] · step for every context position j (repeats get each of
    theirs)."""
    for j in range(m):
        v = W_in[contexts[j]]
        factor = scale * lock[contexts[j]]
        for i in range(step.shape[0]):
            v[i] += factor * step[i]


@inline
def step(W_in, W_out, contexts, m, targets, signs, n_t, sig, lr, h, row0, coef, grad_h, params,
         loss):
    """Train the window; returns (loss plus the window's, 1 window)."""
    mean, true_gradient, lock = params
    alpha = np.float32(1.0) / np.float32(m) if mean else np.float32(1.0)
    hidden(W_in, contexts, m, alpha, h[0])
    loss = block.logistic_block(h, W_out, row0, 1, targets, signs, n_t, sig, coef, grad_h, loss)
    block.block_update_outputs(h, W_out, row0, 1, targets, n_t, coef, lr)
    scatter(W_in, contexts, m, grad_h[0], lr * input_scale(m, mean, true_gradient), lock)
    return loss, 1
