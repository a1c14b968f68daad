"""The logistic block: every composed kernel's window update, ``@njit(inline="always")``.

Every variant's window is one *logistic block*: input rows v_1..v_m against target rows
t_1..t_T of ``W_out`` (the output rows), each score x = v_jᵀu_{t_k} a term -log σ(s_k x) of the
window's loss with a sign s_k. The target side chooses the targets and signs (negative
sampling: the center and K negatives, s = [+1, -1, ..., -1], eq 45; hierarchical softmax: the
center's path, s_l = 1 - 2 d_l, eq 95); the input side chooses the input rows (a context's row,
eqs 62 and 111; CBOW's hidden row h, eqs 70-72; the mean of a token's bag of rows) and spreads
their step back onto ``W_in``.

``logistic_block`` computes every score, coefficient and input gradient from the rows as they
are (one snapshot), then ``block_update_outputs`` moves the target rows and
``block_update_inputs`` the input rows: -lr times the true gradient of the block's loss, a row
that occurs twice receiving each of its terms. A target row stays in cache for all m inputs.

The target side's ``signs`` holds one more entry after its targets' signs: the *skip bound*.
A term whose score x has |x| >= bound gets coefficient 0 (its loss still counts): inf for
negative sampling and by default, word2vec.c's 6 with ``Settings.hs_skip``
(docs/derivations.md §6). The axpys of a skipped term still run (with 0): branching around
them cost sg + hs 9% with nothing skipped and won 5% with hs_skip (docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.numba.ops import inline, log_sigmoid


@inline
def logistic_term(sig, s, x, bound):
    """(coefficient, log σ(s x)) of one score: the term is -log σ(s x) (eqs 45, 95), minus its
    derivative in x is s (1 - σ(s x)) (eqs 55, 61, 107); 0 if |x| >= bound (skipped)."""
    p, log_p = log_sigmoid(sig, s * x)
    if abs(x) >= bound:
        return np.float32(0.0), log_p
    return s * (np.float32(1.0) - p), log_p


@inline
def logistic_block(W_in, W_out, contexts, m, targets, signs, n_t, sig, coef, grad_in, loss):
    """Scores of the (m x n_t) block, their coefficients ``coef`` (minus dL/dscore) and the
    input rows' gradients ``grad_in`` (minus dL/dv), all from the current rows; returns
    ``loss`` plus the block's loss. Four target rows at a time share each load of v (register
    blocking; its gain is in docs/benchmarks.md)."""
    d = W_in.shape[1]
    bound = signs[len(signs) - 1]
    for j in range(m):
        v = W_in[contexts[j]]
        gj = grad_in[j]
        gj[:] = 0.0
        full = n_t - n_t % 4
        for k in range(0, full, 4):
            u0, u1 = W_out[targets[k]], W_out[targets[k + 1]]
            u2, u3 = W_out[targets[k + 2]], W_out[targets[k + 3]]
            x0 = x1 = x2 = x3 = np.float32(0.0)
            for i in range(d):
                x0 += v[i] * u0[i]
                x1 += v[i] * u1[i]
                x2 += v[i] * u2[i]
                x3 += v[i] * u3[i]
            g0, l0 = logistic_term(sig, signs[k], x0, bound)
            g1, l1 = logistic_term(sig, signs[k + 1], x1, bound)
            g2, l2 = logistic_term(sig, signs[k + 2], x2, bound)
            g3, l3 = logistic_term(sig, signs[k + 3], x3, bound)
            loss -= l0 + l1 + l2 + l3
            coef[j, k], coef[j, k + 1], coef[j, k + 2], coef[j, k + 3] = g0, g1, g2, g3
            for i in range(d):
                gj[i] += g0 * u0[i] + g1 * u1[i] + g2 * u2[i] + g3 * u3[i]
        for k in range(full, n_t):
            u = W_out[targets[k]]
            x = np.float32(0.0)
            for i in range(d):
                x += v[i] * u[i]
            g, log_p = logistic_term(sig, signs[k], x, bound)
            loss -= log_p
            coef[j, k] = g
            for i in range(d):
                gj[i] += g * u[i]
    return loss


@inline
def block_update_outputs(W_in, W_out, contexts, m, targets, n_t, coef, lr):
    """Target rows += lr Σ_j coef[j, k] v_j, from the input rows not yet updated; four input
    rows at a time per pass over the target row."""
    d = W_in.shape[1]
    for k in range(n_t):
        u = W_out[targets[k]]
        full = m - m % 4
        for j in range(0, full, 4):
            v0, v1 = W_in[contexts[j]], W_in[contexts[j + 1]]
            v2, v3 = W_in[contexts[j + 2]], W_in[contexts[j + 3]]
            c0, c1 = lr * coef[j, k], lr * coef[j + 1, k]
            c2, c3 = lr * coef[j + 2, k], lr * coef[j + 3, k]
            for i in range(d):
                u[i] += c0 * v0[i] + c1 * v1[i] + c2 * v2[i] + c3 * v3[i]
        for j in range(full, m):
            v = W_in[contexts[j]]
            g = lr * coef[j, k]
            for i in range(d):
                u[i] += g * v[i]


@inline
def block_update_inputs(W_in, contexts, m, grad_in, lr, lock):
    """Input rows += lr lock[row] grad_in[j] (``Tables.lock``: 1 trains, 0 keeps the row); a
    context twice in the window gets both its terms."""
    d = W_in.shape[1]
    for j in range(m):
        v = W_in[contexts[j]]
        gj = grad_in[j]
        step = lr * lock[contexts[j]]
        for i in range(d):
            v[i] += step * gj[i]
