"""The naive-softmax loss (seed eqs 1-43): J = -log ŷ_o with ŷ = softmax(U v_c).

Every output row gets a gradient, so a step costs O(|V| d) per pair: the cost negative sampling
(``ns.py``) avoids, as the seed's question (e.ii) says.
"""

from __future__ import annotations

import numpy as np

from w2v.objectives.common import softmax


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


def softmax_batch_terms(v, U, o):
    """Naive softmax for B pairs from one snapshot: (loss (B,), dJ/dv (B, d), dJ/dU (|V|, d)).

    Rows of ``(ŷ - y)`` give eq 18 for each v and, summed over the batch, eq 42 for U.

    >>> loss, g_v, g_U = softmax_batch_terms(np.ones((2, 2)), np.zeros((4, 2)), np.array([0, 3]))
    >>> loss.round(6).tolist() == [round(float(np.log(4)), 6)] * 2, g_U.shape
    (True, (4, 2))
    """
    scores = v @ U.T  # (B, |V|)
    delta = softmax(scores)
    rows = np.arange(len(o))
    loss = np.logaddexp.reduce(scores, axis=1) - scores[rows, o]
    delta[rows, o] -= 1.0
    return loss, delta @ U, delta.T @ v


def softmax_loss_batch(W_in, W_out, centers, contexts):
    """Summed naive-softmax loss and full gradients over many (center, context) pairs."""
    loss, g_v, g_U = softmax_batch_terms(W_in[centers], W_out, np.asarray(contexts))
    grad_in = np.zeros_like(W_in)
    np.add.at(grad_in, centers, g_v)
    return float(np.sum(loss, dtype=np.float64)), grad_in, g_U
