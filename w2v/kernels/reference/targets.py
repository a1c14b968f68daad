"""Target sides of the numpy walk (``compose``): which output rows a window predicts and the
terms of its loss, from the objectives' equations in float64. Each is a class built from
(tables, settings) with ``output_rows``, ``prepare(walk)`` (per-segment draws),
``terms(i, center, H, W_out) -> (loss per input, dJ/dH, rows, dJ/d rows)`` and
``update(W_out, rows, minus_lr, g_rows)``. The specification of ``numba.ns`` and ``numba.hs``;
``Softmax`` has no compiled twin.
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import SKIP_BOUND, Settings, Tables, output_rows
from w2v.kernels.reference.walk import alias_draws, splitmix64
from w2v.objectives import hs, windows
from w2v.objectives.common import sigmoid


class NS:
    """The center and the window's K negatives, drawn from the negatives' stream in window
    order (``windows.ns_window_terms``, eqs 45, 55, 61)."""

    name = "NS"

    def __init__(self, tables: Tables, settings: Settings):
        self.noise, self.negative = tables.noise, settings.negative
        self.output_rows = output_rows("ns", tables.vocab_size)
        self.skip = settings.ns_skip  # gensim's rule: no step beyond ±SKIP_BOUND (eq 145)

    def prepare(self, w) -> None:
        K, n = self.negative, len(w.centers)
        self.negs = alias_draws(self.noise, splitmix64(w.neg_seed, 0, n * K)).reshape(n, K)

    def terms(self, i, center, H, W_out):
        rows = np.concatenate(([center], self.negs[i]))
        U = W_out[rows].astype(np.float64)
        loss, g_H, g_rows = windows.ns_window_terms(H, U)
        if self.skip:  # the center's bit 0 (s = +1), each negative's 1 (s = -1)
            g_H, g_rows = skipped_gradients(H, U, [0] + [1] * self.negative)
        return loss, g_H, rows, g_rows

    def update(self, W_out, rows, minus_lr, g_rows):
        np.add.at(W_out, rows, (minus_lr * g_rows).astype(np.float32))  # repeats add up


class HS:
    """The center's path in word2vec.c's Huffman tree (``hs.hs_window_terms``, eqs 111-113;
    with CBOW's one input, eq 115). With ``Settings.hs_skip``, a term whose score x has
    |x| >= ``SKIP_BOUND`` contributes its loss but no gradient (docs/derivations.md §6)."""

    name = "HS"

    def __init__(self, tables: Tables, settings: Settings):
        self.tree = tables.huffman
        self.output_rows = output_rows("hs", tables.vocab_size)
        self.skip = settings.hs_skip

    def prepare(self, w) -> None:
        pass

    def terms(self, i, center, H, W_out):
        nodes, bits = self.tree.path(center)
        U = W_out[nodes].astype(np.float64)
        loss, g_H, g_nodes = hs.hs_window_terms(H, U, bits)
        if self.skip:
            g_H, g_nodes = skipped_gradients(H, U, bits)
        return loss, g_H, nodes, g_nodes

    def update(self, W_out, rows, minus_lr, g_rows):
        W_out[rows] += (minus_lr * g_rows).astype(np.float32)  # a path's nodes differ


def skipped_gradients(H, U, bits):
    """dJ/dH and dJ/dU of eqs (112)-(113) with the terms of |x| >= ``SKIP_BOUND`` left out
    (eq 136): coefficient g = -s σ(-s x) (eq 107) where kept, else 0."""
    X = H @ U.T  # (m, L) scores
    s = np.where(np.asarray(bits) != 0, -1.0, 1.0)  # s_l = 1 - 2 d_l
    G = np.where(np.abs(X) < SKIP_BOUND, -s * sigmoid(-s * X), 0.0)
    return G @ U, G.T @ H


class Softmax:
    """Every input predicts the center through the full softmax (eqs 1-43,
    ``windows.softmax_window_terms``): the seed's objective on NS's windows, so the two train
    on the same pairs and the seed's question (e.ii) can be measured on equal terms. O(|V| d)
    per pair."""

    name = "Softmax"

    def __init__(self, tables: Tables, settings: Settings):
        self.output_rows = output_rows("softmax", tables.vocab_size)

    def prepare(self, w) -> None:
        pass

    def terms(self, i, center, H, W_out):
        loss, g_H, g_U = windows.softmax_window_terms(H, W_out, center)
        return loss, g_H, None, g_U

    def update(self, W_out, rows, minus_lr, g_rows):
        W_out += (minus_lr * g_rows).astype(np.float32)
