"""Skip-gram windows: a window's loss is the sum of its pairs' losses (seed eqs 62-64), and
the one statement of how the seed's direction relates to the kernels'.

**The seed's direction.** The center c's input row v_c = W_in[c] predicts each context o through
u_o = W_out[o]: J_skip-gram = Σ_{j≠0} J(v_c, w_{t+j}, U) (``skipgram``, eqs 62-64).

**The kernels' direction** (word2vec.c's, and every w2v kernel's): each context o_j's input row
v_{o_j} = W_in[o_j] predicts the center c through u_c = W_out[c]. A pair (o_j -> c) is the
seed's J(v_c, o, U) with its roles renamed, v_c := W_in[o_j] and o := c, so every equation of
``softmax.py`` and ``ns.py`` applies unchanged; ``kernel_pairs`` writes the renaming out. With
negative sampling the window's K negatives n_1..n_K are drawn once and shared by its m pairs
(Ji et al. 2016's HogBatch), so the window's loss is eq 45 summed over the pairs (eq 62):

    L = Σ_j [ -log σ(u_cᵀv_{o_j}) - Σ_k log σ(-u_{n_k}ᵀv_{o_j}) ]

and its gradient is eqs 49, 55 and 61 summed over j (``ns_window_terms``):

    ∂L/∂v_{o_j} = (σ(u_cᵀv_{o_j}) - 1) u_c + Σ_k σ(u_{n_k}ᵀv_{o_j}) u_{n_k}
    ∂L/∂u_c     = Σ_j (σ(u_cᵀv_{o_j}) - 1) v_{o_j}
    ∂L/∂u_{n_k} = Σ_j σ(u_{n_k}ᵀv_{o_j}) v_{o_j}

Over a corpus both directions train the same (input, output) pairs in distribution: two words
at distance j form a pair in each order, each with probability (window - j + 1) / window,
whichever of them is the center. What the kernels' direction buys is that a window's m pairs
share their K + 1 output rows: one (m x (K + 1)) block of scores whose output rows stay in cache.
"""

from __future__ import annotations

import numpy as np


def skipgram(center, contexts, W_in, W_out, loss_fn, negatives=None):
    """J_skip-gram = Σ_{j≠0} J(v_c, w_{t+j}, U) over one window; returns (J, dJ/dW_in, dJ/dW_out).

    The seed's direction. The gradients are the sums of the per-context gradients (eqs 62, 63);
    every row of dJ/dW_in other than ``center`` is zero (eq 64). ``loss_fn`` is
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


def kernel_pairs(center, contexts, negatives=None):
    """A kernel window in the seed's variables: (seed centers, seed outside words, negatives).

    Each context is a seed "center" (its W_in row is v_c) and the window's center is every pair's
    outside word o; the shared negatives are repeated for every pair. Feed the result to
    ``ns.ns_loss_batch`` or ``softmax.softmax_loss_batch`` for the window's loss and gradients.

    >>> inputs, outputs, negs = kernel_pairs(5, [4, 6], [1, 2, 2])
    >>> inputs.tolist(), outputs.tolist(), negs.tolist()
    ([4, 6], [5, 5], [[1, 2, 2], [1, 2, 2]])
    """
    inputs = np.asarray(contexts, dtype=np.int64)
    outputs = np.full(len(inputs), center, dtype=np.int64)
    if negatives is None:
        return inputs, outputs, None
    negs = np.tile(np.asarray(negatives, dtype=np.int64), (len(inputs), 1))
    return inputs, outputs, negs


def ns_window_terms(v, u_targets):
    """The kernels' window with shared negatives, on gathered rows, from one snapshot.

    v: (m, d) input rows of the window's contexts; u_targets: (K + 1, d) output rows, the
    center's first and then the K negatives'. Returns (loss (m,), ∂L/∂v (m, d),
    ∂L/∂u_targets (K + 1, d)) of the module docstring's L; the caller scatters the row
    gradients with ``np.add.at``, so a negative drawn twice, or equal to the center, gets each
    of its terms. It equals ``ns.ns_batch_terms`` with the target rows repeated for every pair,
    summed over the pairs (eq 62); the factors 1 - σ(x) are computed as σ(-x), as there.

    >>> loss, g_v, g_u = ns_window_terms(np.zeros((2, 3)), np.ones((4, 3)))
    >>> loss.round(6).tolist() == [round(4 * float(np.log(2)), 6)] * 2, g_u.shape
    (True, (4, 3))
    """
    # z = -x for the center and x for a negative, so every term of L is -log σ(-z) (eq 45),
    # which is log(1 + e^z), and dL/dz is σ(z) = exp(z - log(1 + e^z)): -(1 - σ(x)) = -σ(-x)
    # for the center (eq 55) and 1 - σ(-x) = σ(x) for a negative (eq 61).
    z = v @ u_targets.T  # (m, K + 1) scores x
    z[:, 0] *= -1.0
    terms = np.logaddexp(0.0, z)
    coef = np.exp(z - terms)
    coef[:, 0] *= -1.0  # dL/dx = -dL/dz for the center
    return terms.sum(axis=1), coef @ u_targets, coef.T @ v


def softmax_window_terms(v, W_out, center):
    """The kernels' window with the naive softmax: every context's input row predicts the
    center through the full softmax (eqs 1-43 renamed as above). v: (m, d) input rows;
    returns (loss (m,), ∂L/∂v (m, d), ∂L/∂W_out (|V|, d)).

    It equals ``softmax.softmax_batch_terms`` with o = center for every row, but computes the
    shifted exponentials once for both ŷ and the loss's log-sum-exp (eq 8) instead of a
    ``logaddexp`` reduction, and converts W_out to v's dtype once, so the matrix products run
    in BLAS: about half the time per window.

    >>> loss, g_v, g_U = softmax_window_terms(np.ones((2, 2)), np.zeros((4, 2)), 3)
    >>> loss.round(6).tolist() == [round(float(np.log(4)), 6)] * 2, g_U.shape
    (True, (4, 2))
    """
    U = np.asarray(W_out, dtype=v.dtype)
    z = v @ U.T  # (m, |V|) scores u_wᵀv_{o_j}
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    total = e.sum(axis=1, keepdims=True)
    loss = np.log(total[:, 0]) - z[:, center]  # eq 8: log Σ_w exp(u_wᵀv) - u_cᵀv
    delta = e / total  # ŷ
    delta[:, center] -= 1.0  # ŷ - y
    return loss, delta @ U, delta.T @ v  # eqs 18 and 42
