"""The one numpy walk over windows, composed from an input side and a target side: the
specification of ``numba.compose``, step for step.

For each window of ``walk.walk`` (the same streams, subsampling and radii as the compiled
kernel), in order, from the rows the previous window left, and for each of its blocks in order
(``parts``: the whole window, or each pair with ``inputs.ContextPairs``):

1. the input side gives the window's input rows H in float64 (``inputs``: each context's row,
   CBOW's hidden row, or each context's bag mean);
2. the target side gives the loss, dJ/dH and the gradient of its target rows from one snapshot
   with the objectives' equations (``targets``: NS, HS or the full softmax);
3. the target rows move by -lr times their gradient, then the input side spreads -lr dJ/dH
   over ``W_in``.

Each window's update is in float64 and rounded to float32 once; the tests hold the compiled
kernels equal to these (to float32 tolerance: the compiled ones compute in float32 with a
sigmoid table) and these equal to a naive Python loop.
"""

from __future__ import annotations

import numpy as np

from w2v.kernels.base import Settings, Tables
from w2v.kernels.reference.walk import walk, window_lrs


class ReferenceKernel:
    """A composed numpy kernel (``base.Kernel``); ``kernel(inputs, targets)`` makes the class of
    one composition. ``inputs`` and ``targets`` are side classes built from the same tables and
    settings."""

    nogil = False  # a Python loop: threads would only take turns
    inputs = targets = None  # the side classes, set by ``kernel``

    def __init__(self, tables: Tables, settings: Settings):
        self.keep, self.window = tables.keep, settings.window
        self.input_side = self.inputs(tables, settings)
        self.target_side = self.targets(tables, settings)
        self.output_rows = self.target_side.output_rows

    def needs_compile(self) -> bool:
        return False

    def train_segment(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        w = walk(ids, self.keep, self.window, seed)
        inputs, targets = self.input_side, self.target_side
        targets.prepare(w)
        minus_lr = -window_lrs(w, lr_start, lr_end)  # the step is -lr * gradient
        losses = np.empty(len(w.centers))
        count = 0
        for i, (a, b) in enumerate(zip(w.offsets.tolist(), w.offsets[1:].tolist())):
            ctx = w.contexts[a:b]
            losses[i] = sum(self._block(i, int(w.centers[i]), part, minus_lr[i], W_in, W_out)
                            for part in inputs.parts(ctx))
            count += inputs.count(ctx)
        return float(losses.sum()), count

    def _block(self, i, center, ctx, minus_lr, W_in, W_out) -> float:
        """Steps 1-3 for the inputs ``ctx`` of window i; returns their loss."""
        H = self.input_side.rows(W_in, ctx)
        loss, g_H, rows, g_rows = self.target_side.terms(i, center, H, W_out)
        self.target_side.update(W_out, rows, minus_lr, g_rows)
        self.input_side.update(W_in, ctx, minus_lr, g_H)
        return loss.sum()


def kernel(inputs, targets) -> type:
    """The kernel class of ``inputs`` and ``targets`` (side classes), e.g. ``SkipGramNS``."""
    return type(inputs.name + targets.name, (ReferenceKernel,),
                {"inputs": inputs, "targets": targets, "__module__": __name__})
