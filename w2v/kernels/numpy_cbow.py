"""Numpy references of the CBOW kernels: ``numba_cbow`` step for step, on ``numpy_ref``'s walk.

The windows, their lr and (for NS) the K negatives of each window are exactly those of the
skip-gram references (``numpy_ref.walk``, the same splitmix64 streams and alias draws). Each
window is one prediction from h = α Σ_j v_{o_j} (eqs 70-72), evaluated in float64 from one
snapshot with the objectives' batched forms: ``ns.ns_batch_terms`` (eqs 73-82) or
``hs.hs_batch_terms`` (eqs 115-116). The target rows move by -lr dJ/du; each context position's
row by -lr · ``cbow.input_factor`` · dJ/dh: word2vec.c's rule (eq 120) unless
``Settings.cbow_rule`` is "gradient" (eq 118).
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import Settings, Tables, output_rows
from w2v.kernels.numpy_ref import alias_draws, splitmix64, walk, window_lrs
from w2v.objectives import cbow, hs, ns


class _CBOW:
    """The walk and the update shared by both losses; ``_terms(i, center, h, W_out)`` gives
    (loss, dJ/dh, target rows, dJ/d target rows) of window i."""

    nogil = False  # a Python loop: threads would only take turns

    def __init__(self, tables: Tables, settings: Settings):
        self.keep, self.window = tables.keep, settings.window
        self.mean, self.rule = bool(settings.cbow_mean), settings.cbow_rule

    def _prepare(self, w) -> None:
        """Per-segment draws the terms need (the NS negatives)."""

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        w = walk(ids, self.keep, self.window, seed)
        self._prepare(w)
        minus_lr = -window_lrs(w, lr_start, lr_end)  # the step is -lr * direction
        losses = np.empty(len(w.centers))
        for i, (a, b) in enumerate(zip(w.offsets.tolist(), w.offsets[1:].tolist())):
            ctx = w.contexts[a:b]
            m = len(ctx)
            h = W_in[ctx].astype(np.float64).sum(axis=0) / (m if self.mean else 1)  # eq 72
            loss, g_h, rows, g_rows = self._terms(i, int(w.centers[i]), h, W_out)
            np.add.at(W_out, rows, (minus_lr[i] * g_rows).astype(np.float32))
            step = minus_lr[i] * cbow.input_factor(m, self.mean, self.rule) * g_h
            np.add.at(W_in, ctx, np.tile(step.astype(np.float32), (m, 1)))  # once per position
            losses[i] = loss
        return float(losses.sum()), len(w.centers)


class CbowNS(_CBOW):
    """The numpy (cbow, ns) kernel: the specification of ``numba_cbow.CbowNS``."""

    def __init__(self, tables: Tables, settings: Settings):
        super().__init__(tables, settings)
        self.noise, self.negative = tables.noise, settings.negative
        self.output_rows = output_rows("ns", tables.vocab_size)

    def _prepare(self, w) -> None:
        K, n = self.negative, len(w.centers)
        self.negs = alias_draws(self.noise, splitmix64(w.neg_seed, 0, n * K)).reshape(n, K)

    def _terms(self, i, center, h, W_out):
        rows = np.concatenate(([center], self.negs[i]))
        u = W_out[rows].astype(np.float64)
        loss, g_h, g_pos, g_neg = ns.ns_batch_terms(h[None], u[:1], u[None, 1:])
        return loss[0], g_h[0], rows, np.concatenate((g_pos, g_neg[0]))


class CbowHS(_CBOW):
    """The numpy (cbow, hs) kernel: the specification of ``numba_cbow.CbowHS``."""

    def __init__(self, tables: Tables, settings: Settings):
        super().__init__(tables, settings)
        self.tree = tables.huffman
        self.output_rows = output_rows("hs", tables.vocab_size)

    def _terms(self, i, center, h, U_inner):
        nodes, bits = self.tree.path(center)
        loss, g_h, g_nodes = hs.hs_batch_terms(h[None], U_inner[nodes].astype(np.float64)[None],
                                               bits[None])
        return loss[0], g_h[0], nodes, g_nodes[0]
