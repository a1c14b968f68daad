"""The negative-sampling loss (seed eqs 44-61):

    J = -log σ(u_oᵀv_c) - Σ_{s=1..K} log σ(-u_{w_s}ᵀv_c)                    (eq 45)

with K negatives w_s drawn from the noise distribution P(w) ∝ count(w)^ns_exponent (0.75 by
default). The exponent chooses which w_s are drawn, not J's gradient given them, so gradcheck
holds the samples fixed; tests/test_ns_exponent.py checks the draws. Only K + 1 output rows get
a gradient.
A word drawn k times among the negatives gets k times its term (seed 001, question h), and a
negative equal to o gets both its terms: every scatter below adds repeated rows (``np.add.at``).
"""

from __future__ import annotations

import numpy as np

from w2v.objectives.common import log_sigmoid, sigmoid


def neg_sampling_loss_and_gradient(v_c, o, U, neg):
    """J = -log σ(u_oᵀv_c) - Σ_s log σ(-u_{w_s}ᵀv_c); returns (J, dJ/dv_c, dJ/dU as rows).

    - dJ/dv_c = -(1 - σ(u_oᵀv_c)) u_o + Σ_s (1 - σ(-u_{w_s}ᵀv_c)) u_{w_s}   (eq 49);
    - dJ/du_o = -(1 - σ(u_oᵀv_c)) v_c                                      (eq 55);
    - dJ/du_{w_s} = (1 - σ(-u_{w_s}ᵀv_c)) v_c                              (eq 61).

    A word drawn k times among ``neg`` receives k times its gradient (seed 001, question h):
    the terms are scattered with ``np.add.at``, which adds repeated indices. A negative equal to
    ``o`` receives both its terms, as the loss says.

    >>> U = np.zeros((3, 2)); J, g_v, g_U = neg_sampling_loss_and_gradient(np.ones(2), 0, U, [2, 2])
    >>> round(float(J), 6) == round(3 * float(np.log(2)), 6), g_U[2].tolist()
    (True, [1.0, 1.0])
    """
    neg = np.asarray(neg)
    loss, g_v, g_o, g_neg = ns_batch_terms(v_c[None], U[o][None], U[neg][None])
    grad_U = np.zeros_like(U)
    grad_U[o] += g_o[0]
    np.add.at(grad_U, neg, g_neg[0])
    return loss[0], g_v[0], grad_U


def ns_batch_terms(v, u_pos, u_neg):
    """Negative sampling on gathered rows, for B pairs at once, from one snapshot.

    v: (B, d) center vectors; u_pos: (B, d) outside vectors u_o; u_neg: (B, K, d) negatives.
    Returns (loss (B,), dJ/dv (B, d), dJ/du_o (B, d), dJ/du_neg (B, K, d)) by eqs 49, 55, 61;
    the caller scatters the row gradients (with ``np.add.at`` so repeats add up).

    The factors 1 - σ(x) are computed as σ(-x): the same number, but without the cancellation
    that rounds 1 - σ(x) to 0 once σ(x) is within float precision of 1.
    """
    pos = np.einsum("bd,bd->b", u_pos, v)
    negs = np.einsum("bkd,bd->bk", u_neg, v)
    loss = -log_sigmoid(pos) - np.sum(log_sigmoid(-negs), axis=1)
    a = -sigmoid(-pos)  # -(1 - σ(u_oᵀv_c)), eqs 49 and 55
    b = sigmoid(negs)  # 1 - σ(-u_{w_s}ᵀv_c), eqs 49 and 61
    g_v = a[:, None] * u_pos + np.einsum("bk,bkd->bd", b, u_neg)
    g_pos = a[:, None] * v
    g_neg = b[:, :, None] * v[:, None, :]
    return loss, g_v, g_pos, g_neg


def ns_loss_batch(W_in, W_out, centers, contexts, negatives):
    """Summed negative-sampling loss and full gradients over many (center, context, negatives)
    triples, all from one snapshot: the reference the training kernels are tested against."""
    loss, g_v, g_o, g_neg = ns_batch_terms(W_in[centers], W_out[contexts], W_out[negatives])
    grad_in = np.zeros_like(W_in)
    grad_out = np.zeros_like(W_out)
    np.add.at(grad_in, centers, g_v)
    np.add.at(grad_out, contexts, g_o)
    np.add.at(grad_out, np.ravel(negatives), g_neg.reshape(-1, W_out.shape[1]))
    return float(np.sum(loss, dtype=np.float64)), grad_in, grad_out
