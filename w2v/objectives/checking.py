"""The gradient checker's primitives, shared by ``gradcheck`` (the seed's losses) and
``gradcheck_extra`` (CBOW and hierarchical softmax), so that ``gradcheck`` can assemble the
whole ``w2v gradcheck`` table from both without an import cycle.

Error measure, per parameter block (v_c, u_o, the negatives' rows, all of U, ...):

    max_i |a_i - n_i| / (max_i |a_i| + max_i |n_i|)        (0 when both are 0)

the largest coordinate error relative to the block's largest entry. Dividing each coordinate by
its own magnitude instead would make finite-difference round-off (~1e-10 absolute) on entries
such as ŷ_w ≈ 1e-6 look like 1e-4 errors; scaling by the block keeps correct gradients near
1e-10 (below 1e-8 on every one of 200 seeds tried) while a flipped sign gives 1 and a missing
or miscounted term gives an error of the order of that term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Row:
    """One line of the table: which function, which parameter block, its error, the verdict."""

    function: str
    block: str
    error: float
    passed: bool


def numeric_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Centered finite differences of scalar f() w.r.t. x, which f reads (restored afterwards)."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat, g = x.reshape(-1), grad.reshape(-1)  # x must be contiguous: we edit it through flat
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = f()
        flat[i] = old - h
        minus = f()
        flat[i] = old
        g[i] = (plus - minus) / (2 * h)
    return grad


def relative_error(analytic, numeric) -> float:
    """max |a - n| / (max |a| + max |n|) over the block; 0 when both are all zero."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        return float("inf")  # a gradient of the wrong shape is wrong
    if a.size == 0:
        return 0.0
    scale = np.max(np.abs(a)) + np.max(np.abs(n))
    return float(np.max(np.abs(a - n)) / scale) if scale > 0 else 0.0


def check_gradient(f, x: np.ndarray, analytic: np.ndarray, h: float = 1e-5) -> float:
    """Max relative error (see ``relative_error``) of ``analytic`` against the centered
    differences of the scalar function f() with respect to the array x, which f reads.

    >>> x = np.array([1.0, 2.0]); f = lambda: float(np.sum(x ** 2))
    >>> check_gradient(f, x, 2 * x) < 1e-9, check_gradient(f, x, -2 * x) == 1.0
    (True, True)
    """
    return relative_error(analytic, numeric_gradient(f, x, h))
