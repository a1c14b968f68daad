"""The seed's equations: word2vec losses and their true gradients, as pure numpy functions.

Equation numbers refer to seed 000 (``shared/seeds/000_*.txt``, eqs 1-64); seed 001's question (h)
covers repeated negatives. Nothing here takes a learning rate or mutates its inputs: the kernels
apply ``-lr * grad``. Every function works in float64 when given float64.

Shapes. The seeds write U as a ``d x |V|`` matrix whose *columns* are the outside vectors
``u_w``. w2v stores the outside vectors as *rows*: ``W_out`` has shape ``(|V|, d)`` and
``W_out[w]`` is ``u_w``; likewise ``W_in[c]`` is the center vector ``v_c``. So the seed's
``U @ y`` is ``W_out.T @ y`` here, and its ``dJ/dU`` (d x |V|) is our ``grad_U.T``.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """σ(x) = 1 / (1 + e^-x), computed without overflow for large |x|."""
    x = np.asarray(x)
    return np.exp(-np.logaddexp(0, -x))


def log_sigmoid(x):
    """log σ(x) = -log(1 + e^-x), stable for any x."""
    return -np.logaddexp(0, -np.asarray(x))


def softmax(scores):
    """ŷ = softmax(scores) along the last axis, shifted by the max for stability."""
    z = scores - np.max(scores, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


# --------------------------------------------------------------------------- naive softmax


def naive_softmax_loss_and_gradient(v_c, o, U):
    """J = -log ŷ_o with ŷ = softmax(U v_c); returns (J, dJ/dv_c, dJ/dU as rows).

    - J = -u_oᵀv_c + log Σ_w exp(u_wᵀv_c)                       (eqs 6-8), equal to the
      cross-entropy -Σ_w y_w log ŷ_w with one-hot y                (eqs 1-5);
    - dJ/dv_c = U(ŷ - y)                                          (eq 18);
    - dJ/du_w = (ŷ_w - 1[w = o]) v_c                              (eqs 26, 33), i.e. the
      seed's dJ/dU = v_c (ŷ - y)ᵀ (eq 42), returned as rows (|V|, d).

    >>> U = np.zeros((3, 2)); J, g_v, g_U = naive_softmax_loss_and_gradient(np.ones(2), 0, U)
    >>> round(float(J), 6) == round(float(np.log(3)), 6)
    True
    """
    scores = U @ v_c
    loss = np.logaddexp.reduce(scores) - scores[o]  # eq 8 as a log-sum-exp
    delta = softmax(scores)
    delta[o] -= 1.0  # ŷ - y
    grad_v = U.T @ delta
    grad_U = np.outer(delta, v_c)
    return loss, grad_v, grad_U


# ------------------------------------------------------------------------ negative sampling


def neg_sampling_loss_and_gradient(v_c, o, U, neg):
    """J = -log σ(u_oᵀv_c) - Σ_s log σ(-u_{w_s}ᵀv_c); returns (J, dJ/dv_c, dJ/dU as rows).

    - dJ/dv_c = -(1 - σ(u_oᵀv_c)) u_o + Σ_s (1 - σ(-u_{w_s}ᵀv_c)) u_{w_s}   (eq 49);
    - dJ/du_o = -(1 - σ(u_oᵀv_c)) v_c                                      (eq 55);
    - dJ/du_{w_s} = (1 - σ(-u_{w_s}ᵀv_c)) v_c                              (eq 61).

    A word drawn k times among ``neg`` receives k times its gradient (seed 001, question h):
    the terms are scattered with ``np.add.at``, which adds repeated indices. A negative equal to
    ``o`` receives both its terms, as the loss says.
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


def softmax_batch_terms(v, U, o):
    """Naive softmax for B pairs from one snapshot: (loss (B,), dJ/dv (B, d), dJ/dU (|V|, d)).

    Rows of ``(ŷ - y)`` give eq 18 for each v and, summed over the batch, eq 42 for U.
    """
    scores = v @ U.T  # (B, |V|)
    delta = softmax(scores)
    rows = np.arange(len(o))
    loss = np.logaddexp.reduce(scores, axis=1) - scores[rows, o]
    delta[rows, o] -= 1.0
    return loss, delta @ U, delta.T @ v


# ------------------------------------------------------------------------------- skip-gram


def skipgram(center, contexts, W_in, W_out, loss_fn, negatives=None):
    """J_skip-gram = Σ_{j≠0} J(v_c, w_{t+j}, U) over one window; returns (J, dJ/dW_in, dJ/dW_out).

    The gradients are the sums of the per-context gradients (eqs 62, 63); every row of
    dJ/dW_in other than ``center`` is zero (eq 64). ``loss_fn`` is
    ``naive_softmax_loss_and_gradient`` or ``neg_sampling_loss_and_gradient``; for the latter,
    ``negatives[j]`` are the pinned negatives of the j-th context.
    """
    loss = 0.0
    grad_in = np.zeros_like(W_in)
    grad_out = np.zeros_like(W_out)
    v_c = W_in[center]
    for j, o in enumerate(contexts):
        extra = () if negatives is None else (negatives[j],)
        J, g_v, g_U = loss_fn(v_c, o, W_out, *extra)
        loss += J
        grad_in[center] += g_v
        grad_out += g_U
    return loss, grad_in, grad_out


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


def softmax_loss_batch(W_in, W_out, centers, contexts):
    """Summed naive-softmax loss and full gradients over many (center, context) pairs."""
    loss, g_v, g_U = softmax_batch_terms(W_in[centers], W_out, np.asarray(contexts))
    grad_in = np.zeros_like(W_in)
    np.add.at(grad_in, centers, g_v)
    return float(np.sum(loss, dtype=np.float64)), grad_in, g_U
