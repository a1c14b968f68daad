"""Compiled block updates of one window, ``@njit(inline="always")`` like ``numba_ops``.

Every variant's window is one *logistic block*: input rows v_1..v_m against target rows
t_1..t_T, each score x = v_jᵀu_{t_k} a term -log σ(s_k x) of the window's loss with a sign s_k:

- negative sampling: targets = [center, K negatives], s = [+1, -1, ..., -1] (eq 45, ``ns_signs``);
- hierarchical softmax: targets = the center's path n_1..n_L in ``U_inner``, s_l = 1 - 2 d_l
  (eq 95, ``path_targets``);
- skip-gram: the m inputs are the context rows (eqs 62, 111); CBOW: one input row, the hidden
  vector h (eqs 70-72, ``cbow_hidden``), whose step is then spread over the context rows
  (``cbow_scatter``, eq 118 or 120).

``logistic_block`` computes every score, coefficient and input gradient from the rows as they
are (one snapshot), then ``block_update_outputs`` moves the target rows and
``block_update_inputs`` the input rows: -lr times the true gradient of the block's loss, a row
that occurs twice receiving each of its terms. A target row stays in cache for all m inputs.
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.numba_ops import inline, log_sigmoid, prefetch_row


@inline
def logistic_term(sig, s, x):
    """(coefficient, log σ(s x)) of one score: the term is -log σ(s x) (eqs 45, 95), minus its
    derivative in x is s (1 - σ(s x)) (eqs 55, 61, 107)."""
    p, log_p = log_sigmoid(sig, s * x)
    return s * (np.float32(1.0) - p), log_p


@inline
def logistic_block(W_in, W_out, contexts, m, targets, signs, n_t, sig, coef, grad_in, loss):
    """Scores of the (m x n_t) block, their coefficients ``coef`` (minus dL/dscore) and the
    input rows' gradients ``grad_in`` (minus dL/dv), all from the current rows; returns
    ``loss`` plus the block's loss. Four target rows at a time share each load of v (register
    blocking: 1.3-1.5x the speed of one at a time on (6 x 6) and (6 x 12) blocks)."""
    d = W_in.shape[1]
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
            g0, l0 = logistic_term(sig, signs[k], x0)
            g1, l1 = logistic_term(sig, signs[k + 1], x1)
            g2, l2 = logistic_term(sig, signs[k + 2], x2)
            g3, l3 = logistic_term(sig, signs[k + 3], x3)
            loss -= l0 + l1 + l2 + l3
            coef[j, k], coef[j, k + 1], coef[j, k + 2], coef[j, k + 3] = g0, g1, g2, g3
            for i in range(d):
                gj[i] += g0 * u0[i] + g1 * u1[i] + g2 * u2[i] + g3 * u3[i]
        for k in range(full, n_t):
            u = W_out[targets[k]]
            x = np.float32(0.0)
            for i in range(d):
                x += v[i] * u[i]
            g, log_p = logistic_term(sig, signs[k], x)
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
def block_update_inputs(W_in, contexts, m, grad_in, lr):
    """Input rows += lr grad_in[j]; a context twice in the window gets both its terms."""
    d = W_in.shape[1]
    for j in range(m):
        v = W_in[contexts[j]]
        gj = grad_in[j]
        for i in range(d):
            v[i] += lr * gj[i]


@inline
def ns_signs(negative):
    """[+1, -1, ..., -1]: label 1 for the center, 0 for each of the K negatives (eq 45)."""
    signs = np.full(negative + 1, np.float32(-1.0), dtype=np.float32)
    signs[0] = 1.0
    return signs


@inline
def path_targets(center, points, codes, lengths, targets, signs):
    """The center's path into ``targets`` (inner nodes n_1..n_L) and ``signs`` (1 - 2 d_l,
    eq 95); returns L."""
    n = lengths[center]
    for j in range(n):
        targets[j] = points[center, j]
        signs[j] = np.float32(1.0) - np.float32(2.0) * np.float32(codes[center, j])
    return n


@inline
def prefetch_next_path(W_in, U_inner, points, lengths, kept, m_kept, t, window):
    """Prefetch the inner-node rows of the next center's path below the top three levels (those
    are shared by most paths and stay in cache) and the input row of its newest context."""
    if t + 1 < m_kept and kept[t + 1] >= 0:
        nxt = kept[t + 1]
        for j in range(3, lengths[nxt]):
            prefetch_row(U_inner, points[nxt, j])
    if t + window + 1 < m_kept and kept[t + window + 1] >= 0:
        prefetch_row(W_in, kept[t + window + 1])


@inline
def cbow_hidden(W_in, contexts, m, alpha, h):
    """h = α Σ_j v_{o_j} (eq 72): α = 1/m for the mean (eq 70), 1 for the sum (eq 71)."""
    h[:] = 0.0
    for j in range(m):
        v = W_in[contexts[j]]
        for i in range(h.shape[0]):
            h[i] += v[i]
    for i in range(h.shape[0]):
        h[i] *= alpha


@inline
def cbow_input_scale(m, mean, true_gradient):
    """The factor on -dJ/dh that each context *position* receives. word2vec.c's rule (eq 120):
    1 with the mean, 1/m with the sum (gensim's cbow_mean=0). The true gradient (eq 118): 1/m
    with the mean, 1 with the sum. A word at m_w positions receives it m_w times (eq 85)."""
    if mean == true_gradient:
        return np.float32(1.0) / np.float32(m)
    return np.float32(1.0)


@inline
def cbow_scatter(W_in, contexts, m, step, scale):
    """v_{o_j} += scale · step for every context position j (repeats get each of theirs)."""
    for j in range(m):
        v = W_in[contexts[j]]
        for i in range(step.shape[0]):
            v[i] += scale * step[i]
