"""Input sides of the numpy walk (``compose``): which rows of ``W_in`` a window's inputs are, and
how -lr dJ/dH returns to them. Each is a class built from (tables, settings) with ``rows(W_in,
ctx) -> H`` (float64, one row per input), ``update(W_in, ctx, minus_lr, g_H)`` and ``count(ctx)``
(what the kernel counts: pairs or windows). Every row's step is multiplied by its lock factor
(``Tables.lock``: 1 trains, 0 keeps the row) before it is rounded to float32. The
specification of ``numba.rows``, ``numba.pairs``, ``numba.cbow``, ``numba.bag`` and
``numba.cbow_bag``.
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import Settings, Tables
from w2v.objectives import cbow


class ContextRows:
    """Skip-gram: each context's own row is an input (eqs 62, 111); a word twice in the window
    gets both its terms."""

    name = "SkipGram"

    def __init__(self, tables: Tables, settings: Settings):
        self.lock = tables.lock.astype(np.float64)

    def parts(self, ctx):
        """The window's blocks, trained in order: the whole window, from one snapshot."""
        return (ctx,)

    def rows(self, W_in, ctx):
        return W_in[ctx].astype(np.float64)

    def update(self, W_in, ctx, minus_lr, g_H):
        np.add.at(W_in, ctx, (minus_lr * self.lock[ctx, None] * g_H).astype(np.float32))

    def count(self, ctx) -> int:
        return len(ctx)


class ContextPairs(ContextRows):
    """Skip-gram one (context, center) pair at a time, in the window's order (word2vec.c's
    order, docs/derivations.md §7): each context is a block of its own, from the rows the pairs
    before it left."""

    name = "SkipGramPairs"

    def parts(self, ctx):
        return [ctx[j : j + 1] for j in range(len(ctx))]


class CbowHidden:
    """CBOW: one input, h = α Σ_j v_{o_j} (eqs 70-72, α = 1/m for the mean, 1 for the sum); each
    context position's row moves by -lr · ``cbow.input_factor`` · dJ/dh: word2vec.c's rule (eq
    120) unless ``Settings.cbow_rule`` is "gradient" (eq 118)."""

    name = "Cbow"

    def __init__(self, tables: Tables, settings: Settings):
        self.mean, self.rule = bool(settings.cbow_mean), settings.cbow_rule
        self.lock = tables.lock.astype(np.float64)

    parts = ContextRows.parts  # one block: the window's one prediction

    def rows(self, W_in, ctx):
        h = W_in[ctx].astype(np.float64).sum(axis=0) / (len(ctx) if self.mean else 1)  # eq 72
        return h[None]

    def update(self, W_in, ctx, minus_lr, g_H):
        m = len(ctx)
        step = minus_lr * cbow.input_factor(m, self.mean, self.rule) * g_H[0]
        steps = self.lock[ctx, None] * step[None]  # once per position
        np.add.at(W_in, ctx, steps.astype(np.float32))

    def count(self, ctx) -> int:
        return 1


class Bag:
    """fastText's skip-gram input: each context's input is the mean of its bag of rows
    (``Tables.bags``), and every row of the bag receives the whole step -lr dJ/dh."""

    name = "Bag"

    def __init__(self, tables: Tables, settings: Settings):
        self.offsets, self.bag_rows = tables.bags
        self.lock = tables.lock.astype(np.float64)

    parts = ContextRows.parts

    def _bag(self, o):
        return self.bag_rows[self.offsets[o] : self.offsets[o + 1]]

    def rows(self, W_in, ctx):
        return np.stack([W_in[self._bag(o)].astype(np.float64).mean(axis=0) for o in ctx])

    def update(self, W_in, ctx, minus_lr, g_H):
        sizes = [len(self._bag(o)) for o in ctx]
        flat = np.concatenate([self._bag(o) for o in ctx])
        steps = self.lock[flat, None] * np.repeat(minus_lr * g_H, sizes, axis=0)
        np.add.at(W_in, flat, steps.astype(np.float32))  # once per position

    def count(self, ctx) -> int:
        return len(ctx)


class CbowBag(Bag):
    """fastText's CBOW with subwords: one input, the mean of all rows of all the context words'
    bags (eq 129, repeats kept); every one of those rows receives the whole step -lr dJ/dh,
    once per occurrence (fastText's rule, eq 131)."""

    name = "CbowBag"

    def _flat(self, ctx):
        return np.concatenate([self._bag(o) for o in ctx])

    def rows(self, W_in, ctx):
        return W_in[self._flat(ctx)].astype(np.float64).mean(axis=0)[None]

    def update(self, W_in, ctx, minus_lr, g_H):
        flat = self._flat(ctx)
        steps = self.lock[flat, None] * (minus_lr * g_H[0])[None]
        np.add.at(W_in, flat, steps.astype(np.float32))

    def count(self, ctx) -> int:
        return 1
