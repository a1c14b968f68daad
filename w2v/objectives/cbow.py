"""CBOW: the mean (or sum) of the context rows predicts the center, with NS or HS.

Equation numbers refer to ``docs/derivations.md``. One window has context positions
o_1..o_m (a word may fill several; m_w counts them) and center c:

- h = α Σ_j v_{o_j}, α = 1/m (mean, word2vec.c) or 1 (sum)           (eqs 70-72);
- NS: J = -log σ(u_cᵀh) - Σ_s log σ(-u_{k_s}ᵀh)                     (eq 73), which is the
  seed's negative-sampling loss with v_c -> h (``ns.neg_sampling_loss_and_gradient``);
- HS: J = J_hs(h, c) on the center's path                             (eq 115);
- the true input gradient is dJ/dv_w = α m_w dJ/dh                    (eqs 85, 117).

``cbow_*_loss_and_gradient`` return the true gradients (eq 118). ``word2vec_c_cbow_*_direction``
return the direction word2vec.c and gensim apply instead (eq 120): dJ/dh added once per context
position, that is m times the true input gradient with the mean and 1/m times with the sum
(eq 121); the output side is the same in both. All functions are pure and take no lr.
"""

from __future__ import annotations

import numpy as np

from w2v.objectives import hs, ns


def cbow_hidden(W_in, contexts, mean: bool = True):
    """h = (1/m) Σ_j v_{o_j} (eq 70), or Σ_j v_{o_j} with ``mean=False`` (eq 71).

    >>> cbow_hidden(np.array([[1.0, 0.0], [0.0, 2.0]]), [0, 1, 1]).tolist()
    [0.3333333333333333, 1.3333333333333333]
    """
    contexts = np.asarray(contexts)
    h = np.sum(W_in[contexts], axis=0)
    return h / len(contexts) if mean else h


def input_factor(m: int, mean: bool, rule: str) -> float:
    """The factor on dJ/dh that each context position's row receives in one step: α (the true
    gradient, eq 118: 1/m for the mean, 1 for the sum) or β (word2vec.c's rule, eq 120: 1 for
    the mean, 1/m for the sum). A word at m_w positions receives it m_w times.

    >>> input_factor(4, True, "gradient"), input_factor(4, True, "word2vec.c")
    (0.25, 1.0)
    """
    if rule not in ("gradient", "word2vec.c"):
        raise ValueError(f"unknown CBOW rule {rule!r}")
    return 1.0 / m if mean == (rule == "gradient") else 1.0


def _spread(grad_h, contexts, n_rows: int, scale: float):
    """The (n_rows, d) matrix whose row w is scale · m_w · grad_h (m_w = positions holding w)."""
    out = np.zeros((n_rows, grad_h.shape[0]), dtype=grad_h.dtype)
    np.add.at(out, np.asarray(contexts), scale * grad_h)  # once per position: repeats add
    return out


def context_gradient(grad_h, contexts, n_rows: int, mean: bool = True):
    """dJ/dW_in from dJ/dh: row w is α m_w dJ/dh (eq 85; mean and sum: eq 86), others 0 (eq 87)."""
    alpha = 1.0 / len(contexts) if mean else 1.0
    return _spread(grad_h, contexts, n_rows, alpha)


def _cbow(W_in, contexts, h_loss, mean: bool):
    """The chain rule through h (eq 85) around ``h_loss(h) -> (J, dJ/dh, dJ/d outputs)``.

    Returns (J, dJ/dh, dJ/dW_in, dJ/d outputs)."""
    h = cbow_hidden(W_in, contexts, mean)
    J, g_h, g_out = h_loss(h)
    return J, g_h, context_gradient(g_h, contexts, len(W_in), mean), g_out


def cbow_ns_loss_and_gradient(W_in, W_out, contexts, center, negatives, mean: bool = True,
                              ns_fn=ns.neg_sampling_loss_and_gradient):
    """CBOW with negative sampling (eq 73); returns (J, dJ/dW_in, dJ/dW_out), true gradients.

    - dJ/dh = -σ(-u_cᵀh) u_c + Σ_s σ(u_{k_s}ᵀh) u_{k_s}                 (eqs 74-77);
    - dJ/du_w = (-[w = c] σ(-u_wᵀh) + n_w σ(u_wᵀh)) h, a negative drawn n_w times counted
      n_w times (seed 001 h)                                               (eqs 78-82);
    - dJ/dv_w = α m_w dJ/dh: a context word at two positions gets both (eqs 83-87).

    ``ns_fn`` is the h-level loss (v, o, U, neg) -> (J, dJ/dv, dJ/dU); gradcheck injects wrong ones.
    """
    J, _, g_in, g_out = _cbow(W_in, contexts, lambda h: ns_fn(h, center, W_out, negatives), mean)
    return J, g_in, g_out


def cbow_hs_loss_and_gradient(W_in, U_inner, contexts, center, tree: hs.HuffmanTree,
                              mean: bool = True, hs_fn=hs.hs_loss_and_gradient):
    """CBOW with hierarchical softmax (eq 115): h predicts the center's path.

    Returns (J, dJ/dW_in, dJ/dU_inner): dJ/dh and the path rows by eq 116, the context rows by
    eq 117 (= eq 85). ``hs_fn`` has ``hs.hs_loss_and_gradient``'s signature.
    """
    nodes, bits = tree.path(center)
    J, _, g_in, g_U = _cbow(W_in, contexts, lambda h: hs_fn(h, nodes, bits, U_inner), mean)
    return J, g_in, g_U


def _word2vec_c(W_in, contexts, h_loss, mean: bool):
    """word2vec.c's direction (eq 120): β m_w dJ/dh on the context rows, β = 1 (mean) or 1/m."""
    h = cbow_hidden(W_in, contexts, mean)
    J, g_h, g_out = h_loss(h)
    beta = 1.0 if mean else 1.0 / len(contexts)
    return J, _spread(g_h, contexts, len(W_in), beta), g_out


def word2vec_c_cbow_ns_direction(W_in, W_out, contexts, center, negatives, mean: bool = True):
    """The (J, D_in, D_out) word2vec.c applies as W -= lr · D for CBOW with NS (eq 120).

    D_out is the true dJ/dW_out (eq 82). D_in row w is m_w dJ/dh with the mean (word2vec.c,
    gensim cbow_mean=1), m times the true gradient; with the sum it is (m_w/m) dJ/dh (gensim
    cbow_mean=0), 1/m times the true gradient (eq 121).
    """
    return _word2vec_c(
        W_in, contexts,
        lambda h: ns.neg_sampling_loss_and_gradient(h, center, W_out, negatives), mean)


def word2vec_c_cbow_hs_direction(W_in, U_inner, contexts, center, tree: hs.HuffmanTree,
                                 mean: bool = True):
    """The (J, D_in, D_inner) word2vec.c applies for CBOW with HS: eq 120 with eq 116's rows."""
    nodes, bits = tree.path(center)
    return _word2vec_c(W_in, contexts,
                       lambda h: hs.hs_loss_and_gradient(h, nodes, bits, U_inner), mean)
