"""Input side: fastText's CBOW with subwords. The window is ONE prediction, from the mean of ALL
the rows of all its context words' bags,

    h = (1/n) Σ_j Σ_{r ∈ G_{o_j}} v_r,    n = Σ_j |G_{o_j}|   (eq 129, docs/derivations.md §5),

as fastText's ``FastText::cbow`` concatenates the context words' ``getSubwords`` lists and
``Model::update`` averages them; then every one of those n rows (a row twice in the list, twice)
receives the whole step -lr dJ/dh, fastText's rule (eq 131; the true gradient is 1/n of it,
eq 130). With one row per token (the plain table) this is ``cbow`` with the mean and
word2vec.c's rule (eq 120) exactly. The same functions as ``rows`` (see there).
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import Settings, Tables
from w2v.kernels.numba import bag, block
from w2v.kernels.numba.bag import prefetch  # noqa: F401  (the inputs are the contexts' bags)
from w2v.kernels.numba.cbow import buffers  # noqa: F401  (one hidden row per window, as CBOW)
from w2v.kernels.numba.ops import inline

NAME = "CbowBag"


def params(tables: Tables, settings: Settings) -> tuple:
    """(offsets, rows, lock): the bags' CSR table and each row's lock factor, as ``bag``'s."""
    return bag.params(tables, settings)


@inline
def step(W_in, W_out, contexts, m, targets, signs, n_t, sig, lr, h, row0, coef, grad_h, params,
         loss):
    """Train the window; returns (loss plus the window's, 1 window)."""
    offsets, rows, lock = params
    h0 = h[0]
    h0[:] = 0.0
    n = 0
    for j in range(m):
        n += bag.add_bag(W_in, offsets, rows, contexts[j], h0)
    alpha = np.float32(1.0) / np.float32(n)
    for i in range(h0.shape[0]):
        h0[i] *= alpha
    loss = block.logistic_block(h, W_out, row0, 1, targets, signs, n_t, sig, coef, grad_h, loss)
    block.block_update_outputs(h, W_out, row0, 1, targets, n_t, coef, lr)
    for j in range(m):  # every row of every bag, once per occurrence
        bag.step_bag(W_in, offsets, rows, lock, contexts[j], grad_h[0], lr)
    return loss, 1
