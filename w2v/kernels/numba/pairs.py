"""Input side: skip-gram one (context, center) pair at a time, in the window's order: word2vec.c's
and gensim's order (``Config.pairwise``). Each context is a block of one input row against the
window's targets (``block``), so each pair's scores see the target rows the pairs before it
moved (docs/derivations.md §7), where ``rows`` trains all the window's pairs from one snapshot.
The targets stay the window's: the center's path, or the center and the window's K negatives
(word2vec.c draws K for each pair). The other functions are ``rows``'s.
"""

from __future__ import annotations

from w2v.kernels.numba import block, rows
from w2v.kernels.numba.ops import inline

NAME = "SkipGramPairs"
params, buffers, prefetch = rows.params, rows.buffers, rows.prefetch


@inline
def step(W_in, W_out, contexts, m, targets, signs, n_t, sig, lr, hidden, slots, coef, grad_in,
         params, loss):
    """Train the window's m pairs in order; returns (loss plus the window's, m)."""
    for j in range(m):
        pair = contexts[j:]  # its first entry: this pair's context
        loss = block.logistic_block(W_in, W_out, pair, 1, targets, signs, n_t, sig, coef,
                                    grad_in, loss)
        block.block_update_outputs(W_in, W_out, pair, 1, targets, n_t, coef, lr)
        block.block_update_inputs(W_in, pair, 1, grad_in, lr, params[0])
    return loss, m
