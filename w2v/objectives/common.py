"""σ, log σ and softmax, shared by the losses; stable for any input, float64 in float64 out.

>>> float(sigmoid(0.0)), float(log_sigmoid(-1000.0)), softmax(np.zeros(4)).tolist()
(0.5, -1000.0, [0.25, 0.25, 0.25, 0.25])
"""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """σ(x) = 1 / (1 + e^-x), computed without overflow for large |x|."""
    x = np.asarray(x)
    return np.exp(-np.logaddexp(0, -x))


def log_sigmoid(x):
    """log σ(x) = -log(1 + e^-x), stable for any x."""
    return -np.logaddexp(0, -np.asarray(x))


def softmax(scores):
    """ŷ = softmax(scores) along the last axis, shifted by the max for stability."""
    z = scores - np.max(scores, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
